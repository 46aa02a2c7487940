"""Build minimal, clean invoices for tests, and lint them through the whole pipeline.

Every default is valid for every rule family (check digits, amounts, total,
BDK at session 1), so a test changes one thing and asserts on one finding.
Amounts left out are priced from the nomenclature on the session's date, so
a test that is about a coefficient or a date need not restate prices; tests
about amounts pass them explicitly.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def nir_with_key(first13: str) -> str:
    """A 15-character NIR with the right key (2A is read as 19, 2B as 18)."""
    digits = first13.replace("2A", "19").replace("2B", "18")
    return first13 + f"{97 - int(digits) % 97:02d}"


def rpps_with_key(first10: str) -> str:
    """An 11-digit RPPS whose last digit is the Luhn key."""
    for key in "0123456789":
        number = first10 + key
        total = 0
        for position, char in enumerate(reversed(number)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


PATIENT_NIR = nir_with_key("1850578006084")
PRACTITIONER_RPPS = rpps_with_key("1010123456")
PRESCRIBER_RPPS = rpps_with_key("1000345678")


def _nomenclature():
    from kinelint.nomenclature import load_nomenclature

    return load_nomenclature()


def price(letter: str, coefficient, on: str, territory: str = "metropole") -> Decimal:
    value = _nomenclature().letter_value(letter, date.fromisoformat(on), territory)
    assert value is not None, f"no value for {letter} on {on} in {territory}"
    return (Decimal(str(coefficient)) * value.amount).quantize(CENT, rounding=ROUND_HALF_UP)


def fee_price(code: str, on: str, territory: str = "metropole", quantity: int = 1) -> Decimal:
    unit = _nomenclature().fee_price(code, date.fromisoformat(on), territory)
    assert unit is not None, f"no price for {code} on {on} in {territory}"
    return (unit.amount * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def act(letter: str, coefficient, amount=None, **extra) -> dict:
    """An act; ``amount`` None means: priced on the session's date (filled in by ``session``)."""
    data = {"letter": letter, "coefficient": Decimal(str(coefficient)), "amount": amount, **extra}
    if amount is not None:
        data["amount"] = Decimal(str(amount))
    return data


def bdk(coefficient="10.7", amount=None) -> dict:
    return act("AMK", coefficient, amount, bdk=True)


def fee(code: str, amount=None, quantity: int | None = None) -> dict:
    data = {"code": code, "amount": None if amount is None else Decimal(str(amount))}
    if quantity is not None:
        data["quantity"] = quantity
    return data


def session(number: int = 1, on: str = "2026-01-12", place: str = "cabinet", acts=None, fees=None,
            territory: str = "metropole") -> dict:
    """A session; at number 1 the default acts are the initial BDK and a RIC act."""
    if acts is None:
        acts = [bdk(), act("RIC", "8.12")] if number == 1 else [act("RIC", "8.12")]
    acts = copy.deepcopy(acts)
    for item in acts:
        if item["amount"] is None:
            item["amount"] = price(item["letter"], item["coefficient"], on, territory)
    data = {"number": number, "date": on, "place": place, "acts": acts}
    if fees is not None:
        fees = copy.deepcopy(fees)
        for item in fees:
            if item["amount"] is None:
                item["amount"] = fee_price(item["code"], on, territory, item.get("quantity", 1))
        data["fees"] = fees
    return data


def make_invoice(sessions=None, *, invoice_id: str = "F-2026-000042", issued_on: str | None = None,
                 territory: str = "metropole", prescription_date: str = "2025-12-20",
                 prescription_id: str = "RX-7781", sessions_prescribed: int | None = 15,
                 total=None, nir: str = PATIENT_NIR, birth_date: str = "1985-05-17",
                 rpps: str = PRACTITIONER_RPPS) -> dict:
    """A clean invoice; ``total`` None means the exact sum of its acts and fees."""
    if sessions is None:
        sessions = [session(territory=territory)]
    if issued_on is None:
        issued_on = max(s["date"] for s in sessions)
    amounts = [a["amount"] for s in sessions for a in s["acts"]] + [f["amount"] for s in sessions for f in s.get("fees", [])]
    prescription = {"id": prescription_id, "date": prescription_date, "prescriber_rpps": PRESCRIBER_RPPS}
    if sessions_prescribed is not None:
        prescription["sessions_prescribed"] = sessions_prescribed
    return {
        "version": 1,
        "invoice_id": invoice_id,
        "issued_on": issued_on,
        "practitioner": {"rpps": rpps, "territory": territory},
        "patient": {"nir": nir, "birth_date": birth_date},
        "prescription": prescription,
        "sessions": sessions,
        "total": sum(amounts, Decimal("0")) if total is None else Decimal(str(total)),
    }


def lint(invoice: dict, nomenclature=None):
    """Findings for one invoice through the whole pipeline (schema, every installed plugin)."""
    from kinelint.api import lint_invoice

    return lint_invoice(invoice, nomenclature=nomenclature)


# A specific indemnity known only from one unofficial source (confidence L), for tests of the
# "uncertain fact -> warning" path: the shipped data has no such fee (IFV and IFK were removed).
UNCERTAIN_FEE = "IFU"
_UNCERTAIN_FEE_DATA = """
[[fee]]
codes = ["IFU"]
from = 2012-07-15
metropole = "4.00"
dom = "4.00"
source = "a single unofficial source (test data)"
confidence = "L"
note = "test fee"
"""
_WITH_UNCERTAIN_FEE = []


def nomenclature_with_uncertain_fee():
    """The shipped nomenclature plus ``UNCERTAIN_FEE`` (group "specific", confidence L); built once."""
    if not _WITH_UNCERTAIN_FEE:
        import atexit
        import shutil
        import tempfile
        from pathlib import Path

        import kinelint.nomenclature
        from kinelint.nomenclature import load_nomenclature

        directory = Path(tempfile.mkdtemp(prefix="kinelint-test-data-"))
        atexit.register(shutil.rmtree, directory, True)
        shutil.copytree(Path(kinelint.nomenclature.__file__).parent / "data", directory, dirs_exist_ok=True)
        fees = directory / "fees.toml"
        text = fees.read_text(encoding="utf-8").replace('specific = ["IFO"', 'specific = ["IFU", "IFO"', 1)
        fees.write_text(text + _UNCERTAIN_FEE_DATA, encoding="utf-8")
        _WITH_UNCERTAIN_FEE.append(load_nomenclature(directory))
    return _WITH_UNCERTAIN_FEE[0]


def codes(findings) -> list[str]:
    return sorted(f.code for f in findings)


def only(findings, family: str):
    """The findings of one family (a prefix such as "OBS" or a full code)."""
    return [f for f in findings if f.code.startswith(family)]


# -- invoices as the command reads them ---------------------------------------------------------------

def dumps(invoice, **kwargs) -> str:
    return json.dumps(invoice, default=_number, **kwargs).replace('"@@', "").replace('@@"', "")


def _number(value):
    return f"@@{value}@@"  # Decimals written as JSON numbers, exactly as they are


def clean(invoice_id="F-1", **kwargs):
    """A clean invoice of its own treatment (one prescription per invoice id, so batch rules stay quiet)."""
    return make_invoice(invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}", **kwargs)


def faulty_schema(invoice_id="F-BAD"):
    invoice = clean(invoice_id)
    invoice["sessions"][0]["place"] = "home"
    return invoice


def unknown_field(invoice_id="F-EXTRA"):
    """An invoice with a field the format does not define (SCH002)."""
    invoice = clean(invoice_id)
    invoice["sessions"][0]["note"] = "x"
    return invoice
