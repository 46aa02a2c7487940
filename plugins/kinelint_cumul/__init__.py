"""kinelint's CUM rules: acts, indemnities, travel fees and majorations that may not be billed together or there."""

from __future__ import annotations

from kinelint.hookspecs import hookimpl


@hookimpl
def kinelint_rules():
    from kinelint_cumul.rules import RULES

    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    from kinelint_cumul import acts, checks

    return [*checks.check_invoice(invoice, nomenclature), *acts.check_invoice(invoice, nomenclature)]


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
