"""PRE: what the medical prescription allows, beyond the cotation — travel fees only for care it sends home,
care begun while the prescription is current, and the physiotherapist's renewal within CSP art. L4321-1.

A rule here that reads a field the export may not have (``prescription.home_care``,
``prescription.renewal``) says nothing without it; ``--statistics`` counts the
invoices PRE001 could not judge.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_prescription.checks import check_invoice, has_something_to_say
from kinelint_prescription.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    if not has_something_to_say(invoice):
        return []
    return list(check_invoice(invoice, nomenclature))


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
