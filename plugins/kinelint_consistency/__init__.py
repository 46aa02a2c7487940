"""CON: dates, identifiers and session numbering that contradict each other.

Within one invoice: care before the prescription or after the issue date,
sessions out of order or beyond those prescribed, NIR and RPPS check digits.
Two sessions of one prescription on one date. Across a batch: a repeated invoice id, a session
billed on two invoices, two sessions of one prescription on one date on two invoices.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_consistency.batch import BatchChecker
from kinelint_consistency.checks import (check_dates, check_identifiers, check_order, check_prescribed, check_same_day,
                                         nothing_to_say)
from kinelint_consistency.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature, today):
    if nothing_to_say(invoice, today):
        return []  # nearly every invoice
    return [*check_dates(invoice, today), *check_order(invoice), *check_same_day(invoice, nomenclature),
            *check_prescribed(invoice), *check_identifiers(invoice)]


@hookimpl
def kinelint_batch_checker(nomenclature):
    return BatchChecker(nomenclature)


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature, today) for invoice in invoices]
