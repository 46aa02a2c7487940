"""The nomenclature's answers as plain records: what every other module of the package shares.

Why a module of its own: the tables, the day and the query class all speak in
these records; keeping them here, importing nothing of the package, leaves the
package's imports in one direction (records <- tables <- day <- model <- loader).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kinelint.i18n import Term, msg

TERRITORIES = ("metropole", "dom")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where an answer comes from and how far to trust it."""

    source: str
    confidence: str  # "H" | "M" | "L"
    note: str = ""
    flagged: bool = False  # the data says `uncertain = true` (announced, disputed, incomplete)

    @property
    def uncertain(self) -> bool:
        return self.confidence == "L" or self.flagged

    def why_uncertain(self) -> str:
        """A short reason for a warning message; "" when the fact is certain."""
        if not self.uncertain:
            return ""
        if self.flagged:
            reason = Term(self.note) if self.note else msg("kinelint's data marks this as announced or disputed")
            return msg("{reason} (confidence {confidence})", reason=reason, confidence=self.confidence)
        reason = msg("kinelint's source for this is a single unofficial source (confidence L)")
        return msg("{reason}: {note}", reason=reason, note=Term(self.note)) if self.note else reason


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """Is this letter or fee code in force on that date?"""

    state: str  # "in_force" | "retired" | "not_yet" | "unknown"
    code: str
    since: date | None  # retired: first day out of force; not_yet: first day in force
    replaced_by: str | None
    fact: Fact | None


@dataclass(frozen=True, slots=True)
class Price:
    """Euros per coefficient point (letters), per unit (fees) or per km (IK)."""

    amount: Decimal
    fact: Fact


@dataclass(frozen=True, slots=True)
class CoefficientStatus:
    """Is coefficient C of letter L valid on that date, and if not, what instead?"""

    state: str  # "valid" | "superseded" | "early" | "act_deleted" | "never" | "unknown_letter"
    letter: str
    coefficient: Decimal
    valid_from: date | None
    valid_until: date | None
    replacement: Decimal | None
    valid_now: tuple[Decimal, ...]
    fact: Fact | None


@dataclass(frozen=True, slots=True)
class BdkRule:
    """The bilan diagnostic kinésithérapique as it stands on one date."""

    letters: tuple[str, ...]
    coefficients: dict[str, Decimal]
    first_renewal: dict[str, int]
    renewal_every: dict[str, int]
    min_series: int | None
    required_at_first_session: bool
    telecare_first_session_allowed: bool
    fact: Fact
    # The run of days these coefficients are in force (over windows that differ
    # only in letters), so a finding can say "10.7 since 2018-07-01".
    coefficients_since: date | None = None
    coefficients_until: date | None = None
    # Why the renewal points may be read otherwise ("" = they are plain): findings about them are warnings.
    schedule_doubt: str = ""

    def kind_of(self, coefficient: Decimal) -> str | None:
        """The kind ("general", "neurological") of a BDK coefficient; None if it is not one."""
        for kind, value in self.coefficients.items():
            if value == coefficient:
                return kind
        return None

    def is_bilan_point(self, session_number: int, kind: str) -> bool:
        """True at the first session and at each renewal point of that kind.

        Where the renewal points of a window are not in the data (before
        2018-07-01), only the first session is a bilan point.
        """
        if kind not in self.coefficients:
            raise ValueError(f"unknown BDK kind {kind!r}; expected one of {sorted(self.coefficients)}")
        if session_number == 1:
            return True
        first = self.first_renewal.get(kind)
        every = self.renewal_every.get(kind)
        if first is None or every is None or session_number < first:
            return False
        return (session_number - first) % every == 0


@dataclass(frozen=True, slots=True)
class Act:
    """One act of the NGAP table as billed on a date: its (letter, coefficient) pair and what it is.

    ``specific_indemnities`` are the specific home-visit indemnities (fees of the
    group "specific") a home visit for this act may add on the date asked; empty
    means IFD only. Conditions an invoice cannot show (IFS up to the 35th day
    after a hospital discharge) are included: the act may add them.
    """

    letter: str
    coefficient: Decimal
    valid_from: date
    valid_until: date | None  # inclusive; None = open-ended
    article: str  # "II-1-C", "II-4", "I-1", "IV", ...
    label: str  # short, in our own words
    kind: str  # "rehabilitation" | "isolated_bilan" | "bdk" | "balneotherapy" | "bandage"
    specific_indemnities: frozenset[str]
    prior_approval: int | None  # sessions 1..n usual, n+1 on needs approval; 0 = before the first; None = none
    two_a_day: bool
    fact: Fact
    note: str = ""  # the act's own remark (conditions of the text), "" when none
    # Supplement kinds ("bandage", "balneotherapy") its coting already pays: not billed on top of it
    # (RAV 15.5 includes the bandage). Empty for nearly every act.
    includes: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """How messages name the act: "RIC 8.12 (total knee arthroplasty)"."""
        return f"{self.letter} {format(self.coefficient.normalize(), 'f')} ({self.label})"

    @property
    def supplement(self) -> bool:
        """Billed on top of a session's act (balneotherapy, bandage), not as the session's act."""
        return self.kind in ("balneotherapy", "bandage")
