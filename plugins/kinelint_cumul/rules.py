"""The CUM rules: indemnities, travel fees and majorations that may not be billed together or there."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
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
    summary=N_("Two or more different specific indemnities are billed in one session."),
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
    summary=N_("A specific indemnity and the flat travel indemnity IFD are billed in one session."),
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
    summary=N_("The same fee code is billed twice in one session."),
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
    summary=N_("A travel fee (IFD, a specific indemnity, IK/IKM/IKS) is billed for a session not at the patient's home."),
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
    summary=N_("The night majoration (MN) and the Sunday/holiday majoration (MD) are billed in one session."),
    rationale=(
        "Both majorations pay the same thing, urgent care outside working hours; urgent care on a Sunday "
        "night earns one of them, not both."
    ),
    source=f"{NGAP}, dispositions générales art. 14 (actes effectués la nuit ou le dimanche) (H)",
    bad_example="MN + MD in one session on Sunday 2026-01-11",
    good_example="MN alone for urgent care at 23:00 on Sunday 2026-01-11",
)

_PRIMARY = "NGAP Titre XIV, version of 21/06/2026 (Assurance Maladie)"

SPECIFIC_WITHOUT_ITS_ACT = Rule(
    code="CUM006",
    name="specific-indemnity-without-its-act",
    severity="error",
    summary=N_("A specific travel indemnity (IFO, IFR, IFN, IFP, IFS) is billed for a home visit none of whose "
             "acts opens that indemnity on the date of care."),
    rationale=(
        "Each specific indemnity goes with the acts the NGAP lists for it, and the list changes with the "
        "date. From 2024-02-22 to 2025-12-31: IFO with art. 1-D (TER 9.49/9.51), IFR with art. 2 (NMI 8, "
        "9.01), IFN with art. 4 (the NMI acts and TER 16), IFP with ARL 8.5 and ARL 10, and IFS « de sortie » "
        "with the other art. 1 acts after a hospital discharge. From 2026-01-01 a single IFS goes with art. "
        "1-D, art. 2, art. 4, ARL 8.5, ARL 10, RPE 8.5, and the other art. 1 acts from a hospital discharge "
        "to the 35th day. Every other act (urgent airway clearance ARL 8.49, ARL 8.51/28/20, art. 6, RAB, RAV, "
        "RPB, PLL, AMK bilans and supplements) opens IFD only. An indemnity billed with an act that does not "
        "open it is one of the most common reasons a home visit's indemnity is refused. The hospital "
        "discharge behind IFS is not on the invoice, so kinelint accepts IFS with the art. 1 acts. Before "
        "2024-02-22 only the coefficients whose indemnity the texts state are judged; an act the catalogue "
        "cannot tell apart (AMK 8) says nothing."
    ),
    source=(_PRIMARY + ", art. 13 E of the Dispositions générales as applied to masseurs-kinésithérapeutes "
            "(IFS from 2026-01-01, its scope) and the act table of Titre XIV; ameli.fr « indemnités "
            "forfaitaires de déplacement spécifiques » for 2024-02-22 to 2025-12-31; ngap-kine.md §4, "
            "ngap-official.md §4 (H for the scope, M for the start dates); the acts each indemnity opens are the "
            "nomenclature's data (act catalogue, specific_indemnities)"),
    bad_example="IFO at home on 2025-06-03 with RIC 7.52 (total knee arthroplasty); IFS on 2026-01-12 with RAB 8.5",
    good_example="IFO at home on 2025-06-03 with TER 9.49; IFS on 2026-01-12 with NMI 9; IFD with RAB 8.5",
)

TWO_CODINGS = Rule(
    code="CUM007",
    name="two-codings-in-one-session",
    severity="error",
    summary=N_("Two rehabilitation acts (chapter II) are billed in one session."),
    rationale=(
        "« À chaque séance s'applique une seule cotation »: Titre XIV acts are not cumulable in one session, "
        "save the exceptions the text writes (the BDK, the balneotherapy supplements of chapter IV, the "
        "multilayer-bandage supplements RAV 1 / RAV 2). Care on several territories is one act (several limbs, "
        "or trunk and limbs: TER; two segments of one limb: the art. 1 « deux segments » acts). Two sessions "
        "on one day need two prescriptions for affections of different articles on two regions. kinelint "
        "files this under CUM, not CON: it is a cumulation the NGAP forbids (« ne sont pas cumulables »), "
        "like the indemnities of CUM001, not a contradiction between dates or identifiers."
    ),
    source=_PRIMARY + ", Titre XIV dispositions liminaires (« ces cotations ne sont pas cumulables entre elles »); "
                      "ngap-kine.md §5, ngap-official.md §6 (H)",
    bad_example="RIC 8.12 + RAM 8.09 in one session on 2026-01-12",
    good_example="RIC 8.12 alone (the BDK AMK 10.7 or a balneotherapy supplement AMK 2.5 may be added)",
)

SUPPLEMENT_WITHOUT_ACT = Rule(
    code="CUM008",
    name="supplement-without-act",
    severity="error",
    summary=N_("A supplement (balneotherapy AMK 1.2/2.2, 2.5/3.5; multilayer bandage RAV 1, RAV 2) is billed in a "
             "session with no act for it to supplement."),
    rationale=(
        "A supplement is paid on top of an act of the same session: balneotherapy « pour les actes du chapitre "
        "II » (chapter IV), the multilayer bandage on a lymphoedema act of art. 7 (vascular). Alone, it bills "
        "a part of a session that was not billed, or an act that was left out of the export. A session with "
        "an act kinelint cannot identify that day is not judged (COE reports that act)."
    ),
    source=_PRIMARY + ", chapter IV (kinébalnéothérapie) and chapter II art. 7 (supplément pour bandage "
                      "multicouche); ngap-official.md §2 (H)",
    bad_example="AMK 2.5 alone in a session on 2026-01-12; RAV 1 with RIC 8.12",
    good_example="RIC 8.12 + AMK 2.5; RAV 8 + RAV 1",
)

SUPPLEMENT_INCLUDED = Rule(
    code="CUM009",
    name="supplement-included-in-the-act",
    severity="error",
    summary=N_("A supplement is billed with an act whose coting already includes it: a multilayer-bandage "
             "supplement (RAV 1, RAV 2) with RAV 15.5."),
    rationale=(
        "RAV 15.5 (upper-limb lymphoedema after breast cancer, with shoulder rehabilitation, about an hour) "
        "already pays the bandage: « la cotation de l'acte tient compte du bandage, et celui-ci ne peut pas "
        "faire l'objet d'un supplément pour bandage multicouche ». Which act includes which supplement is "
        "the nomenclature's data (act catalogue, includes), RAV 15.5 being the one case of the text."
    ),
    source=_PRIMARY + ", chapter II art. 7; ngap-official.md §2 and §6 (H)",
    bad_example="RAV 15.5 + RAV 1 in one session",
    good_example="RAV 15.5 alone; RAV 8 + RAV 1",
)

ISOLATED_BILAN_WITH_TREATMENT = Rule(
    code="CUM010",
    name="isolated-bilan-with-treatment",
    severity="error",
    summary=N_("An isolated bilan (chapter I section 1: AMK 5, 8.5, 10, 20) is billed on an invoice that also "
             "bills a rehabilitation act, in the same session or another."),
    rationale=(
        "The isolated bilans of chapter I section 1 « ne donnent lieu à facturation qu'en l'absence de "
        "traitement de rééducation [...] en cours ou de prescription concomitante d'un tel traitement ». "
        "An invoice that bills one with a rehabilitation act shows the treatment is ongoing: its assessment is "
        "the bilan-diagnostic kinésithérapique (BDK, chapter I section 2), not an isolated bilan. An isolated "
        "bilan alone needs no BDK (BDK rules do not apply to it). kinelint sees one invoice: a treatment "
        "billed on another invoice of the same prescription is not looked for."
    ),
    source=_PRIMARY + ", chapter I section 1 (actes isolés); ngap-kine.md §2, ngap-official.md §2 (H)",
    bad_example="AMK 8.5 in session 1 and RIC 8.12 in session 2 of one invoice",
    good_example="AMK 8.5 alone on its invoice; for a treatment, the BDK AMK 10.7 with RIC 8.12",
)

RULES = (SPECIFIC_TOGETHER, SPECIFIC_WITH_IFD, DUPLICATE_FEE, TRAVEL_OUTSIDE_HOME, NIGHT_AND_SUNDAY,
         SPECIFIC_WITHOUT_ITS_ACT, TWO_CODINGS, SUPPLEMENT_WITHOUT_ACT, SUPPLEMENT_INCLUDED,
         ISOLATED_BILAN_WITH_TREATMENT)
