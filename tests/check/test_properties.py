"""Property tests: every invoice the schema accepts goes through every plugin, and every finding is well-formed.

Invoices are drawn from ``schemas/invoice-1.schema.json`` itself. The leaves
(strings with their patterns, lengths and ``format: date``, enums, integers,
booleans) come from ``hypothesis_jsonschema.from_schema``; the objects and
arrays around them are assembled here by walking the same schema, because
``from_schema`` on the whole document rebuilds its strategies on every draw
(about 0.1 s an invoice). Two constraints, both said where they are made:
numbers with ``multipleOf: 0.01`` (kinelint's exact schema: ``exact_schema``) are drawn as whole cents (``from_schema``
draws binary floats such as 401.96000000000004, which the exact reader rightly
refuses), and arrays hold at most three items so that examples stay small.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from decimal import Decimal
from functools import cache
from pathlib import Path

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from kinelint.findings import SEVERITIES
from kinelint.read.parsing import parse
from kinelint.check.schema import SchemaChecker, exact_schema

SCHEMA = exact_schema(json.loads((REPO / "schemas" / "invoice-1.schema.json").read_text(encoding="utf-8")))
MAX_ITEMS = 3
# KINELINT_PROPERTY_EXAMPLES=5000 for a longer search than the default suite's.
PROPERTY_SETTINGS = settings(max_examples=int(os.environ.get("KINELINT_PROPERTY_EXAMPLES", "200")), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow], database=None)  # nothing written in the repo


# -- invoices drawn from the schema --------------------------------------------------------------

def _resolve(node: dict) -> dict:
    """The node with its local ``$ref`` replaced by the definition it names (siblings kept)."""
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = {**SCHEMA["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _strategy(node: dict, name: str = "") -> st.SearchStrategy:
    node = _resolve(node)
    kind = node.get("type")
    if kind == "object":
        assert node.get("additionalProperties") is False, "objects in the format are closed"
        required = set(node.get("required", ()))
        properties = node["properties"]
        return st.fixed_dictionaries(
            {key: _strategy(sub, key) for key, sub in properties.items() if key in required},
            optional={key: _strategy(sub, key) for key, sub in properties.items() if key not in required},
        )
    if kind == "array":
        return st.lists(_strategy(node["items"]), min_size=node.get("minItems", 0),
                        max_size=max(node.get("minItems", 0), min(node.get("maxItems", MAX_ITEMS), MAX_ITEMS)))
    if kind == "number" and "multipleOf" in node:
        drawn = _multiples(node)
    else:
        drawn = from_schema({k: v for k, v in node.items() if k != "description"})
    likely = _likely().get(name)
    return drawn if likely is None else st.one_of(likely, drawn)


@cache
def _likely() -> dict[str, st.SearchStrategy]:
    """Values a real export holds (still schema-valid: the test checks), so that rules get past "unknown letter".

    Drawn from the nomenclature's own data, not listed here: letters and fee
    codes it knows, coefficients it lists, dates around its windows.
    """
    import tomllib
    from datetime import date
    from importlib import resources

    from kinelint.nomenclature import load_nomenclature

    nomenclature = load_nomenclature()
    data = resources.files("kinelint").joinpath("nomenclature", "data", "acts.toml").read_text("utf-8")
    listed = sorted({w["coefficient"] for entry in tomllib.loads(data).get("act", []) for w in entry["windows"]})
    dates = st.dates(date(2017, 1, 1), date(2027, 12, 31)).map(date.isoformat)
    return {
        "letter": st.sampled_from(sorted(nomenclature.known_letters())),
        "code": st.sampled_from(sorted(nomenclature.known_fees())),
        "coefficient": st.sampled_from(listed).map(Decimal),
        "date": dates, "issued_on": dates, "birth_date": dates,
        "number": st.integers(1, 40), "sessions_prescribed": st.integers(1, 40), "quantity": st.integers(1, 60),
    }


def _multiples(node: dict) -> st.SearchStrategy:
    """Exact multiples of ``multipleOf`` within the bounds, drawn as whole steps (constrained: see above)."""
    step = Decimal(str(node["multipleOf"]))
    low = Decimal(str(node.get("minimum", node.get("exclusiveMinimum", 0)))) / step
    high = Decimal(str(node.get("maximum", node.get("exclusiveMaximum", 10**9)))) / step
    first = int(low) + (1 if "exclusiveMinimum" in node else 0)
    last = int(high) - (1 if "exclusiveMaximum" in node else 0)
    return st.integers(first, last).map(lambda steps: steps * step)


INVOICES = _strategy(SCHEMA)


# -- the text an exporter would write ------------------------------------------------------------

def to_json(value: object, indent: int | None, ascii_only: bool, level: int = 0) -> str:
    """JSON text with Decimals written as the exact numbers they are."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        items = [json.dumps(k, ensure_ascii=ascii_only) + ": " + to_json(v, indent, ascii_only, level + 1)
                 for k, v in value.items()]
        return _container("{", "}", items, indent, level)
    if isinstance(value, list):
        return _container("[", "]", [to_json(v, indent, ascii_only, level + 1) for v in value], indent, level)
    return json.dumps(value, ensure_ascii=ascii_only)


