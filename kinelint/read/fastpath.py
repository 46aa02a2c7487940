"""The clean invoice's one pass: decode, validate and type it in C, or say "ask the exact path".

``msgspec`` decodes a JSON text straight into the typed structs below, with
exact ``Decimal`` numbers (read from their text), calendar dates, enums,
bounded strings and closed objects, in about twice ``orjson.loads``'s time
(the exact path took twenty times as long for the same work). The structs are the invoice schema written as types, never looser:
whatever they accept, the schema accepts (``tests/test_fastpath.py`` holds
them to that on valid, invalid and fuzzed invoices). They may be stricter
(``26.00`` as a whole number, ``"version": 1.0``, a key escaped, a space
before a colon): such texts, and every invalid one, go to the exact path
(``kinelint.read.parsing`` and ``kinelint.check.schema``), which words the findings.
So a fast "yes" is always the exact path's "yes", and nothing else changes.

What the structs cannot say is checked on the text, in C, before trusting them:

- a repeated key (msgspec keeps the last value, the exact path refuses it,
  PRS003): every key is followed by one colon, and colons elsewhere can only
  be inside strings, so a text with exactly as many ``:`` as the structs have
  keys (optional fields are ``UNSET`` when absent, and counted) repeats none;
- a number written as a string (msgspec reads ``"16.58"`` into a ``Decimal``
  too): every key and string value has two quotes, and an escaped quote
  inside a string adds one, so a text with exactly twice as many ``"`` as
  the structs' keys and string values writes every number as a number;
- a number that may break "at most two decimals" (three decimals, a negative
  exponent): the exact check decides;
- the string patterns and the bounds on decimals (msgspec bounds only ints
  and floats; its patterns call Python ``re``, slower than the checks here).

A colon or an escaped quote inside a string sends the text to the exact
path: a false alarm costs time, never a finding. The one string that may hold
colons is the optional ``"$schema"`` address (``https:``): its colons are
counted from its value, and only in a text without a backslash, where every
string is written as its value (an escaped colon would hide a repeated key).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from kinelint.frozen import FrozenDict, LaterFrozenDict
from kinelint.invoice import Act, DirectAccessCare, Fee, Invoice, PriorApproval, Session, clock_minutes, new_view

# The schema's string lengths as msgspec constraints; their patterns are checked in ``_view`` with
# string methods (msgspec calls Python ``re`` for a pattern: more than half of its decoding time).
_Identifier = Annotated[str, Meta(min_length=1, max_length=64)]
_Rpps = Annotated[str, Meta(min_length=11, max_length=11)]
_Code = Annotated[str, Meta(min_length=2, max_length=4)]
_Nir = Annotated[str, Meta(min_length=15, max_length=15)]
_Ordinal = Annotated[int, Meta(ge=1, le=100_000)]
_Kilometres = Annotated[int, Meta(ge=1, le=10_000)]
_Minutes = Annotated[int, Meta(ge=1, le=720)]
_Clock = Annotated[str, Meta(min_length=5, max_length=5, pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$")]
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
    start_time: _Clock | UnsetType = UNSET
    duration_minutes: _Minutes | UnsetType = UNSET


class _Practitioner(Struct, forbid_unknown_fields=True):
    rpps: _Rpps
    territory: Literal["metropole", "dom"]
    structure: Literal["cabinet", "msp", "centre_sante", "esp", "ess", "cpts", "etablissement_sante",
                       "esms"] | UnsetType = UNSET


class _Patient(Struct, forbid_unknown_fields=True):
    nir: _Nir
    birth_date: date


class _Approval(Struct, forbid_unknown_fields=True):
    requested_on: date
    granted_on: date | UnsetType = UNSET


class _DirectAccess(Struct, forbid_unknown_fields=True):
    prior_diagnosis: bool


class _Renewal(Struct, forbid_unknown_fields=True):
    renewed_on: date


class _Prescription(Struct, forbid_unknown_fields=True):
    id: _Identifier
    date: date
    prescriber_rpps: _Rpps | UnsetType = UNSET
    sessions_prescribed: _Ordinal | UnsetType = UNSET
    prior_approval: _Approval | UnsetType = UNSET
    home_care: bool | UnsetType = UNSET
    direct_access: _DirectAccess | UnsetType = UNSET
    renewal: _Renewal | UnsetType = UNSET
    renewable: bool | UnsetType = UNSET


class _Invoice(Struct, forbid_unknown_fields=True):
    version: Literal[1]
    invoice_id: _Identifier
    issued_on: date
    practitioner: _Practitioner
    patient: _Patient
    prescription: _Prescription
    sessions: Annotated[list[_Session], Meta(min_length=1, max_length=1000)]
    total: Decimal
    # Ignored by kinelint: where an editor finds the schema. Its colons (https:) are counted in ``_view``.
    schema: Annotated[str, Meta(min_length=1, max_length=2048)] | UnsetType = msgspec.field(default=UNSET, name="$schema")


_decode = msgspec.json.Decoder(_Invoice).decode

# Keys of the objects every invoice has: the invoice (8), practitioner (2), patient (2), prescription (2);
# the strings among their values: invoice_id, issued_on, rpps, territory, nir, birth_date, id, date.
_FIXED_KEYS = 14
_FIXED_STRINGS = 8
# A number with three decimals or more (the exact check decides whether they are zeros).
_THREE_DECIMALS = re.compile(rb"\.[0-9]{3}")
_IDENTIFIER_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-"
_CODES_SEEN: set[str] = set()  # codes of 2 to 4 capital letters met (a batch bills a few dozen)
_CODES_KEPT = 4096


def _is_code(text: str) -> bool:
    """``^[A-Z]{2,4}$`` (the length is msgspec's); remembered, as a batch repeats its letters and fees."""
    if text in _CODES_SEEN:
        return True
    if not (text.isascii() and text.isalpha() and text.isupper()):
        return False
    if len(_CODES_SEEN) < _CODES_KEPT:
        _CODES_SEEN.add(text)
    return True


def _is_identifier(text: str) -> bool:
    """``^[A-Za-z0-9._/-]{1,64}$`` (the length is msgspec's)."""
    return text.isascii() and not text.strip(_IDENTIFIER_CHARACTERS)


def _is_digits(text: str) -> bool:
    """``^[0-9]+$``: ``isdigit`` alone admits other scripts' digits."""
    return text.isascii() and text.isdigit()


def _is_nir(text: str) -> bool:
    """``^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$`` (15 characters: msgspec's length)."""
    if not text.isascii():
        return False
    return text.isdigit() or (text[5:7] in ("2A", "2B") and text[:5].isdigit() and text[7:].isdigit())


def lazy_document(text: bytes) -> FrozenDict:
    """``Invoice.data`` for a view typed straight from its text: the document, parsed exactly when first read."""
    from kinelint.read.parsing import parse

    return LaterFrozenDict(parse, text)


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
    if b"$schema" in text:  # its address may read like a number ("invoice-1.schema"): the checks skip it
        return _accept_named(text)
    if b"e-" in text or b"E-" in text or _THREE_DECIMALS.search(text) is not None:
        return None
    try:
        raw = _decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return _view(raw, text)


def _accept_named(text: bytes) -> Accepted | None:
    """``accept`` for a text holding ``"$schema"``: decoded first, its numbers then checked on the text without
    the address (written as its value: ``_view`` declines a text with an escape)."""
    try:
        raw = _decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    numbers = text if raw.schema is UNSET else text.replace(raw.schema.encode(), b"", 1)
    if b"e-" in numbers or b"E-" in numbers or _THREE_DECIMALS.search(numbers) is not None:
        return None
    return _view(raw, text)


def _view(raw: _Invoice, text: bytes) -> Accepted | None:
    """The view ``Invoice.from_dict`` builds from the same document, its keys and strings counted on the way."""
    total = raw.total
    if not _ZERO <= total <= MONEY_MAX:
        return None
    prescription, practitioner, patient = raw.prescription, raw.practitioner, raw.patient
    if not (_is_identifier(raw.invoice_id) and _is_identifier(prescription.id) and _is_digits(practitioner.rpps)
            and _is_nir(patient.nir)):
        return None
    keys, strings = _FIXED_KEYS, _FIXED_STRINGS
    colons = 0  # colons inside strings the structs allow: the "$schema" address's only
    schema = raw.schema
    if schema is not UNSET:
        if b"\\" in text:  # without escapes, every string is written as its value: the address's colons are exact
            return None
        keys += 1
        strings += 1
        colons = schema.count(":")
    prescriber, prescribed, approval = prescription.prescriber_rpps, prescription.sessions_prescribed, \
        prescription.prior_approval
    if prescriber is UNSET:
        prescriber = None
    elif not _is_digits(prescriber):
        return None
    else:
        keys += 1
        strings += 1
    if prescribed is UNSET:
        prescribed = None
    else:
        keys += 1
    home_care = prescription.home_care
    if home_care is UNSET:
        home_care = None
    else:
        keys += 1
    direct = prescription.direct_access
    if direct is UNSET:
        direct = None
    else:
        keys += 2
        direct = new_view(DirectAccessCare, (direct.prior_diagnosis,))
    renewed_on = prescription.renewal
    if renewed_on is UNSET:
        renewed_on = None
    else:
        keys += 2
        strings += 1
        renewed_on = renewed_on.renewed_on
    renewable = prescription.renewable
    if renewable is UNSET:
        renewable = None
    else:
        keys += 1
    structure = practitioner.structure
    if structure is UNSET:
        structure = None
    else:
        keys += 1
        strings += 1
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
    seen_codes = _CODES_SEEN
    items = optional = labels = 0  # acts and fees; their optional fields present; labels among them
    for index, session in enumerate(raw.sessions):
        acts = []
        for number, act in enumerate(session.acts):
            letter, coefficient, amount, bdk, label = act.letter, act.coefficient, act.amount, act.bdk, act.label
            if not (_ZERO < coefficient <= COEFFICIENT_MAX and _ZERO <= amount <= MONEY_MAX
                    and (letter in seen_codes or _is_code(letter))):
                return None
            if bdk is UNSET:
                bdk = False
            else:
                optional += 1
            if label is UNSET:
                label = None
            else:
                labels += 1
            acts.append(new_view(Act, (number, index, letter, coefficient, amount, bdk, label)))
        items += len(acts)
        keys += 4 + 2 * len(acts)  # number, date, place, acts; letter, coefficient, amount (one with the items)
        fees = []
        written = session.fees
        if written is not UNSET:
            keys += 1 + len(written)  # fees; code, amount (one with the items)
            for number, fee in enumerate(written):
                code, amount, quantity = fee.code, fee.amount, fee.quantity
                if not (_ZERO <= amount <= MONEY_MAX and (code in seen_codes or _is_code(code))):
                    return None
                if quantity is UNSET:
                    quantity = 1
                else:
                    optional += 1
                fees.append(new_view(Fee, (number, index, code, quantity, amount)))
            items += len(fees)
        start, minutes = session.start_time, session.duration_minutes
        if start is UNSET:
            start = None
        else:
            keys += 1
            strings += 1
            start = clock_minutes(start)
        if minutes is UNSET:
            minutes = None
        else:
            keys += 1
        sessions.append(new_view(Session, (index, session.number, session.date, session.place, tuple(acts),
                                           tuple(fees), start, minutes)))
    keys += items + optional + labels
    strings += 2 * len(sessions) + items + labels  # date and place; a letter or a code each; labels
    # A repeated key (the exact path refuses it, PRS003), a number written as a string: counts that differ.
    if keys + colons != text.count(b":") or 2 * (keys + strings) != text.count(b'"'):
        return None
    invoice = new_view(Invoice, (
        lazy_document(text), raw.invoice_id, raw.issued_on, practitioner.territory, practitioner.rpps, patient.nir,
        prescription.id, prescription.date, prescriber, prescribed, tuple(sessions), total, approval, home_care, direct, structure,
        renewed_on, renewable))
    return tuple.__new__(Accepted, (invoice, patient.nir, patient.birth_date.isoformat()))
