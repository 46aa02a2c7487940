"""PRE: what the medical prescription allows, beyond the cotation (travel fees only for care it sends home).

A rule here reads a field the export may not have (``prescription.home_care``):
without it the rule says nothing, and the invoice is counted as not judged.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_prescription.checks import check_invoice
from kinelint_prescription.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    if invoice.home_care is not False:  # True, or not exported (None): nothing to say
        return []
    return list(check_invoice(invoice, nomenclature))


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
