"""The DIR checks, on an invoice whose care is in direct access: one finding per rule and invoice."""

from __future__ import annotations

from collections.abc import Iterator

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.nomenclature.access import direct_access_on
from kinelint.rulekit import ruling, session_label

from kinelint_direct.rules import OUTSIDE_ALLOWED_STRUCTURE, SESSIONS_PAST_LIMIT

_NOT_JUDGED = frozenset({"cpts"})  # allowed only in the departments of an experiment the invoice does not name


def check_invoice(invoice) -> Iterator[Violation]:
    past = [(session, rule) for session in invoice.sessions
            if (rule := direct_access_on(session.date)) is not None and not invoice.direct_access.prior_diagnosis
            and session.number > rule.sessions_without_diagnosis]
    if past:
        session, rule = past[0]
        yield ruling(SESSIONS_PAST_LIMIT.code, msg(
            "{where}: in direct access without a prior medical diagnosis, {count} session(s) of this invoice are past "
            "the {limit} direct access allows; from session {next} the care needs a medical prescription",
            where=session_label(session), count=len(past), limit=rule.sessions_without_diagnosis,
            next=rule.sessions_without_diagnosis + 1), session.pointer + "/number", facts=[rule.fact])
    yield from _structure(invoice)


def _structure(invoice) -> Iterator[Violation]:
    structure = invoice.structure
    if structure is None or structure in _NOT_JUDGED:
        return
    for session in invoice.sessions:
        rule = direct_access_on(session.date)
        if rule is None:
            yield Violation(OUTSIDE_ALLOWED_STRUCTURE.code, msg(
                "{where}: care in direct access before direct access was in force; this session needs a medical "
                "prescription", where=session_label(session)), session.pointer + "/date", severity="warning")
            return
        if structure not in rule.structures:
            yield ruling(OUTSIDE_ALLOWED_STRUCTURE.code, msg(
                "{where}: care in direct access by a practitioner whose structure is '{structure}'; direct access is "
                "allowed only in coordinated care (maison or centre de santé, équipe de soins primaires or "
                "spécialisés, établissement de santé or médico-social)", where=session_label(session),
                structure=structure), "/practitioner/structure", facts=[rule.fact])
            return
