"""The mapping adapter's work: a vendor file parsed (``sourcetext``), its invoices built (``build``) as the
mapping file (``mapping``) says. Imported on the first vendor file only: most runs read none, and start-up
counts (bench (f))."""

from __future__ import annotations

from kinelint.adapters import Unadapted
from kinelint.i18n import msg

from kinelint_mapping.build import CsvSource, JsonSource, build
from kinelint_mapping.mapping import MappingError, load
from kinelint_mapping.sourcetext import Lines, NotCsv, NotJson, parse_csv, parse_json


def adapt(text: str, options: dict, base):
    """The invoices of one vendor file, as its mapping says (``kinelint.adapters.Adapter.adapt``)."""
    try:
        mapping = load(options, base)
    except MappingError as error:
        yield Unadapted(error.args[0], mapping=True)
        return
    lines = Lines(text)
    if mapping.format == "csv":
        yield from _csv(text, mapping, lines)
    else:
        yield from _json(text, mapping, lines)


def _json(text: str, mapping, lines: Lines):
    try:
        value, offsets = parse_json(text)
    except NotJson as error:
        line, column = lines.position(error.offset)
        yield Unadapted(msg("not JSON as the mapping {mapping} expects: {reason}", mapping=mapping.name,
                            reason=error.reason), line, column)
        return
    source = JsonSource(value, offsets, lines)
    reached = source.walk((value, ""), mapping.invoices)
    if reached is None:
        yield Unadapted(msg("the mapping {mapping}: the path of the invoices matches nothing in this file",
                            mapping=mapping.name))
        return
    invoices, pointer = reached
    nodes = [(item, f"{pointer}/{index}") for index, item in enumerate(invoices)] if isinstance(invoices, list) \
        else [reached]
    for node in nodes:
        if not isinstance(node[0], dict):
            found = source.found(node)
            yield Unadapted(msg("the mapping {mapping}: an invoice here is not an object", mapping=mapping.name),
                            found.line, found.column, found.pointer)
            continue
        yield build(source, node, mapping)


def _csv(text: str, mapping, lines: Lines):
    try:
        rows = parse_csv(text, mapping.delimiter)
    except NotCsv as error:
        line, column = lines.position(error.offset)
        yield Unadapted(msg("not CSV as the mapping {mapping} expects: {reason}", mapping=mapping.name,
                            reason=error.reason), line, column)
        return
    if not rows:
        yield Unadapted(msg("the file is empty: the mapping {mapping} expects a header row and a row per act or "
                            "session", mapping=mapping.name))
        return
    header, rows = rows[0], rows[1:]
    source = CsvSource(header, mapping)
    if mapping.invoice_column not in source.columns:
        yield Unadapted(msg("the mapping {mapping}: no column {column} in the header row (it groups the rows into "
                            "invoices)", mapping=mapping.name, column=repr(mapping.invoice_column)), header.line, 1)
        return
    groups: dict = {}
    for row in rows:
        cell = source.cell(row, mapping.invoice_column)
        groups.setdefault(cell.text if cell is not None else "", []).append(row)
    for group in groups.values():
        yield build(source, group, mapping)
