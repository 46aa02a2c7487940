"""The COE rules, stated once: coefficients not in force for their act on the date of care.

Which coefficient is valid when comes from the nomenclature data, never from here.
"""

from kinelint.findings import Rule
from kinelint.i18n import N_

_SOURCES = ("Avenant 8 to the kiné convention (JORF 19 Dec 2025): +0.60 on the orthopaedic acts and "
            "balneotherapy AMK 1.2/2.2 -> 2.5/3.5 from 2026-01-01; TER/APM steps of 2026-05-28 and the "
            "announced NMI step (ngap-kine.md §3, confidence M); UNCAM decision of 14 Dec 2023 (JORF 8 Feb 2024)")

SUPERSEDED_COEFFICIENT = Rule(
    code="COE001",
    name="superseded-coefficient",
    severity="error",
    summary=N_("An act is billed with a coefficient that was replaced before the date of care."),
    rationale=("Coefficients change on dated decisions (e.g. +0.60 on the orthopaedic acts on 2026-01-01); "
               "care on or after the change must carry the new coefficient, or it is underpaid and the "
               "act is no longer traceable."),
    source=_SOURCES,
    bad_example="RIC 7.52 on 2026-01-05",
    good_example="RIC 8.12 on 2026-01-05",
)

EARLY_COEFFICIENT = Rule(
    code="COE002",
    name="early-coefficient",
    severity="error",
    summary=N_("An act is billed with a coefficient that only comes into force after the date of care."),
    rationale=("No new coefficient may be billed before its date; the 2025 vendor guidance was explicit that "
               "anticipated values are rejected (the 2025-07-01 step was suspended to 2026-01-01)."),
    source=_SOURCES,
    bad_example="RIC 8.12 on 2025-12-31",
    good_example="RIC 7.52 on 2025-12-31",
)

UNKNOWN_COEFFICIENT = Rule(
    code="COE003",
    name="unknown-coefficient",
    severity="error",
    summary=N_("An act is billed with a coefficient its letter never had on the date of care."),
    rationale=("Each letter has a short list of coefficients, one per act; any other value is a typing or "
               "mapping error. Most per-act lists are reconstructed from a single source, so the finding "
               "is a warning where the list is uncertain."),
    source=("UNCAM decision of 14 Dec 2023 (JORF 8 Feb 2024), NGAP Titre XIV; per-act coefficients as in "
            "the kinelint nomenclature data, with their confidence"),
    bad_example="RIC 9 on 2026-01-05",
    good_example="RIC 8.12 on 2026-01-05",
)

RULES = (SUPERSEDED_COEFFICIENT, EARLY_COEFFICIENT, UNKNOWN_COEFFICIENT)
