"""The fast path (kinelint.read.fastpath) says "valid" only where the exact path does, and types it the same way.

The contract is the JSON Schema file: a text the fast path accepts must be one
the exact parse reads without a problem, that ``jsonschema`` (Python, on the
exact schema) finds valid, and whose typed view ``Invoice.from_dict`` builds
equal. Declining is always allowed (the exact path then decides), but the
ordinary invoice must be accepted, or the speed is silently lost.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import REPO
from hypothesis import given
from invoice_factory import act, dumps, fee, make_invoice, session

from test_fuzz import mutate, seeds
from test_properties import INVOICES, PROPERTY_SETTINGS, to_json

from kinelint.read import sources
from kinelint.read.fastpath import accept
from kinelint.invoice import Invoice
from kinelint.read.parsing import ParseProblem, parse
from kinelint.check.schema import SchemaChecker

CHECKER = SchemaChecker()


def exact_verdict(text: bytes):
    """(value, valid) as the exact path reads the text; value None if it cannot be parsed."""
    try:
        value = parse(text)
    except ParseProblem:
        return None, False
    return value, CHECKER.is_valid_detailed(value) and not CHECKER.check(value, text)


def assert_agrees(text: bytes) -> bool:
    """The fast path's answer on ``text`` is the exact path's; True if the fast path accepted it."""
    accepted = accept(text)
    if accepted is None:
        return False
    value, valid = exact_verdict(text)
    assert valid, f"the fast path accepted what the schema refuses: {text[:300]!r}"
    view = Invoice.from_dict(value)
    assert accepted.invoice[1:] == view[1:], text[:300]
    assert accepted.invoice.data == view.data  # the raw document, read when a plugin asks for it
    assert (accepted.nir, accepted.birth_date) == (value["patient"]["nir"], value["patient"]["birth_date"])
    # equal is not enough for Decimals: the digits as written are what messages show
    assert [str(a.amount) for s in accepted.invoice.sessions for a in s.acts] == \
        [str(a.amount) for s in view.sessions for a in s.acts]
    assert str(accepted.invoice.total) == str(view.total)
    return True


def home_invoice() -> dict:
    return make_invoice(sessions=[
        session(1, on="2026-01-12", place="domicile", fees=[fee("IFD"), fee("IK", quantity=6)]),
        session(2, on="2026-01-14", place="domicile", acts=[act("RIC", "8.12", label="séance à domicile")],
                fees=[fee("IFD")]),
    ], sessions_prescribed=10)


@pytest.mark.parametrize("indent", [None, 1, 2, 4])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_the_ordinary_invoice_takes_the_fast_path(indent, ascii_only):
    for invoice in (make_invoice(), home_invoice()):
        text = dumps(invoice, indent=indent, ensure_ascii=ascii_only).encode()
        assert assert_agrees(text), text[:200]


def test_a_prior_approval_and_every_optional_field_take_the_fast_path():
    invoice = home_invoice()
    invoice["prescription"]["prior_approval"] = {"requested_on": "2026-01-02", "granted_on": "2026-01-05"}
    invoice["sessions"][0]["acts"][0]["bdk"] = True
    assert assert_agrees(dumps(invoice).encode())
    del invoice["prescription"]["prior_approval"]["granted_on"]
    del invoice["prescription"]["prescriber_rpps"]
    assert assert_agrees(dumps(invoice).encode())


def test_the_fields_of_issue_18_take_the_fast_path():
    """Care at home, direct access, structure, session length and the renewal: typed fast, as the exact path types."""
    invoice = home_invoice()
    invoice["prescription"].update(home_care=True, renewal={"renewed_on": "2026-01-13"}, renewable=True)
    invoice["practitioner"]["structure"] = "msp"
    invoice["sessions"][0]["duration_minutes"] = 30
    assert assert_agrees(dumps(invoice).encode())
    invoice["prescription"]["direct_access"] = {"prior_diagnosis": False}
    invoice["prescription"]["renewable"] = False
    assert assert_agrees(dumps(invoice).encode())
    invoice["sessions"][0]["start_time"] = "09:30"  # a colon in a string: the exact path, which agrees
    assert not assert_agrees(dumps(invoice).encode())
    del invoice["sessions"][0]["start_time"]
    invoice["prescription"]["renewal"]["renewed_on"] = "2026-13-01"  # not a date: the exact path's SCH finding
    assert not assert_agrees(dumps(invoice).encode())


def _variants() -> list[tuple[str, bytes]]:
    """Texts the fast path must decline (or accept only if the exact path agrees): one doubt each (each
    differs from the base text: the control test below says so)."""
    base = dumps(home_invoice(), ensure_ascii=False)
    total = json.loads(base)["total"]
    return [
        ("repeated top-level key", base.replace('"version": 1', '"version": 1, "version": 1').encode()),
        ("repeated key in an act", base.replace('"letter": "RIC"', '"letter": "RIC", "letter": "RIC"', 1).encode()),
        ("repeated key, escaped", base.replace('"version": 1', '"version": 1, "\\u0076ersion": 1').encode()),
        ("repeated key, no space", base.replace('"version": 1', '"version":1,"version":1').encode()),
        ("amount as a string", base.replace(f'"total": {total}', f'"total": "{total}"').encode()),
        ("coefficient as a string", base.replace('"coefficient": 8.12', '"coefficient": "8.12"', 1).encode()),
        ("string amount, escaped key", base.replace(f'"total": {total}', f'"\\u0074otal": "{total}"').encode()),
        ("coefficient 0", base.replace('"coefficient": 8.12', '"coefficient": 0', 1).encode()),
        ("coefficient 1000.01", base.replace('"coefficient": 8.12', '"coefficient": 1000.01', 1).encode()),
        ("coefficient 1000", base.replace('"coefficient": 8.12', '"coefficient": 1000', 1).encode()),
        ("negative amount", base.replace(f'"total": {total}', '"total": -0.01').encode()),
        ("minus zero", base.replace(f'"total": {total}', '"total": -0.00').encode()),
        ("amount at the bound", base.replace(f'"total": {total}', '"total": 99999999.99').encode()),
        ("amount over the bound", base.replace(f'"total": {total}', '"total": 100000000').encode()),
        ("exponent", base.replace(f'"total": {total}', '"total": 1E+2').encode()),
        ("negative exponent", base.replace(f'"total": {total}', '"total": 1E-2').encode()),
        ("three decimals, a multiple", base.replace(f'"total": {total}', f'"total": {total}0').encode()),
        ("three decimals", base.replace(f'"total": {total}', f'"total": {total}1').encode()),
        ("version 1.0", base.replace('"version": 1', '"version": 1.0').encode()),
        ("version true", base.replace('"version": 1', '"version": true').encode()),
        ("whole number written 6.00", base.replace('"quantity": 6', '"quantity": 6.00').encode()),
        ("space before a colon", base.replace('"version": 1', '"version" : 1').encode()),
        ("two spaces after a colon", base.replace('"version": 1', '"version":  1').encode()),
        ("newline after a colon", base.replace('"version": 1', '"version":\n1').encode()),
        ("year 0000", base.replace('"2026-01-12"', '"0000-01-12"', 1).encode()),
        ("29 February of a common year", base.replace('"2026-01-12"', '"2026-02-29"', 1).encode()),
        ("lone surrogate in a label", base.replace("séance à domicile", "\\ud800").encode()),
        ("quote and colon in a label", base.replace("séance à domicile", 'a \\": b').encode()),
        ("label of 500 characters", base.replace("séance à domicile", "é" * 500).encode()),
        ("label of 501 characters", base.replace("séance à domicile", "é" * 501).encode()),
        ("newline at the end of an id", base.replace('"F-2026-000042"', '"F-2026-000042\\n"').encode()),
        ("unknown field", base.replace('"version": 1', '"version": 1, "comment": "x"').encode()),
        ("null where a field may be absent", base.replace('"sessions_prescribed": 10', '"sessions_prescribed": null').encode()),
        ("bdk null", base.replace('"letter": "RIC"', '"bdk": null, "letter": "RIC"', 1).encode()),
        ("NaN", base.replace(f'"total": {total}', '"total": NaN').encode()),
        ("trailing garbage", (base + "x").encode()),
        ("byte order mark", b"\xef\xbb\xbf" + base.encode()),
        ("not UTF-8", base.replace("séance", "s\udce9ance").encode("utf-8", "surrogateescape")),
        ("an array", f"[{base}]".encode()),
        ("empty sessions", base.replace('"sessions": [', '"sessions": [], "x": [', 1).encode()),
        ("colon in a label", base.replace("séance à domicile", "bilan: genou").encode()),
        ("escaped quote in a label", base.replace("séance à domicile", 'le \\"genou\\"').encode()),
        ("Corsican NIR", base.replace('"nir": "', '"nir": "x', 1).replace('"nir": "x' + _nir(base)[:7],
                                                                          '"nir": "' + _nir(base)[:5] + "2A").encode()),
        ("NIR with a letter elsewhere", base.replace(_nir(base), "A" + _nir(base)[1:]).encode()),
        ("lowercase letter", base.replace('"letter": "RIC"', '"letter": "ric"', 1).encode()),
        ("letter with a digit", base.replace('"letter": "RIC"', '"letter": "RI1"', 1).encode()),
        ("letter of other scripts", base.replace('"letter": "RIC"', '"letter": "RÏC"', 1).encode()),
        ("fee code lowercase", base.replace('"code": "IFD"', '"code": "ifd"', 1).encode()),
        ("id with a space", base.replace('"F-2026-000042"', '"F-2026 000042"').encode()),
        ("id with an accent", base.replace('"F-2026-000042"', '"F-2026-00004é"').encode()),
        ("RPPS in Arabic-Indic digits", base.replace(_rpps(base), "\u0661" + _rpps(base)[1:]).encode()),
        ("RPPS with a letter", base.replace(_rpps(base), "A" + _rpps(base)[1:]).encode()),
        ("$schema address", _with_schema(base, SCHEMA_URL)),
        ("$schema relative", _with_schema(base, "../schemas/invoice-1.schema.json")),
        ("$schema and a repeated key", _with_schema(base, SCHEMA_URL).replace(b'"version": 1', b'"version": 1, "version": 1')),
        ("$schema with an escaped colon and a repeated key",
         _with_schema(base, "https\\u003a//x").replace(b'"version": 1', b'"version": 1, "version": 1')),
        ("$schema and an escape elsewhere", _with_schema(base.replace("séance à domicile", "s\\u00e9ance"), SCHEMA_URL)),
        ("$schema and a colon in a label", _with_schema(base.replace("séance à domicile", "bilan: genou"), SCHEMA_URL)),
        ("$schema empty", _with_schema(base, "")),
        ("$schema of 2049 characters", _with_schema(base, "x" * 2049)),
        ("$schema of 2048 characters", _with_schema(base, "x" * 2048)),
        ("$schema and a negative exponent", _with_schema(base.replace(f'"total": {total}', '"total": 1E-2'), SCHEMA_URL)),
        ("$schema and three decimals", _with_schema(base.replace(f'"total": {total}', f'"total": {total}1'), SCHEMA_URL)),
        ("$schema a number", base.replace('"version": 1', '"$schema": 1, "version": 1').encode()),
    ]


SCHEMA_URL = "https://raw.githubusercontent.com/OWNER/kinelint/main/schemas/invoice-1.schema.json"


def _with_schema(base: str, address: str) -> bytes:
    """The invoice naming its schema first, as an editor-friendly export does."""
    return base.replace('"version": 1', f'"$schema": "{address}", "version": 1', 1).encode()


def _nir(text: str) -> str:
    return json.loads(text)["patient"]["nir"]


def _rpps(text: str) -> str:
    return json.loads(text)["practitioner"]["rpps"]


def test_every_variant_changes_the_text():
    base = dumps(home_invoice(), ensure_ascii=False).encode()
    assert [name for name, text in _variants() if text == base] == []


@pytest.mark.parametrize("name,text", _variants(), ids=[name for name, _ in _variants()])
def test_what_the_fast_path_accepts_the_schema_accepts(name, text):
    assert_agrees(text)


def test_doubtful_texts_are_declined():
    """The texts whose doubt the counts and the text checks exist for: the exact path decides them."""
    declined = {name for name, text in _variants() if accept(text) is None}
    assert {"repeated top-level key", "repeated key in an act", "repeated key, escaped", "repeated key, no space",
            "amount as a string", "coefficient as a string", "string amount, escaped key", "coefficient 0",
            "negative amount", "amount over the bound", "three decimals", "coefficient 1000.01",
            "colon in a label", "escaped quote in a label", "NIR with a letter elsewhere", "lowercase letter",
            "letter with a digit", "letter of other scripts", "fee code lowercase", "id with a space",
            "id with an accent", "RPPS in Arabic-Indic digits", "RPPS with a letter", "$schema and a repeated key",
            "$schema with an escaped colon and a repeated key", "$schema and an escape elsewhere",
            "$schema and a colon in a label", "$schema empty", "$schema of 2049 characters", "$schema a number",
            "$schema and a negative exponent", "$schema and three decimals"} <= declined
    accepted = {name for name, text in _variants() if accept(text) is not None}
    assert {"coefficient 1000", "amount at the bound", "exponent", "label of 500 characters",
            "Corsican NIR", "$schema address", "$schema relative", "$schema of 2048 characters"} <= accepted


def test_the_schema_address_is_valid_and_anything_else_there_is_not():
    base = dumps(home_invoice(), ensure_ascii=False)
    assert exact_verdict(_with_schema(base, SCHEMA_URL))[1]
    for wrong in (_with_schema(base, ""), _with_schema(base, "x" * 2049),
                  base.replace('"version": 1', '"$schema": 1, "version": 1').encode()):
        assert not exact_verdict(wrong)[1]


def test_fuzzed_texts_agree():
    """Mutations of the fuzz seeds (bytes flipped, tokens inserted, values and keys swapped)."""
    corpus = seeds()
    accepted = 0
    for index in range(3000):
        rng = random.Random(f"fastpath:{index}")
        name, original = corpus[index % len(corpus)]
        text, _ = mutate(original, rng)
        for line in text.split(b"\n") if name.endswith(("l", "n")) else [text]:
            accepted += assert_agrees(line.rstrip(b"\r"))
    assert accepted > 300  # the control: many mutated texts are still valid invoices, and taken fast


@PROPERTY_SETTINGS
@given(INVOICES)
def test_invoices_drawn_from_the_schema_agree(invoice):
    for indent in (None, 2):
        assert_agrees(to_json(invoice, indent, ascii_only=False).encode())


def test_bench_batch_is_taken_fast_and_agrees():
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    import generate

    generator = generate.Generator(seed=7, invalid_rate=0.1, fault_rate=0.05)
    taken = valid = 0
    for item in generator.generate(400):
        fast = assert_agrees(item.line)
        taken += fast
        valid += not item.kind.startswith("invalid")
        if item.kind.startswith("invalid"):
            assert not fast, item.kind
    assert taken == valid, (taken, valid)  # every valid invoice of the bench is taken fast


def _findings(paths, monkeypatch=None):
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    run = Run(PluginHost.from_entry_points(), load_nomenclature())
    return [f.as_dict() for f in run.findings([str(p) for p in paths])]


def test_findings_are_the_same_with_and_without_the_fast_path(tmp_path, monkeypatch):
    """Every variant and the fuzz seeds, as JSON Lines and as files: the same findings either way."""
    lines = [text for _, text in _variants() if b"\n" not in text]
    (tmp_path / "variants.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    for number, (_, text) in enumerate(_variants()):
        (tmp_path / f"variant-{number}.json").write_bytes(text)
    for name, data in seeds():
        (tmp_path / f"seed-{name}").write_bytes(data)
    fast = _findings([tmp_path])
    monkeypatch.setattr(sources, "accept", lambda text: None)
    exact = _findings([tmp_path])
    assert fast == exact
    assert len(fast) > 20
