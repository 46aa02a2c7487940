"""Seeded generator of synthetic JSON Lines batches of NGAP physiotherapy invoices.

    python bench/generate.py --count 100000 --seed 1 --invalid-rate 0.10 --fault-rate 0.05 \\
        -o bench/out/batch-100k.jsonl

Every invoice is realistic and, unless chosen for a fault or a schema error,
clean for every built-in rule: care dated in 2025 and 2026 (orthopaedic
coefficients 7.48-7.53 in 2025, +0.60 from 2026-01-01; RPE 6 only in 2025;
TER's 2026-05-28 step; the NMI step of 2026-09-01), metropole and DOM letter
values, home visits with IFD or the specific indemnity the act opens that day
(the nomenclature's act catalogue: IFO/IFR/IFN/IFP/IFS in 2025, IFS from 2026)
plus kilometres (IK/IKM with a quantity), the BDK (AMK 10.7, or 10.8 for
neurological care) at session 1, several sessions per invoice, amounts
priced from ``kinelint.nomenclature`` on exact decimals rounded half-up, exact
totals, valid NIR and RPPS keys, unique invoice and prescription ids, and a recorded
prior approval where a session passes its act's reference number of sessions.

``--fault-rate`` of the invoices carry exactly one rule fault (one finding,
its code is in ``Generated.kind``); ``--invalid-rate`` are schema-invalid.
Numbers are written as JSON numbers with their exact decimal text (amounts
always with two decimals). Invoices are streamed to the output, never held.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from random import Random

import orjson
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

CENT = Decimal("0.01")
STEP_2026 = Decimal("0.60")
Y2026 = date(2026, 1, 1)
TER_STEP = date(2026, 5, 28)
NMI_STEP = date(2026, 9, 1)
FIRST_CARE = date(2025, 1, 2)
LAST_CARE = date(2026, 10, 31)


def D(text: str) -> Decimal:
    return Decimal(text)


def _ds(*texts: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(t) for t in texts)


# Orthopaedic acts (formerly AMS 7.5): their 2025 coefficients; +0.60 from 2026-01-01.
ORTHO_2025 = {
    "RIC": _ds("7.48", "7.49", "7.50", "7.51", "7.52"),
    "RIM": _ds("7.50"),
    "RSC": _ds("7.49", "7.50", "7.51", "7.52"),
    "RSM": _ds("7.49", "7.50", "7.51", "7.52"),
    "VSC": _ds("7.49", "7.50", "7.51", "7.52"),
    "VIM": _ds("7.49", "7.50", "7.51", "7.52"),
    "VIC": _ds("7.49", "7.50", "7.51", "7.52"),
    "RAM": _ds("7.48", "7.49", "7.50", "7.51", "7.52", "7.53"),
    "RAO": _ds("7.48", "7.49", "7.50", "7.51"),
    "VSM": _ds("7.48", "7.49", "7.50", "7.51"),
}
OPERATED = ("RIC", "RSC", "VIC", "VSC", "RAO")

# Care kinds: (weight, name). A treatment keeps one kind, letter and act.
KINDS = (
    (52, "ortho"), (6, "ter"), (12, "rpe"), (8, "nmi"), (9, "arl"),
    (3, "rab"), (3, "rav"), (2, "pll"), (1, "rpb"), (4, "dra"),
)
SESSION_COUNTS = ((6, 1), (10, 2), (20, 3), (25, 4), (22, 5), (17, 6))
PRESCRIBED = (10, 12, 15, 20, 25, 30)

FAULTS = ("TAR001", "TAR002", "TAR004", "OBS002", "OBS003", "CUM002", "CUM004", "COE001", "BDK001",
          "CON002", "CON005", "CON006", "CON007", "CON008", "CON009")
INVALIDS = ("wrong_type", "missing_field", "bad_date", "unknown_field", "bad_decimals", "bad_enum")


def _weighted(rng: Random, table):
    total = sum(w for w, _ in table)
    pick = rng.random() * total
    for weight, value in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][1]


# ---- identifiers ---------------------------------------------------------------

def nir_with_key(first13: str) -> str:
    return first13 + stdnum_nir.calc_check_digits(first13)


def luhn_key(first10: str) -> str:
    return first10 + luhn.calc_check_digit(first10)


# ---- prices from the nomenclature --------------------------------------------------

_NOMENCLATURE = None


def nomenclature():
    global _NOMENCLATURE
    if _NOMENCLATURE is None:
        from kinelint.nomenclature import load_nomenclature

        _NOMENCLATURE = load_nomenclature()
    return _NOMENCLATURE


@lru_cache(maxsize=None)
def _letter_value(letter: str, on: date, territory: str) -> Decimal:
    value = nomenclature().letter_value(letter, on, territory)
    if value is None:
        raise ValueError(f"no value for {letter} on {on} in {territory}")
    return value.amount


@lru_cache(maxsize=None)
def _fee_unit(code: str, on: date, territory: str) -> Decimal:
    unit = nomenclature().fee_price(code, on, territory)
    if unit is None:
        raise ValueError(f"no price for {code} on {on} in {territory}")
    return unit.amount


def act_price(letter: str, coefficient: Decimal, on: date, territory: str) -> Decimal:
    return (coefficient * _letter_value(letter, on, territory)).quantize(CENT, rounding=ROUND_HALF_UP)


def fee_price(code: str, on: date, territory: str, quantity: int = 1) -> Decimal:
    return (_fee_unit(code, on, territory) * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


# ---- the care of one treatment ------------------------------------------------------

@dataclass
class Treatment:
    kind: str
    letter: str
    base: Decimal  # the act's coefficient as of 2025 (or its first window)
    specific: str | None  # not None: home visits may carry a specific indemnity (which one: the act catalogue)
    neurological: bool = False

    def act(self, on: date, territory: str) -> tuple[str, Decimal]:
        """The letter and coefficient of this treatment's act on a date of care."""
        kind, coefficient = self.kind, self.base
        if kind in ("ortho", "dra") and on >= Y2026:
            coefficient = self.base + STEP_2026
        elif kind == "ter" and on >= TER_STEP:
            coefficient = self.base + Decimal("0.30")
        elif kind == "rpe" and on >= Y2026 and coefficient == 6:
            coefficient = Decimal("8.5")  # RPE 6 was deleted; that care is billed RPE 8.5
        elif kind == "nmi" and on >= NMI_STEP and coefficient in (10, 11):
            coefficient = coefficient + 1
        return self.letter, coefficient

    def travel_code(self, on: date, territory: str, use_specific: bool) -> str:
        """IFD, or the specific indemnity the act opens that day (the nomenclature's act catalogue)."""
        if not use_specific:
            return "IFD"
        letter, coefficient = self.act(on, territory)
        return _opened(letter, coefficient, on, territory) or "IFD"


