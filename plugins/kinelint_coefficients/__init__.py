"""COE: coefficients that are not in force for their act on the date of care.

The nomenclature says, for a letter, a coefficient and a date, whether the
coefficient is valid, superseded, early or no act at all; this plugin words
the answer, naming the act ("RIC 7.52 (total knee arthroplasty)") and what
that same act is billed, and for how much, on the date of care. It stays
silent where another family owns the fault: a letter that is not in force
(OBS), a deleted act such as RPE 6 (OBS), and the bilan diagnostic
kinésithérapique (BDK). Where that same act has one coefficient on the date of
care, the finding carries it as a correction (with the amount and total that
follow) and the money at stake.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kinelint.hookspecs import hookimpl
from kinelint.rulekit import cents, coefficient_fix, money, plain_number, ruling, session_label

from .rules import EARLY_COEFFICIENT, RULES, SUPERSEDED_COEFFICIENT, UNKNOWN_COEFFICIENT

STEP = Decimal("0.01")
MAX_LISTED = 8
ONE_DAY = timedelta(days=1)


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
            wording = _Wording(nomenclature, invoice.territory, session.date, day)
            message = wording.describe(status, act)
            if message is not None:
                code, text = message
                fix, money_at_stake = coefficient_fix(invoice, act, wording.instead(status, act), day)
                yield ruling(code, f"{session_label(session)}: {text}", act.pointer + "/coefficient", [status.fact],
                             fix=fix, money=money_at_stake)


class _Wording:
    """Words one finding; built only for the few acts that have one."""

    def __init__(self, nomenclature, territory, on, day) -> None:
        self.nomenclature = nomenclature
        self.territory = territory
        self.on = on
        self.day = day

    def describe(self, status, act):
        """(code, message) for a coefficient not in force, or None when COE has nothing to say."""
        if status.state == "superseded":
            return SUPERSEDED_COEFFICIENT.code, self._superseded(status, act)
        if status.state == "early":
            return EARLY_COEFFICIENT.code, self._early(status, act)
        if status.state == "never":
            billed = f"{act.letter} {plain_number(act.coefficient)}"
            return UNKNOWN_COEFFICIENT.code, (f"{billed} is not a {act.letter} act on {self.on.isoformat()}; "
                                              f"{_in_force(act.letter, status.valid_now)}")
        return None  # valid; act_deleted and unknown_letter belong to OBS

    def instead(self, status, act):
        """The act to bill instead (letter, coefficient), when there is one: that same act on the date of care,
        else the data's replacement of the coefficient; None for a coefficient that is no act at all."""
        if status.state == "superseded" and status.valid_until is not None:
            now = self._same_act_now(status.valid_until, act)
        elif status.state == "early" and status.valid_from is not None:
            now = self._same_act_now(status.valid_from, act)
        else:
            return None
        if now is not None:
            return now.letter, now.coefficient
        return (act.letter, status.replacement) if status.replacement is not None else None

    def _same_act_now(self, when, act):
        other = self._act_on(when, act)
        return self.nomenclature.same_act_on(other, self.on) if other is not None else None

    def _act_on(self, when, act):
        """The act billed with the invoice's pair on another date, or None."""
        return self.nomenclature.on(when, self.territory).act(act.letter, act.coefficient)

    def _superseded(self, status, act) -> str:
        change = status.valid_until + ONE_DAY if status.valid_until else None
        era = f"pre-{change.year}" if change and (change.month, change.day) == (1, 1) else "former"
        until = f", valid until {status.valid_until.isoformat()}" if status.valid_until else ""
        then = self._act_on(status.valid_until, act) if status.valid_until else None
        named = then.name if then is not None else f"{act.letter} {plain_number(act.coefficient)}"
        now = self.nomenclature.same_act_on(then, self.on) if then is not None else None
        if now is not None:
            return f"{named} is a {era} coefficient{until}; {self._billed_now(now, change)}"
        if status.replacement is not None:
            when = f" since {change.isoformat()}" if change else ""
            return f"{named} is a {era} coefficient{until}; bill {act.letter} {plain_number(status.replacement)}{when}"
        return f"{named} is a {era} coefficient{until}; {_in_force(act.letter, status.valid_now)}"

    def _early(self, status, act) -> str:
        start = f" from {status.valid_from.isoformat()}" if status.valid_from else " only later"
        later = self._act_on(status.valid_from, act) if status.valid_from else None
        named = later.name if later is not None else f"{act.letter} {plain_number(act.coefficient)}"
        now = self.nomenclature.same_act_on(later, self.on) if later is not None else None
        if now is not None:
            return f"{named} is valid{start}; {self._billed_now(now)}"
        if status.valid_now:
            return (f"{named} is valid{start}; bill the coefficient in force on {self.on.isoformat()} "
                    f"({_listed(act.letter, status.valid_now)})")
        return f"{named} is valid{start}"

    def _billed_now(self, now, since=None) -> str:
        """'on 2026-01-05 that act is billed RIC 8.12 = 17.95 (since 2026-01-01)'."""
        value = self.day.letter_value(now.letter)
        amount = f" = {money(cents(now.coefficient * value.amount))}" if value is not None else ""
        when = f" (since {since.isoformat()})" if since else ""
        return (f"on {self.on.isoformat()} that act is billed {now.letter} {plain_number(now.coefficient)}"
                f"{amount}{when}")


def _in_force(letter, values) -> str:
    if not values:
        return f"no {letter} act is known on that date"
    return f"{letter} acts then: {_listed(letter, values)}"


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


