"""COE: coefficients that are not in force for their act on the date of care.

The nomenclature says, for a letter, a coefficient and a date, whether the
coefficient is valid, superseded, early or never existed; this plugin words
the answer. It stays silent where another family owns the fault: a letter
that is not in force (OBS), a deleted act such as RPE 6 (OBS), and the bilan
diagnostic kinésithérapique (BDK). Where one coefficient replaces the one
billed, the finding carries it as a correction (with the amount and total that
follow) and the money at stake.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from kinelint.hookspecs import hookimpl
from kinelint.rulekit import coefficient_fix, plain_number, ruling, session_label

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
            instead = _single_replacement(status, act, nomenclature)
            if instead != status.replacement:  # an early coefficient's one predecessor: named, and the fix
                status = replace(status, replacement=instead)
            message = _describe(status, act, session.date)
            if message is not None:
                code, text = message
                fix, money = coefficient_fix(invoice, act, status.replacement, day)
                yield ruling(code, f"{session_label(session)}: {text}", act.pointer + "/coefficient", [status.fact],
                             fix=fix, money=money)



def _single_replacement(status, act, nomenclature):
    """The one coefficient to bill instead, if there is one: the data's replacement of a superseded or early
    coefficient, or, for an early one, the coefficient in force that it replaces on its first day."""
    if status.replacement is not None or status.state != "early" or status.valid_from is None:
        return status.replacement
    replaced = [value for value in status.valid_now
                if nomenclature.coefficient_status(act.letter, value, status.valid_from).replacement == act.coefficient]
    return replaced[0] if len(replaced) == 1 else None


def _describe(status, act, on):
    """(code, message) for a coefficient not in force, or None when COE has nothing to say."""
    billed = f"{act.letter} {plain_number(act.coefficient)}"
    if status.state == "superseded":
        return SUPERSEDED_COEFFICIENT.code, _superseded(status, act, billed)
    if status.state == "early":
        return EARLY_COEFFICIENT.code, _early(status, act, billed, on)
    if status.state == "never":
        return UNKNOWN_COEFFICIENT.code, (f"{billed} is not a known {act.letter} coefficient on {on.isoformat()}; "
                                          f"{_in_force(act.letter, status.valid_now)}")
    return None  # valid; act_deleted and unknown_letter belong to OBS


def _superseded(status, act, billed) -> str:
    change = status.valid_until + timedelta(days=1) if status.valid_until else None
    era = f"pre-{change.year}" if change and (change.month, change.day) == (1, 1) else "former"
    until = f", valid until {status.valid_until.isoformat()}" if status.valid_until else ""
    return f"{billed} is a {era} coefficient{until}; {_instead(status, act, change)}"


def _early(status, act, billed, on) -> str:
    start = f" from {status.valid_from.isoformat()}" if status.valid_from else " only later"
    if status.replacement is not None:
        return f"{billed} is valid{start}; bill {act.letter} {plain_number(status.replacement)} on {on.isoformat()}"
    if status.valid_now:
        return (f"{billed} is valid{start}; bill the coefficient in force on {on.isoformat()} "
                f"({_listed(act.letter, status.valid_now)})")
    return f"{billed} is valid{start}"


def _instead(status, act, since) -> str:
    if status.replacement is not None:
        when = f" since {since.isoformat()}" if since else ""
        return f"bill {act.letter} {plain_number(status.replacement)}{when}"
    return _in_force(act.letter, status.valid_now)


def _in_force(letter, values) -> str:
    if not values:
        return f"no {letter} coefficient is known on that date"
    return f"in force then: {_listed(letter, values)}"


def _listed(letter, values) -> str:
    """The valid coefficients, briefly: 'RIC 8.08 to 8.12', 'AMK 1.2, 2.2, 10.7, 10.8'."""
    groups = _runs(sorted(set(values)))
    shown = ", ".join(groups[:MAX_LISTED])
    more = f", … ({len(values)} values)" if len(groups) > MAX_LISTED else ""
    return f"{letter} {shown}{more}"


def _runs(values: list[Decimal]) -> list[str]:
    """Consecutive cent steps shown as ranges: 8.08, 8.09 … 8.12 -> '8.08 to 8.12'."""
    runs: list[list[Decimal]] = []
    for value in values:
        if runs and value - runs[-1][-1] == STEP:
            runs[-1].append(value)
        else:
            runs.append([value])
    return [f"{plain_number(r[0])} to {plain_number(r[-1])}" if len(r) >= 3 else ", ".join(map(plain_number, r)) for r in runs]
