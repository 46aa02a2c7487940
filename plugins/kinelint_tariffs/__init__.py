"""TAR: amounts that do not follow from the nomenclature's prices on the date of care.

Every price comes from the nomenclature, asked on the session's date and the
practitioner's territory; when it knows no price (a letter or fee not in
force, TMK in DOM) this plugin stays silent, since OBS reports the code.
Money is exact: Decimal, rounded half-up to the cent. Each finding carries
its correction (the expected value, and the total that follows) and the
money at stake (billed - expected).
"""

from __future__ import annotations

from decimal import Decimal

from kinelint.findings import Edit, Violation
from kinelint.hookspecs import hookimpl
from kinelint.rulekit import act_name, cents, money, plain_number, ruling, session_label, with_total

from kinelint_tariffs.rules import ACT_AMOUNT, FEE_AMOUNT, FEE_QUANTITY, RULES, TOTAL

@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    found = []
    for session in invoice.sessions:
        day = nomenclature.on(session.date, invoice.territory)
        for act in session.acts:
            violation = _check_act(invoice, session, act, day)
            if violation is not None:
                found.append(violation)
        for fee in session.fees:
            if day.fee_status(fee.code).state == "in_force":  # else OBS reports the code
                found.extend(_check_fee(invoice, session, fee, day, nomenclature))
    found.extend(_check_total(invoice))
    return found


def _check_act(invoice, session, act, day) -> Violation | None:
    value = day.letter_value(act.letter)  # None when the letter is not in force (OBS) or has no price there
    if value is None:
        return None
    product = act.coefficient * value.amount
    expected = cents(product)
    if act.amount == expected:
        return None
    message = (f"{session_label(session)}: {act_name(day, act.letter, act.coefficient)} × {_exact(value.amount)} = "
               f"{_exact(product)}, billed {money(act.amount)}; expected {money(expected)} "
               f"{_when(session, day)}")
    return ruling(ACT_AMOUNT.code, message, act.pointer + "/amount", [value.fact],
                  fix=with_total(invoice, Edit(act.pointer + "/amount", expected)), money=act.amount - expected)


def _check_fee(invoice, session, fee, day, nomenclature):
    per_km = nomenclature.is_per_km(fee.code)
    if not per_km and fee.quantity != 1:
        message = (f"{session_label(session)}: {fee.code} is due once per session, but quantity is {fee.quantity}; "
                   f"write quantity 1 (quantity counts kilometres only for "
                   f"{_per_km_codes(nomenclature)})")
        unit = day.fee_price(fee.code)
        # When the amount is quantity × price, the quantity is the fault and carries the amount with it.
        follows = unit is not None and fee.amount == cents(unit.amount * fee.quantity)
        edits = [Edit(fee.pointer + "/quantity", 1)] + ([Edit(fee.pointer + "/amount", cents(unit.amount))]
                                                         if follows else [])
        yield ruling(FEE_QUANTITY.code, message, fee.pointer + "/quantity", [day.fee_status(fee.code).fact],
                     fix=with_total(invoice, *edits), money=fee.amount - cents(unit.amount) if follows else None)
    unit = day.fee_price(fee.code)
    if unit is None:
        return
    if per_km:
        product = unit.amount * fee.quantity
        expected = cents(product)
        if fee.amount != expected:
            message = (f"{session_label(session)}: {fee.code} {fee.quantity} km × {_exact(unit.amount)} = "
                       f"{_exact(product)}, billed {money(fee.amount)}; expected {money(expected)} "
                       f"{_when(session, day)}")
            yield ruling(FEE_AMOUNT.code, message, fee.pointer + "/amount", [unit.fact],
                         fix=with_total(invoice, Edit(fee.pointer + "/amount", expected)), money=fee.amount - expected)
        return
    expected = cents(unit.amount)
    # A flat fee billed as quantity × price has one fault, its quantity (TAR003 above).
    follows_quantity = fee.quantity != 1 and fee.amount == cents(unit.amount * fee.quantity)
    if fee.amount != expected and not follows_quantity:
        message = (f"{session_label(session)}: {fee.code} billed {money(fee.amount)}; "
                   f"expected {money(expected)} {_when(session, day)}")
        yield ruling(FEE_AMOUNT.code, message, fee.pointer + "/amount", [unit.fact],
                     fix=with_total(invoice, Edit(fee.pointer + "/amount", expected)), money=fee.amount - expected)


def _check_total(invoice):
    lines = [a.amount for s in invoice.sessions for a in s.acts] + [f.amount for s in invoice.sessions for f in s.fees]
    expected = sum(lines, Decimal("0"))
    if invoice.total != expected:
        difference = invoice.total - expected
        sign = "+" if difference > 0 else "-"
        message = (f"total {money(invoice.total)} is not the sum of the {len(lines)} act and fee amounts, "
                   f"{money(expected)} ({sign}{money(abs(difference))}); bill {money(expected)}")
        yield Violation(TOTAL.code, message, "/total", fix=(Edit("/total", cents(expected)),), money=difference)


def _when(session, day) -> str:
    return f"on {session.date.isoformat()} ({day.territory})"


def _per_km_codes(nomenclature) -> str:
    codes = [code for code in nomenclature.known_fees() if nomenclature.is_per_km(code)]
    return ", ".join(codes) if codes else "per-km fees"


def _exact(value: Decimal) -> str:
    """Money-like exact value: at least two decimals, all the digits the arithmetic gave."""
    return money(value) if value == cents(value) else plain_number(value)
