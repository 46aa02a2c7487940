"""DIR: direct access (accès direct), care without a medical prescription within the limits of CSP L4321-1.

The limits are the nomenclature's dated data (``kinelint.nomenclature.access``); this
plugin holds none. It reads ``prescription.direct_access`` and ``practitioner.structure``
and says nothing when the export leaves them out.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_direct.checks import check_invoice
from kinelint_direct.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice):
    if invoice.direct_access is None:  # on a medical prescription (or not exported): nearly every invoice
        return []
    return list(check_invoice(invoice))


@hookimpl
def kinelint_check_invoices(invoices):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice) for invoice in invoices]
