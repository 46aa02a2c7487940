"""The acts of NGAP Titre XIV, typed for the tests from the primary text, not from kinelint's data.

Primary text: the NGAP consolidated by the Assurance Maladie, "Version en vigueur du 21/06/2026"
(https://www.ameli.fr/sites/default/files/Documents/NGAP-21062026.pdf), Titre XIV pages 135-153,
and dispositions générales art. 13 E (the IFS). Values before 2026 are the printed values minus the
dated steps (avenant 7 and the UNCAM decision of 14 Dec 2023: +0.60 on 2026-01-01 for the article 1
acts on one territory, +1.3 for the balneotherapy supplements; +0.30 on 2026-05-28 for TER and
two-limb APM); announced steps (+0.30 on 2027-07-01, the five NMI acts on 2026-09-01) are added
here by the same arithmetic. The acceptance test bills every window and checks kinelint's verdict;
nothing here is read from kinelint's data files, so the two can disagree, and a test then fails.

A window is (letter, coefficient, first day, last day or None, how it is billed, home indemnities
by period). "How it is billed": "act" (a chapter II act: at session 1 with its BDK), "bilan" (an
isolated bilan, alone), "bdk" (the BDK, with an act), "balneo" (a supplement, with an act), "bandage"
(a bandage supplement, with RAV 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

D = Decimal
START_2024 = date(2024, 2, 22)
END_2025 = date(2025, 12, 31)
STEP_2026 = date(2026, 1, 1)
UNTIL_2027 = date(2027, 6, 30)
STEP_2027 = date(2027, 7, 1)
TER_STEP = date(2026, 5, 28)
NMI_STEP = date(2026, 9, 1)

# Home-visit specific indemnities by period (ameli.fr 2024 for 2024-2025; NGAP art. 13 E from 2026).
# Article 1 A, B, C, E, F: IFS (de sortie, then the single IFS) only after a hospital discharge, which
# an invoice cannot show: accepted. 1 D: IFO (and IFS de sortie) then IFS. Art. 2: IFR then IFS.
# Art. 4: IFN then IFS. Art. 5 non-urgent and cystic fibrosis: IFP then IFS. Art. 9: none then IFS.
HOME = {
    "II-1": (frozenset({"IFS"}), frozenset({"IFS"})),
    "II-1-D": (frozenset({"IFO", "IFS"}), frozenset({"IFS"})),
    "II-2": (frozenset({"IFR"}), frozenset({"IFS"})),
    "II-4": (frozenset({"IFN"}), frozenset({"IFS"})),
    "II-5": (frozenset({"IFP"}), frozenset({"IFS"})),
    "II-9": (frozenset(), frozenset({"IFS"})),
    "none": (frozenset(), frozenset()),
}


@dataclass(frozen=True)
class Window:
    letter: str
    coefficient: Decimal
    first: date
    last: date | None  # None: still in force
    billed: str  # "act" | "bilan" | "bdk" | "balneo" | "bandage"
    home: str  # a key of HOME
    announced: bool = False  # not yet printed in an official text

    def specific_indemnities(self, on: date) -> frozenset[str]:
        before, after = HOME[self.home]
        return before if on < STEP_2026 else after


# Chapter II article 1 A, B, C, E, F: (letter, value printed in the NGAP of 21/06/2026).
ARTICLE_1_ONE_TERRITORY = [
    # A - spine
    ("RAM", "8.09"), ("RAM", "8.11"), ("RAO", "8.09"), ("RAM", "8.10"), ("RAO", "8.08"), ("RAM", "8.07"),
    ("RAM", "8.08"), ("RAM", "8.12"), ("RAO", "8.10"), ("RAM", "8.13"), ("RAO", "8.11"),
    # B - upper limb
    ("RSC", "8.09"), ("VSM", "8.10"), ("VSC", "8.11"), ("RSM", "8.11"), ("RSC", "8.10"), ("RSM", "8.12"),
    ("RSC", "8.12"), ("VSM", "8.09"), ("VSC", "8.09"), ("RSM", "8.09"), ("RSC", "8.11"), ("RSM", "8.10"),
    ("VSM", "8.08"), ("VSC", "8.10"), ("VSM", "8.11"), ("VSC", "8.12"),
    # C - lower limb
    ("RIC", "8.11"), ("RIM", "8.10"), ("VIM", "8.10"), ("VIC", "8.11"), ("RIC", "8.12"), ("RIC", "8.08"),
    ("RIC", "8.09"), ("VIM", "8.11"), ("VIC", "8.10"), ("RIC", "8.10"), ("VIM", "8.09"), ("VIC", "8.09"),
    ("VIM", "8.12"), ("VIC", "8.12"),
    # E - spinal deviation; F - amputation of one limb
    ("DRA", "8.09"), ("DRA", "8.08"), ("DRA", "8.11"), ("DRA", "8.10"), ("APM", "8.11"), ("APM", "8.10"),
]
NECK_PAIN_2024 = date(2024, 7, 13)  # RAM 7.47: article 1 modified by the decision of 28 Jun 2024 (JO 12 Jul 2024)

# Several territories: (letter, value printed, article).
SEVERAL = [("TER", "9.79", "II-1-D"), ("TER", "9.81", "II-1-D"), ("APM", "9.80", "II-1")]

# Articles 2 to 11, unchanged since 2024-02-22: (letter, value, home group).
OTHERS = [
    ("NMI", "8", "II-2"), ("NMI", "9.01", "II-2"),
    ("RAB", "8.01", "none"), ("RAB", "8", "none"),
    ("NMI", "8.5", "II-4"), ("NMI", "9", "II-4"), ("NMI", "8.51", "II-4"), ("TER", "16", "II-4"),
    ("ARL", "8.49", "none"), ("ARL", "8.5", "II-5"), ("ARL", "8.51", "none"), ("ARL", "10", "II-5"),
    ("ARL", "28", "none"), ("ARL", "20", "none"),
    ("ARL", "7.99", "none"), ("ARL", "8", "none"), ("ARL", "8.01", "none"),
    ("RAV", "8.01", "none"), ("RAV", "7.99", "none"), ("RAV", "8", "none"), ("RAV", "9", "none"),
    ("RAV", "15.5", "none"),
    ("RAB", "8.5", "none"),
    ("RPE", "8.5", "II-9"),
    ("RPB", "8", "none"), ("RPB", "9", "none"),
    ("PLL", "12", "none"),
]
# Article 4 acts with the announced one-point step on 2026-09-01.
NMI_STEPPED = ["10.01", "11.01", "10", "10.99", "11"]


def windows() -> list[Window]:
    found: list[Window] = []
    for letter, printed in ARTICLE_1_ONE_TERRITORY:
        now = D(printed)
        first_2024 = NECK_PAIN_2024 if (letter, printed) == ("RAM", "8.07") else START_2024
        found.append(Window(letter, now - D("0.60"), first_2024, END_2025, "act", "II-1"))
        found.append(Window(letter, now, STEP_2026, UNTIL_2027, "act", "II-1"))
        found.append(Window(letter, now + D("0.30"), STEP_2027, None, "act", "II-1", announced=True))
    for letter, printed, home in SEVERAL:
        found.append(Window(letter, D(printed) - D("0.30"), START_2024, TER_STEP.replace(day=27), "act", home))
        found.append(Window(letter, D(printed), TER_STEP, None, "act", home))
    for letter, printed, home in OTHERS:
        found.append(Window(letter, D(printed), START_2024, None, "act", home))
    for printed in NMI_STEPPED:
        found.append(Window("NMI", D(printed), START_2024, date(2026, 8, 31), "act", "II-4"))
        found.append(Window("NMI", D(printed) + 1, NMI_STEP, None, "act", "II-4", announced=True))
    # RPE 6: in the 2024 table, absent from the NGAP of 21/06/2026 (that care is billed RPE 8.5).
    found.append(Window("RPE", D("6"), START_2024, END_2025, "act", "II-9"))
    # Chapter I section 1 (isolated bilans, AMK only since 2024-02-22) and section 2 (the BDK).
    for printed in ("5", "8.5", "10", "20"):
        found.append(Window("AMK", D(printed), START_2024, None, "bilan", "none"))
    for printed in ("10.7", "10.8"):
        found.append(Window("AMK", D(printed), date(2018, 7, 1), None, "bdk", "none"))
    # Chapter IV: balneotherapy supplements 2.5 and 3.5 (1.2 and 2.2 before the +1.3 step).
    for printed in ("2.5", "3.5"):
        found.append(Window("AMK", D(printed) - D("1.3"), START_2024, END_2025, "balneo", "none"))
        found.append(Window("AMK", D(printed), STEP_2026, None, "balneo", "none"))
    for printed in ("1", "2"):  # article 7: multilayer bandage supplements
        found.append(Window("RAV", D(printed), START_2024, None, "bandage", "none"))
    return found


# Acts the text lets begin only once prior approval is requested (Titre XIV preamble, a): rehabilitation
# after carpal-tunnel release, printed RSC 8.09; its 2024 value and the announced 2027 one by the same
# arithmetic as above. Billed correctly, their invoices record the request (prescription.prior_approval).
APPROVAL_BEFORE_START = {("RSC", D("8.09") + step) for step in (D("-0.60"), D("0"), D("0.30"))}

# Pairs whose window ends while the same pair goes on as another act (so it stays billable).
CONTINUED = {("NMI", D("11")), ("NMI", D("11.01"))}

# The letters of Titre XIV since 2024-02-22 (annexe 2 of the NGAP).
LETTERS_2024 = ("AMK APM ARL DRA NMI PLL RAB RAM RAO RAV RIC RIM RPB RPE RSC RSM TER VIC VIM VSC VSM").split()
