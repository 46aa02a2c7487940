"""The CUM rules: indemnities, travel fees and majorations that may not be billed together or there."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.rulekit import NGAP

_SPECIFIC_SOURCE = (
    "ameli.fr, prise en charge à domicile : indemnités et forfaits (2 Aug 2024): the specific indemnities "
    "IFO/IFR/IFN/IFP are not cumulable with each other nor with IFD (H); from 2026-01-01 the single IFS, "
    f"{NGAP}, dispositions générales art. 13 E, billed in place of IFD (M)"
)

SPECIFIC_TOGETHER = Rule(
    code="CUM001",
    name="specific-indemnities-together",
    severity="error",
    summary="Two or more different specific indemnities are billed in one session.",
    rationale=(
        "A visit earns at most one specific travel indemnity (IFO, IFR, IFN, IFP or IFS); the Assurance "
        "Maladie pays one and recovers the other. Since 2026-01-01 IFS is the single specific indemnity. "
        "IFV and IFK do not exist for physiotherapists (OBS005)."
    ),
    source=_SPECIFIC_SOURCE,
    bad_example="IFO + IFR at home on 2025-06-03",
    good_example="IFO alone at home on 2025-06-03 (IFS alone from 2026-01-01)",
)

SPECIFIC_WITH_IFD = Rule(
    code="CUM002",
    name="specific-indemnity-with-ifd",
    severity="error",
    summary="A specific indemnity and the flat travel indemnity IFD are billed in one session.",
    rationale=(
        "The specific indemnity is paid instead of IFD for the same visit, not on top of it; billing "
        "both is a double payment for one trip. IK may be added to either."
    ),
    source=_SPECIFIC_SOURCE,
    bad_example="IFS + IFD at home on 2026-01-12",
    good_example="IFS + IK 6 at home on 2026-01-12, or IFD + IK 6",
)

DUPLICATE_FEE = Rule(
    code="CUM003",
    name="duplicate-fee",
    severity="error",
    summary="The same fee code is billed twice in one session.",
    rationale=(
        "Indemnities and majorations are due once per visit, and kilometres are one line whose quantity "
        "is the distance billed; a repeated line is a double payment or an export error."
    ),
    source=f"{NGAP}, dispositions générales art. 13 (one travel indemnity per visit) and art. 14",
    bad_example="IFD + IFD in one session on 2026-01-12, or IK 3 + IK 3",
    good_example="IFD once, IK with quantity 6",
)

TRAVEL_OUTSIDE_HOME = Rule(
    code="CUM004",
    name="travel-fee-outside-home",
    severity="error",
    summary="A travel fee (IFD, a specific indemnity, IK/IKM/IKS) is billed for a session not at the patient's home.",
    rationale=(
        "Travel indemnities and kilometres pay the practitioner's trip to the patient; they are due only "
        "for care at the patient's home, never at the practice, in an establishment or in telecare."
    ),
    source=(f"{NGAP}, dispositions générales art. 13 (frais de déplacement pour actes effectués au domicile "
            "du malade); ameli.fr, prise en charge à domicile (H)"),
    bad_example='IFD on a session with "place": "cabinet"',
    good_example='IFD on a session with "place": "domicile"',
)

NIGHT_AND_SUNDAY = Rule(
    code="CUM005",
    name="night-and-sunday-majoration",
    severity="error",
    summary="The night majoration (MN) and the Sunday/holiday majoration (MD) are billed in one session.",
    rationale=(
        "Both majorations pay the same thing, urgent care outside working hours; urgent care on a Sunday "
        "night earns one of them, not both."
    ),
    source=f"{NGAP}, dispositions générales art. 14 (actes effectués la nuit ou le dimanche) (H)",
    bad_example="MN + MD in one session on Sunday 2026-01-11",
    good_example="MN alone for urgent care at 23:00 on Sunday 2026-01-11",
)

RULES = (SPECIFIC_TOGETHER, SPECIFIC_WITH_IFD, DUPLICATE_FEE, TRAVEL_OUTSIDE_HOME, NIGHT_AND_SUNDAY)
