"""The PRE checks: travel fees against home care, the start of care against the prescription's age, and the
physiotherapist's renewal against the conditions of CSP art. L4321-1."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.nomenclature.renewal import renewal_rule_on
from kinelint.rulekit import ruling, session_label

from kinelint_prescription.rules import (CARE_BEGUN_ON_AN_OLD_PRESCRIPTION, RENEWAL_AGAINST_THE_PRESCRIBER,
                                         RENEWAL_OF_AN_OLD_PRESCRIPTION, RENEWAL_WITHOUT_A_MEDICAL_PRESCRIPTION,
                                         TRAVEL_WITHOUT_HOME_CARE)

# The fee groups of fees.toml that pay the practitioner's journey (art. 13: flat, specific, per kilometre).
TRAVEL_GROUPS = frozenset({"travel", "specific", "km"})
RENEWAL_POINTER = "/prescription/renewal/renewed_on"


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month (2024-02-29 + 12 months = 2025-02-28)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def has_something_to_say(invoice) -> bool:
    """Cheap and false for many invoices: no home_care false, no renewal, and no session 1 (the start of care)."""
    if invoice.home_care is False or invoice.renewed_on is not None:
        return True
    return any(session.number == 1 for session in invoice.sessions)


def check_invoice(invoice, nomenclature) -> Iterator[Violation]:
    if invoice.home_care is False:
        yield from _travel_without_home_care(invoice, nomenclature)
    if invoice.direct_access is None:
        yield from _old_prescription(invoice, nomenclature)
    if invoice.renewed_on is not None:
        yield from _renewal(invoice)


def _travel_without_home_care(invoice, nomenclature) -> Iterator[Violation]:
    """Each travel fee of a session at home, the money at stake its amount (billed too much).

    Away from home a travel fee is already wrong for its place (CUM004): one finding, not two.
    """
    for session in invoice.sessions:
        if not session.at_home:
            continue
        for fee in session.fees:
            if nomenclature.fee_group(fee.code) not in TRAVEL_GROUPS:
                continue
            yield Violation(
                TRAVEL_WITHOUT_HOME_CARE.code,
                msg("{where}: {code} is a travel fee but the prescription does not ask for care at the patient's "
                    "home (home_care is false); travel fees are due only for care the prescription sends home: "
                    "remove {code} or correct the prescription's home_care", where=session_label(session),
                    code=fee.code),
                fee.pointer + "/code", money=fee.amount)


def _old_prescription(invoice, nomenclature) -> Iterator[Violation]:
    """The session numbered 1 (the start of care) on or after the prescription's date + the threshold."""
    first = next((session for session in invoice.sessions if session.number == 1), None)
    if first is None:
        return
    threshold = nomenclature.threshold("prescription-validity-months")
    try:
        limit = months_after(invoice.prescription_date, threshold.value)
    except (ValueError, OverflowError):  # past year 9999: no session can be that late
        return
    if first.date < limit:
        return
    whose = msg("the configuration's") if threshold.configured else msg("kinelint's")
    yield ruling(CARE_BEGUN_ON_AN_OLD_PRESCRIPTION.code, msg(
        "{where}: the care begins {months} months or more after its prescription of {prescribed} (from {limit}); "
        "a prescription is to be used while current: ask the prescriber for a new one", where=session_label(first),
        months=threshold.value, prescribed=invoice.prescription_date, limit=limit),
        first.pointer + "/date", doubts=[msg(
            "no text sets how long a prescription of physiotherapy stays valid; {months} months is {whose} "
            "threshold prescription-validity-months", months=threshold.value, whose=whose)],
        money=invoice.total)


def _renewal(invoice) -> Iterator[Violation]:
    """A renewal outside CSP art. L4321-1: in direct access, against the prescriber, of a prescription a year old."""
    renewed_on = invoice.renewed_on
    at_stake = _billed_from(invoice, renewed_on)
    if invoice.direct_access is not None:
        yield Violation(RENEWAL_WITHOUT_A_MEDICAL_PRESCRIPTION.code, msg(
            "the renewal of {renewed} is on care in direct access, which has no medical prescription to renew; "
            "the care billed on it needs a medical prescription", renewed=renewed_on), RENEWAL_POINTER,
            money=at_stake)
        return
    if invoice.renewable is False:
        yield Violation(RENEWAL_AGAINST_THE_PRESCRIBER.code, msg(
            "the renewal of {renewed} is on a prescription its prescriber excluded from renewal (renewable is "
            "false); the care billed on it needs a new medical prescription", renewed=renewed_on), RENEWAL_POINTER,
            money=at_stake)
    rule = renewal_rule_on(renewed_on)
    if rule is None:
        return
    try:
        limit = months_after(invoice.prescription_date, rule.max_age_months)
    except (ValueError, OverflowError):
        return
    if renewed_on >= limit:
        yield ruling(RENEWAL_OF_AN_OLD_PRESCRIPTION.code, msg(
            "the renewal of {renewed} is of a prescription of {prescribed}, {months} months old or more (from "
            "{limit}); the physiotherapist may renew only a prescription less than a year old: the care billed "
            "on it needs a new medical prescription", renewed=renewed_on, prescribed=invoice.prescription_date,
            months=rule.max_age_months, limit=limit), RENEWAL_POINTER, facts=[rule.fact], money=at_stake)


def _billed_from(invoice, day: date) -> Decimal:
    """What the invoice bills for its sessions dated on or after ``day`` (acts and fees)."""
    return sum((line.amount for session in invoice.sessions if session.date >= day
                for line in (*session.acts, *session.fees)), Decimal("0"))
