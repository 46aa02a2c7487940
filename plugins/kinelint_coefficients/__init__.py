"""COE: coefficients that are not in force for their act on the date of care.

The nomenclature says, for a letter, a coefficient and a date, whether the
coefficient is valid, superseded, early or never existed; this plugin words
the answer. It stays silent where another family owns the fault: a letter
that is not in force (OBS), a deleted act such as RPE 6 (OBS), and the bilan
diagnostic kinésithérapique (BDK).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kinelint.hookspecs import hookimpl
from kinelint.i18n import Joined, msg
from kinelint.rulekit import ruling, session_label

from .rules import EARLY_COEFFICIENT, RULES, SUPERSEDED_COEFFICIENT, UNKNOWN_COEFFICIENT

STEP = Decimal("0.01")
MAX_LISTED = 8


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    for session in invoice.sessions:
        day = nomenclature.on(session.date, invoice.territory)
        for act in session.acts:
            if act.bdk or day.letter_status(act.letter).state != "in_force":
                continue
            status = day.coefficient_status(act.letter, act.coefficient)
            if status.state == "valid":  # nearly every act: nothing to word
                continue
            message = _describe(status, act, session.date)
            if message is not None:
                code, text = message
                yield ruling(code, msg("{where}: {text}", where=session_label(session), text=text),
                             act.pointer + "/coefficient", [status.fact])


def _describe(status, act, on):
    """(code, message) for a coefficient not in force, or None when COE has nothing to say."""
    billed = msg("{letter} {coefficient}", letter=act.letter, coefficient=act.coefficient)
    if status.state == "superseded":
        return SUPERSEDED_COEFFICIENT.code, _superseded(status, act, billed)
    if status.state == "early":
        return EARLY_COEFFICIENT.code, _early(status, act, billed, on)
    if status.state == "never":
        return UNKNOWN_COEFFICIENT.code, msg("{billed} is not a known {letter} coefficient on {date}; {in_force}",
                                             billed=billed, letter=act.letter, date=on,
                                             in_force=_in_force(act.letter, status.valid_now))
    return None  # valid; act_deleted and unknown_letter belong to OBS


def _superseded(status, act, billed) -> str:
    change = status.valid_until + timedelta(days=1) if status.valid_until else None
    until = msg(", valid until {date}", date=status.valid_until) if status.valid_until else ""
    if change and (change.month, change.day) == (1, 1):
        return msg("{billed} is a pre-{year} coefficient{until}; {instead}", billed=billed, year=str(change.year),
                   until=until, instead=_instead(status, act, change))
    return msg("{billed} is a former coefficient{until}; {instead}", billed=billed, until=until,
               instead=_instead(status, act, change))


def _early(status, act, billed, on) -> str:
    start = msg(" from {date}", date=status.valid_from) if status.valid_from else msg(" only later")
    if status.replacement is not None:
        return msg("{billed} is valid{start}; bill {letter} {coefficient} on {date}", billed=billed, start=start,
                   letter=act.letter, coefficient=status.replacement, date=on)
    if status.valid_now:
        return msg("{billed} is valid{start}; bill the coefficient in force on {date} ({listed})", billed=billed,
                   start=start, date=on, listed=_listed(act.letter, status.valid_now))
    return msg("{billed} is valid{start}", billed=billed, start=start)


def _instead(status, act, since) -> str:
    if status.replacement is not None:
        when = msg(" since {date}", date=since) if since else ""
        return msg("bill {letter} {coefficient}{when}", letter=act.letter, coefficient=status.replacement, when=when)
    return _in_force(act.letter, status.valid_now)


def _in_force(letter, values) -> str:
    if not values:
        return msg("no {letter} coefficient is known on that date", letter=letter)
    return msg("in force then: {listed}", listed=_listed(letter, values))


def _listed(letter, values) -> str:
    """The valid coefficients, briefly: 'RIC 8.08 to 8.12', 'AMK 1.2, 2.2, 10.7, 10.8'."""
    groups = _runs(sorted(set(values)))
    if len(groups) > MAX_LISTED:
        return msg("{letter} {shown}, … ({count} values)", letter=letter, shown=Joined(groups[:MAX_LISTED]),
                   count=len(values))
    return msg("{letter} {shown}", letter=letter, shown=Joined(groups))


def _runs(values: list[Decimal]) -> list:
    """Consecutive cent steps shown as ranges: 8.08, 8.09 … 8.12 -> '8.08 to 8.12'."""
    runs: list[list[Decimal]] = []
    for value in values:
        if runs and value - runs[-1][-1] == STEP:
            runs[-1].append(value)
        else:
            runs.append([value])
    return [msg("{first} to {last}", first=r[0], last=r[-1]) if len(r) >= 3 else Joined(r) for r in runs]
