"""The PRE rules: what the medical prescription allows."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

TRAVEL_WITHOUT_HOME_CARE = Rule(
    code="PRE001",
    name="travel-fee-without-home-care",
    severity="error",
    summary=N_("A travel fee (IFD, IFS, IK, …) is billed on an invoice whose prescription does not ask for care at "
               "the patient's home (prescription.home_care is false)."),
    rationale=(
        "Travel fees are paid on top of an act only when that act must be done at the patient's home: « Lorsqu'un "
        "acte inscrit à la NGAP […] doit être effectué au domicile du malade, les frais de déplacement du "
        "professionnel de santé sont remboursés, en sus de la valeur de l'acte ». For a physiotherapist it is the "
        "prescription that says the care is to be given at home; travel fees billed on a prescription that does "
        "not are recovered as undue (indu). The rule reads prescription.home_care and says nothing when the "
        "export leaves it out."
    ),
    source=f"{NGAP}, première partie, dispositions générales, article 13 (frais de déplacement pour actes effectués "
           "au domicile du malade), first paragraph",
    bad_example='"home_care": false in the prescription, a session with {"code": "IFD", "amount": 2.50}',
    good_example='"home_care": true (the prescription asks for care at home), or no travel fee',
    reads=("prescription.home_care",),
)

RULES = (TRAVEL_WITHOUT_HOME_CARE,)
