"""The TAR rules, stated once: amounts that do not follow from the nomenclature's prices."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_LETTER_VALUES = (f"{NGAP}, dispositions générales art. 2 (an act is a key letter and a coefficient; price = "
                  "coefficient × letter value, rounded half-up to the cent: M); letter values (ameli.fr): avenant 7 (arrêté 21 Aug 2023, JORF 25 Aug 2023) and UNCAM decision of "
                  "14 Dec 2023 (JORF 8 Feb 2024), 2.15/2.36 until 2024-02-21, 2.21/2.43 from 2024-02-22")
_FEES = (f"{NGAP}, dispositions générales art. 13 and 14 (the fees; no amounts); amounts: ameli.fr and the "
         "profession's tables (M)")

ACT_AMOUNT = Rule(
    code="TAR001",
    name="act-amount-mismatch",
    severity="error",
    summary=N_("An act's amount is not its coefficient × the letter's value on the date of care, rounded half-up to the cent."),
    rationale=("The Assurance Maladie pays coefficient × letter value for the territory and date of care; an "
               "amount one cent off is rejected or paid differently, and the patient's share is wrong with it. "
               "Binary floating point gets several prices wrong (8.5 × 2.21 = 18.785 is 18.79)."),
    source=_LETTER_VALUES,
    bad_example="RIC 8.12 billed 17.94 on 2026-01-12 in metropole (8.12 × 2.21 = 17.9452)",
    good_example="RIC 8.12 billed 17.95 on 2026-01-12 in metropole",
)

FEE_AMOUNT = Rule(
    code="TAR002",
    name="fee-amount-mismatch",
    severity="error",
    summary=N_("A fee's amount is not its price on the date of care (unit price × kilometres for IK, IKM, IKS)."),
    rationale=("Indemnities, travel and majorations have fixed prices per territory; a per-km fee is its "
               "price per kilometre times the kilometres billed. Any other amount is rejected or mispaid."),
    source=_FEES,
    bad_example='{"code": "IK", "quantity": 6, "amount": 2.30} on 2026-01-12 in metropole (6 × 0.38 = 2.28)',
    good_example='{"code": "IK", "quantity": 6, "amount": 2.28} on 2026-01-12 in metropole',
)

FEE_QUANTITY = Rule(
    code="TAR003",
    name="quantity-on-flat-fee",
    severity="error",
    summary=N_("A fee that is not billed per kilometre has a quantity other than 1."),
    rationale=("Only the per-km fees count kilometres in `quantity`; an indemnity or majoration is due once "
               "per session, so a quantity of 2 on it bills care that was not given."),
    source=_FEES + "; kinelint invoice format, version 1 (fees[].quantity: kilometres for per-km fees, else 1)",
    bad_example='{"code": "IFD", "quantity": 2, "amount": 5.00}',
    good_example='{"code": "IFD", "amount": 2.50}',
)

TOTAL = Rule(
    code="TAR004",
    name="total-mismatch",
    severity="error",
    summary=N_("The invoice's total is not the exact sum of its act and fee amounts."),
    rationale=("The total is what the Assurance Maladie and the patient are asked to pay; if it differs from "
               "its lines, one of them is wrong and the invoice is rejected."),
    source="kinelint invoice format, version 1 (total: the sum of every act and fee amount)",
    bad_example='acts 23.65 + 17.95, fees 2.50 + 2.28, "total": 46.40',
    good_example='acts 23.65 + 17.95, fees 2.50 + 2.28, "total": 46.38',
)

RULES = (ACT_AMOUNT, FEE_AMOUNT, FEE_QUANTITY, TOTAL)