@lru_cache(maxsize=None)
def _opened(letter: str, coefficient: Decimal, on: date, territory: str) -> str | None:
    known = nomenclature().on(on, territory).act(letter, coefficient)
    return min(known.specific_indemnities) if known is not None and known.specific_indemnities else None


@lru_cache(maxsize=None)
def _approval_after(letter: str, coefficient: Decimal, on: date, territory: str) -> int | None:
    """The act's reference number of sessions that day (approval needed past it), None: no reference."""
    known = nomenclature().on(on, territory).act(letter, coefficient)
    return None if known is None else known.prior_approval


def needs_prior_approval(sessions: list[dict], territory: str) -> bool:
    for session in sessions:
        on = date.fromisoformat(session["date"])
        for act in session["acts"]:
            if act.get("bdk"):
                continue
            threshold = _approval_after(act["letter"], act["coefficient"], on, territory)
            if threshold is not None and session["number"] > threshold:
                return True
    return False


def pick_treatment(rng: Random, kind: str | None = None) -> Treatment:
    kind = kind or _weighted(rng, KINDS)
    if kind == "ortho":
        letter = rng.choice(tuple(ORTHO_2025))
        return Treatment(kind, letter, rng.choice(ORTHO_2025[letter]), "IFO")
    if kind == "dra":
        return Treatment(kind, "DRA", rng.choice(_ds("7.48", "7.49", "7.50", "7.51")), "IFO")
    if kind == "ter":
        return Treatment(kind, "TER", rng.choice(_ds("9.49", "9.51")), "IFO")
    if kind == "rpe":
        return Treatment(kind, "RPE", D("6") if rng.random() < 0.4 else D("8.5"), None)
    if kind == "nmi":
        return Treatment(kind, "NMI", rng.choice(_ds("8", "8.5", "9", "10", "11")), "IFN", neurological=True)
    if kind == "arl":
        return Treatment(kind, "ARL", rng.choice(_ds("8", "8.5", "8.49", "10", "28")), "IFP")
    if kind == "rab":
        return Treatment(kind, "RAB", D("8.5"), None)
    if kind == "rav":
        return Treatment(kind, "RAV", rng.choice(_ds("8", "15.5")), None)
    if kind == "pll":
        return Treatment(kind, "PLL", D("12"), None)
    if kind == "rpb":
        return Treatment(kind, "RPB", rng.choice(_ds("8", "9")), None)
    raise ValueError(kind)


