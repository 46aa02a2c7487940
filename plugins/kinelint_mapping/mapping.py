"""The mapping file: for each kinelint invoice field, where it lives in a vendor's export, read and checked.

A mapping is a TOML file in the vendor's repository (README, "Input adapters")::

    format = "json"                        # or "csv"
    invoices = "/lot/factures"             # JSON: where the list of invoices is (a pointer, or a dotted path)

    [invoice]                              # each kinelint field: a path in the vendor's invoice, or a table
    invoice_id = "numero"
    issued_on = { path = "emise_le", date = "DD/MM/YYYY" }
    "practitioner.territory" = { const = "metropole" }
    total = { path = "total_centimes", cents = true }

    [sessions]                             # the list, and each session's fields, element by element
    path = "seances"
    place = { path = "lieu", values = { CAB = "cabinet", DOM = "domicile" } }

    [acts]                                 # in each session; [fees] likewise
    path = "actes"

Everything wrong with it is a ``MappingError`` whose message names the file and
the entry: an unknown field, a conversion kinelint does not know, a required
field that is not mapped.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kinelint.adapters import valid_date_format
from kinelint.i18n import N_, Joined, msg

MAX_BYTES = 1 << 20

# kinelint's fields, by level: (type, required). Types: str, int, decimal, bool, date.
INVOICE_FIELDS = {
    "version": ("int", True), "invoice_id": ("str", True), "issued_on": ("date", True),
    "practitioner.rpps": ("str", True), "practitioner.territory": ("str", True),
    "practitioner.structure": ("str", False),
    "patient.nir": ("str", True), "patient.birth_date": ("date", True),
    "prescription.id": ("str", True), "prescription.date": ("date", True),
    "prescription.prescriber_rpps": ("str", False), "prescription.sessions_prescribed": ("int", False),
    "prescription.home_care": ("bool", False), "prescription.direct_access.prior_diagnosis": ("bool", False),
    "prescription.prior_approval.requested_on": ("date", False),
    "prescription.prior_approval.granted_on": ("date", False),
    "total": ("decimal", True),
}
SESSION_FIELDS = {"number": ("int", True), "date": ("date", True), "place": ("str", True),
                  "start_time": ("str", False), "duration_minutes": ("int", False)}
ACT_FIELDS = {"letter": ("str", True), "coefficient": ("decimal", True), "amount": ("decimal", True),
              "bdk": ("bool", False), "label": ("str", False)}
FEE_FIELDS = {"code": ("str", True), "quantity": ("int", False), "amount": ("decimal", True)}
LEVELS = {"invoice": INVOICE_FIELDS, "sessions": SESSION_FIELDS, "acts": ACT_FIELDS, "fees": FEE_FIELDS}
LIST_LEVELS = ("sessions", "acts", "fees")
TOP_KEYS = ("format", "invoices", "csv", *LEVELS)
CSV_KEYS = ("delimiter", "invoice", "session")
SPEC_KEYS = ("path", "const", "date", "cents", "values")


class MappingError(Exception):
    """A mapping that cannot be used; ``args[0]`` is the message (a ``msg``)."""


@dataclass(frozen=True)
class Spec:
    """Where one kinelint field comes from: a path (tokens) or a constant, and its conversion."""

    field: str
    kind: str  # the kinelint type
    path: tuple[str, ...] | None = None
    const: object = None
    written: str = ""  # the path as the mapping writes it, for messages
    date: str = ""
    cents: bool = False
    values: tuple[tuple[str, object], ...] = ()  # (vendor value, kinelint value)


@dataclass(frozen=True)
class Mapping:
    name: str  # as the configuration names it, for messages
    format: str
    invoices: tuple[str, ...]
    levels: dict[str, tuple[Spec, ...]]
    lists: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # level -> (path, as written)
    delimiter: str = ","
    invoice_column: str = ""
    session_column: str = ""


def path_tokens(path: str) -> tuple[str, ...]:
    """A JSON pointer (``/a/0/b``, RFC 6901 escapes) or a dotted path (``a.0.b``) as its tokens; "" the node."""
    if path.startswith("/"):
        return tuple(token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/"))
    return tuple(path.split(".")) if path else ()


_cache: dict[tuple, Mapping] = {}


def load(options: dict, base: Path) -> Mapping:
    """The mapping the options name (``mapping = "kinelint-mapping.toml"``, relative to ``base``), checked."""
    name = options.get("mapping")
    if not isinstance(name, str) or not name.strip():
        raise MappingError(msg("the mapping adapter needs a mapping file: mapping = \"kinelint-mapping.toml\""))
    path = Path(base, name)
    try:
        status = os.stat(path)
    except OSError as error:
        raise MappingError(msg("the mapping {mapping} cannot be read: {reason}", mapping=name,
                               reason=error.strerror or str(error))) from None
    key = (str(path.resolve()), status.st_mtime_ns, status.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _read(path, name)
    return _cache[key]


def _read(path: Path, name: str) -> Mapping:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise MappingError(msg("the mapping {mapping} cannot be read: {reason}", mapping=name,
                               reason=error.strerror or str(error))) from None
    if len(data) > MAX_BYTES:
        raise MappingError(msg("the mapping {mapping} is larger than 1 MiB: not read", mapping=name))
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MappingError(msg("the mapping {mapping} is not valid TOML: {reason}", mapping=name,
                               reason=str(error))) from None
    return _checked(raw, name)


def _fail(template: str, **values) -> MappingError:
    return MappingError(msg(template, **values))


def _hint(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return msg(" (did you mean {word}?)", word=repr(close[0])) if close else ""


def _checked(raw: dict, name: str) -> Mapping:
    for key in raw:
        if key not in TOP_KEYS:
            raise _fail(N_("the mapping {mapping}: unknown key {key}{hint}; the keys are: {keys}"), mapping=name,
                        key=repr(key), hint=_hint(key, TOP_KEYS), keys=Joined(TOP_KEYS))
    form = raw.get("format", "json")
    if form not in ("json", "csv"):
        raise _fail(N_("the mapping {mapping}: format is {value}: expected \"json\" or \"csv\""), mapping=name,
                    value=repr(form))
    invoices = raw.get("invoices", "")
    if not isinstance(invoices, str):
        raise _fail(N_("the mapping {mapping}: invoices must be a path (a JSON pointer or a dotted path)"), mapping=name)
    csv = raw.get("csv", {})
    if not isinstance(csv, dict):
        raise _fail(N_("the mapping {mapping}: [csv] must be a table"), mapping=name)
    for key in csv:
        if key not in CSV_KEYS:
            raise _fail(N_("the mapping {mapping}: unknown key {key} in [csv]{hint}; the keys are: {keys}"), mapping=name,
                        key=repr(key), hint=_hint(key, CSV_KEYS), keys=Joined(CSV_KEYS))
    delimiter = csv.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise _fail(N_("the mapping {mapping}: the CSV delimiter must be one character (\",\", \";\", a tab)"),
                    mapping=name)
    if form == "csv" and not (isinstance(csv.get("invoice"), str) and csv["invoice"]):
        raise _fail(N_("the mapping {mapping}: a CSV mapping names the column that groups rows into invoices: "
                    "[csv] invoice = \"COLUMN\""), mapping=name)
    if not isinstance(csv.get("session", ""), str):
        raise _fail(N_("the mapping {mapping}: [csv] session must be a column name"), mapping=name)
    levels, lists = {}, {}
    for level, fields in LEVELS.items():
        table = raw.get(level, {})
        if not isinstance(table, dict):
            raise _fail(N_("the mapping {mapping}: [{level}] must be a table"), mapping=name, level=level)
        table = dict(table)
        if level == "fees" and "fees" not in raw:  # fees are optional: no table, no fees
            levels[level] = ()
            continue
        if level in LIST_LEVELS:
            written = table.pop("path", "" if form == "csv" else None)
            if written is None:
                raise _fail(N_("the mapping {mapping}: [{level}] needs path = \"...\", where the list is"), mapping=name,
                            level=level)
            if written is not None:
                if not isinstance(written, str):
                    raise _fail(N_("the mapping {mapping}: [{level}] path must be a string"), mapping=name, level=level)
                lists[level] = (path_tokens(written), written)
        flat = _flattened(table)
        specs = []
        for field_name, spec in flat.items():
            if field_name not in fields:
                raise _fail(N_("the mapping {mapping}: unknown kinelint field {field} in [{level}]{hint}; the fields are: "
                            "{fields}"), mapping=name, field=repr(field_name), level=level,
                            hint=_hint(field_name, fields), fields=Joined(fields))
            specs.append(_spec(spec, field_name, fields[field_name][0], level, name))
        missing = [f for f, (_, required) in fields.items() if required and f not in flat]
        if missing:
            raise _fail(N_("the mapping {mapping}: [{level}] does not say where {fields} are (a path, or const = ...)"),
                        mapping=name, level=level, fields=Joined(missing))
        levels[level] = tuple(specs)
    return Mapping(name, form, path_tokens(invoices), levels, lists, delimiter, csv.get("invoice", ""),
                   csv.get("session", ""))


def _flattened(table: dict, prefix: str = "") -> dict:
    """``practitioner.rpps = ...`` (nested tables) and ``"practitioner.rpps" = ...`` (a quoted key) alike."""
    flat = {}
    for key, value in table.items():
        name = prefix + key
        if isinstance(value, dict) and not ({"path", "const"} & value.keys()):
            flat.update(_flattened(value, name + "."))
        else:
            flat[name] = value
    return flat


def _spec(spec: object, field_name: str, kind: str, level: str, name: str) -> Spec:
    where = msg("{field} in [{level}]", field=repr(field_name), level=level)
    if isinstance(spec, str):
        return Spec(field_name, kind, path_tokens(spec), written=spec)
    if not isinstance(spec, dict):
        raise _fail(N_("the mapping {mapping}: {where} is {value}: expected a path or a table such as "
                    "{{ path = \"...\", date = \"DD/MM/YYYY\" }}"), mapping=name, where=where, value=repr(spec))
    for key in spec:
        if key not in SPEC_KEYS:
            raise _fail(N_("the mapping {mapping}: {where}: unknown key {key}{hint}; the keys are: {keys}"), mapping=name,
                        where=where, key=repr(key), hint=_hint(key, SPEC_KEYS), keys=Joined(SPEC_KEYS))
    if ("path" in spec) == ("const" in spec):
        raise _fail(N_("the mapping {mapping}: {where} needs either path or const"), mapping=name, where=where)
    date_form = spec.get("date", "")
    if date_form and (not isinstance(date_form, str) or not valid_date_format(date_form) or kind != "date"):
        raise _fail(N_("the mapping {mapping}: {where}: date = {value} is not a date format of a date field (DD, MM and "
                    "YYYY once each, such as \"DD/MM/YYYY\")"), mapping=name, where=where, value=repr(date_form))
    cents = spec.get("cents", False)
    if not isinstance(cents, bool) or (cents and kind != "decimal"):
        raise _fail(N_("the mapping {mapping}: {where}: cents = true is for amounts only"), mapping=name, where=where)
    values = spec.get("values", {})
    if not isinstance(values, dict) or not values:
        if "values" in spec:
            raise _fail(N_("the mapping {mapping}: {where}: values must be a table of vendor value = kinelint value"),
                        mapping=name, where=where)
    if "const" in spec:
        const = spec["const"]
        if isinstance(const, float):
            const = Decimal(str(const))
        if not isinstance(const, (str, int, bool, Decimal)):
            raise _fail(N_("the mapping {mapping}: {where}: const must be a string, a number or a boolean"),
                        mapping=name, where=where)
        return Spec(field_name, kind, const=const)
    path = spec["path"]
    if not isinstance(path, str):
        raise _fail(N_("the mapping {mapping}: {where}: path must be a string"), mapping=name, where=where)
    return Spec(field_name, kind, path_tokens(path), written=path, date=date_form, cents=cents,
                values=tuple(values.items()))
