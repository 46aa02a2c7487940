"""The DAP checks: each act's reference threshold, asked of the nomenclature on the session's date.

One finding per act and invoice, at the first session that needs the
approval, naming how many of the invoice's sessions do: an invoice of ten
sessions past a threshold is one fault (no approval recorded), not ten.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.rulekit import billed, named_act, ruling, session_label

from kinelint_approval.rules import GRANTED_BEFORE_REQUESTED, MISSING_APPROVAL, REQUESTED_AFTER_SESSION


# Per act Line base (Day, letter, coefficient, bdk): one more than the session number past which the act
# needs prior approval (its reference threshold + 1: never 0, so a missing verdict is the only falsy one),
# NEVER when it never does (a BDK, an act without a threshold, or unknown). Integers only: compared in C.
THRESHOLDS = "DAP thresholds"
NEVER = 1 << 62
_NUMBER = attrgetter("number")


def nothing_to_say(invoice, nomenclature) -> bool:
    """True when ``check_invoice`` finds nothing: no act's threshold is below the invoice's highest session
    number, and the approval's dates are in order (nearly every invoice: one lookup per act)."""
    approval = invoice.prior_approval
    if approval is not None and approval.granted_on is not None and approval.granted_on < approval.requested_on:
        return False
    lines = billed(invoice, nomenclature)
    keys, thresholds = lines.act_bases, lines.verdicts[THRESHOLDS]
    after = list(map(thresholds.get, keys))
    if not all(after):
        after = [found or thresholds.remember(base, _threshold_of(act, base))
                 for act, base, found in zip(lines.acts, keys, after)]
    return not after or min(after) > max(map(_NUMBER, invoice.sessions))


def _threshold_of(act, base) -> int:
    known = None if act.bdk else base.day.act(act.letter, act.coefficient)
    return NEVER if known is None or known.prior_approval is None else known.prior_approval + 1


def check_invoice(invoice, nomenclature) -> Iterator[Violation]:
    approval = invoice.prior_approval
    if approval is not None and approval.granted_on is not None and approval.granted_on < approval.requested_on:
        yield Violation(
            GRANTED_BEFORE_REQUESTED.code,
            msg("the prior approval is granted on {granted}, before it was requested on {requested}; the dates are "
                "swapped or mistyped", granted=approval.granted_on, requested=approval.requested_on),
            approval.pointer + "/granted_on")
    needing = _sessions_needing_approval(invoice, nomenclature)
    for known, sessions in needing.values():
        if approval is None:
            yield _missing(known, sessions)
        else:
            early = [(session, act) for session, act in sessions if session.date < approval.requested_on]
            if early:
                yield _requested_late(known, early, approval.requested_on)


def _sessions_needing_approval(invoice, nomenclature) -> dict:
    """Per catalogue act with a threshold (by name: one act, whatever day it was asked on): the act and
    the (session, billed act) pairs past its threshold, in invoice order."""
    needing: dict = {}
    on, territory = nomenclature.on, invoice.territory
    for session in invoice.sessions:
        day = on(session.date, territory)
        lowest = _lowest_thresholds.get(day)
        if lowest is None:  # once per Day (a few dozen a run): any date of its epoch has the same acts
            if len(_lowest_thresholds) > 1024:  # Days of nomenclatures built and dropped (API callers): bounded
                _lowest_thresholds.clear()
            lowest = _lowest_thresholds[day] = _lowest_by_letter(nomenclature.acts_on(session.date))
        for act in session.acts:
            threshold = lowest.get(act.letter)
            if threshold is None or session.number <= threshold or act.bdk:
                continue  # most acts: no act of their letter needs approval yet at this session number
            known = day.act(act.letter, act.coefficient)
            if known is None or known.prior_approval is None or session.number <= known.prior_approval:
                continue
            needing.setdefault(known.name, (known, []))[1].append((session, act))
    return needing


def _lowest_by_letter(acts) -> dict[str, int]:
    lowest: dict[str, int] = {}
    for act in acts:
        if act.prior_approval is not None:
            lowest[act.letter] = min(act.prior_approval, lowest.get(act.letter, act.prior_approval))
    return lowest


# Day -> per letter, the lowest reference threshold of its acts that day (RSC: 0, RIC: 10, RAM: 15...):
# below it no act of the letter needs approval, and the act is not even looked up.
_lowest_thresholds: dict = {}


def _threshold(known) -> str:
    if known.prior_approval == 0:
        return msg("{act} needs prior approval before its first session", act=named_act(known))
    return msg("{act} has a reference situation: from session {number} on, prior approval of the medical service "
               "is needed", act=named_act(known), number=known.prior_approval + 1)


def _which(sessions) -> str:
    numbers = [session.number for session, _ in sessions]
    if len(numbers) == 1:
        return msg("this session")
    return msg("{count} sessions of this invoice ({first} to {last})", count=len(numbers), first=numbers[0],
               last=numbers[-1])


def _missing(known, sessions) -> Violation:
    session, act = sessions[0]
    return ruling(
        MISSING_APPROVAL.code,
        msg("{where}: {threshold}; {which} need(s) it and the invoice records none: request it (accord préalable) "
            "and record it as prescription.prior_approval", where=session_label(session), threshold=_threshold(known),
            which=_which(sessions)),
        act.pointer, facts=[known.fact])


def _requested_late(known, sessions, requested_on) -> Violation:
    session, act = sessions[0]
    return ruling(
        REQUESTED_AFTER_SESSION.code,
        msg("{where}: {threshold}; the approval was requested on {requested}, after {which} that need(s) it: the "
            "request comes before the sessions it covers", where=session_label(session), threshold=_threshold(known),
            requested=requested_on, which=_which(sessions)), act.pointer, facts=[known.fact])
