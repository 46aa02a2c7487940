"""The LAT check: the invoice's issue date against the transmission delay in force on its last session."""

from __future__ import annotations

from collections.abc import Iterator

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.nomenclature.delays import transmission_delay_on, working_days_after
from kinelint.rulekit import ruling

from kinelint_delays.rules import LATE_ISSUE


def _fewest_calendar_days(working_days: int) -> int:
    """The shortest calendar span of ``working_days`` jours ouvrés (a week-end in every five): an invoice issued
    within it is on time without counting holidays, as most are."""
    return working_days + 2 * (working_days // 5)


def check_invoice(invoice) -> Iterator[Violation]:
    last = max(session.date for session in invoice.sessions)
    if invoice.issued_on <= last:
        return
    delay = transmission_delay_on(last)
    if delay is None or (invoice.issued_on - last).days <= _fewest_calendar_days(delay.working_days_waived):
        return
    deadline = working_days_after(last, delay.working_days_waived)
    if deadline is None or invoice.issued_on <= deadline:
        return
    yield ruling(LATE_ISSUE.code, msg(
        "issued on {issued}, after {deadline}, the last of the {days} working days after the last session ({last}) "
        "within which a feuille de soins électronique with tiers payant must be sent ({direct} when the patient "
        "pays); an invoice is never sent before it is issued", issued=invoice.issued_on, deadline=deadline,
        days=delay.working_days_waived, last=last, direct=delay.working_days_direct), "/issued_on",
        facts=[delay.fact])
