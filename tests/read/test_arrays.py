"""Array files read in blocks (kinelint.read.arrays): the same values, findings and positions as a whole parse,
wherever the blocks are cut; problems reported where they stand, the elements before them checked."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from invoice_factory import act, dumps, make_invoice, session


from kinelint.api import lint_paths
from kinelint.read.arrays import Broken, Element, elements
from kinelint.read.parsing import parse

TEXTS = [
    '[]',
    ' \n [ \n ] \n',
    '[1, 23, 4.560, -7e-3, "é\\u00e9", null, true, false]',
    '[{"a": [1, {"b": "c,]}"}], "d": 12345678901234567890.125}, {"é": "à"}]',
    '\ufeff[\n  {"x": 1},\n  {"y":\n    [2, 3]\n  }\n]\n',
    '[' + ", ".join(f'{{"n": {i}, "s": "{"ü" * (i % 7)}"}}' for i in range(40)) + ']',
    '[{"big": ' + "9" * 5000 + '}]',
]


def read_all(text: str, block: int) -> list[Element | Broken]:
    return list(elements(io.BytesIO(text.encode("utf-8")), block))


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, 1 << 20])
def test_elements_are_those_of_a_whole_parse_wherever_blocks_are_cut(text, block):
    found = read_all(text, block)
    whole = parse(text.removeprefix("\ufeff").encode("utf-8"))
    assert [item.value for item in found] == whole
    assert all(isinstance(item, Element) for item in found)
    data = text.encode("utf-8")
    body = text.removeprefix("\ufeff")
    skipped = len(data) - len(body.encode("utf-8"))  # a byte order mark
    for item in found:
        assert data[item.offset:item.offset + len(item.raw)] == item.raw  # read again from the file as it is
        assert parse(item.raw) == whole[item.index]
        start = len(data[skipped:item.offset].decode("utf-8"))
        assert (item.line, item.column) == line_and_column(body, start), item.index


def test_decimals_stay_exact_and_long_integers_exact_too():
    [first, second] = [item.value for item in read_all('[0.10, ' + "1" * 4500 + ']', 3)]
    assert first == Decimal("0.10") and str(first) == "0.10"
    assert second == Decimal("1" * 4500)


@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_a_duplicate_key_spoils_its_element_only(block):
    text = '[{"a": 1},\n {"b": 1, "b": 2},\n {"c": 3}]'
    found = read_all(text, block)
    assert [item.value for item in found if isinstance(item, Element)] == [{"a": 1}, {"c": 3}]
    [problem] = [item for item in found if isinstance(item, Broken)]
    assert (problem.code, problem.pointer, problem.line, problem.column) == ("PRS003", "/1/b", 2, 11)


@pytest.mark.parametrize("block", [1, 4, 1 << 20])
def test_nan_spoils_its_element_only(block):
    found = read_all('[{"a": NaN}, {"b": 2}]', block)
    assert isinstance(found[0], Broken) and found[0].code == "PRS004" and (found[0].line, found[0].column) == (1, 8)
    assert found[1].value == {"b": 2}


@pytest.mark.parametrize("text, code, line, column", [
    ('[{"a": 1},\n {"b": 2,,}]', "PRS002", 2, 10),  # a syntax error: where json says it is
    ('[{"a": 1} {"b": 2}]', "PRS002", 1, 11),  # a missing comma
    ('[{"a": 1}, {"b": "unterminated', "PRS002", 1, 18),  # where the string starts
    ('[{"a": 1}] {}', "PRS002", 1, 12),  # something after the array
    ('[{"a": 1},', "PRS002", 1, 11),  # cut after a comma
    ('[{"a": 1}, {"b": "x\ny"}]', "PRS002", 1, 20),  # a raw control character in a string
    ('[{"a": 1}, \ufeff{}]', "PRS002", 1, 12),  # a byte order mark inside
])
@pytest.mark.parametrize("block", [1, 3, 1 << 20])
def test_a_broken_text_is_reported_where_it_breaks_after_the_elements_before(text, code, line, column, block):
    found = read_all(text, block)
    assert found[0].value == {"a": 1}
    assert isinstance(found[-1], Broken)
    assert (found[-1].code, found[-1].line, found[-1].column) == (code, line, column)
    assert sum(isinstance(item, Broken) for item in found) == 1


@pytest.mark.parametrize("block", [1, 3, 1 << 20])
def test_invalid_utf8_is_reported_at_its_byte(block):
    data = '[{"a": 1},\n {"b": "x'.encode() + b"\xff" + b'"}]'
    found = list(elements(io.BytesIO(data), block))
    assert found[0].value == {"a": 1}
    assert (found[-1].code, found[-1].line, found[-1].column) == ("PRS001", 2, 10)
    assert "0xff" in found[-1].message


def test_absurd_nesting_in_an_element_is_too_deep():
    found = read_all('[{"a": 1}, ' + "[" * 5000 + "]" * 5000 + "]", 1 << 20)
    assert found[0].value == {"a": 1} and found[1].code == "PRS005"


# -- through the whole run: array files report what JSON Lines of the same invoices report -------------

def test_findings_in_an_array_file_are_located_in_the_file(tmp_path):
    faulty = make_invoice([session(acts=[act("RIC", "7.52")])], invoice_id="F-2")
    clean = make_invoice(invoice_id="F-1", prescription_id="RX-1")
    pretty = "[\n" + ",\n".join(json.dumps(json.loads(dumps(v)), indent=2, ensure_ascii=False) for v in (clean, faulty)) \
        + "\n]\n"
    compact = "[" + ", ".join(dumps(v) for v in (clean, faulty)) + "]"
    for name, text in (("pretty.json", pretty), ("compact.json", compact)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        findings, summary = lint_paths([path])
        assert summary.invoices == 2
        assert findings, name
        for finding in findings:
            assert finding.pointer.startswith("/1/")
            line = text.splitlines()[finding.line - 1]
            key = finding.pointer.rsplit("/", 1)[1]
            assert line[finding.column - 1:].startswith(("7.52", '"', "[", "{")) or key in line, (name, finding)


def test_a_broken_array_file_still_checks_the_invoices_before_the_break(tmp_path):
    faulty = dumps(make_invoice([session(acts=[act("RIC", "7.52")])], invoice_id="F-2"))
    path = tmp_path / "cut.json"
    path.write_text("[" + faulty + ",\n" + faulty[:40], encoding="utf-8")
    findings, summary = lint_paths([path])
    assert summary.invoices == 1
    codes = [f.code for f in findings]
    assert "PRS002" in codes and any(code.startswith("COE") for code in codes)
    prs = next(f for f in findings if f.code == "PRS002")
    assert prs.line == 2


def test_an_array_given_through_a_pipe_locates_its_batch_findings_as_a_file_does(tmp_path):
    """``<(cmd)`` cannot be read twice: it is copied as it is read, and late (batch) findings are located
    from the copy, exactly where they are in the file."""
    import shutil
    import subprocess
    import sys

    if shutil.which("bash") is None:
        pytest.skip("needs bash for <(cmd)")
    twin = make_invoice(invoice_id="F-1", prescription_id="RX-2")
    path = tmp_path / "batch.json"
    path.write_text("[\n" + ",\n".join(json.dumps(json.loads(dumps(v)), indent=2) for v in
                                       (make_invoice(invoice_id="F-1", prescription_id="RX-1"), twin)) + "\n]\n")
    command = f'"{sys.executable}" -m kinelint check --jobs 1 --format jsonl'

    def run(given: str) -> list[tuple]:
        done = subprocess.run(["bash", "-c", f"{command} {given}"], capture_output=True, cwd=tmp_path, timeout=120)
        return [(f["code"], f["line"], f["column"], f["pointer"]) for f in map(json.loads, done.stdout.splitlines())]

    from_file = run("batch.json")
    [(code, line, column, pointer)] = from_file
    assert (code, pointer) == ("CON008", "/1/invoice_id")
    assert path.read_text().splitlines()[line - 1][column - 1:].startswith('"F-1"')
    assert run("<(cat batch.json)") == from_file


def _invoices_array(indent) -> str:
    """Valid invoices (the fast path types them), one with a duplicate key, one with a NaN, one not an object."""
    texts = [dumps(make_invoice(invoice_id=f"F-{i}", prescription_id=f"RX-{i}"), indent=indent, ensure_ascii=False)
             for i in range(6)]
    texts[2] = texts[2].replace('"version": 1', '"version": 1, "version": 1')
    texts[4] = texts[4].replace('"total": ', '"total": NaN, "x": ')
    return "[" + ",\n".join(texts + ["[1, 2]", texts[5]]) + "]\n"


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("block", [7, 1 << 20])
@pytest.mark.parametrize("wanted", [{0}, {3}, {5, 7}, {1, 2, 4, 6}, set()])
def test_elements_asked_for_are_read_as_when_every_element_is_read(indent, block, wanted):
    """A late finding reads some elements again: the others are stepped over, the ones asked for are the same."""
    text = _invoices_array(indent)
    everything = read_all(text, block)
    some = list(elements(io.BytesIO(text.encode("utf-8")), block, wanted=frozenset(wanted)))

    def key(item):
        return (type(item).__name__, getattr(item, "index", None), getattr(item, "offset", None),
                getattr(item, "raw", None), item.line, item.column)

    asked = [key(item) for item in everything if isinstance(item, Element) and item.index in wanted]
    assert [key(item) for item in some if isinstance(item, Element) and item.index in wanted] == asked
    assert len(asked) == len(wanted - {2, 4})  # 2 and 4 are spoilt: no element
    # a spoilt element stepped over says nothing (its problem was reported on the first reading)
    assert {key(item) for item in some if isinstance(item, Broken)} <= \
        {key(item) for item in everything if isinstance(item, Broken)}
    assert sum(isinstance(item, Element) and item.accepted is not None for item in everything) == 5