def _home_bias(kind: str) -> float:
    return {"rpe": 0.75, "pll": 0.9, "nmi": 0.55, "arl": 0.35}.get(kind, 0.22)


# ---- one invoice ----------------------------------------------------------------------

@dataclass
class Plan:
    """What the builder is asked for: defaults are random, faults force some of them."""

    kind: str | None = None
    territory: str | None = None
    start_on: date | None = None  # the first session's date
    first_number: int | None = None
    min_sessions: int = 1
    place: str | None = None  # every session at this place
    prescription: dict | None = None  # reuse (session billed twice)


class Generator:
    def __init__(self, seed: int, invalid_rate: float = 0.0, fault_rate: float = 0.0,
                 faults: tuple[str, ...] = FAULTS, invalids: tuple[str, ...] = INVALIDS) -> None:
        self.rng = Random(seed)
        self.seed = seed
        self.invalid_rate = invalid_rate
        self.fault_rate = fault_rate
        self.faults = faults
        self.invalids = invalids
        pool = Random(seed * 7919 + 17)
        self.practitioners = [
            (luhn_key("10" + f"{pool.randrange(10**8):08d}"), "dom" if pool.random() < 0.15 else "metropole")
            for _ in range(800)
        ]
        self.prescribers = [luhn_key("10" + f"{pool.randrange(10**8):08d}") for _ in range(400)]
        self.last_registered: dict | None = None  # the last schema-valid invoice the batch rules saw whole

    # -- the stream --------------------------------------------------------------------

    def generate(self, count: int) -> Iterator[Generated]:
        for index in range(count):
            yield self.one(index)

    def one(self, index: int) -> Generated:
        rng = self.rng
        draw = rng.random()
        if draw < self.invalid_rate:
            invoice = self.build(index, Plan())
            kind = rng.choice(self.invalids)
            self.break_schema(invoice, kind)
            return Generated(index, f"invalid:{kind}", dumps(invoice))
        if draw < self.invalid_rate + self.fault_rate:
            code = rng.choice(self.faults)
            if code in ("CON008", "CON009") and self.last_registered is None:
                code = "TAR004"
            invoice = self.faulty(index, code)
            if code not in ("CON005", "CON008"):  # CON005 lowered its prescription's sessions
                self.last_registered = invoice
            return Generated(index, f"fault:{code}", dumps(invoice))
        invoice = self.build(index, Plan())
        self.last_registered = invoice
        return Generated(index, "clean", dumps(invoice))

    # -- a clean invoice ----------------------------------------------------------------

    def build(self, index: int, plan: Plan) -> dict:
        rng = self.rng
        rpps, territory = rng.choice(self.practitioners)
        if plan.territory is not None:
            territory = plan.territory
        treatment = pick_treatment(rng, plan.kind)
        sessions_count = max(_weighted(rng, SESSION_COUNTS), plan.min_sessions)

        if plan.prescription is not None:
            prescription = dict(plan.prescription)
            prescribed = prescription.get("sessions_prescribed") or 30
            first_number = plan.first_number
            sessions_count = max(1, min(sessions_count, prescribed - first_number + 1))
        else:
            prescribed = rng.choice(PRESCRIBED)
            if plan.first_number is not None:
                first_number = plan.first_number
            elif rng.random() < 0.4:
                first_number = 1
            else:
                first_number = rng.randint(2, max(2, prescribed - sessions_count + 1))
            prescribed = max(prescribed, first_number + sessions_count - 1)
            prescription = None

        start = plan.start_on or FIRST_CARE + timedelta(days=rng.randrange((LAST_CARE - FIRST_CARE).days - 30))
        dates, day = [], start
        for _ in range(sessions_count):
            dates.append(day)
            day += timedelta(days=rng.choice((1, 2, 2, 3, 3, 4, 7)))
        if prescription is None:
            prescribed_on = start - timedelta(days=3 * (first_number - 1) + rng.randrange(0, 21))
            prescription = {"id": f"RX-{self.seed}-{index + 1:07d}", "date": prescribed_on.isoformat()}
            if rng.random() < 0.92:
                prescription["prescriber_rpps"] = rng.choice(self.prescribers)
            if rng.random() < 0.9:
                prescription["sessions_prescribed"] = prescribed

        place = plan.place or ("domicile" if rng.random() < _home_bias(treatment.kind) else
                               ("etablissement" if rng.random() < 0.08 else "cabinet"))
        use_specific = treatment.specific is not None and rng.random() < 0.6 or (
            treatment.kind == "rpe" and rng.random() < 0.5)
        km_code = None if rng.random() < 0.3 else ("IKM" if rng.random() < 0.08 else "IK")
        km = rng.randint(1, 9) if rng.random() < 0.7 else rng.randint(10, 24)
        balneo = treatment.kind == "ortho" and place == "cabinet" and rng.random() < 0.08
        balneo_pool = rng.random() < 0.4
        urgent = treatment.kind == "arl" and treatment.base == Decimal("8.49") and rng.random() < 0.5
        flat_return = (treatment.kind == "ortho" and treatment.letter in OPERATED and place == "domicile"
                       and first_number == 1 and rng.random() < 0.2)
        telecare_ok = territory == "metropole" and plan.place is None and rng.random() < 0.1
        labelled = rng.random() < 0.45

        sessions = []
        for offset, on in enumerate(dates):
            number = first_number + offset
            session_place = place
            if telecare_ok and number > 1 and rng.random() < 0.3:
                session_place = "telesoin"
            acts = []
            if number == 1:
                acts.append(self._act("AMK", D("10.8") if treatment.neurological else D("10.7"), on, territory,
                                      bdk=True))
            if session_place == "telesoin":
                letter, coefficient = "TMK", treatment.act(on, territory)[1]
            else:
                letter, coefficient = treatment.act(on, territory)
            main = self._act(letter, coefficient, on, territory)
            if labelled:
                main["label"] = f"rééducation {treatment.kind} séance {number}"
            acts.append(main)
            if balneo and session_place == "cabinet":
                supplement = (D("3.5") if balneo_pool else D("2.5")) if on >= Y2026 else (
                    D("2.2") if balneo_pool else D("1.2"))
                acts.append(self._act("AMK", supplement, on, territory))
            data = {"number": number, "date": on.isoformat(), "place": session_place, "acts": acts}
            fees = []
            if session_place == "domicile":
                fees.append(self._fee(treatment.travel_code(on, territory, use_specific), on, territory))
                if km_code:
                    fees.append(self._fee(km_code, on, territory, km))
                if flat_return and number == 1:
                    fees.append(self._fee("FAD", on, territory))
            if urgent and offset == 0:
                fees.append(self._fee("MD" if on.weekday() == 6 else "MN", on, territory))
            if fees:
                data["fees"] = fees
            elif rng.random() < 0.1:
                data["fees"] = []
            sessions.append(data)

        if "prior_approval" not in prescription and needs_prior_approval(sessions, territory):
            # requested with the prescription: before every session, as the DAP rules expect
            prescription["prior_approval"] = {"requested_on": prescription["date"]}
        issued = dates[-1] + timedelta(days=rng.choice((0, 0, 1, 2, 5)))
        invoice = {
            "version": 1,
            "invoice_id": f"F-{issued.year}-{self.seed}-{index + 1:07d}",
            "issued_on": issued.isoformat(),
            "practitioner": {"rpps": rpps, "territory": territory},
            "patient": self._patient(treatment, territory),
            "prescription": prescription,
            "sessions": sessions,
            "total": D("0"),
        }
        retotal(invoice)
        return invoice

    def _act(self, letter, coefficient, on, territory, bdk=False) -> dict:
        act = {"letter": letter, "coefficient": coefficient, "amount": act_price(letter, coefficient, on, territory)}
        if bdk:
            act["bdk"] = True
        return act

    def _fee(self, code, on, territory, quantity=None) -> dict:
        fee = {"code": code}
        if quantity is not None:
            fee["quantity"] = quantity
        fee["amount"] = fee_price(code, on, territory, quantity or 1)
        return fee

    def _patient(self, treatment: Treatment, territory: str) -> dict:
        rng = self.rng
        elderly = treatment.kind == "rpe"
        year = rng.randint(1928, 1952) if elderly else rng.randint(1940, 2018)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        if territory == "dom":
            department = "97"
            commune = f"{rng.randint(1, 6)}{rng.randint(0, 99):02d}"
        else:
            department = "2A" if rng.random() < 0.01 else ("2B" if rng.random() < 0.01 else f"{rng.randint(1, 95):02d}")
            if department == "20":
                department = "21"
            commune = f"{rng.randint(1, 999):03d}"
        first13 = f"{rng.choice('12')}{year % 100:02d}{month:02d}{department}{commune}{rng.randint(1, 999):03d}"
        return {"nir": nir_with_key(first13), "birth_date": date(year, month, day).isoformat()}

    # -- one rule fault each --------------------------------------------------------------

    def faulty(self, index: int, code: str) -> dict:
        rng = self.rng
        in_2026 = FIRST_CARE.replace(year=2026, month=1, day=5) + timedelta(days=rng.randrange(200))
        if code == "TAR001":
            invoice = self.build(index, Plan())
            act = rng.choice([a for s in invoice["sessions"] for a in s["acts"]])
            act["amount"] = max(act["amount"] + rng.choice((CENT, -CENT)), D("0"))
            if act["amount"] == 0:
                act["amount"] = CENT
            retotal(invoice)
        elif code == "TAR002":
            invoice = self.build(index, Plan(place="domicile"))
            fee = rng.choice([f for s in invoice["sessions"] for f in s.get("fees", [])])
            fee["amount"] = fee["amount"] + CENT if rng.random() < 0.5 or fee["amount"] < CENT else fee["amount"] - CENT
            retotal(invoice)
        elif code == "TAR004":
            invoice = self.build(index, Plan())
            invoice["total"] = invoice["total"] + rng.choice((CENT, D("0.10"), D("1.00")))
        elif code == "OBS002":  # RPE 6 in 2026 (deleted; billed RPE 8.5)
            invoice = self.build(index, Plan(kind="rpe", start_on=in_2026, place=rng.choice(("cabinet", "domicile"))))
            session = rng.choice([s for s in invoice["sessions"] if s["place"] != "telesoin"])
            act = next(a for a in session["acts"] if a["letter"] == "RPE")
            act["coefficient"] = D("6")
            act["amount"] = act_price("RPE", D("6"), date.fromisoformat(session["date"]),
                                      invoice["practitioner"]["territory"])
            retotal(invoice)
        elif code == "OBS003":  # a retired IFO in 2026
            invoice = self.build(index, Plan(kind="ortho", start_on=in_2026, place="domicile"))
            fees = rng.choice(invoice["sessions"])["fees"]
            fees[0] = {"code": "IFO", "amount": D("4.00")}
            retotal(invoice)
        elif code == "CUM002":  # IFD with IFS
            invoice = self.build(index, Plan(kind="ortho", start_on=in_2026, place="domicile"))
            session = rng.choice(invoice["sessions"])
            on, territory = date.fromisoformat(session["date"]), invoice["practitioner"]["territory"]
            other = "IFS" if session["fees"][0]["code"] == "IFD" else "IFD"
            session["fees"].insert(rng.randint(0, 1), self._fee(other, on, territory))
            retotal(invoice)
        elif code == "CUM004":  # IFD outside the patient's home
            invoice = self.build(index, Plan(place="cabinet"))
            session = rng.choice(invoice["sessions"])
            on, territory = date.fromisoformat(session["date"]), invoice["practitioner"]["territory"]
            session.setdefault("fees", []).append(self._fee("IFD", on, territory))
            retotal(invoice)
        elif code == "COE001":  # a pre-2026 coefficient in 2026
            invoice = self.build(index, Plan(kind="ortho", start_on=in_2026, place=rng.choice(("cabinet", "domicile"))))
            session = rng.choice([s for s in invoice["sessions"] if s["place"] != "telesoin"])
            act = next(a for a in session["acts"] if not a.get("bdk") and a["letter"] in ORTHO_2025)
            act["coefficient"] = act["coefficient"] - STEP_2026
            act["amount"] = act_price(act["letter"], act["coefficient"], date.fromisoformat(session["date"]),
                                      invoice["practitioner"]["territory"])
            retotal(invoice)
        elif code == "BDK001":  # first session without its bilan
            invoice = self.build(index, Plan(first_number=1))
            first = invoice["sessions"][0]
            first["acts"] = [a for a in first["acts"] if not a.get("bdk")]
            retotal(invoice)
        elif code == "CON002":  # care after the issue date
            invoice = self.build(index, Plan())
            last = date.fromisoformat(invoice["sessions"][-1]["date"])
            invoice["issued_on"] = (last - timedelta(days=1)).isoformat()
        elif code == "CON005":  # one session beyond those prescribed
            invoice = self.build(index, Plan(min_sessions=2))
            invoice["prescription"]["sessions_prescribed"] = invoice["sessions"][-1]["number"] - 1
        elif code == "CON006":  # NIR key
            invoice = self.build(index, Plan())
            nir = invoice["patient"]["nir"]
            invoice["patient"]["nir"] = nir[:13] + f"{int(nir[13:]) % 97 + 1:02d}"
        elif code == "CON007":  # practitioner's RPPS key
            invoice = self.build(index, Plan())
            rpps = invoice["practitioner"]["rpps"]
            invoice["practitioner"]["rpps"] = rpps[:10] + str((int(rpps[10]) + rng.randint(1, 9)) % 10)
        elif code == "CON008":  # an invoice id already used in the batch
            invoice = self.build(index, Plan())
            invoice["invoice_id"] = self.last_registered["invoice_id"]
        elif code == "CON009":  # a session billed again by a later invoice of the same prescription
            previous = self.last_registered
            last_session = previous["sessions"][-1]
            start = date.fromisoformat(last_session["date"]) + timedelta(days=rng.randint(1, 4))
            invoice = self.build(index, Plan(prescription=previous["prescription"], first_number=last_session["number"],
                                             start_on=min(start, LAST_CARE),
                                             territory=previous["practitioner"]["territory"]))
        else:
            raise ValueError(code)
        return invoice

    # -- schema errors ----------------------------------------------------------------------

    def break_schema(self, invoice: dict, kind: str) -> None:
        rng = self.rng
        session = rng.choice(invoice["sessions"])
        act = rng.choice(session["acts"])
        if kind == "wrong_type":
            choice = rng.randrange(3)
            if choice == 0:
                act["amount"] = f"{act['amount']}"
            elif choice == 1:
                session["number"] = str(session["number"])
            else:
                invoice["practitioner"]["rpps"] = int(invoice["practitioner"]["rpps"])
        elif kind == "missing_field":
            choice = rng.randrange(4)
            if choice == 0:
                del invoice["total"]
            elif choice == 1:
                del invoice["patient"]["birth_date"]
            elif choice == 2:
                del session["date"]
            else:
                del act["letter"]
        elif kind == "bad_date":
            day = date.fromisoformat(session["date"])
            session["date"] = rng.choice((f"{day.year}-02-30", f"{day.year}-13-{day.day:02d}",
                                          f"{day.day:02d}/{day.month:02d}/{day.year}"))
        elif kind == "unknown_field":
            session["comment"] = "patient absent, séance reportée"
        elif kind == "bad_decimals":
            act["amount"] = act["amount"] + D("0.001")
        elif kind == "bad_enum":
            session["place"] = rng.choice(("home", "hopital", "Cabinet"))
        else:
            raise ValueError(kind)


