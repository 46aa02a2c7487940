"""The per-invoice CON checks: dates, numbering and check digits within one invoice."""

from __future__ import annotations

from functools import lru_cache

from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from kinelint.findings import Violation
from kinelint.rulekit import session_label

from kinelint_consistency import same_day
from kinelint_consistency.rules import (BEYOND_PRESCRIBED, CARE_AFTER_ISSUE, CARE_BEFORE_PRESCRIPTION,
                                        ISSUED_IN_THE_FUTURE, NIR_KEY, RPPS_KEY, SESSION_DATES, SESSION_NUMBERS,
                                        TWO_SESSIONS_ONE_DAY)


@lru_cache(maxsize=65536)
def _luhn_valid(number: str) -> bool:
    """RPPS numbers repeat across a batch (a practitioner bills many invoices): check each once."""
    return luhn.is_valid(number)


def check_dates(invoice, today):
    prescribed_on = invoice.prescription_date.isoformat()
    issued_on = invoice.issued_on.isoformat()
    if invoice.issued_on > today:
        yield Violation(ISSUED_IN_THE_FUTURE.code,
                        f"issued on {issued_on}, after the reference date {today.isoformat()}; an invoice is "
                        f"issued on or before the day it is checked (set --today to check as of another day)",
                        "/issued_on")
    for session in invoice.sessions:
        if session.date < invoice.prescription_date:
            yield Violation(CARE_BEFORE_PRESCRIPTION.code,
                            f"{session_label(session)}: care dated before the prescription of {prescribed_on}; "
                            f"care must be on or after that date", session.pointer + "/date")
        if session.date > invoice.issued_on:
            yield Violation(CARE_AFTER_ISSUE.code,
                            f"{session_label(session)}: care dated after the invoice's issue date {issued_on}; "
                            f"an invoice bills only care given on or before its issue date", session.pointer + "/date")


def check_order(invoice):
    """Numbers must rise and dates must not go back, in the order the sessions are listed.

    A session that is both numbered and dated before its predecessor is one fault
    (listed out of place), so it gets the numbering finding only.
    """
    seen: set[int] = set()
    previous = None
    for session in invoice.sessions:
        if previous is not None:
            if session.number in seen:
                yield Violation(SESSION_NUMBERS.code,
                                f"{session_label(session)}: session number {session.number} is already used earlier on "
                                f"this invoice; each session has its own number", session.pointer + "/number")
            elif session.number < previous.number:
                yield Violation(SESSION_NUMBERS.code,
                                f"{session_label(session)}: session number {session.number} comes after session "
                                f"{previous.number}; numbers must rise in the order sessions are listed",
                                session.pointer + "/number")
            elif session.date < previous.date:
                yield Violation(SESSION_DATES.code,
                                f"{session_label(session)}: dated before the session listed above it, session "
                                f"{previous.number} ({previous.date.isoformat()}); list sessions in the order "
                                f"they were given, or correct the date", session.pointer + "/date")
        seen.add(session.number)
        previous = session


def check_same_day(invoice, nomenclature):
    """Two sessions of this invoice's prescription on one date (a repeated number is CON003's finding)."""
    sessions = invoice.sessions
    if len(sessions) < 2 or len({session.date for session in sessions}) == len(sessions):
        return  # nearly every invoice: one session a day
    first_on: dict = {}
    for session in sessions:
        if not same_day.counts(session, nomenclature.on(session.date, invoice.territory), nomenclature):
            continue
        earlier = first_on.setdefault(session.date, session)
        if earlier is not session and earlier.number != session.number:
            yield Violation(TWO_SESSIONS_ONE_DAY.code,
                            f"{session_label(session)}: session {earlier.number} of the same prescription is "
                            f"on the same date; one prescription gives one session a day (two sessions that "
                            f"day need two prescriptions, for affections of different articles, on two regions), "
                            f"save urgent airway clearance, cystic fibrosis and burns", session.pointer + "/date")


def check_prescribed(invoice):
    limit = invoice.sessions_prescribed
    if limit is None:
        return
    for session in invoice.sessions:
        if session.number > limit:
            yield Violation(BEYOND_PRESCRIBED.code,
                            f"{session_label(session)}: beyond the {limit} session(s) prescribed; "
                            f"a new prescription is needed for this session", session.pointer + "/number")


def check_identifiers(invoice):
    # The message says only that the key does not match: the NIR is patient data.
    if stdnum_nir.calc_check_digits(invoice.nir) != invoice.nir[13:]:
        yield Violation(NIR_KEY.code,
                        "the patient's NIR key (its last two digits) does not match its first 13 characters; "
                        "the NIR is probably mistyped", "/patient/nir")
    for who, number, pointer in (("practitioner's", invoice.rpps, "/practitioner/rpps"),
                                 ("prescriber's", invoice.prescriber_rpps, "/prescription/prescriber_rpps")):
        if number is not None and not _luhn_valid(number):
            yield Violation(RPPS_KEY.code,
                            f"the {who} RPPS {number}: its last digit is not the Luhn key of the first ten; "
                            f"the number is probably mistyped", pointer)
