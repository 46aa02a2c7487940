"""The clean invoice's one pass: decode, validate and type it in C, or say "ask the exact path".

``msgspec`` decodes a JSON text straight into the typed structs below, with
exact ``Decimal`` numbers (read from their text), calendar dates, enums,
bounded strings and closed objects, in about three times ``orjson.loads``'s
time. The structs are the invoice schema written as types, never looser:
whatever they accept, the schema accepts (``tests/test_fastpath.py`` holds
them to that on valid, invalid and fuzzed invoices). They may be stricter
(``26.00`` as a whole number, ``"version": 1.0``, a key escaped, a space
before a colon): such texts, and every invalid one, go to the exact path
(``kinelint.parsing`` and ``kinelint.schema``), which words the findings.
So a fast "yes" is always the exact path's "yes", and nothing else changes.

What the structs cannot say is checked on the text, in C, before trusting them:

- a repeated key (msgspec keeps the last value, the exact path refuses it,
  PRS003): a text holding no ``"`` before spaces and a colon, no ``\\":``
  (a quote then a colon inside a string) and at most one space after a key's
  colon has exactly as many keys as ``":`` pairs, and as many string values
  as ``":"`` and ``": "``; the structs' keys and strings are counted
  (optional fields are ``UNSET`` when absent) and must match both;
- a number written as a string (msgspec reads ``"16.58"`` into a ``Decimal``
  too): the string count above tells it;
- a number that may break "at most two decimals" (three decimals, a negative
  exponent): the exact check decides (``schema._may_break_multiple_of``);
- bounds on decimals (``msgspec`` bounds only ints and floats): compared here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from kinelint.invoice import Act, Fee, Invoice, PriorApproval, Session, lazy_document, new_view

# The schema's string rules as msgspec constraints (Python ``re``: ``\Z`` where JSON Schema's ``$`` means end).
_Identifier = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]{1,64}\Z")]
_Rpps = Annotated[str, Meta(min_length=11, max_length=11, pattern=r"^[0-9]{11}\Z")]
_Code = Annotated[str, Meta(min_length=2, max_length=4, pattern=r"^[A-Z]{2,4}\Z")]
_Nir = Annotated[str, Meta(min_length=15, max_length=15, pattern=r"^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}\Z")]
_Ordinal = Annotated[int, Meta(ge=1, le=100_000)]
_Kilometres = Annotated[int, Meta(ge=1, le=10_000)]
_Label = Annotated[str, Meta(max_length=500)]

MONEY_MAX = Decimal("99999999.99")
COEFFICIENT_MAX = Decimal(1000)
_ZERO = Decimal(0)


class _Act(Struct, forbid_unknown_fields=True):
    letter: _Code
    coefficient: Decimal
    amount: Decimal
    bdk: bool | UnsetType = UNSET
    label: _Label | UnsetType = UNSET


class _Fee(Struct, forbid_unknown_fields=True):
    code: _Code
    amount: Decimal
    quantity: _Kilometres | UnsetType = UNSET


class _Session(Struct, forbid_unknown_fields=True):
    number: _Ordinal
    date: date
    place: Literal["cabinet", "domicile", "etablissement", "telesoin"]
    acts: Annotated[list[_Act], Meta(min_length=1, max_length=20)]
    fees: Annotated[list[_Fee], Meta(max_length=20)] | UnsetType = UNSET


class _Practitioner(Struct, forbid_unknown_fields=True):
    rpps: _Rpps
    territory: Literal["metropole", "dom"]


class _Patient(Struct, forbid_unknown_fields=True):
    nir: _Nir
    birth_date: date


class _Approval(Struct, forbid_unknown_fields=True):
    requested_on: date
    granted_on: date | UnsetType = UNSET


class _Prescription(Struct, forbid_unknown_fields=True):
    id: _Identifier
    date: date
    prescriber_rpps: _Rpps | UnsetType = UNSET
    sessions_prescribed: _Ordinal | UnsetType = UNSET
    prior_approval: _Approval | UnsetType = UNSET


class _Invoice(Struct, forbid_unknown_fields=True):
    version: Literal[1]
    invoice_id: _Identifier
    issued_on: date
    practitioner: _Practitioner
    patient: _Patient
    prescription: _Prescription
    sessions: Annotated[list[_Session], Meta(min_length=1, max_length=1000)]
    total: Decimal


_decode = msgspec.json.Decoder(_Invoice).decode

# Keys of the objects every invoice has: the invoice (8), practitioner (2), patient (2), prescription (2);
# the strings among their values: invoice_id, issued_on, rpps, territory, nir, birth_date, id, date.
_FIXED_KEYS = 14
_FIXED_STRINGS = 8
# What sends a text to the exact path before decoding: a number that may break "two decimals" (three
# decimals, a negative exponent), and what would escape the counts of keys and strings: a quote then a
# colon inside a string, spaces before a key's colon, more than one space (or another blank) after it.
_DOUBT = re.compile(rb'\.[0-9]{3}|[eE]-|\\":|"[ \t\n\r]+:|":(?:[\t\n\r]| [ \t\n\r])')


class Accepted(tuple):
    """What the fast path hands on: the typed view, and the patient's values as written (to mask them)."""

    __slots__ = ()

    invoice = property(lambda self: self[0])
    nir = property(lambda self: self[1])
    birth_date = property(lambda self: self[2])


