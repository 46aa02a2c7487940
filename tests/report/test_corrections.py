"""Corrections as data: the fix each finding with a single correct value carries, in JSON, JSONL and SARIF,
and ``kinelint check --diff``; kinelint never rewrites the files it checks.

A fix is judged by what it does: applied to the invoice (as the RFC 6902 patch
it is), its finding goes away and no other finding appears.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from conftest import sarif_validator, REPO, install_fake_plugin, run_cli
from invoice_factory import act, bdk, dumps, fee, lint, make_invoice, session



def apply_patch(document, patch):
    """RFC 6902 ``replace`` operations, applied to a copy (``fix`` entries as the JSON report writes them)."""
    document = copy.deepcopy(document)
    for operation in patch:
        assert operation["op"] == "replace"
        *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in operation["path"].split("/")[1:]]
        target = document
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        key = int(last) if isinstance(target, list) else last
        target[key]  # a replace needs the value to exist
        target[key] = operation["value"]
    return document


def as_patch(finding):
    return [{"op": "replace", "path": edit.pointer, "value": edit.value} for edit in finding.fix]


def found(invoice, code):
    return [f for f in lint(invoice) if f.code == code]


def one_act(letter, coefficient, amount=None, on="2026-01-12", territory="metropole"):
    s = session(1, on=on, acts=[bdk(), act(letter, coefficient, amount)], territory=territory)
    return make_invoice([s], territory=territory, prescription_date="2025-12-01")


def home_fee(code, amount=None, quantity=None, on="2026-01-12"):
    s = session(1, on=on, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee(code, amount, quantity)])
    return make_invoice([s], prescription_date="2025-12-01")


# (rule, invoice, the fix expected, the money expected)
CASES = {
    "TAR001 one cent under": ("TAR001", lambda: one_act("RPE", "8.5", "18.78"),
                              [("/sessions/0/acts/1/amount", Decimal("18.79")), ("/total", Decimal("42.44"))], "-0.01"),
    "TAR001 one cent over": ("TAR001", lambda: one_act("RPE", "8.5", "18.80"),
                             [("/sessions/0/acts/1/amount", Decimal("18.79")), ("/total", Decimal("42.44"))], "0.01"),
    "TAR002 fee price": ("TAR002", lambda: home_fee("IFD", "2.49"),
                         [("/sessions/0/fees/0/amount", Decimal("2.50")), ("/total", Decimal("44.10"))], "-0.01"),
    "TAR002 kilometres": ("TAR002", lambda: home_fee("IK", "2.29", 6),
                          [("/sessions/0/fees/0/amount", Decimal("2.28")), ("/total", Decimal("43.88"))], "0.01"),
    "TAR003 quantity carries its amount": (
        "TAR003", lambda: home_fee("IFD", "5.00", 2),
        [("/sessions/0/fees/0/quantity", 1), ("/sessions/0/fees/0/amount", Decimal("2.50")), ("/total", Decimal("44.10"))],
        "2.50"),
    "TAR004 total": ("TAR004", lambda: make_invoice(total="41.61"), [("/total", Decimal("41.60"))], "0.01"),
    "COE001 day of the change": (
        "COE001", lambda: one_act("RIC", "7.52", on="2026-01-01"),
        [("/sessions/0/acts/1/coefficient", Decimal("8.12")), ("/sessions/0/acts/1/amount", Decimal("17.95")),
         ("/total", Decimal("41.60"))], "-1.33"),
    "COE002 day before the change": (
        "COE002", lambda: one_act("RIC", "8.12", on="2025-12-31"),
        [("/sessions/0/acts/1/coefficient", Decimal("7.52")), ("/sessions/0/acts/1/amount", Decimal("16.62")),
         ("/total", Decimal("40.27"))], "1.33"),
    "OBS002 retired act": (
        "OBS002", lambda: one_act("RPE", "6", on="2026-01-07"),
        [("/sessions/0/acts/1/coefficient", Decimal("8.5")), ("/sessions/0/acts/1/amount", Decimal("18.79")),
         ("/total", Decimal("42.44"))], "-5.53"),
    "OBS003 retired fee": (
        "OBS003", lambda: home_fee("IFO", "3.99"),
        [("/sessions/0/fees/0/code", "IFS"), ("/sessions/0/fees/0/amount", Decimal("4.00")), ("/total", Decimal("45.60"))],
        "-0.01"),
}


@pytest.mark.parametrize("name", CASES)
def test_the_fix_is_the_single_correct_value_and_makes_the_invoice_right(name):
    code, build, expected_fix, expected_money = CASES[name]
    invoice = build()
    (finding,) = found(invoice, code)
    assert [(edit.pointer, edit.value) for edit in finding.fix] == expected_fix
    assert finding.money == Decimal(expected_money)
    before = {(f.code, f.pointer) for f in lint(invoice)}
    after = {(f.code, f.pointer) for f in lint(apply_patch(invoice, as_patch(finding)))}
    assert (code, finding.pointer) not in after
    assert after <= before, f"the fix brought new findings: {after - before}"


def test_money_is_exact_to_the_cent():
    (finding,) = found(CASES["TAR001 one cent under"][1](), "TAR001")
    assert finding.money == Decimal("-0.01") and finding.money.as_tuple().exponent == -2
    assert all(edit.value.as_tuple().exponent == -2 for edit in finding.fix if edit.pointer.endswith(("amount", "total")))


def test_no_fix_where_no_single_value_is_known():
    # COE003: a coefficient that never existed has no single replacement; CUM002: bill one or the other.
    (unknown,) = found(one_act("RIC", "9"), "COE003")
    assert unknown.fix == () and unknown.money is None
    s = session(1, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee("IFS"), fee("IFD")])
    (together,) = found(make_invoice([s]), "CUM002")
    assert together.fix == () and together.money is None


def test_a_repeated_flat_fee_is_money_billed_too_much_but_repeated_kilometres_are_not_judged():
    s = session(1, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee("IFD"), fee("IFD")])
    (twice,) = found(make_invoice([s]), "CUM003")
    assert twice.money == Decimal("2.50") and twice.fix == ()
    s = session(1, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee("IK", quantity=3), fee("IK", quantity=3)])
    (kilometres,) = found(make_invoice([s]), "CUM003")
    assert kilometres.money is None


def test_a_correct_invoice_carries_no_fix():
    assert [f for f in lint(make_invoice()) if f.fix or f.money is not None] == []


# -- the reports ---------------------------------------------------------------------------------


def faulty_file(tmp_path, name="a.json", indent=2):
    """One act one cent under its price, whose right amount ends in 0: APM 9.5 × 2.21 = 20.995 -> 21.00.

    (The reports are run with ``--select TAR``: which coefficients exist is not this file's subject.)"""
    invoice = one_act("APM", "9.5", "20.99")
    path = tmp_path / name
    path.write_text(dumps(invoice, indent=indent))
    return path, invoice


def test_json_and_jsonl_reports_carry_the_fix_as_a_json_patch_with_two_decimals(tmp_path):
    path, invoice = faulty_file(tmp_path)
    for output_format in ("json", "jsonl"):
        result = run_cli("check", "--format", output_format, "--select", "TAR", str(path))
        assert result.returncode == 1
        text = result.stdout.decode()
        assert '{"op": "replace", "path": "/sessions/0/acts/1/amount", "value": 21.00}' in text
        assert '"money": -0.01' in text
        report = json.loads(text, parse_float=Decimal)
        (finding,) = report["findings"] if output_format == "json" else [report]
        fixed = apply_patch(json.loads(path.read_text(), parse_float=Decimal), finding["fix"])
        assert not [f for f in lint(fixed) if f.code.startswith("TAR")]


def test_json_report_with_fixes_and_money_matches_its_schema(tmp_path):
    import jsonschema

    schema = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text())
    path, _ = faulty_file(tmp_path)
    report = json.loads(run_cli("check", "--format", "json", "--select", "TAR", str(path)).stdout)
    jsonschema.Draft202012Validator(schema).validate(report)
    broken = copy.deepcopy(report)
    broken["findings"][0]["fix"][0]["op"] = "remove"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_array_file_fix_paths_start_with_the_invoice_index(tmp_path):
    _, invoice = faulty_file(tmp_path)
    path = tmp_path / "batch.json"
    path.write_text(dumps([make_invoice(invoice_id="F-0"), invoice], indent=2))
    (finding,) = json.loads(run_cli("check", "--format", "json", "--select", "TAR", str(path)).stdout)["findings"]
    assert [op["path"] for op in finding["fix"]] == ["/1/sessions/0/acts/1/amount", "/1/total"]


