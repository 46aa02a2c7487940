"""A typed, read-only view of one schema-valid invoice, for the rule plugins.

The schema has already been checked, so the view trusts the shape: dates are
``datetime.date``, money and coefficients ``Decimal``, and every part knows
its JSON pointer so a rule can point at it without building paths itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Act:
    index: int
    pointer: str
    letter: str
    coefficient: Decimal
    amount: Decimal
    bdk: bool
    label: str | None


@dataclass(frozen=True, slots=True)
class Fee:
    index: int
    pointer: str
    code: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Session:
    index: int
    pointer: str
    number: int
    date: date
    place: str
    acts: tuple[Act, ...]
    fees: tuple[Fee, ...]

    @property
    def at_home(self) -> bool:
        return self.place == "domicile"


@dataclass(frozen=True, slots=True)
class Invoice:
    data: dict
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

    @classmethod
    def from_dict(cls, data: dict) -> Invoice:
        prescription = data["prescription"]
        return cls(
            data=data,
            invoice_id=data["invoice_id"],
            issued_on=date.fromisoformat(data["issued_on"]),
            territory=data["practitioner"]["territory"],
            rpps=data["practitioner"]["rpps"],
            nir=data["patient"]["nir"],
            prescription_id=prescription["id"],
            prescription_date=date.fromisoformat(prescription["date"]),
            prescriber_rpps=prescription.get("prescriber_rpps"),
            sessions_prescribed=prescription.get("sessions_prescribed"),
            sessions=tuple(_session(i, s) for i, s in enumerate(data["sessions"])),
            total=Decimal(data["total"]),
        )


def _session(index: int, raw: dict) -> Session:
    pointer = f"/sessions/{index}"
    return Session(
        index=index,
        pointer=pointer,
        number=raw["number"],
        date=date.fromisoformat(raw["date"]),
        place=raw["place"],
        acts=tuple(
            Act(i, f"{pointer}/acts/{i}", a["letter"], Decimal(a["coefficient"]), Decimal(a["amount"]),
                a.get("bdk", False), a.get("label"))
            for i, a in enumerate(raw["acts"])
        ),
        fees=tuple(
            Fee(i, f"{pointer}/fees/{i}", f["code"], f.get("quantity", 1), Decimal(f["amount"]))
            for i, f in enumerate(raw.get("fees", ()))
        ),
    )
