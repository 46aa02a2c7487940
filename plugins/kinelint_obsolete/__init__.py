"""OBS: letters, acts and fee codes that are not in force on the date of care.

Every question (is this code in force, since when, what replaced it) is put to
the nomenclature on the session's date; this plugin only words the answer.
OBS owns the acts whose letter is retired, not yet created or unknown: the
coefficient and tariff rules stay silent about them.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import timedelta

from kinelint.findings import Edit, Violation
from kinelint.hookspecs import hookimpl
from kinelint.i18n import Joined, any_of, msg
from kinelint.rulekit import (act_name, billed, cents, coefficient_fix, ruling, session_label, settled, with_total,
                              zone_name)

from .rules import NO_KNOWN_PRICE, NOT_YET_IN_FORCE, RETIRED_ACT, RETIRED_FEE, RETIRED_LETTER, RULES, UNKNOWN_CODE


@hookimpl
def kinelint_rules():
    return list(RULES)


# Whether an act (fee) is in force, by its Line's base (Day; letter, coefficient, bdk, or the fee's code: all
# that _act_in_force and _fee_in_force read): a lookup for nearly every one.
ACTS_IN_FORCE, FEES_IN_FORCE = "OBS acts", "OBS fees"


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    # Nearly every act and fee is in force: one lookup each first, the wording only for the rest.
    lines = billed(invoice, nomenclature)
    if (settled(lines.verdicts[ACTS_IN_FORCE], lines.act_bases, lines.acts, _act_verdict)
            and settled(lines.verdicts[FEES_IN_FORCE], lines.fee_bases, lines.fees, _fee_verdict)):
        return []
    found = []
    for session in invoice.sessions:
        day = nomenclature.on(session.date, invoice.territory)
        for act in session.acts:
            if not _act_in_force(act, day):
                found.extend(_check_act(act, session, invoice, nomenclature))
        for fee in session.fees:
            if not _fee_in_force(fee, day):
                found.extend(_check_fee(fee, session, invoice, nomenclature))
    return found


def _act_verdict(act, base) -> bool:
    return _act_in_force(act, base.day)


def _fee_verdict(fee, base) -> bool:
    return _fee_in_force(fee, base.day)


def _act_in_force(act, day) -> bool:
    """True when ``_check_act`` would find nothing to say."""
    return (day.letter_status(act.letter).state == "in_force"
            and day.letter_value(act.letter) is not None
            and (act.bdk or day.coefficient_status(act.letter, act.coefficient).state != "act_deleted"))


def _fee_in_force(fee, day) -> bool:
    """True when ``_check_fee`` would find nothing to say."""
    return day.fee_status(fee.code).state == "in_force" and day.fee_price(fee.code) is not None


def _check_act(act, session, invoice, nomenclature):
    on, territory = session.date, invoice.territory
    status = nomenclature.letter_status(act.letter, on)
    pointer = act.pointer + "/letter"
    if status.state != "in_force":
        yield _code_violation(status, "letter", RETIRED_LETTER.code, pointer, session_label(session), on,
                              nomenclature.known_letters(), nomenclature.known_fees())
        return
    if nomenclature.letter_value(act.letter, on, territory) is None:
        yield _no_price(msg("letter {code}", code=act.letter), territory, pointer, session_label(session))
    if act.bdk:  # the BDK plugin owns the coefficients of the bilan
        return
    coefficient = nomenclature.coefficient_status(act.letter, act.coefficient, on)
    if coefficient.state == "act_deleted":
        instead = (act.letter, coefficient.replacement) if coefficient.replacement is not None else None
        fix, money = coefficient_fix(invoice, act, instead, nomenclature.on(on, territory))
        yield _retired_act(act, coefficient, session_label(session), nomenclature, territory, fix, money)


def _check_fee(fee, session, invoice, nomenclature):
    on, territory = session.date, invoice.territory
    status = nomenclature.fee_status(fee.code, on)
    pointer = fee.pointer + "/code"
    if status.state != "in_force":
        violation = _code_violation(status, "fee", RETIRED_FEE.code, pointer, session_label(session), on,
                                    nomenclature.known_fees(), nomenclature.known_letters())
        if status.state == "retired":
            fix, money = _replaced_fee(invoice, fee, status.replaced_by, nomenclature.on(on, territory))
            violation = replace(violation, fix=fix, money=money)
        yield violation
        return
    if nomenclature.fee_price(fee.code, on, territory) is None:
        yield _no_price(msg("fee {code}", code=fee.code), territory, pointer, session_label(session))


def _code_violation(status, kind, retired_code, pointer, where, on, known, known_other):
    """A letter or fee code that is retired, not yet created, or unknown."""
    code = status.code
    what = msg("letter {code}", code=code) if kind == "letter" else msg("fee {code}", code=code)
    if status.state == "retired":
        since = msg(" since {date}", date=status.since) if status.since else ""
        instead = (msg("; bill {code}", code=status.replaced_by) if status.replaced_by
                   else msg("; it has no replacement"))
        return ruling(retired_code, msg("{where}: {what} is retired{since}{instead}", where=where, what=what,
                                        since=since, instead=instead), pointer, [status.fact])
    if status.state == "not_yet":
        since = msg("from {date}", date=status.since) if status.since else msg("only after that date")
        message = msg("{where}: {what} does not exist yet on {date}; it is in force {since}", where=where, what=what,
                      date=on, since=since)
        return ruling(NOT_YET_IN_FORCE.code, message, pointer, [status.fact])
    return ruling(UNKNOWN_CODE.code, _unknown_message(code, kind, what, where, known, known_other), pointer,
                  [status.fact])


def _unknown_message(code, kind, what, where, known, known_other):
    message = msg("{where}: {what} is not in the physiotherapists' NGAP", where=where, what=what)
    if code in known_other:
        advice = (msg("{code} is a fee code, bill it among the session's fees", code=code) if kind == "letter"
                  else msg("{code} is a letter code, bill it among the session's acts", code=code))
        return msg("{message}; {advice}", message=message, advice=advice)
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.5)
    if close:
        return msg("{message}; did you mean {codes}?", message=message, codes=any_of(close))
    if kind == "letter":
        return msg("{message}; known letter codes: {codes}", message=message, codes=Joined(sorted(known)))
    return msg("{message}; known fee codes: {codes}", message=message, codes=Joined(sorted(known)))


def _retired_act(act, status, where, nomenclature, territory, fix=(), money=None):
    """'RPE 6 (walking ...) is retired since 2026-01-01; bill RPE 8.5 (lower limbs, ...)': both acts named."""
    last_day = nomenclature.on(status.valid_until, territory) if status.valid_until else None
    billed = (act_name(last_day, act.letter, act.coefficient) if last_day
              else msg("{letter} {coefficient}", letter=act.letter, coefficient=act.coefficient))
    since = msg(" since {date}", date=_act_date(status)) if status.valid_until else ""
    instead = ""
    if status.replacement is not None:
        instead = msg("; bill {act}", act=act_name(nomenclature.on(_act_date(status), territory), act.letter,
                                                   status.replacement))
    message = msg("{where}: {act} is retired{since}{instead}", where=where, act=billed, since=since, instead=instead)
    return ruling(RETIRED_ACT.code, message, act.pointer + "/coefficient", [status.fact], fix=fix, money=money)


def _replaced_fee(invoice, fee, replaced_by, day):
    """(fix, money) for a retired fee whose replacement is one fee code in force that day, with a price:
    the code, its amount and the total that follows."""
    if not replaced_by or day.fee_status(replaced_by).state != "in_force":
        return (), None  # no replacement, or one told in words only
    price = day.fee_price(replaced_by)
    if price is None or fee.quantity != 1:
        return (Edit(fee.pointer + "/code", replaced_by),), None
    expected = cents(price.amount)
    return with_total(invoice, Edit(fee.pointer + "/code", replaced_by), Edit(fee.pointer + "/amount", expected)), \
        fee.amount - expected


def _act_date(status):
    """The first day the act is retired: where its replacement is named."""
    return status.valid_until + timedelta(days=1)


def _no_price(what, territory, pointer, where):
    message = msg("{where}: {what} has no known value in {territory} on that date; its amount cannot be checked",
                  where=where, what=what, territory=zone_name(territory))
    return Violation(NO_KNOWN_PRICE.code, message, pointer)


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
