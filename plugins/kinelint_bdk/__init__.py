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
