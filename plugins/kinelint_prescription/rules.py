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
    judges=lambda invoice: invoice.home_care is not None or not any(s.fees for s in invoice.sessions if s.at_home),
)

_L4321_1 = ("Code de la santé publique, art. L4321-1, its paragraph on renewal "
            "(kinelint/nomenclature/data/renewal.toml, confidence M: the article as a legal publisher reproduces it)")

CARE_BEGUN_ON_AN_OLD_PRESCRIPTION = Rule(
    code="PRE002",
    name="care-begun-on-an-old-prescription",
    severity="warning",
    summary=N_("The care begins (session 1) 12 months or more after the date of its prescription: kinelint's "
               "threshold (prescription-validity-months)."),
    rationale=(
        "A prescription of physiotherapy is to be used while it is current: patients' and mutuelles' guides say "
        "the care must begin within a year of it, and care billed on a prescription used beyond its validity is "
        "among the grounds on which the Assurance Maladie recovers what it paid. No primary text sets the "
        "figure, so the rule is a threshold, a warning that says so: the first session (number 1) of an invoice "
        "dated on or after the prescription's date plus prescription-validity-months (12 by default, 1 to 60 in "
        "the configuration). A prescription dated 2025-03-10 starts care until 2026-03-09; on 2026-03-10 the "
        "warning is given. Care in direct access has no medical prescription and is not judged. The money at "
        "stake is the invoice's total, billed on that prescription."
    ),
    source="no text sets it: kinelint/nomenclature/data/thresholds.toml, prescription-validity-months "
           "(confidence L, the texts that bear on it and secondary sources)",
    bad_example='"date": "2025-03-10" in the prescription, session 1 on "2026-03-10"',
    good_example='session 1 on "2026-03-09" or earlier, or a new prescription',
)

RENEWAL_OF_AN_OLD_PRESCRIPTION = Rule(
    code="PRE003",
    name="renewal-of-an-old-prescription",
    severity="error",
    summary=N_("The physiotherapist renewed a medical prescription one year old or more: the law allows the "
               "renewal only of an initial prescription « datant de moins d'un an »."),
    rationale=(
        "Code de la santé publique, art. L4321-1: the physiotherapist may adapt, within a renewal, « les "
        "prescriptions médicales initiales d'actes de masso-kinésithérapie datant de moins d'un an ». A "
        "prescription dated 2025-03-10 can be renewed until 2026-03-09; renewed on 2026-03-10 it is one year old "
        "and the sessions billed on the renewal have no prescription behind them. The money at stake is the "
        "amount of the invoice's sessions dated on or after the renewal."
    ),
    source=_L4321_1,
    bad_example='"date": "2025-03-10", "renewal": {"renewed_on": "2026-03-10"}',
    good_example='"renewal": {"renewed_on": "2026-03-09"}, or a new medical prescription',
    reads=("prescription.renewal",),
)

RENEWAL_WITHOUT_A_MEDICAL_PRESCRIPTION = Rule(
    code="PRE004",
    name="renewal-in-direct-access",
    severity="error",
    summary=N_("A renewal by the physiotherapist is recorded on care in direct access: there is no medical "
               "prescription to renew."),
    rationale=(
        "The renewal of art. L4321-1 of the Code de la santé publique is of « prescriptions médicales initiales »; "
        "care in direct access has none (prescription.direct_access). Past what direct access allows, the care "
        "needs a medical prescription, not a renewal. The money at stake is the amount of the invoice's sessions "
        "dated on or after the renewal."
    ),
    source=_L4321_1,
    bad_example='"direct_access": {"prior_diagnosis": false}, "renewal": {"renewed_on": "2026-02-01"}',
    good_example="a medical prescription for the care past the direct-access limit",
    reads=("prescription.renewal", "prescription.direct_access"),
)

RENEWAL_AGAINST_THE_PRESCRIBER = Rule(
    code="PRE005",
    name="renewal-against-the-prescriber",
    severity="error",
    summary=N_("A renewal by the physiotherapist is recorded on a prescription whose prescriber excluded it "
               "(prescription.renewable is false)."),
    rationale=(
        "Code de la santé publique, art. L4321-1: the physiotherapist renews and adapts a prescription « sauf "
        "indication contraire du médecin ». When the prescription says it may not be renewed, the sessions "
        "billed on a renewal have no prescription behind them. The money at stake is the amount of the "
        "invoice's sessions dated on or after the renewal."
    ),
    source=_L4321_1,
    bad_example='"renewable": false, "renewal": {"renewed_on": "2026-02-01"}',
    good_example='"renewable": true (or absent), or a new medical prescription',
    reads=("prescription.renewal", "prescription.renewable"),
)

RULES = (TRAVEL_WITHOUT_HOME_CARE, CARE_BEGUN_ON_AN_OLD_PRESCRIPTION, RENEWAL_OF_AN_OLD_PRESCRIPTION,
         RENEWAL_WITHOUT_A_MEDICAL_PRESCRIPTION, RENEWAL_AGAINST_THE_PRESCRIBER)