@dataclass(frozen=True, slots=True)
class Generated:
    index: int
    kind: str  # "clean", "fault:CODE" or "invalid:KIND"
    line: bytes  # one JSON text, without the newline


def retotal(invoice: dict) -> None:
    total = D("0")
    for session in invoice["sessions"]:
        for act in session["acts"]:
            total += act["amount"]
        for fee in session.get("fees", ()):
            total += fee["amount"]
    invoice["total"] = total


def _number(value: Decimal):
    return orjson.Fragment(str(value).encode())


def dumps(invoice: dict, indent: bool = False) -> bytes:
    """One line of JSON; Decimals are written with their exact text (amounts: two decimals)."""
    for session in invoice["sessions"]:
        for act in session["acts"]:
            if isinstance(act.get("amount"), Decimal):
                act["amount"] = act["amount"].quantize(CENT) if act["amount"].as_tuple().exponent > -2 else act["amount"]
        for fee in session.get("fees", ()):
            if isinstance(fee.get("amount"), Decimal):
                fee["amount"] = fee["amount"].quantize(CENT)
    if isinstance(invoice.get("total"), Decimal):
        invoice["total"] = invoice["total"].quantize(CENT)
    return orjson.dumps(invoice, default=_number, option=orjson.OPT_INDENT_2 if indent else 0)


