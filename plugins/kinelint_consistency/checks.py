"""The per-invoice CON checks: dates, numbering and check digits within one invoice."""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter, lt

from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.rulekit import session_label

from kinelint_consistency import same_day
from kinelint_consistency.rules import (BEYOND_PRESCRIBED, CARE_AFTER_ISSUE, CARE_BEFORE_PRESCRIPTION,
                                        ISSUED_IN_THE_FUTURE, NIR_KEY, RPPS_KEY, SESSION_DATES, SESSION_NUMBERS,
                                        TWO_SESSIONS_ONE_DAY)


@lru_cache(maxsize=65536)
def _luhn_valid(number: str) -> bool:
    """RPPS numbers repeat across a batch (a practitioner bills many invoices): check each once."""
    return luhn.is_valid(number)


_DATE, _NUMBER = attrgetter("date"), attrgetter("number")


def nothing_to_say(invoice, today) -> bool:
    """True when every check below finds nothing; tested in C where it can be (nearly every invoice).

    Session numbers and dates both strictly rising settle the order (CON003, CON004), two sessions on one
    date (CON011: no date repeats), and put the first and last dates at the ends for CON001 and CON002.
    Anything else is left to the checks themselves.
    """
    issued_on, sessions = invoice.issued_on, invoice.sessions
    if issued_on > today or not sessions:
        return False
    dates, numbers = list(map(_DATE, sessions)), list(map(_NUMBER, sessions))
    limit = invoice.sessions_prescribed
    return (all(map(lt, dates, dates[1:])) and all(map(lt, numbers, numbers[1:]))
            and invoice.prescription_date <= dates[0] and dates[-1] <= issued_on
            and (limit is None or numbers[-1] <= limit)
            and _nir_key_matches(invoice.nir)
            and (invoice.rpps is None or _luhn_valid(invoice.rpps))
            and (invoice.prescriber_rpps is None or _luhn_valid(invoice.prescriber_rpps)))


def _nir_key_matches(nir: str) -> bool:
    """The NIR's key is 97 minus its first 13 digits modulo 97 (what stdnum computes; Corsica's 2A and 2B
    are left to it). Arithmetic, not remembered: the NIR is patient data."""
    body = nir[:13]
    if body.isascii() and body.isdigit():
        return "%02d" % (97 - int(body) % 97) == nir[13:]
    return stdnum_nir.calc_check_digits(nir) == nir[13:]


def check_dates(invoice, today):
    prescribed_on = invoice.prescription_date
    issued_on = invoice.issued_on
    if invoice.issued_on > today:
        yield Violation(ISSUED_IN_THE_FUTURE.code,
                        msg("issued on {issued}, after the reference date {today}; an invoice is issued on or before "
                            "the day it is checked (set --today to check as of another day)", issued=issued_on,
                            today=today),
                        "/issued_on")
    for session in invoice.sessions:
        if session.date < invoice.prescription_date:
            yield Violation(CARE_BEFORE_PRESCRIPTION.code,
                            msg("{where}: care dated before the prescription of {date}; care must be on or after "
                                "that date", where=session_label(session), date=prescribed_on),
                            session.pointer + "/date")
        if session.date > invoice.issued_on:
            yield Violation(CARE_AFTER_ISSUE.code,
                            msg("{where}: care dated after the invoice's issue date {date}; an invoice bills only "
                                "care given on or before its issue date", where=session_label(session),
                                date=issued_on), session.pointer + "/date")


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
                                msg("{where}: session number {number} is already used earlier on this invoice; "
                                    "each session has its own number", where=session_label(session),
                                    number=session.number), session.pointer + "/number")
            elif session.number < previous.number:
                yield Violation(SESSION_NUMBERS.code,
                                msg("{where}: session number {number} comes after session {previous}; numbers "
                                    "must rise in the order sessions are listed", where=session_label(session),
                                    number=session.number, previous=previous.number),
                                session.pointer + "/number")
            elif session.date < previous.date:
                yield Violation(SESSION_DATES.code,
                                msg("{where}: dated before the session listed above it, {previous}; list sessions "
                                    "in the order they were given, or correct the date",
                                    where=session_label(session), previous=session_label(previous)),
                                session.pointer + "/date")
        seen.add(session.number)
        previous = session


def check_same_day(invoice, nomenclature):
    """Two sessions of this invoice's prescription on one date (a repeated number is CON003's finding)."""
    sessions = invoice.sessions
    if len(sessions) < 2 or len({session.date for session in sessions}) == len(sessions):
        return  # nearly every invoice: one session a day
    first_on: dict = {}
    for session in sessions:
        if not same_day.counts(session, nomenclature.on(session.date, invoice.territory)):
            continue
        earlier = first_on.setdefault(session.date, session)
        if earlier is not session and earlier.number != session.number:
            yield Violation(TWO_SESSIONS_ONE_DAY.code,
                            msg("{where}: session {number} of the same prescription is on the same date; one "
                                "prescription gives one session a day (two sessions that day need two prescriptions, "
                                "for affections of different articles, on two regions), save urgent airway "
                                "clearance, cystic fibrosis and burns", where=session_label(session),
                                number=earlier.number), session.pointer + "/date")


def check_prescribed(invoice):
    limit = invoice.sessions_prescribed
    if limit is None:
        return
    for session in invoice.sessions:
        if session.number > limit:
            yield Violation(BEYOND_PRESCRIBED.code,
                            msg("{where}: beyond the {limit} session(s) prescribed; a new prescription is needed "
                                "for this session", where=session_label(session), limit=limit),
                            session.pointer + "/number")


def check_identifiers(invoice):
    # The message says only that the key does not match: the NIR is patient data.
    if not _nir_key_matches(invoice.nir):
        yield Violation(NIR_KEY.code,
                        msg("the patient's NIR key (its last two digits) does not match its first 13 characters; "
                            "the NIR is probably mistyped"), "/patient/nir")
    if invoice.rpps is not None and not _luhn_valid(invoice.rpps):
        yield Violation(RPPS_KEY.code, msg("the practitioner's RPPS {number}: its last digit is not the Luhn key of the "
                                           "first ten; the number is probably mistyped", number=invoice.rpps),
                        "/practitioner/rpps")
    if invoice.prescriber_rpps is not None and not _luhn_valid(invoice.prescriber_rpps):
        yield Violation(RPPS_KEY.code, msg("the prescriber's RPPS {number}: its last digit is not the Luhn key of the "
                                           "first ten; the number is probably mistyped", number=invoice.prescriber_rpps),
                        "/prescription/prescriber_rpps")
