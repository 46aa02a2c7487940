"""Safe and unsafe fixes (issue 19, item 6): a recomputed amount or total may be applied blindly, a changed
coefficient, code or quantity, or a correction resting on an uncertain fact, needs a person.

Every report says which a fix is; ``--diff`` shows the safe ones unless ``--unsafe-fixes`` is given.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal

import jsonschema
import pytest
from conftest import REPO, run_cli, sarif_validator
from invoice_factory import (UNCERTAIN_FEE, act, bdk, dumps, fee, lint, make_invoice, nomenclature_with_uncertain_fee,
                             session)

from kinelint.findings import SAFE, UNSAFE, Edit, Violation, applicability
from kinelint.rulekit import ruling


def one_cent_off():
    """RPE 8.5 × 2.21 = 18.785 -> 18.79, billed 18.78 (TAR001): a recomputed amount and total."""
    s = session(1, acts=[bdk(), act("RPE", "8.5", "18.78")])
    return make_invoice([s], prescription_date="2025-12-01")


def pre_2026_coefficient():
    """RIC 7.52 on 2026-01-12 (COE001): the coefficient changes, its amount and the total follow."""
    s = session(1, acts=[bdk(), act("RIC", "7.52")])
    return make_invoice([s], prescription_date="2025-12-01")


def both(tmp_path):
    s1 = session(1, acts=[bdk(), act("RPE", "8.5", "18.78")])
    s2 = session(2, on="2026-01-13", acts=[act("RIC", "7.52")])
    path = tmp_path / "a.json"
    path.write_text(dumps(make_invoice([s1, s2], prescription_date="2025-12-01"), indent=2))
    return path


def test_a_fix_that_only_sets_amounts_and_the_total_is_safe_any_other_edit_makes_it_unsafe():
    money = (Edit("/sessions/0/acts/1/amount", Decimal("18.79")), Edit("/total", Decimal("42.44")))
    assert applicability(Violation("TAR001", "m", fix=money)) == SAFE
    assert applicability(Violation("TAR004", "m", fix=money[1:])) == SAFE
    assert applicability(Violation("COE001", "m", fix=(Edit("/sessions/0/acts/1/coefficient", Decimal("8.12")),
                                                       *money))) == UNSAFE
    assert applicability(Violation("ZZZ001", "m", fix=(Edit("/sessions/0/acts/1/amount_note", "x"),))) == UNSAFE
    assert applicability(Violation("TAR001", "m", fix=money, fix_unsafe=True)) == UNSAFE
    assert applicability(Violation("TAR001", "m")) is None


def test_a_ruling_on_an_uncertain_fact_marks_its_fix_unsafe_and_a_certain_one_does_not():
    fix = [Edit("/total", Decimal("1.00"))]
    assert applicability(ruling("TAR004", "m", "/total", fix=fix)) == SAFE
    assert applicability(ruling("TAR004", "m", "/total", doubts=["one source only"], fix=fix)) == UNSAFE


def test_findings_carry_their_fix_applicability():
    (tariff,) = [f for f in lint(one_cent_off()) if f.code == "TAR001"]
    assert tariff.applicability == SAFE and tariff.as_dict()["applicability"] == "safe"
    (coefficient,) = [f for f in lint(pre_2026_coefficient()) if f.code == "COE001"]
    assert coefficient.applicability == UNSAFE and coefficient.as_dict()["applicability"] == "unsafe"
    no_bilan = make_invoice([session(1, acts=[act("RIC", "8.12")])], prescription_date="2025-12-01")
    without = [f for f in lint(no_bilan) if not f.fix]
    assert without and all(f.applicability is None and "applicability" not in f.as_dict() for f in without)


def test_an_amount_priced_from_an_uncertain_fact_is_an_unsafe_fix():
    # IFU is priced 4.00 by one unofficial source (confidence L): its amount is recomputed, but on a doubt.
    s = session(1, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee(UNCERTAIN_FEE, "4.01")])
    invoice = make_invoice([s], prescription_date="2025-12-01")
    (finding,) = [f for f in lint(invoice, nomenclature_with_uncertain_fee()) if f.code == "TAR002"]
    assert finding.severity == "warning" and [e.pointer for e in finding.fix][0].endswith("/amount")
    assert finding.applicability == UNSAFE


def test_the_json_report_says_which_fixes_are_safe_and_the_contract_requires_it_with_a_fix(tmp_path):
    path = both(tmp_path)
    result = run_cli("check", "--format", "json", path.name, cwd=tmp_path)
    report = json.loads(result.stdout)
    schema = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    marked = {f["code"]: f["applicability"] for f in report["findings"] if "fix" in f}
    assert marked == {"TAR001": "safe", "COE001": "unsafe"}
    assert all("applicability" not in f for f in report["findings"] if "fix" not in f)
    (tariff,) = [f for f in report["findings"] if f["code"] == "TAR001"]
    del tariff["applicability"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(report)


def test_sarif_fixes_carry_their_applicability(tmp_path):
    path = both(tmp_path)
    log = json.loads(run_cli("check", "--format", "sarif", path.name, cwd=tmp_path).stdout)
    sarif_validator().validate(log)
    marked = {r["ruleId"]: r["fixes"][0]["properties"]["applicability"] for r in log["runs"][0]["results"]
              if "fixes" in r}
    assert marked == {"TAR001": "safe", "COE001": "unsafe"}


def test_the_text_and_html_reports_mark_each_fix_in_the_reports_language(tmp_path):
    path = both(tmp_path)
    lines = run_cli("check", path.name, cwd=tmp_path).stdout.decode().splitlines()
    assert [line for line in lines if " TAR001 " in line][0].endswith(" [safe fix]")
    assert [line for line in lines if " COE001 " in line][0].endswith(" [fix to review]")
    assert not any(line.endswith("]") for line in lines if " TAR001 " not in line and " COE001 " not in line)
    french = run_cli("check", "--lang", "fr", path.name, cwd=tmp_path).stdout.decode().splitlines()
    assert [line for line in french if " TAR001 " in line][0].endswith(" [correction sûre]")
    assert [line for line in french if " COE001 " in line][0].endswith(" [correction à vérifier]")
    run_cli("check", "--output", "html:r.html", path.name, cwd=tmp_path)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("[safe fix]") == 1 and page.count("[fix to review]") == 1


def test_diff_shows_the_safe_corrections_and_says_how_many_need_a_person(tmp_path):
    path = both(tmp_path)
    result = run_cli("check", "--diff", path.name, cwd=tmp_path)
    diff, notes = result.stdout.decode(), result.stderr.decode()
    assert '+          "amount": 18.79\n' in diff and '"coefficient": 8.12' not in diff
    assert "1 correction needs a person" in notes and "--unsafe-fixes shows it" in notes
    french = run_cli("check", "--diff", "--lang", "fr", path.name, cwd=tmp_path).stderr.decode()
    assert "1 correction doit être vérifiée par une personne" in french
    quiet = run_cli("check", "--diff", "--quiet", path.name, cwd=tmp_path)
    assert quiet.stdout == result.stdout and "needs a person" not in quiet.stderr.decode()


def test_unsafe_fixes_shows_every_correction_and_applied_leaves_no_finding(tmp_path):
    path = both(tmp_path)
    result = run_cli("check", "--diff", "--unsafe-fixes", path.name, cwd=tmp_path)
    diff = result.stdout.decode()
    assert '+          "coefficient": 8.12,\n' in diff and '+          "amount": 18.79\n' in diff
    assert "needs a person" not in result.stderr.decode()
    if shutil.which("patch"):
        subprocess.run(["patch", "-p0", "--quiet"], input=result.stdout, cwd=tmp_path, check=True)
        fixed = json.loads(path.read_text(), parse_float=Decimal)
        assert not [f for f in lint(fixed) if f.code.startswith(("TAR", "COE"))]


def test_unsafe_fixes_without_diff_is_a_usage_error(tmp_path):
    path = both(tmp_path)
    result = run_cli("check", "--unsafe-fixes", path.name, cwd=tmp_path)
    assert result.returncode == 2 and "--unsafe-fixes goes with --diff" in result.stderr.decode()


def test_worker_processes_mark_fixes_as_one_process_does(tmp_path):
    """Under --jobs the findings are made in the workers: their fixes must keep their applicability."""
    both(tmp_path)
    shutil.copy(tmp_path / "a.json", tmp_path / "b.json")

    def marks(jobs):
        result = run_cli("check", "--format", "json", "--jobs", jobs, "a.json", "b.json", cwd=tmp_path)
        return sorted((f["file"], f["code"], f["applicability"]) for f in json.loads(result.stdout)["findings"]
                      if "fix" in f)

    assert marks("2") == marks("1") == [("a.json", "COE001", "unsafe"), ("a.json", "TAR001", "safe"),
                                        ("b.json", "COE001", "unsafe"), ("b.json", "TAR001", "safe")]
