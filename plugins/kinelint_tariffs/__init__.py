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
from operator import attrgetter

from kinelint.findings import Edit, Violation
from kinelint.hookspecs import hookimpl
from kinelint.i18n import Joined, Money, msg
from kinelint.rulekit import act_name, billed, cents, euros, ruling, session_label, settled, with_total, zone_name

from kinelint_tariffs.rules import ACT_AMOUNT, FEE_AMOUNT, FEE_QUANTITY, RULES, TOTAL

@hookimpl
def kinelint_rules():
    return list(RULES)


# Whether an act or a fee has nothing to say, by its Line: everything that decides it (the Day, that is the
# epoch of the date, the territory and the nomenclature; letter, coefficient, amount, bdk or code, quantity,
# amount). Most acts of a batch repeat a few hundred combinations.
CLEAN_ACTS = "TAR acts"  # act Line -> True when _check_act finds nothing
CLEAN_FEES = "TAR fees"  # fee Line -> True when the fee checks find nothing
_AMOUNT = attrgetter("amount")
ZERO = Decimal("0")


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    """Nothing to say (nearly every invoice): a lookup per act and fee, and the total; else every finding."""
    lines = billed(invoice, nomenclature)
    # The acts' amounts, then the fees', from 0: _check_total's sum, in its order.
    total = sum(map(_AMOUNT, lines.fees), sum(map(_AMOUNT, lines.acts), ZERO))
    if (invoice.total == total
            and settled(lines.verdicts[CLEAN_ACTS], lines.act_lines, lines.acts, _act_verdict, invoice)
            and settled(lines.verdicts[CLEAN_FEES], lines.fee_lines, lines.fees, _fee_verdict, invoice,
                        nomenclature)):
        return []
    return _findings(invoice, nomenclature)


def _act_verdict(act, line, invoice) -> bool:
    return _check_act(invoice, invoice.sessions[act.session_index], act, line.day) is None


def _fee_verdict(fee, line, invoice, nomenclature) -> bool:
    day = line.day
    return day.fee_status(fee.code).state != "in_force" or not any(
        True for _ in _check_fee(invoice, invoice.sessions[fee.session_index], fee, day, nomenclature))


def _findings(invoice, nomenclature) -> list[Violation]:
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
    message = msg("{where}: {act} × {price} = {product}, billed {billed}; expected {expected} {when}",
                  where=session_label(session), act=act_name(day, act.letter, act.coefficient),
                  price=_exact(value.amount), product=_exact(product), billed=euros(act.amount),
                  expected=euros(expected), when=_when(session, day))
    return ruling(ACT_AMOUNT.code, message, act.pointer + "/amount", [value.fact],
                  fix=with_total(invoice, Edit(act.pointer + "/amount", expected)), money=act.amount - expected)


def _check_fee(invoice, session, fee, day, nomenclature):
    per_km = nomenclature.is_per_km(fee.code)
    if not per_km and fee.quantity != 1:
        message = msg("{where}: {code} is due once per session, but quantity is {quantity}; write quantity 1 "
                      "(quantity counts kilometres only for {per_km})", where=session_label(session), code=fee.code,
                      quantity=fee.quantity, per_km=_per_km_codes(nomenclature))
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
            message = msg("{where}: {code} {quantity} km × {price} = {product}, billed {billed}; expected {expected} "
                          "{when}", where=session_label(session), code=fee.code, quantity=fee.quantity,
                          price=_exact(unit.amount), product=_exact(product), billed=euros(fee.amount),
                          expected=euros(expected), when=_when(session, day))
            yield ruling(FEE_AMOUNT.code, message, fee.pointer + "/amount", [unit.fact],
                         fix=with_total(invoice, Edit(fee.pointer + "/amount", expected)), money=fee.amount - expected)
        return
    expected = cents(unit.amount)
    # A flat fee billed as quantity × price has one fault, its quantity (TAR003 above).
    follows_quantity = fee.quantity != 1 and fee.amount == cents(unit.amount * fee.quantity)
    if fee.amount != expected and not follows_quantity:
        message = msg("{where}: {code} billed {billed}; expected {expected} {when}", where=session_label(session),
                      code=fee.code, billed=euros(fee.amount), expected=euros(expected), when=_when(session, day))
        yield ruling(FEE_AMOUNT.code, message, fee.pointer + "/amount", [unit.fact],
                     fix=with_total(invoice, Edit(fee.pointer + "/amount", expected)), money=fee.amount - expected)


def _check_total(invoice):
    lines = [a.amount for s in invoice.sessions for a in s.acts] + [f.amount for s in invoice.sessions for f in s.fees]
    expected = sum(lines, ZERO)
    if invoice.total != expected:
        difference = invoice.total - expected
        sign = "+" if difference > 0 else "-"
        message = msg("total {total} is not the sum of the {count} act and fee amounts, {expected} "
                      "({sign}{difference}); bill {expected}", total=euros(invoice.total), count=len(lines),
                      expected=euros(expected), sign=sign, difference=euros(abs(difference)))
        yield Violation(TOTAL.code, message, "/total", fix=(Edit("/total", cents(expected)),), money=difference)


def _when(session, day) -> str:
    return msg("on {date} ({territory})", date=session.date, territory=zone_name(day.territory))


def _per_km_codes(nomenclature) -> str:
    codes = [code for code in nomenclature.known_fees() if nomenclature.is_per_km(code)]
    return Joined(codes) if codes else msg("per-km fees")


def _exact(value: Decimal) -> Money:
    """Money-like exact value: at least two decimals, all the digits the arithmetic gave."""
    return Money(cents(value) if value == cents(value) else value.normalize())


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
