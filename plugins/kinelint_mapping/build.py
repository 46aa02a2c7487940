"""A vendor's invoices built field by field from a mapping, each value with its spot in the vendor's file.

The same building serves JSON (a node is a value and its JSON pointer) and CSV
(a node is a group of rows: an invoice, a session, or one row); a source
(``JsonSource``, ``CsvSource``) answers where a path leads from a node. A value
that does not convert, or a required field that is not there, keeps its
invoice from being built: one ``Unadapted`` at the vendor's value, naming the
mapping's entry, and the next invoice is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kinelint.adapters import Adapted, Spot, Unadapted, Writer, cents_to_euros, parse_date
from kinelint.i18n import N_, msg

from kinelint_mapping.mapping import Mapping, Spec
from kinelint_mapping.sourcetext import Lines, Row, escape_token


@dataclass(frozen=True, slots=True)
class Found:
    """A value read in the source, and where its text stands."""

    raw: object
    line: int
    column: int
    pointer: str | None
    start: int
    end: int
    quoted: bool = False
    also: tuple[Found, ...] = ()  # the same value on the other rows of a CSV group


class NotBuilt(Exception):
    def __init__(self, message, line: int, column: int, pointer: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.pointer = message, line, column, pointer


# -- the sources ---------------------------------------------------------------------------------------


class JsonSource:
    """Paths in a parsed JSON text; a node is (value, pointer)."""

    kind = "json"

    def __init__(self, value, offsets: dict, lines: Lines) -> None:
        self.root, self.offsets, self.lines = value, offsets, lines

    def walk(self, node, tokens: tuple[str, ...]):
        value, pointer = node
        for token in tokens:
            if isinstance(value, dict) and token in value:
                value, pointer = value[token], f"{pointer}/{escape_token(token)}"
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value, pointer = value[int(token)], f"{pointer}/{token}"
            else:
                return None
        return value, pointer

    def found(self, node) -> Found:
        value, pointer = node
        start, end = self.offsets[pointer]
        line, column = self.lines.position(start)
        return Found(value, line, column, pointer, start, end)

    def spot(self, node) -> Spot:
        found = self.found(node)
        return Spot(found.line, found.column, found.pointer)

    def field(self, node, spec: Spec) -> Found | None:
        reached = self.walk(node, spec.path)
        return None if reached is None or reached[0] is None else self.found(reached)

    def children(self, node, level: str, tokens: tuple[str, ...]):
        reached = self.walk(node, tokens)
        if reached is None:
            return None
        value, pointer = reached
        if not isinstance(value, list):
            return "not a list"
        return [(item, f"{pointer}/{index}") for index, item in enumerate(value)]

    def writer(self, spec: Spec, found: Found) -> Writer:
        return _writer("json", spec, found)


class CsvSource:
    """Columns of CSV rows; a node is a list of rows (an invoice's, a session's, or one row)."""

    kind = "csv"

    def __init__(self, header: Row, mapping: Mapping) -> None:
        self.columns = {cell.text.strip(): index for index, cell in enumerate(header.cells)}
        self.mapping = mapping

    def cell(self, row: Row, column: str):
        index = self.columns.get(column)
        return row.cells[index] if index is not None and index < len(row.cells) else None

    def spot(self, rows) -> Spot:
        return Spot(rows[0].line, 1)

    def field(self, rows, spec: Spec) -> Found | None:
        """The column's value, read from the group's first row; the other rows must say the same (a correction
        then rewrites it on each)."""
        column = ".".join(spec.path)
        found = [Found(cell.text, row.line, cell.number, None, cell.start, cell.end, cell.quoted)
                 for row in rows if (cell := self.cell(row, column)) is not None]
        if not found or found[0].raw == "":
            return None
        other = next((f for f in found if f.raw != found[0].raw), None)
        if other is not None:
            raise NotBuilt(msg("the mapping {mapping}: the rows of this invoice disagree on the column {column} "
                               "(lines {first} and {other})", mapping=self.mapping.name, column=repr(column),
                               first=found[0].line, other=other.line), other.line, other.column)
        return Found(*(getattr(found[0], name) for name in ("raw", "line", "column", "pointer", "start", "end",
                                                            "quoted")), also=tuple(found[1:]))

    def children(self, rows, level: str, tokens):
        if level == "sessions":
            if not self.mapping.session_column:
                return [[row] for row in rows]  # a row per session
            return list(_grouped(rows, lambda row: self._text(row, self.mapping.session_column)).values())
        if level == "acts":
            return [[row] for row in rows]
        code = next((spec for spec in self.mapping.levels["fees"] if spec.field == "code"), None)
        return [[row] for row in rows if code is None or code.path is None or self._text(row, ".".join(code.path))]

    def _text(self, row: Row, column: str) -> str:
        cell = self.cell(row, column)
        return cell.text if cell is not None else ""

    def writer(self, spec: Spec, found: Found) -> Writer:
        return _writer("csv", spec, found, self.mapping.delimiter)


def _grouped(rows, key) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _writer(kind: str, spec: Spec, found: Found, delimiter: str = ",") -> Writer:
    if spec.cents:
        convert, table = "cents", ()
    elif spec.date:
        convert, table = "date:" + spec.date, ()
    elif spec.values:
        raw_int = isinstance(found.raw, int) and not isinstance(found.raw, bool)
        convert = "values"
        table = tuple((kinelint, int(vendor) if raw_int and vendor.lstrip("-").isdigit() else vendor)
                      for vendor, kinelint in spec.values)
    else:
        convert, table = "", ()
    return Writer(kind, convert, table, found.quoted, delimiter)


# -- building --------------------------------------------------------------------------------------------


def build(source, node, mapping: Mapping) -> Adapted | Unadapted:
    """One invoice from its node, or why it cannot be built."""
    invoice: dict = {}
    spots: dict[str, Spot] = {"": source.spot(node)}
    try:
        _fields(source, node, mapping, "invoice", invoice, "", spots)
        _list(source, node, mapping, "sessions", invoice, "", spots, lambda session_node, session, at: (
            _list(source, session_node, mapping, "acts", session, at, spots),
            _list(source, session_node, mapping, "fees", session, at, spots) if "fees" in mapping.lists else None))
    except NotBuilt as problem:
        return Unadapted(problem.message, problem.line, problem.column, problem.pointer or "")
    return Adapted(invoice, spots)


def _list(source, node, mapping: Mapping, level: str, into: dict, at: str, spots: dict, inside=None) -> None:
    tokens, written = mapping.lists.get(level, ((), ""))
    children = source.children(node, level, tokens)
    here = source.spot(node)
    if children is None or isinstance(children, str):
        reason = msg("is not a list") if isinstance(children, str) else msg("matches nothing")
        raise NotBuilt(msg("the mapping {mapping}: the path {path} of [{level}] {reason} in this invoice",
                           mapping=mapping.name, path=repr(written), level=level, reason=reason),
                       here.line, here.column, here.pointer or "")
    items = []
    pointer = f"{at}/{level}"
    if source.kind == "json":
        reached = source.walk(node, tokens)
        spots[pointer] = source.spot(reached)
    for index, child in enumerate(children):
        item: dict = {}
        spots[f"{pointer}/{index}"] = source.spot(child)
        _fields(source, child, mapping, level, item, f"{pointer}/{index}", spots)
        if inside is not None:
            inside(child, item, f"{pointer}/{index}")
        items.append(item)
    into[level] = items


def _fields(source, node, mapping: Mapping, level: str, into: dict, at: str, spots: dict) -> None:
    from kinelint_mapping.mapping import LEVELS

    for spec in mapping.levels[level]:
        required = LEVELS[level][spec.field][1]
        pointer = at + "".join(f"/{escape_token(token)}" for token in spec.field.split("."))
        if spec.path is None:
            _put(into, spec.field, spec.const)
            continue
        found = source.field(node, spec)
        if found is None:
            if required:
                here = source.spot(node)
                raise NotBuilt(msg("the mapping {mapping}: the path {path} of {field} matches nothing in this invoice",
                                   mapping=mapping.name, path=repr(spec.written), field=repr(spec.field)),
                               here.line, here.column, here.pointer or "")
            continue
        _put(into, spec.field, _converted(spec, found, source.kind, mapping))
        spots[pointer] = Spot(found.line, found.column, found.pointer, found.start, found.end,
                              source.writer(spec, found),
                              tuple(Spot(more.line, more.column, None, more.start, more.end, source.writer(spec, more))
                                    for more in found.also))


def _put(into: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for parent in parents:
        into = into.setdefault(parent, {})
    into[last] = value


def _converted(spec: Spec, found: Found, kind: str, mapping: Mapping):
    raw = found.raw
    try:
        if spec.cents:
            return cents_to_euros(raw)
        if spec.date:
            if not isinstance(raw, str):
                raise ValueError
            return parse_date(raw, spec.date).isoformat()
        if spec.values:
            for vendor, kinelint in spec.values:
                if vendor == str(raw):
                    return kinelint
            raise ValueError
        if kind == "csv":
            return _typed(raw, spec.kind)
        return raw
    except (ValueError, InvalidOperation, OverflowError):
        conversion = (msg("a whole number of cents") if spec.cents else spec.date if spec.date
                      else msg("one of {values}", values=", ".join(repr(v) for v, _ in spec.values)) if spec.values
                      else msg(_KINDS[spec.kind]))
        if spec.field.startswith("patient."):  # the patient's data is never shown, even when it is wrong
            raise NotBuilt(msg("the mapping {mapping}: the value at {path} ({field}) does not read as {conversion}",
                               mapping=mapping.name, path=repr(spec.written), field=repr(spec.field),
                               conversion=conversion), found.line, found.column, found.pointer or "") from None
        shown = repr(raw) if isinstance(raw, str) and len(raw) <= 40 else str(raw)[:40]
        raise NotBuilt(msg("the mapping {mapping}: {value} at {path} ({field}) does not read as {conversion}",
                           mapping=mapping.name, value=shown, path=repr(spec.written),
                           field=repr(spec.field), conversion=conversion),
                       found.line, found.column, found.pointer or "") from None


_KINDS = {"int": N_("a whole number"), "decimal": N_("a number"), "bool": N_("true or false"), "date": N_("a date"),
          "str": N_("text")}


def _typed(text: str, kind: str):
    """A CSV cell's text as the kinelint field's type (a CSV has text only)."""
    if kind == "int":
        if not text.strip().isdigit():
            raise ValueError
        return int(text)
    if kind == "decimal":
        value = Decimal(text.strip())
        if not value.is_finite():
            raise ValueError
        return value
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValueError
    return text
