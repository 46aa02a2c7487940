"""Input adapters: a file of another shape (a vendor's JSON, a CSV export) turned into kinelint invoices.

A plugin provides an ``Adapter`` through the ``kinelint_adapters`` hook; the
configuration selects it for files by pattern (``[adapters]``). The core reads
the file's text and calls ``adapt``, which returns, for each invoice found, an
``Adapted``: the invoice as kinelint's format has it (a dict of exact
``Decimal``s and ISO dates, checked by the schema and the rules like any other)
and a map from each of its JSON pointers to a ``Spot`` in the source file. Every
finding is then shown at the spot of its pointer (or of the nearest pointer
that has one), and a correction is written back in the source's own terms by
the spot's ``Writer``, or left out of ``--diff`` with a note when it has none.
What cannot be adapted is an ``Unadapted``: a finding on the file (PRS010 when
the adapter's configuration, a mapping, is wrong; PRS011 when the file does
not fit it), and the other invoices and files are checked.

Public API: kept stable; add, never change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


@dataclass(frozen=True, slots=True)
class Writer:
    """How a corrected value is written back in the source: ``kind`` is ``json`` (a JSON value) or ``csv`` (a
    cell's text, ``quoted`` or not), ``convert`` the conversion the adapter made when reading (``""``: none,
    ``cents``: an integer of cents read as euros, ``date:FORMAT``: a date written ``DD/MM/YYYY`` and the like,
    ``values``: a vendor code per kinelint value, in ``table``). Plain data, so that it travels to and from
    worker processes."""

    kind: str = "json"
    convert: str = ""
    table: tuple[tuple[str, object], ...] = ()  # (kinelint value, vendor value) for ``values``
    quoted: bool = False  # a CSV cell written between double quotes
    delimiter: str = ","

    def value(self, value: object) -> object:
        """The source's value for a kinelint ``value``; ``ValueError`` when the conversion cannot be undone."""
        if self.convert == "cents":
            cents = (Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return int(cents)
        if self.convert.startswith("date:"):
            return format_date(date.fromisoformat(str(value)), self.convert[5:])
        if self.convert == "values":
            for kinelint_value, vendor_value in self.table:
                if kinelint_value == value:
                    return vendor_value
            raise ValueError(f"no vendor value for {value!r}")
        if self.convert:
            raise ValueError(f"unknown conversion {self.convert!r}")
        return value

    def text(self, value: object) -> str | None:
        """The text that holds ``value`` in the source file, or None when it cannot be written there."""
        if self.kind not in ("json", "csv"):
            return None
        try:
            written = self.value(value)
        except (ValueError, TypeError, InvalidOperation):
            return None
        if self.kind == "json":
            return format(written, "f") if isinstance(written, Decimal) else json.dumps(written, ensure_ascii=False)
        text = format(written, "f") if isinstance(written, Decimal) else str(written)
        if self.quoted:
            return text.replace('"', '""') if "\n" not in text and "\r" not in text else None
        return None if any(c in text for c in (self.delimiter, '"', "\n", "\r")) else text

    def read(self, text: str) -> object:
        """The kinelint value that the source ``text`` holds (what ``text`` undoes); ValueError if none."""
        raw = text if self.kind == "csv" else json.loads(text, parse_float=Decimal)
        if self.kind == "csv" and self.quoted:
            raw = raw.replace('""', '"')
        if self.convert == "cents":
            return cents_to_euros(raw)
        if self.convert.startswith("date:"):
            return parse_date(str(raw), self.convert[5:]).isoformat()
        if self.convert == "values":
            for kinelint_value, vendor_value in self.table:
                if vendor_value == raw:
                    return kinelint_value
            raise ValueError(f"no kinelint value for {raw!r}")
        return Decimal(raw) if self.kind == "csv" else raw


UNWRITABLE = Writer(kind="none")  # a value the source does not hold (a constant of the mapping)


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one value of an adapted invoice stands in its source file.

    ``line`` and ``column`` (1-based) are what a finding shows: the start of the
    value in a JSON file, the row's line and the field's number in a CSV file.
    ``pointer`` is the source's own JSON pointer to it, when it has one. ``start``
    and ``end`` are the character offsets of the value's text in the file as
    given to ``adapt`` (-1 when it has no text there), and ``writer`` says how a
    corrected value is written in it (None: a correction there cannot be written).
    """

    line: int
    column: int
    pointer: str | None = None
    start: int = -1
    end: int = -1
    writer: Writer | None = None
    # Other places that hold the same value (a CSV column repeated on every row of an invoice): a correction
    # replaces each of them too, so that the rows still agree.
    also: tuple[Spot, ...] = ()


@dataclass(frozen=True, slots=True)
class Adapted:
    """One invoice in kinelint's format and where each of its pointers comes from (``""`` is the invoice itself:
    give it a spot, findings about a missing field stand there)."""

    invoice: dict
    spots: Mapping[str, Spot] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Unadapted:
    """What could not be adapted, and where: ``mapping`` is True when the adapter's own configuration is
    wrong (PRS010, the same for every file it reads), False when this file, or one invoice of it, does not
    fit (PRS011). ``message`` is a string or a ``kinelint.i18n.msg``."""

    message: str
    line: int = 1
    column: int = 1
    pointer: str = ""
    mapping: bool = False


@dataclass(frozen=True, slots=True)
class Adapter:
    """An input adapter: ``name`` is what the configuration selects it by; ``adapt(text, options, base)``
    returns (or yields) ``Adapted`` and ``Unadapted`` items, in the file's order. ``text`` is the file's
    UTF-8 text, ``options`` the configuration's table for it (without ``adapter``), ``base`` the folder of
    the configuration file (a ``pathlib.Path``: relative paths in options are relative to it)."""

    name: str
    adapt: Callable
    summary: str = ""


# -- conversions a declarative adapter needs (and ``Writer`` undoes) ------------------------------------

_DATE_PARTS = {"DD": "%d", "MM": "%m", "YYYY": "%Y"}


def _date_parts(form: str) -> list[str]:
    parts, rest = [], form
    while rest:
        for token in ("YYYY", "DD", "MM"):
            if rest.startswith(token):
                parts.append(token)
                rest = rest[len(token):]
                break
        else:
            parts.append(rest[0])
            rest = rest[1:]
    return parts


def valid_date_format(form: str) -> bool:
    """A date format of ``DD``, ``MM`` and ``YYYY``, each once, with separators (``DD/MM/YYYY``)."""
    parts = _date_parts(form)
    return all(parts.count(token) == 1 for token in _DATE_PARTS)


def parse_date(text: str, form: str) -> date:
    """``text`` read as a date written in ``form`` (``DD/MM/YYYY``); ValueError when it is not one."""
    values, rest = {}, text
    for part in _date_parts(form):
        if part in _DATE_PARTS:
            width = 4 if part == "YYYY" else 2
            digits = rest[:width]
            if len(digits) != width or not digits.isdigit():
                raise ValueError(f"{text!r} is not written {form}")
            values[part], rest = int(digits), rest[width:]
        elif rest[:1] == part:
            rest = rest[1:]
        else:
            raise ValueError(f"{text!r} is not written {form}")
    if rest:
        raise ValueError(f"{text!r} is not written {form}")
    return date(values["YYYY"], values["MM"], values["DD"])


def format_date(day: date, form: str) -> str:
    return "".join({"DD": f"{day.day:02d}", "MM": f"{day.month:02d}", "YYYY": f"{day.year:04d}"}.get(part, part)
                   for part in _date_parts(form))


def cents_to_euros(value: object) -> Decimal:
    """A whole number of cents (an integer, or its digits in a string) as exact euros; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number of cents")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(f"{value!r} is not a whole number of cents")
        value = int(text)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number of cents")
    return (Decimal(value) / 100).quantize(Decimal("0.01"))
