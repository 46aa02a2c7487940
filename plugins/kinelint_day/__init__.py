"""DAY: one practitioner's day across the invoices of a batch — more sessions than a day holds, sessions that
overlap in time.

Keyed by the practitioner's RPPS and the date of care, over the whole run (a
vendor's batch holds many patients' invoices of one practitioner), bounded in
memory like CON's batch checker: ``batch.py``.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_day.batch import DayChecker
from kinelint_day.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_batch_checker(nomenclature):
    return DayChecker(nomenclature.threshold("sessions-per-day"))
