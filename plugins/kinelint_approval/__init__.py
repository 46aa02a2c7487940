"""DAP: prior approval (accord préalable) of the medical service, where an act's reference situation needs it.

The thresholds are the nomenclature's (``Act.prior_approval`` of the act
catalogue), asked on each session's date; this plugin holds none.
"""

from __future__ import annotations

from kinelint.hookspecs import hookimpl

from kinelint_approval.checks import check_invoice, nothing_to_say
from kinelint_approval.rules import RULES


@hookimpl
def kinelint_rules():
    return list(RULES)


@hookimpl
def kinelint_check_invoice(invoice, nomenclature):
    if nothing_to_say(invoice, nomenclature):
        return []
    return list(check_invoice(invoice, nomenclature))


@hookimpl
def kinelint_check_invoices(invoices, nomenclature, today):
    """A chunk of invoices in one call (one guard and time budget for the chunk, not one an invoice)."""
    return [kinelint_check_invoice(invoice, nomenclature) for invoice in invoices]
