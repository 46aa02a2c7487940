"""The COE rules, stated once: coefficients not in force for their act on the date of care.

Which coefficient is valid when comes from the nomenclature data, never from here.
"""

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_SOURCES = (f"{NGAP}, Titre XIV (the coefficients in force); the 2026-01-01 steps (+0.60 on the article 1 "
            "acts, balneotherapy 1.2/2.2 -> 2.5/3.5) of avenant 7 (arrêté 21 Aug 2023) and the UNCAM decision "
            "of 14 Dec 2023, postponed from 2025-07-01 by the ONDAM alert; TER and two-limb APM moved to "
            "2026-05-28 by avenant 8 (JORF 19 Dec 2025); announced steps (2026-09-01, 2027-07-01) are warnings")

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
    summary=N_("An act is billed with a coefficient that is no act of its letter on the date of care."),
    rationale=("Since 2024-02-22 an act is its (letter, coefficient) pair and each letter has a short list of "
               "acts; any other value is a typing or mapping error. The lists are complete from 2024-02-22, so "
               "the finding is an error; before that date kinelint has no complete list and says nothing."),
    source=(f"{NGAP}, Titre XIV chapters I, II and IV (every act of the table, in kinelint's act catalogue); "
            "UNCAM decision of 14 Dec 2023 (JORF 8 Feb 2024)"),
    bad_example="RIC 9 on 2026-01-05",
    good_example="RIC 8.12 on 2026-01-05",
)

RULES = (SUPERSEDED_COEFFICIENT, EARLY_COEFFICIENT, UNKNOWN_COEFFICIENT)
