"""LAT: delays after the care — an invoice issued past the delay within which its feuille de soins must be sent.

The figures are dated data with their source (``kinelint/nomenclature/data/delays.toml``);
the working days skip week-ends and public holidays (``kinelint.nomenclature.delays``).
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_delays.checks import check_invoice
from kinelint_delays.rules import RULES

@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    return list(check_invoice(invoice))


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
