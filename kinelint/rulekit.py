"""What rule plugins share: how to name a session, write a number, round money, and warn on doubt.

One wording across families, so a vendor reads every finding the same way:
"session 3 (2026-01-05): …", coefficients as people write them (8.5, not
8.50), money to the cent rounded half-up, and a finding that rests on an
uncertain fact downgraded to a warning that says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from kinelint.findings import Violation

CENT = Decimal("0.01")

# The primary text every rule's source cites: the NGAP as consolidated by the Assurance Maladie.
NGAP = ("NGAP, version en vigueur du 21/06/2026 "
        "(https://www.ameli.fr/sites/default/files/Documents/NGAP-21062026.pdf)")


def act_name(day, letter: str, coefficient: Decimal) -> str:
    """An act as messages name it: "RIC 8.12 (total knee arthroplasty)", or "RIC 9" when no act has that pair."""
    known = day.act(letter, coefficient)
    return known.name if known is not None else f"{letter} {plain_number(coefficient)}"


def session_label(session) -> str:
    return f"session {session.number} ({session.date.isoformat()})"


def plain_number(value: Decimal) -> str:
    """A coefficient or price as people write it: 8.5, 6, 7.52 (never 8.50 or 6E+0)."""
    return format(value.normalize(), "f")


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to the cent, as the NGAP prices an act (8.5 × 2.21 = 18.785 -> 18.79)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{cents(value):f}"


def ruling(code: str, message: str, pointer: str, facts: Iterable = (), doubts: Iterable[str] = ()) -> Violation:
    """A violation; a warning saying why when a fact it rests on is uncertain, or a doubt is given."""
    reasons = [fact.why_uncertain() for fact in facts if fact is not None and fact.uncertain] + list(doubts)
    reasons = list(dict.fromkeys(r for r in reasons if r))
    if not reasons:
        return Violation(code, message, pointer)
    return Violation(code, f"{message} (only a warning, uncertain: {'; '.join(reasons)})", pointer, severity="warning")
