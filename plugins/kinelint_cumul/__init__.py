"""kinelint's CUM rules: acts, indemnities, travel fees and majorations that may not be billed together or there."""

from __future__ import annotations

from operator import attrgetter

from kinelint.hookspecs import hookimpl
from kinelint.rulekit import billed

from kinelint_cumul import acts, checks
from kinelint_cumul.rules import RULES

# Per act Line base (Day, letter, coefficient, bdk): "B" for a BDK, "T" for an act that, alone in its
# session beside BDKs, leaves the act checks nothing to say (``acts.lone_treatment``), False otherwise.
ACTS = "CUM acts"
# Per session with fees, by everything the fee checks read (its Day: the fee groups and facts; whether it is
# at home; its fee codes): (nothing to say, a specific indemnity at home).
FEE_SESSIONS = "CUM fee sessions"
# Per home visit with a specific indemnity, by everything the act checks read then (its Day, fee codes, and
# its acts' Line bases: letter, coefficient, bdk): True when they find nothing.
SPECIFIC_VISITS = "CUM specific visits"
_SESSION, _CODE = attrgetter("session_index"), attrgetter("code")


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    if _nothing_to_say(invoice, nomenclature):
        return []  # nearly every invoice
    return [*checks.check_invoice(invoice, nomenclature), *acts.check_invoice(invoice, nomenclature)]


def _nothing_to_say(invoice, nomenclature) -> bool:
    """Every session has one act besides BDKs, a lone treatment, and each session with fees is known clean."""
    lines = billed(invoice, nomenclature)
    memo = lines.verdicts[ACTS]
    verdicts = list(map(memo.get, lines.act_bases))
    if None in verdicts:
        verdicts = [memo.remember(base, _act_verdict(act, base)) if verdict is None else verdict
                    for act, base, verdict in zip(lines.acts, lines.act_bases, verdicts)]
    if not all(verdicts):
        return False
    sessions = invoice.sessions
    if "B" in verdicts:  # the sessions of the acts other than BDKs: each session exactly once, in order
        treated = [act.session_index for act, verdict in zip(lines.acts, verdicts) if verdict == "T"]
    else:
        treated = list(map(_SESSION, lines.acts))
    if treated != list(range(len(sessions))):
        return False
    if not lines.fees:
        return True
    bases, starts = lines.act_bases, lines.starts
    fee_sessions, specific_visits = lines.verdicts[FEE_SESSIONS], lines.verdicts[SPECIFIC_VISITS]
    for index, session in enumerate(sessions):
        if session.fees:
            day = lines.days[index]
            codes = tuple(map(_CODE, session.fees))
            key = (day, session.place == "domicile", codes)
            quiet, specific = fee_sessions.get(key) or fee_sessions.remember(
                key, _fee_verdict(session, day, nomenclature))
            if not quiet:
                return False
            if specific:
                key = (day, codes, *bases[starts[index]:starts[index + 1]])
                clean = specific_visits.get(key)
                if clean is None:
                    clean = specific_visits.remember(key, _acts_clean(session, day, nomenclature))
                if not clean:
                    return False
    return True


def _act_verdict(act, base):
    return "B" if act.bdk else "T" if acts.lone_treatment(act, base.day) else False


def _fee_verdict(session, day, nomenclature) -> tuple[bool, bool]:
    """(the fee checks find nothing, a specific indemnity at home: the act checks then look at the acts).
    Otherwise the act checks find nothing in a session of one lone treatment beside BDKs."""
    quiet = not any(True for _ in checks.check_session(session, nomenclature))
    at_home = session.place == "domicile"
    return quiet, at_home and any(nomenclature.fee_group(fee.code) == "specific" for fee in session.fees)


def _acts_clean(session, day, nomenclature) -> bool:
    bilans = []
    return not any(True for _ in acts.check_session(session, day, nomenclature, bilans)) and not bilans


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
