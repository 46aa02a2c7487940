"""The published schema in a standard validator: every valid invoice passes, with no false error.

Vendors wire ``schemas/invoice-1.schema.json`` into their own tests with
check-jsonschema, ajv and the like, which read numbers as binary floats. The
schema therefore has no ``multipleOf`` (17.95 is "not a multiple of 0.01" for
them); the two-decimal rule is kinelint's own exact check, marked in each
field's ``$comment`` and turned back into the keyword by ``exact_schema``.
"""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import REPO

from kinelint.read.parsing import parse
from kinelint.check.schema import SchemaChecker, exact_schema, load_schema

PUBLISHED = REPO / "schemas" / "invoice-1.schema.json"


def check_jsonschema(*files):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(PUBLISHED), *map(str, files)],
                          capture_output=True, text=True, timeout=300)


def documents_as_files(source, folder):
    """Each invoice of an example as its own .json file (check-jsonschema reads one document a file)."""
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".json":
        return [source]
    files = []
    for number, line in enumerate(filter(str.strip, text.splitlines()), start=1):
        target = folder / f"{source.stem}-line{number}.json"
        target.write_text(line, encoding="utf-8")
        files.append(target)
    return files


def keywords(node):
    if isinstance(node, dict):
        yield from node
        for value in node.values():
            yield from keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from keywords(item)


def test_check_jsonschema_accepts_every_clean_example_line_by_line(tmp_path):
    examples = sorted((REPO / "examples" / "clean").iterdir())
    assert any(path.suffix == ".jsonl" for path in examples)
    files = [file for example in examples for file in documents_as_files(example, tmp_path)]
    assert len(files) > len(examples)  # the batch's lines are checked one by one
    result = check_jsonschema(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_still_refuses_a_faulty_invoice():
    """The run above means something: the same validator finds the schema errors of a faulty example."""
    result = check_jsonschema(REPO / "examples" / "faulty" / "sch-place-and-date.json")
    assert result.returncode == 1 and "place" in result.stdout, result.stdout + result.stderr


def test_the_published_schema_has_no_multiple_of_and_marks_the_two_decimal_fields():
    published = load_schema()
    assert "multipleOf" not in set(keywords(published))
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == published
    marked = [published["$defs"]["money"], published["$defs"]["act"]["properties"]["coefficient"]]
    for field in marked:
        assert field["$comment"].startswith("x-kinelint-decimals: 2.")
        assert "two decimals" in field["description"] and "kinelint" in field["description"]
    exact = exact_schema(published)
    assert exact["$defs"]["money"]["multipleOf"] == 0.01
    assert exact["$defs"]["act"]["properties"]["coefficient"]["multipleOf"] == 0.01
    assert sum(keyword == "multipleOf" for keyword in keywords(exact)) == 2


@pytest.mark.parametrize(("amount", "valid"), [("17.95", True), ("17.9", True), ("17", True), ("17.951", False),
                                               ("0.001", False), ("17.950", True)])
def test_kinelint_keeps_its_exact_two_decimal_check(amount, valid):
    invoice = parse((REPO / "examples" / "clean" / "home-visit-2026.json").read_bytes())
    invoice["total"] = Decimal(amount)
    violations = SchemaChecker().check(invoice)
    assert (violations == []) is valid
    if not valid:
        assert [(v.code, v.pointer) for v in violations] == [("SCH006", "/total")]
        assert "more than two decimals" in violations[0].message
