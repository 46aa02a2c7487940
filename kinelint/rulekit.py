"""What rule plugins share: how to name a session, write a number, round money, warn on doubt, correct.

One wording across families, so a vendor reads every finding the same way:
"session 3 (2026-01-05): …", coefficients as people write them (8.5, not
8.50), money to the cent rounded half-up, and a finding that rests on an
uncertain fact downgraded to a warning that says why. A correction changes
an amount together with the invoice total that follows from it
(``with_total``), so every fix leaves a consistent invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from kinelint.findings import Edit, Violation
from kinelint.i18n import N_, Joined, Message, Money, Term, msg
from kinelint.nomenclature.day import Verdicts

CENT = Decimal("0.01")

# The primary text every rule's source cites: the NGAP as consolidated by the Assurance Maladie.
NGAP = ("NGAP, version en vigueur du 21/06/2026 "
        "(https://www.ameli.fr/sites/default/files/Documents/NGAP-21062026.pdf)")



def act_name(day, letter: str, coefficient: Decimal) -> Message:
    """An act as messages name it: "RIC 8.12 (total knee arthroplasty)", or "RIC 9" when no act has that pair
    (the label in the user's language: the catalog translates the data's labels)."""
    known = day.act(letter, coefficient)
    if known is None:
        return msg("{letter} {coefficient}", letter=letter, coefficient=coefficient)
    return named_act(known)


def named_act(act) -> Message:
    """A catalogue act (``day.act(...)``) named in a message: "RIC 8.12 (total knee arthroplasty)"."""
    return msg("{letter} {coefficient} ({label})", letter=act.letter, coefficient=act.coefficient,
               label=Term(act.label))


def session_label(session) -> Message:
    return msg("session {number} ({date})", number=session.number, date=session.date)


def plain_number(value: Decimal) -> str:
    """A coefficient or price as people write it: 8.5, 6, 7.52 (never 8.50 or 6E+0)."""
    return format(value.normalize(), "f")


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to the cent, as the NGAP prices an act (8.5 × 2.21 = 18.785 -> 18.79)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{cents(value):f}"


def euros(value: Decimal) -> Money:
    """An amount rounded to the cent, as a message value: 18.79 in English, 18,79 € in French."""
    return Money(cents(value))


def ruling(code: str, message: str, pointer: str, facts: Iterable = (), doubts: Iterable[str] = (), *,
           fix: Iterable[Edit] = (), money: Decimal | None = None) -> Violation:
    """A violation; a warning saying why when a fact it rests on is uncertain, or a doubt is given.

    ``fix`` and ``money`` travel with it as given (see ``Violation``); a fix resting on an uncertain fact
    is marked unsafe: a person checks the fact before applying it.
    """
    reasons = [fact.why_uncertain() for fact in facts if fact is not None and fact.uncertain] + list(doubts)
    reasons = list(dict.fromkeys(r for r in reasons if r))
    if not reasons:
        return Violation(code, message, pointer, fix=tuple(fix), money=money)
    return Violation(code, msg("{message} (only a warning, uncertain: {reasons})", message=message,
                               reasons=Joined(reasons, "; ")), pointer, severity="warning", fix=tuple(fix), money=money,
                     fix_unsafe=True)


def with_total(invoice, *edits: Edit) -> tuple[Edit, ...]:
    """The edits, then the invoice total that follows from the act and fee amounts they change.

    The new total is the sum of every line once these amounts are changed
    (what the invoice format says a total is); no total edit when no amount
    changes. Amounts are written to the cent.
    """
    changed = {edit.pointer: cents(edit.value) for edit in edits if edit.pointer.endswith("/amount")}
    edits = tuple(Edit(edit.pointer, changed.get(edit.pointer, edit.value)) for edit in edits)
    if not changed:
        return edits
    lines = [line for session in invoice.sessions for line in (*session.acts, *session.fees)]
    total = sum((changed.get(line.pointer + "/amount", line.amount) for line in lines), Decimal("0.00"))
    return (*edits, Edit("/total", cents(total)))


def coefficient_fix(invoice, act, instead, day) -> tuple[tuple[Edit, ...], Decimal | None]:
    """(fix, money) when one act replaces the one billed: ``instead`` is its (letter, coefficient), or None;
    ``day`` is the nomenclature on the session's date. The fix sets the letter when it changes, the
    coefficient, and the amount and total that follow; the money is what the act billed costs against the
    right one, at that day's letter values (an amount that is wrong even for the act billed is TAR001's
    part of the difference, so none is counted twice).
    """
    if instead is None:
        return (), None
    letter, coefficient = instead
    edits = ([Edit(act.pointer + "/letter", letter)] if letter != act.letter else []) + [
        Edit(act.pointer + "/coefficient", coefficient)]
    value, billed_value = day.letter_value(letter), day.letter_value(act.letter)
    if value is None:  # no price known there: the act alone
        return tuple(edits), None
    expected = cents(coefficient * value.amount)
    fix = with_total(invoice, *edits, Edit(act.pointer + "/amount", expected))
    money = cents(act.coefficient * billed_value.amount) - expected if billed_value is not None else None
    return fix, money


class Billed:
    """What one invoice bills, line by line, with the Day of each session: what every family looks up.

    Why: seven families ask the same first questions of every invoice (the Day of each session, each act
    and fee); asked once and shared (``billed``), each family's "nothing to say" test is a few lookups
    in C (``all(map(verdicts.get, billed.act_lines))``). ``days`` has one Day per session; ``acts`` and
    ``act_lines`` (each act's ``Line``: letter, coefficient, amount, bdk) run flat across sessions in
    invoice order, session ``i``'s from ``starts[i]`` to ``starts[i + 1]``; ``fees`` and ``fee_lines``
    (code, quantity, amount) run flat the same way. ``act_bases`` and ``fee_bases`` are the lines'
    bases (without the numbers: letter, coefficient, bdk; code), for verdicts that read no amount.
    ``verdicts`` is where the families keep theirs: the nomenclature's ``remembered``, a bounded
    ``Verdicts`` by name (they rest on its answers, and go with it).
    """

    __slots__ = ("days", "acts", "act_lines", "act_bases", "starts", "fees", "fee_lines", "fee_bases", "verdicts")

    def __init__(self, invoice, nomenclature) -> None:
        on, territory = nomenclature.on, invoice.territory
        days, acts, act_lines, starts, fees, fee_lines = [], [], [], [0], [], []
        add_day, add_line, add_start = days.append, act_lines.append, starts.append
        for session in invoice.sessions:
            day = on(session.date, territory)
            add_day(day)
            known = day.lines.get
            these = session.acts
            acts += these
            for act in these:
                key = (act.letter, act.coefficient, act.amount, act.bdk)
                add_line(known(key) or day.line(key))
            add_start(len(act_lines))
            if session.fees:
                fees += session.fees
                for fee in session.fees:
                    key = (fee.code, fee.quantity, fee.amount)
                    fee_lines.append(known(key) or day.line(key))
        self.days, self.acts, self.act_lines, self.starts = days, acts, act_lines, starts
        self.fees, self.fee_lines = fees, fee_lines
        self.act_bases, self.fee_bases = list(map(_BASE, act_lines)), list(map(_BASE, fee_lines))
        self.verdicts = nomenclature.remembered


_BASE = attrgetter("base")
_BILLED_KEPT = 256  # invoices whose Billed is kept: a chunk (the families take a chunk each in turn)
_billed: dict[int, tuple] = {}  # id(invoice) -> (invoice, its Billed), all of one nomenclature
_billed_by: list = [None]  # that nomenclature


def billed(invoice, nomenclature) -> Billed:
    """The ``Billed`` of an invoice: built by the first family that asks, shared by the next ones.

    The families are called one after the other on an invoice, or on a chunk of invoices each in turn
    (``kinelint_check_invoices``): the last ``_BILLED_KEPT`` invoices are remembered, by identity (the
    reference held keeps that identity from being reused), for one nomenclature at a time: another one
    empties the memo, so a nomenclature let go is not kept alive here. A chunk's worth and no more: the
    invoices it holds stay in memory until the next chunk takes their place.
    """
    if _billed_by[0] is not nomenclature:
        _billed.clear()
        _billed_by[0] = nomenclature
    kept = _billed.get(id(invoice))
    if kept is not None and kept[0] is invoice:
        return kept[1]
    found = Billed(invoice, nomenclature)
    if len(_billed) >= _BILLED_KEPT:
        del _billed[next(iter(_billed))]  # the oldest
    _billed[id(invoice)] = (invoice, found)
    return found


def settled(verdicts: Verdicts, keys, items, judge, *context) -> bool:
    """True when every key's verdict is clean (truthy); the keys not yet seen are judged and remembered.

    ``keys`` is a sequence (read twice), ``judge(item, key, *context)`` gives the verdict of the key from
    one item that has it (``items`` run along ``keys``). Stops at the first fault: the family then looks
    at the whole invoice anyway.
    """
    get = verdicts.get
    if all(map(get, keys)):
        return True
    for key, item in zip(keys, items):
        verdict = get(key)
        if verdict is None:
            verdict = verdicts.remember(key, judge(item, key, *context))
        if not verdict:
            return False
    return True


# The zones' names as a message shows them: the invoice's code in English, "métropole" and "DOM" in French.
_ZONES = {"metropole": N_("metropole"), "dom": N_("dom")}


def zone_name(territory: str) -> Term:
    """The territory (``metropole``, ``dom``) as a message's value, written as a billing office reads it."""
    return Term(_ZONES.get(territory, territory))
