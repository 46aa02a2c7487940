"""kinelint's BDK rules: the bilan diagnostic kinésithérapique, missing, misplaced or mis-coded."""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_bdk.checks import check_invoice


@hookimpl
def kinelint_rules():
    from kinelint_bdk.rules import RULES

    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    return check_invoice(invoice, nomenclature)


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