def write_batch(path: Path, count: int, seed: int, invalid_rate: float, fault_rate: float,
                manifest: Path | None = None) -> dict[str, int]:
    """Stream a batch to ``path`` (via a temporary file); return the count of each kind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    kinds: dict[str, int] = {}
    generator = Generator(seed, invalid_rate, fault_rate)
    manifest_handle = open(manifest, "w", encoding="utf-8") if manifest else None
    try:
        with open(partial, "wb", buffering=1 << 20) as out:
            for item in generator.generate(count):
                out.write(item.line)
                out.write(b"\n")
                family = item.kind.split(":")[0]
                kinds[family] = kinds.get(family, 0) + 1
                if manifest_handle:
                    manifest_handle.write(f"{item.index + 1}\t{item.kind}\n")
    finally:
        if manifest_handle:
            manifest_handle.close()
    partial.replace(path)
    return kinds


def source_hash() -> str:
    """A short hash of this generator's source: cached batches are remade when it changes."""
    import hashlib

    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:8]


def ensure_batch(out_dir: Path, count: int, seed: int = 1, invalid_rate: float = 0.0, fault_rate: float = 0.05,
                 quiet: bool = False) -> Path:
    """The cached batch for these parameters in ``out_dir``, generated first if missing."""
    stem = f"batch-{count}-s{seed}-i{invalid_rate:g}-f{fault_rate:g}"
    path = out_dir / f"{stem}-{source_hash()}.jsonl"
    if path.exists():
        return path
    for stale in out_dir.glob(f"{stem}-*.jsonl"):
        stale.unlink()
    started = time.perf_counter()
    kinds = write_batch(path, count, seed, invalid_rate, fault_rate)
    if not quiet:
        print(f"  generated {path.name}: {kinds}, {path.stat().st_size / count:.0f} B/invoice, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid-rate", type=float, default=0.0, help="share of schema-invalid invoices")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="share of invoices with one rule fault")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, help="also write 'line<TAB>kind' for every invoice")
    args = parser.parse_args(argv)
    if not (0 <= args.invalid_rate and 0 <= args.fault_rate and args.invalid_rate + args.fault_rate <= 1):
        parser.error("rates must be >= 0 and add up to at most 1")
    started = time.perf_counter()
    kinds = write_batch(args.output, args.count, args.seed, args.invalid_rate, args.fault_rate, args.manifest)
    elapsed = time.perf_counter() - started
    size = args.output.stat().st_size
    print(f"{args.output}: {args.count} invoices, {size / max(args.count, 1):.0f} B each, {kinds}, "
          f"{elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
