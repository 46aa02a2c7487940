"""A typed, read-only view of one schema-valid invoice, for the rule plugins.

The schema has already been checked, so the view trusts the shape: dates are
``datetime.date``, money and coefficients ``Decimal``, and every part knows
its JSON pointer so a rule can point at it without building paths itself.
The parts are named tuples: built for every invoice of a batch, they must be
cheap, and a tuple is the cheapest read-only record Python has.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kinelint.frozen import FrozenDict

_fromisoformat = date.fromisoformat


class Act(NamedTuple):
    index: int
    session_index: int
    letter: str
    coefficient: Decimal
    amount: Decimal
    bdk: bool
    label: str | None

    @property
    def pointer(self) -> str:
        return f"/sessions/{self.session_index}/acts/{self.index}"


class Fee(NamedTuple):
    index: int
    session_index: int
    code: str
    quantity: int
    amount: Decimal

    @property
    def pointer(self) -> str:
        return f"/sessions/{self.session_index}/fees/{self.index}"


class Session(NamedTuple):
    index: int
    number: int
    date: date
    place: str
    acts: tuple[Act, ...]
    fees: tuple[Fee, ...]
    start: int | None = None  # start_time as minutes after midnight (09:30 -> 570); None: not exported
    minutes: int | None = None  # duration_minutes; None: not exported

    @property
    def pointer(self) -> str:
        return f"/sessions/{self.index}"

    @property
    def at_home(self) -> bool:
        return self.place == "domicile"


class PriorApproval(NamedTuple):
    """The prior approval (accord préalable) recorded on the prescription; silence in the legal delay is agreement."""

    requested_on: date
    granted_on: date | None

    pointer = "/prescription/prior_approval"


class DirectAccessCare(NamedTuple):
    """Care in direct access (no medical prescription); whether the patient had a medical diagnosis before."""

    prior_diagnosis: bool

    pointer = "/prescription/direct_access"


class Invoice(NamedTuple):
    data: FrozenDict  # the raw document, read-only: a plugin cannot change what another plugin sees
    invoice_id: str
    issued_on: date
    territory: str
    rpps: str
    nir: str  # patient data: for check digits only, never for messages
    prescription_id: str
    prescription_date: date
    prescriber_rpps: str | None
    sessions_prescribed: int | None
    sessions: tuple[Session, ...]
    total: Decimal
    prior_approval: PriorApproval | None  # None: no approval recorded (most invoices)
    home_care: bool | None = None  # prescription.home_care; None: the export does not say
    direct_access: DirectAccessCare | None = None  # None: on a medical prescription, or not exported
    structure: str | None = None  # practitioner.structure; None: not exported
    renewed_on: date | None = None  # prescription.renewal.renewed_on; None: not billed on a renewal
    renewable: bool | None = None  # prescription.renewable; None: the export does not say

    @classmethod
    def from_dict(cls, data: dict) -> Invoice:
        prescription = data["prescription"]
        practitioner = data["practitioner"]
        return _new(cls, (
            FrozenDict(data),
            data["invoice_id"],
            _fromisoformat(data["issued_on"]),
            practitioner["territory"],
            practitioner["rpps"],
            data["patient"]["nir"],
            prescription["id"],
            _fromisoformat(prescription["date"]),
            prescription.get("prescriber_rpps"),
            _whole(prescription.get("sessions_prescribed")),
            tuple([_session(i, s) for i, s in enumerate(data["sessions"])]),
            _decimal(data["total"]),
            _approval(prescription.get("prior_approval")),
            prescription.get("home_care"),
            None if (direct := prescription.get("direct_access")) is None
            else _new(DirectAccessCare, (direct["prior_diagnosis"],)),
            practitioner.get("structure"),
            None if (renewal := prescription.get("renewal")) is None else _fromisoformat(renewal["renewed_on"]),
            prescription.get("renewable"),
        ))


def _decimal(number) -> Decimal:
    """Numbers are exact already; a whole number may have been read as an int."""
    return number if type(number) is Decimal else Decimal(number)


def _approval(raw: dict | None) -> PriorApproval | None:
    if raw is None:
        return None
    granted_on = raw.get("granted_on")
    return _new(PriorApproval, (_fromisoformat(raw["requested_on"]),
                                None if granted_on is None else _fromisoformat(granted_on)))


def _whole(number):
    """An integer field: JSON Schema lets ``26.00`` be the integer 26, and so does the view."""
    return number if number is None or type(number) is int else int(number)


# ``tuple.__new__(Act, fields)`` builds the same named tuple as ``Act(*fields)`` without the
# Python-level ``__new__`` the class generates: a view is built for every invoice of a batch.
_new = new_view = tuple.__new__


def clock_minutes(text: str) -> int:
    """"HH:MM" (the schema's start_time) as minutes after midnight: "09:30" -> 570."""
    return int(text[:2]) * 60 + int(text[3:])


def _session(index: int, raw: dict) -> Session:
    return _new(Session, (
        index,
        _whole(raw["number"]),
        _fromisoformat(raw["date"]),
        raw["place"],
        tuple([_new(Act, (i, index, a["letter"], _decimal(a["coefficient"]), _decimal(a["amount"]),
                          a.get("bdk", False), a.get("label"))) for i, a in enumerate(raw["acts"])]),
        tuple([_new(Fee, (i, index, f["code"], _whole(f.get("quantity", 1)), _decimal(f["amount"])))
               for i, f in enumerate(raw.get("fees", ()))]),
        None if (start := raw.get("start_time")) is None else clock_minutes(start),
        _whole(raw.get("duration_minutes")),
    ))
