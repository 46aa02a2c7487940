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
from kinelint.i18n import Joined, msg
from kinelint.rulekit import billed, coefficient_fix, euros, named_act, ruling, session_label, settled

from .rules import EARLY_COEFFICIENT, RULES, SUPERSEDED_COEFFICIENT, UNKNOWN_COEFFICIENT

STEP = Decimal("0.01")
MAX_LISTED = 8
ONE_DAY = timedelta(days=1)


@hookimpl
def kinelint_rules():
    return list(RULES)


# Whether an act has nothing for COE to say, by its Line's base (Day, letter, coefficient, bdk: the amount
# only enters the correction, never whether there is a finding).
CLEAN = "COE acts"


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    lines = billed(invoice, nomenclature)
    if settled(lines.verdicts[CLEAN], lines.act_bases, lines.acts, _verdict, invoice, nomenclature):
        return []  # nearly every invoice: one lookup per act
    found = []
    for session in invoice.sessions:
        day = nomenclature.on(session.date, invoice.territory)
        for act in session.acts:
            violation = _check_act(invoice, session, act, day, nomenclature)
            if violation is not None:
                found.append(violation)
    return found


def _verdict(act, base, invoice, nomenclature) -> bool:
    return _check_act(invoice, invoice.sessions[act.session_index], act, base.day, nomenclature) is None


def _check_act(invoice, session, act, day, nomenclature):
    """The finding on one act's coefficient, or None."""
    if act.bdk or day.letter_status(act.letter).state != "in_force":
        return None
    status = day.coefficient_status(act.letter, act.coefficient)
    if status.state == "valid":  # nearly every act: nothing to word
        return None
    wording = _Wording(nomenclature, invoice.territory, session.date, day)
    message = wording.describe(status, act)
    if message is None:
        return None
    code, text = message
    fix, money_at_stake = coefficient_fix(invoice, act, wording.instead(status, act), day)
    return ruling(code, msg("{where}: {text}", where=session_label(session), text=text),
                  act.pointer + "/coefficient", [status.fact], fix=fix, money=money_at_stake)


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
            billed = msg("{letter} {coefficient}", letter=act.letter, coefficient=act.coefficient)
            return UNKNOWN_COEFFICIENT.code, msg("{billed} is not a {letter} act on {date}; {in_force}", billed=billed,
                                                 letter=act.letter, date=self.on,
                                                 in_force=_in_force(act.letter, status.valid_now))
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
        until = msg(", valid until {date}", date=status.valid_until) if status.valid_until else ""
        then = self._act_on(status.valid_until, act) if status.valid_until else None
        named = (named_act(then) if then is not None
                 else msg("{letter} {coefficient}", letter=act.letter, coefficient=act.coefficient))
        now = self.nomenclature.same_act_on(then, self.on) if then is not None else None
        if now is not None:
            instead = self._billed_now(now, change)
        elif status.replacement is not None:
            when = msg(" since {date}", date=change) if change else ""
            instead = msg("bill {letter} {coefficient}{when}", letter=act.letter, coefficient=status.replacement,
                          when=when)
        else:
            instead = _in_force(act.letter, status.valid_now)
        if change and (change.month, change.day) == (1, 1):
            return msg("{billed} is a pre-{year} coefficient{until}; {instead}", billed=named, year=str(change.year),
                       until=until, instead=instead)
        return msg("{billed} is a former coefficient{until}; {instead}", billed=named, until=until, instead=instead)

    def _early(self, status, act) -> str:
        start = msg(" from {date}", date=status.valid_from) if status.valid_from else msg(" only later")
        later = self._act_on(status.valid_from, act) if status.valid_from else None
        named = (named_act(later) if later is not None
                 else msg("{letter} {coefficient}", letter=act.letter, coefficient=act.coefficient))
        now = self.nomenclature.same_act_on(later, self.on) if later is not None else None
        if now is not None:
            return msg("{billed} is valid{start}; {now}", billed=named, start=start, now=self._billed_now(now))
        if status.valid_now:
            return msg("{billed} is valid{start}; bill the coefficient in force on {date} ({listed})", billed=named,
                       start=start, date=self.on, listed=_listed(act.letter, status.valid_now))
        return msg("{billed} is valid{start}", billed=named, start=start)

    def _billed_now(self, now, since=None) -> str:
        """'on 2026-01-05 that act is billed RIC 8.12 = 17.95 (since 2026-01-01)'."""
        value = self.day.letter_value(now.letter)
        amount = msg(" = {amount}", amount=euros(now.coefficient * value.amount)) if value is not None else ""
        when = msg(" (since {date})", date=since) if since else ""
        return msg("on {date} that act is billed {letter} {coefficient}{amount}{when}", date=self.on,
                   letter=now.letter, coefficient=now.coefficient, amount=amount, when=when)


def _in_force(letter, values) -> str:
    if not values:
        return msg("no {letter} act is known on that date", letter=letter)
    return msg("{letter} acts then: {listed}", letter=letter, listed=_listed(letter, values))


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




@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