def test_sarif_fix_replaces_the_value_region_with_the_new_text(tmp_path):
    path, _ = faulty_file(tmp_path)
    result = run_cli("check", "--format", "sarif", "--select", "TAR", "a.json", cwd=tmp_path)
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    (sarif_result,) = log["runs"][0]["results"]
    assert json.loads(result.stdout, parse_float=Decimal)["runs"][0]["results"][0]["properties"]["money"] == Decimal("-0.01")
    (fix,) = sarif_result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "a.json"
    lines = path.read_text().splitlines()
    replaced = []
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        assert region["startLine"] == region["endLine"]
        line = lines[region["startLine"] - 1]
        replaced.append((line[region["startColumn"] - 1:region["endColumn"] - 1], replacement["insertedContent"]["text"]))
    assert replaced == [("20.99", "21.00"), ("44.64", "44.65")]
    assert "21.00" in fix["description"]["text"]


# -- --diff ------------------------------------------------------------------------------------------


def test_diff_prints_a_unified_diff_that_patch_applies_and_leaves_the_files_untouched(tmp_path):
    path, _ = faulty_file(tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))
    result = run_cli("check", "--diff", "--select", "TAR", "a.json", cwd=tmp_path)
    assert result.returncode == 1  # the exit status is the findings', as usual
    diff = result.stdout.decode()
    assert diff.startswith("--- a.json\n+++ a.json\n@@ ")
    assert '-          "amount": 20.99\n' in diff and '+          "amount": 21.00\n' in diff
    assert '-  "total": 44.64\n' in diff and '+  "total": 44.65\n' in diff
    assert "1 file, 1 invoice checked: 1 error" in result.stderr.decode()  # the summary is not in the diff
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path))) == before
    if shutil.which("patch"):
        copy_dir = tmp_path / "copy"
        copy_dir.mkdir()
        shutil.copy(path, copy_dir / "a.json")
        subprocess.run(["patch", "-p0", "--quiet"], input=result.stdout, cwd=copy_dir, check=True)
        assert run_cli("check", "--select", "TAR", "a.json", cwd=copy_dir).returncode == 0