def _container(opening: str, closing: str, items: list[str], indent: int | None, level: int) -> str:
    if indent is None or not items:
        return opening + ", ".join(items) + closing
    inner, outer = "\n" + " " * indent * (level + 1), "\n" + " " * indent * level
    return opening + inner + ("," + inner).join(items) + outer + closing


def resolve_pointer(document: object, pointer: str) -> object:
    """RFC 6901: the value the pointer names; KeyError or IndexError if it names none."""
    if pointer == "":
        return document
    assert pointer.startswith("/"), pointer
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(document, list):
            assert token.isdigit() and (token == "0" or not token.startswith("0")), pointer
            document = document[int(token)]
        elif isinstance(document, dict):
            document = document[token]
        else:
            raise KeyError(pointer)
    return document


# -- the run, in process ---------------------------------------------------------------------------

@cache
def _run():
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    return Run(PluginHost.from_entry_points(), load_nomenclature())


@cache
def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="kinelint-properties-"))


def lint_text(text: str, name: str = "drawn.json"):
    """Findings for one invoice file written as ``text`` (every plugin, batch checkers too), and the incidents."""
    from kinelint.findings import Summary

    run = _run()
    run.summary = Summary()
    path = _workdir() / name
    path.write_text(text, encoding="utf-8")
    return list(run.findings([str(path)])), run.host.incidents


def assert_well_formed(findings, document: object, text: str) -> None:
    rules = _run().host.rules
    lines = text.split("\n")
    for finding in findings:
        assert finding.code in rules, finding
        assert Path(finding.file).name == "drawn.json", finding
        assert finding.severity in SEVERITIES and finding.plugin == rules[finding.code].plugin, finding
        value = resolve_pointer(document, finding.pointer)  # raises if the pointer names nothing
        assert 1 <= finding.line <= len(lines), finding
        line = lines[finding.line - 1]
        assert 1 <= finding.column <= len(line), finding
        written = line[finding.column - 1:]
        if isinstance(value, (dict, list)):
            assert written.startswith("{" if isinstance(value, dict) else "["), (finding, written[:40])
        else:  # the value itself starts there, as written
            assert written.startswith(to_json(value, None, False)) or written.startswith(to_json(value, None, True)), (
                finding, written[:60])


@PROPERTY_SETTINGS
@given(invoice=INVOICES, indent=st.sampled_from([None, 1, 2, 4]), ascii_only=st.booleans())
def test_every_schema_valid_invoice_goes_through_every_plugin(invoice, indent, ascii_only):
    text = to_json(invoice, indent, ascii_only)
    document = parse(text.encode("utf-8"))
    assert SchemaChecker().is_valid(document), "the strategy drew an invoice the schema refuses"
    findings, incidents = lint_text(text)
    assert incidents == [], "\n".join(i.describe() + "\n" + i.detail for i in incidents)
    assert not [f for f in findings if f.code.startswith(("PRS", "SCH"))], findings
    assert_well_formed(findings, document, text)


@settings(PROPERTY_SETTINGS, max_examples=max(1, PROPERTY_SETTINGS.max_examples // 2))
@given(invoice=INVOICES, mutation=st.randoms(use_true_random=False))
def test_an_invoice_one_step_off_the_schema_gets_sch_findings_that_point_inside(invoice, mutation):
    """A drawn invoice with one field dropped, retyped or added: SCH findings, well-formed, no plugin called."""
    broken, _ = _break_one_field(invoice, mutation)
    text = to_json(broken, 2, False)
    document = parse(text.encode("utf-8"))
    assert not SchemaChecker().is_valid(document)
    findings, incidents = lint_text(text)
    assert incidents == []
    assert findings and {f.code[:3] for f in findings} == {"SCH"}, findings
    assert_well_formed(findings, document, text)


def _break_one_field(invoice: dict, chance: random.Random) -> tuple[dict, str]:
    broken = json.loads(to_json(invoice, None, False), parse_float=Decimal)
    containers = [("", broken)]
    objects = []
    while containers:
        pointer, node = containers.pop()
        if isinstance(node, dict):
            objects.append((pointer, node))
            containers.extend((f"{pointer}/{k}", v) for k, v in node.items() if isinstance(v, (dict, list)))
        else:
            containers.extend((f"{pointer}/{i}", v) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    pointer, target = chance.choice(objects)
    how = chance.choice(["drop", "retype", "add"])
    if how == "add" or not target:
        target["unexpected_field"] = 1
        return broken, f"{pointer}/unexpected_field"
    key = chance.choice(sorted(target))
    if how == "drop" and _is_required(pointer, key):
        del target[key]
    else:
        target[key] = [] if not isinstance(target[key], list) else "a string"
    return broken, f"{pointer}/{key}"


def _is_required(pointer: str, key: str) -> bool:
    node: dict = SCHEMA
    for token in pointer.split("/")[1:]:
        node = _resolve(node)
        node = node["items"] if token.isdigit() else node["properties"][token]
    return key in _resolve(node).get("required", ())
