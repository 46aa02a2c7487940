"""TAR: amounts that do not follow from the nomenclature's prices on the date of care.

Every price comes from the nomenclature, asked on the session's date and the
practitioner's territory; when it knows no price (a letter or fee not in
force, TMK in DOM) this plugin stays silent, since OBS reports the code.
Money is exact: Decimal, rounded half-up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from kinelint.findings import Violation
from kinelint.hookspecs import hookimpl

from kinelint_tariffs.rules import ACT_AMOUNT, FEE_AMOUNT, FEE_QUANTITY, RULES, TOTAL

CENT = Decimal("0.01")


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    for session in invoice.sessions:
        for act in session.acts:
            yield from _check_act(session, act, invoice.territory, nomenclature)
        for fee in session.fees:
            yield from _check_fee(session, fee, invoice.territory, nomenclature)
    yield from _check_total(invoice)


def _check_act(session, act, territory, nomenclature):
    if nomenclature.letter_status(act.letter, session.date).state != "in_force":
        return
    value = nomenclature.letter_value(act.letter, session.date, territory)
    if value is None:
        return
    product = act.coefficient * value.amount
    expected = _cents(product)
    if act.amount != expected:
        message = (f"{_where(session)}: {act.letter} {_plain(act.coefficient)} × {_exact(value.amount)} = "
                   f"{_exact(product)}, billed {_money(act.amount)}; expected {_money(expected)} "
                   f"on {session.date.isoformat()} ({territory})")
        yield _violation(ACT_AMOUNT.code, message, act.pointer + "/amount", value.fact)


def _check_fee(session, fee, territory, nomenclature):
    status = nomenclature.fee_status(fee.code, session.date)
    if status.state != "in_force":
        return
    per_km = nomenclature.is_per_km(fee.code)
    if not per_km and fee.quantity != 1:
        message = (f"{_where(session)}: {fee.code} is due once per session, but quantity is {fee.quantity}; "
                   f"write quantity 1 (quantity counts kilometres only for "
                   f"{_per_km_codes(nomenclature)})")
        yield _violation(FEE_QUANTITY.code, message, fee.pointer + "/quantity", status.fact)
    unit = nomenclature.fee_price(fee.code, session.date, territory)
    if unit is None:
        return
    when = f"on {session.date.isoformat()} ({territory})"
    if per_km:
        product = unit.amount * fee.quantity
        expected = _cents(product)
        if fee.amount != expected:
            message = (f"{_where(session)}: {fee.code} {fee.quantity} km × {_exact(unit.amount)} = "
                       f"{_exact(product)}, billed {_money(fee.amount)}; expected {_money(expected)} {when}")
            yield _violation(FEE_AMOUNT.code, message, fee.pointer + "/amount", unit.fact)
        return
    expected = _cents(unit.amount)
    # A flat fee billed as quantity × price has one fault, its quantity (TAR003 above).
    follows_quantity = fee.quantity != 1 and fee.amount == _cents(unit.amount * fee.quantity)
    if fee.amount != expected and not follows_quantity:
        message = (f"{_where(session)}: {fee.code} billed {_money(fee.amount)}; "
                   f"expected {_money(expected)} {when}")
        yield _violation(FEE_AMOUNT.code, message, fee.pointer + "/amount", unit.fact)


def _check_total(invoice):
    lines = [a.amount for s in invoice.sessions for a in s.acts] + [f.amount for s in invoice.sessions for f in s.fees]
    expected = sum(lines, Decimal("0"))
    if invoice.total != expected:
        difference = invoice.total - expected
        sign = "+" if difference > 0 else "-"
        message = (f"total {_money(invoice.total)} is not the sum of the {len(lines)} act and fee amounts, "
                   f"{_money(expected)} ({sign}{_money(abs(difference))}); bill {_money(expected)}")
        yield Violation(TOTAL.code, message, "/total")


def _violation(code, message, pointer, fact):
    if fact is not None and fact.uncertain:
        return Violation(code, f"{message} (only a warning: {fact.why_uncertain()})", pointer, severity="warning")
    return Violation(code, message, pointer)


def _where(session) -> str:
    return f"session {session.number} ({session.date.isoformat()})"


def _per_km_codes(nomenclature) -> str:
    codes = [code for code in nomenclature.known_fees() if nomenclature.is_per_km(code)]
    return ", ".join(codes) if codes else "per-km fees"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    return f"{_cents(value):f}"


def _plain(value: Decimal) -> str:
    """A Decimal as written by a person: no exponent, no trailing zeros beyond the units."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exact(value: Decimal) -> str:
    """Money-like exact value: at least two decimals, all the digits the arithmetic gave."""
    return _money(value) if value == _cents(value) else _plain(value)
