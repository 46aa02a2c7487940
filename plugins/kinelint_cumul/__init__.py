"""kinelint's CUM rules: acts, indemnities, travel fees and majorations that may not be billed together or there."""

from __future__ import annotations

from operator import attrgetter

from kinelint.hookspecs import hookimpl
from kinelint.rulekit import Verdicts, billed

from kinelint_cumul import acts, checks
from kinelint_cumul.rules import RULES

# Per act Line base (Day, letter, coefficient, bdk): "B" for a BDK, "T" for an act that, alone in its
# session beside BDKs, leaves the act checks nothing to say (``acts.lone_treatment``), False otherwise.
_acts = Verdicts()
# Per session with fees, by everything the session checks read (its Day, place, fee codes, and its acts'
# Line bases: letter, coefficient, bdk): True when neither the fee nor the act checks find anything.
_sessions_with_fees = Verdicts()
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
    get = _acts.get
    verdicts = list(map(get, lines.act_bases))
    if None in verdicts:
        verdicts = [_act_verdict(act, base) if verdict is None else verdict
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
    for index, session in enumerate(sessions):
        if session.fees:
            day = lines.days[index]
            key = (day, session.place, *map(_CODE, session.fees), None, *bases[starts[index]:starts[index + 1]])
            clean = _sessions_with_fees.get(key)
            if clean is None:
                clean = _sessions_with_fees.remember(key, _session_clean(session, day, nomenclature))
            if not clean:
                return False
    return True


def _act_verdict(act, line):
    verdict = "B" if act.bdk else "T" if acts.lone_treatment(act, line.day) else False
    return _acts.remember(line, verdict)


def _session_clean(session, day, nomenclature) -> bool:
    bilans = []
    found = [*checks.check_session(session, nomenclature), *acts.check_session(session, day, nomenclature, bilans)]
    return not found and not bilans
