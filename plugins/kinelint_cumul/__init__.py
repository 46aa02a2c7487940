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