def test_diff_of_a_clean_file_is_empty_and_exits_zero(tmp_path):
    (tmp_path / "a.json").write_text(dumps(make_invoice(), indent=2))
    result = run_cli("check", "--diff", "a.json", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == b""


def test_diff_puts_corrections_together_the_coefficient_wins_and_the_total_follows_every_amount(tmp_path):
    # RIC 7.52 in 2026 (COE001) billed one cent off even for 7.52 (TAR001), an IFD one cent off (TAR002),
    # and a total that was wrong already (TAR004): corrected, the invoice has no finding left.
    s = session(1, place="domicile", acts=[bdk(), act("RIC", "7.52", "16.61")], fees=[fee("IFD", "2.49")])
    invoice = make_invoice([s], total="99.99")
    (tmp_path / "a.json").write_text(dumps(invoice, indent=2))
    codes = sorted(f.code for f in lint(invoice))
    assert codes == ["COE001", "TAR001", "TAR002", "TAR004"]
    result = run_cli("check", "--diff", "--unsafe-fixes", "a.json", cwd=tmp_path)
    assert "the correction of COE001 (17.95) is kept over the one of TAR001 (16.62)" in result.stderr.decode()
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    shutil.copy(tmp_path / "a.json", copy_dir / "a.json")
    subprocess.run(["patch", "-p0", "--quiet"], input=result.stdout, cwd=copy_dir, check=True)
    fixed = json.loads((copy_dir / "a.json").read_text(), parse_float=Decimal)
    assert fixed["sessions"][0]["acts"][1]["coefficient"] == Decimal("8.12")
    assert fixed["total"] == Decimal("23.65") + Decimal("17.95") + Decimal("2.50")
    assert lint(fixed) == []


def test_diff_of_json_lines_shows_each_changed_line_with_patient_data_masked(tmp_path):
    path, invoice = faulty_file(tmp_path, "batch.jsonl", indent=None)
    path.write_text(dumps(make_invoice(invoice_id="F-0")) + "\n" + dumps(invoice) + "\n")
    result = run_cli("check", "--diff", "--select", "TAR", "batch.jsonl", cwd=tmp_path)
    diff = result.stdout.decode()
    assert diff.count("\n-{") == 1 and diff.count("\n+{") == 1 and '"amount": 21.00' in diff
    assert invoice["patient"]["nir"] not in diff and invoice["patient"]["birth_date"] not in diff
    assert "[redacted]" in diff


def test_diff_of_standard_input_says_it_is_not_shown():
    invoice = one_act("RPE", "8.5", "18.78")
    result = run_cli("check", "--diff", "-", stdin=dumps(invoice).encode())
    assert result.returncode == 1 and result.stdout == b""
    assert b"standard input: its corrections are in the report" in result.stderr


def test_diff_of_a_file_changed_during_the_run_is_not_shown(tmp_path):
    from kinelint.api import lint_paths
    from kinelint.report.corrections import Corrections

    path, _ = faulty_file(tmp_path)
    findings, _ = lint_paths([str(path)])
    assert [f.code for f in findings if f.fix] == ["TAR001"]
    path.write_text(path.read_text().replace("20.99", "20.98"))
    corrections = Corrections()
    for finding in findings:
        corrections.add(finding)
    assert corrections.diff() == ""
    assert corrections.notes == [f"{path}: changed since it was checked; its corrections are not shown"]


# -- a third-party plugin's fix ---------------------------------------------------------------------

LABEL_PLUGIN = '''
from decimal import Decimal
from kinelint.findings import Edit, Rule, Violation
from kinelint.hookspecs import hookimpl

RULE = Rule("ZZF001", "lower-case-label", "warning", "A label in upper case.", "For tests.", "tests")

@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_check_invoice(invoice):
    for session in invoice.sessions:
        for act in session.acts:
            if act.label and act.label.isupper():
                yield Violation("ZZF001", "label in upper case", act.pointer + "/label",
                                fix=[Edit(act.pointer + "/label", act.label.lower())], money=Decimal("0"))
'''

BROKEN_PLUGIN = '''
from kinelint.findings import Edit, Rule, Violation
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_rules():
    return [Rule("ZZF002", "broken-fix", "warning", "For tests.", "For tests.", "tests")]

@hookimpl
def kinelint_check_invoice(invoice):
    yield Violation("ZZF002", "a fix without a leading slash", "/total", fix=[Edit("total", 1)], money=float("nan"))
'''


def test_a_plugin_attaches_a_fix_to_its_violation(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "label_plugin", LABEL_PLUGIN)
    invoice = make_invoice()
    invoice["sessions"][0]["acts"][1]["label"] = "GENOU"
    (tmp_path / "a.json").write_text(dumps(invoice, indent=2))
    result = run_cli("check", "--format", "json", "--select", "ZZF", "a.json", cwd=tmp_path, env_path=site)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["fix"] == [{"op": "replace", "path": "/sessions/0/acts/1/label", "value": "genou"}]
    assert finding["money"] == 0
    diff = run_cli("check", "--diff", "--unsafe-fixes", "--select", "ZZF", "a.json", cwd=tmp_path, env_path=site).stdout.decode()
    assert '-          "label": "GENOU"\n+          "label": "genou"\n' in diff


def test_a_malformed_fix_is_an_incident_and_the_finding_stays(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "broken_fix", BROKEN_PLUGIN)
    (tmp_path / "a.json").write_text(dumps(make_invoice(), indent=2))
    result = run_cli("check", "--format", "json", "a.json", cwd=tmp_path, env_path=site)
    assert result.returncode == 2
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "ZZF002" and "fix" not in finding and "money" not in finding
    assert b"returned a malformed fix" in result.stderr and b"money that is not a finite Decimal" in result.stderr


def test_diff_masks_patient_data_written_next_to_a_corrected_value(tmp_path):
    from test_privacy import BIRTH, NIR, leaks_in

    invoice = make_invoice([session(1, acts=[bdk(), act("RPE", "8.5", "18.78", label=f"patient {NIR} née le {BIRTH}")])],
                           nir=NIR, birth_date=BIRTH)
    (tmp_path / "a.json").write_text(dumps(invoice, indent=2, ensure_ascii=False), encoding="utf-8")
    diff = run_cli("check", "--diff", "a.json", cwd=tmp_path).stdout.decode()
    assert '"amount": 18.79' in diff and '"label": "patient [redacted] née le [redacted]"' in diff
    assert not leaks_in(diff)


@pytest.mark.parametrize("faulty", [{1}, {5}, {1, 2}, {3, 10}, {3, 11}, {3, 12}, {20}, {1, 9, 17, 18, 25}])
def test_json_lines_diff_is_streamed_hunk_by_hunk_exactly_as_difflib_makes_it(tmp_path, faulty):
    import difflib

    from kinelint.api import lint_paths
    from kinelint.report.corrections import Corrections

    lines = []
    for number in range(1, 21):
        invoice = make_invoice(invoice_id=f"F-{number}", prescription_id=f"RX-{number}")
        if number in faulty:
            invoice["total"] += Decimal("0.01")
        lines.append(dumps(invoice))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + ("\n" if 25 not in faulty else ""))  # 25: no newline at the end
    findings, _ = lint_paths([str(path)])
    corrections = Corrections()
    for finding in findings:
        corrections.add(finding)
    before, after = corrections.corrected(str(path))
    from kinelint.report.corrections import _lines, _terminated

    expected = "".join(_terminated(line) for line in difflib.unified_diff(_lines(before), _lines(after),
                                                                          fromfile=str(path), tofile=str(path)))
    unmasked = corrections._lines_diff(str(path)).replace("[redacted]", "")
    assert unmasked == expected.replace(lines[0].split('"nir": "')[1].split('"')[0], "").replace(
        lines[0].split('"birth_date": "')[1].split('"')[0], "")
