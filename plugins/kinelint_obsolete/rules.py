"""The OBS rules, stated once: codes that are not in force on the date of care.

The codes are stable forever; the dates and replacements they talk about come
from the nomenclature data, never from here.
"""

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_UNCAM_2023 = f"UNCAM decision of 14 Dec 2023 (JORF 8 Feb 2024), in force 2024-02-22; {NGAP}, annexe 2 (key letters)"
_AVENANT_8 = (f"{NGAP}, Titre XIV and dispositions générales art. 13 E; the 2026-01-01 steps of avenant 7 "
              "(arrêté 21 Aug 2023) and the UNCAM decision of 14 Dec 2023, postponed from 2025-07-01 by the ONDAM alert")

RETIRED_LETTER = Rule(
    code="OBS001",
    name="retired-letter",
    severity="error",
    summary=N_("An act uses a key letter that was deleted before the date of care."),
    rationale=("AMS and AMC were deleted on 2024-02-22 when the new kiné nomenclature came in; care billed "
               "on a deleted letter is rejected or paid at an old price (no transitional acceptance for "
               "treatments begun earlier was found)."),
    source=_UNCAM_2023,
    bad_example="AMS 7.5 on 2024-07-01",
    good_example="RIC 7.52 on 2024-07-01 (the new letter of the act)",
)

RETIRED_ACT = Rule(
    code="OBS002",
    name="retired-act",
    severity="error",
    summary=N_("An act (a letter with that coefficient) was deleted before the date of care."),
    rationale=("Avenant 8 deleted RPE 6 (walking, autonomy of the elderly) on 2026-01-01; that care is now "
               "billed RPE 8.5. A deleted act is rejected by the Assurance Maladie."),
    source=_AVENANT_8,
    bad_example="RPE 6 on 2026-01-05",
    good_example="RPE 8.5 on 2026-01-05",
)

RETIRED_FEE = Rule(
    code="OBS003",
    name="retired-fee",
    severity="error",
    summary=N_("A fee code (indemnity, majoration) was deleted before the date of care."),
    rationale=("From 2026-01-01 the specific indemnities IFO, IFR, IFN and IFP are merged into the single "
               "specific indemnity IFS; an old code is rejected."),
    source=_AVENANT_8,
    bad_example="IFO on 2026-01-05",
    good_example="IFS on 2026-01-05",
)

NOT_YET_IN_FORCE = Rule(
    code="OBS004",
    name="code-not-yet-in-force",
    severity="error",
    summary=N_("A letter or fee code is used before the date it was created."),
    rationale=("The twenty new letters (RIC, TER, …) and the telecare letter TMK exist from 2024-02-22, IFS "
               "as the single specific indemnity from 2026-01-01; care dated earlier must be billed with the "
               "codes of its own date, or the date of care is wrong."),
    source=f"{_UNCAM_2023}; {_AVENANT_8}",
    bad_example="RIC 7.52 on 2024-02-21",
    good_example="RIC 7.52 on 2024-02-22, or AMS 7.5 on 2024-02-21",
)

UNKNOWN_CODE = Rule(
    code="OBS005",
    name="unknown-code",
    severity="error",
    summary=N_("A letter or fee code that the NGAP for physiotherapists does not know."),
    rationale=("A code outside the nomenclature is usually a typing or mapping error of the billing program; "
               "the Assurance Maladie rejects it."),
    source=f"{NGAP}, Titre XIV and annexe 2, as in force on the date of care",
    bad_example='{"letter": "RIX", "coefficient": 8.12}',
    good_example='{"letter": "RIC", "coefficient": 8.12}',
)

NO_KNOWN_PRICE = Rule(
    code="OBS006",
    name="no-known-price",
    severity="warning",
    summary=N_("A letter or fee code in force on the date of care has no known value in the practitioner's territory."),
    rationale=("The amount of such an act or fee cannot be checked (the tariff rules stay silent), so the "
               "user is told rather than left to believe it was checked: e.g. no DOM value of TMK was found."),
    source="letter and fee values: ameli.fr (the NGAP prints none); kinelint's nomenclature data says which are known",
    bad_example="TMK 8.12 in a DOM practice (no DOM value known)",
    good_example="TMK 8.12 in a metropole practice",
)

RULES = (RETIRED_LETTER, RETIRED_ACT, RETIRED_FEE, NOT_YET_IN_FORCE, UNKNOWN_CODE, NO_KNOWN_PRICE)