def accept(text: bytes) -> Accepted | None:
    """The typed view of ``text`` if it is certainly a valid invoice; None: ask the exact path.

    ``text`` is one JSON document (a line, an array's element, a file's body
    without its byte order mark).
    """
    if _DOUBT.search(text) is not None:
        return None
    try:
        raw = _decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return _view(raw, text)


def _view(raw: _Invoice, text: bytes) -> Accepted | None:
    """The view ``Invoice.from_dict`` builds from the same document, its keys and strings counted on the way."""
    total = raw.total
    if not _ZERO <= total <= MONEY_MAX:
        return None
    prescription = raw.prescription
    keys, strings = _FIXED_KEYS, _FIXED_STRINGS
    prescriber, prescribed, approval = prescription.prescriber_rpps, prescription.sessions_prescribed, \
        prescription.prior_approval
    if prescriber is UNSET:
        prescriber = None
    else:
        keys += 1
        strings += 1
    if prescribed is UNSET:
        prescribed = None
    else:
        keys += 1
    if approval is UNSET:
        approval = None
    else:
        granted = approval.granted_on
        if granted is UNSET:
            granted = None
            keys += 2
            strings += 1
        else:
            keys += 3
            strings += 2
        approval = new_view(PriorApproval, (approval.requested_on, granted))
    sessions = []
    for index, session in enumerate(raw.sessions):
        acts = []
        for number, act in enumerate(session.acts):
            coefficient, amount, bdk, label = act.coefficient, act.amount, act.bdk, act.label
            if not (_ZERO < coefficient <= COEFFICIENT_MAX and _ZERO <= amount <= MONEY_MAX):
                return None
            keys += 3
            strings += 1
            if bdk is UNSET:
                bdk = False
            else:
                keys += 1
            if label is UNSET:
                label = None
            else:
                keys += 1
                strings += 1
            acts.append(new_view(Act, (number, index, act.letter, coefficient, amount, bdk, label)))
        fees = []
        written = session.fees
        keys += 4
        strings += 2
        if written is not UNSET:
            keys += 1
            for number, fee in enumerate(written):
                amount, quantity = fee.amount, fee.quantity
                if not _ZERO <= amount <= MONEY_MAX:
                    return None
                if quantity is UNSET:
                    quantity = 1
                    keys += 2
                else:
                    keys += 3
                strings += 1
                fees.append(new_view(Fee, (number, index, fee.code, quantity, amount)))
        sessions.append(new_view(Session, (index, session.number, session.date, session.place, tuple(acts),
                                           tuple(fees))))
    # A repeated key (the exact path refuses it, PRS003), a number written as a string: counts that differ.
    if keys != text.count(b'":') or strings != text.count(b'":"') + text.count(b'": "'):
        return None
    practitioner, patient = raw.practitioner, raw.patient
    invoice = new_view(Invoice, (
        lazy_document(text), raw.invoice_id, raw.issued_on, practitioner.territory, practitioner.rpps, patient.nir,
        prescription.id, prescription.date, prescriber, prescribed, tuple(sessions), total, approval))
    return tuple.__new__(Accepted, (invoice, patient.nir, patient.birth_date.isoformat()))
