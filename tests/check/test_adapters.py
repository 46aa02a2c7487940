"""Input adapters: a vendor's export, with a mapping file and no other change, checked in its own terms.

Findings, corrections (``--diff``) and baseline keys point into the vendor's
file (exact lines, columns and pointers, found in the vendor's text here), in
one process and under ``--jobs``; CSV exports too; every mistake of a mapping
is a clear finding on the file, and the other files are still checked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, install_fake_plugin, run_cli
from invoice_factory import dumps, make_invoice

VENDOR = REPO / "examples" / "vendor"
EXPORT = "exports/kinefact-2026-01.json"


@pytest.fixture
def vendor(tmp_path):
    """A copy of the bundled vendor example: its mapping, its configuration and its export."""
    root = tmp_path / "vendor"
    shutil.copytree(VENDOR, root)
    (root / ".git").mkdir()  # its own repository: the configuration search stops here
    return root


def check(root, *options, paths=("exports/",)):
    result = run_cli("check", "--format", "json", *options, *paths, cwd=root)
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    return result.returncode, json.loads(result.stdout, parse_float=Decimal), result.stderr.decode()


def position_of(text: str, needle: str, occurrence: int = 1, inside: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the ``occurrence``-th ``needle`` in ``text``, ``inside`` characters in."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    offset += inside
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def write_mapping(root: Path, text: str) -> None:
    (root / "kinelint-mapping.toml").write_text(text, encoding="utf-8")


def mapping_text(**replacements) -> str:
    text = (VENDOR / "kinelint-mapping.toml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


# -- the vendor's JSON, read through its mapping -----------------------------------------------------------


def test_a_vendor_batch_is_checked_with_findings_at_its_own_lines_columns_and_pointers(vendor):
    code, report, _ = check(vendor)
    assert code == 1
    assert report["summary"]["invoices"] == 2 and report["summary"]["files"] == 1
    [finding] = report["findings"]
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    assert finding["code"] == "COE001" and finding["invoice_id"] == "KF-2026-0102"
    assert (finding["line"], finding["column"]) == position_of(text, '"coef": 7.52', inside=len('"coef": '))
    assert finding["file"] == EXPORT
    assert finding["pointer"] == "/lot/factures/1/seances/0/actes/1/coef"
    # The fix is a JSON Patch on the vendor's file: its pointers, its values (cents, as it writes amounts).
    assert finding["fix"] == [
        {"op": "replace", "path": "/lot/factures/1/seances/0/actes/1/coef", "value": Decimal("8.12")},
        {"op": "replace", "path": "/lot/factures/1/seances/0/actes/1/montant_cts", "value": 1795},
        {"op": "replace", "path": "/lot/factures/1/total_cts", "value": 4160}]
    assert finding["money"] == Decimal("-1.33")
    import jsonschema

    schema = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(run_cli("check", "--format", "json", "exports/",
                                                                        cwd=vendor).stdout))


def _parsed(stdout: bytes) -> dict:
    return json.loads(stdout, parse_float=Decimal)


def test_the_fix_as_a_json_patch_applies_to_the_vendors_file(vendor):
    result = run_cli("check", "--format", "json", "exports/", cwd=vendor)
    [finding] = _parsed(result.stdout)["findings"]
    document = json.loads((vendor / EXPORT).read_text(encoding="utf-8"), parse_float=Decimal)
    for operation in finding["fix"]:
        *parents, last = operation["path"].lstrip("/").split("/")
        node = document
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        assert last in node  # a replace: the value is there, under the vendor's own name
        node[last] = operation["value"]
    act = document["lot"]["factures"][1]["seances"][0]["actes"][1]
    assert act == {"cle": "RIC", "coef": Decimal("8.12"), "montant_cts": 1795}
    assert document["lot"]["factures"][1]["total_cts"] == 4160


def test_diff_shows_the_correction_in_the_vendors_file_and_patch_applies_it(vendor):
    result = run_cli("check", "--diff", "--unsafe-fixes", "exports/", cwd=vendor)  # a coefficient: unsafe
    assert result.returncode == 1
    diff = result.stdout.decode()
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    line, _ = position_of(text, '"coef": 7.52')
    assert f"-              {{\"cle\": \"RIC\", \"coef\": 7.52, \"montant_cts\": 1662}}\n" in diff
    assert f"+              {{\"cle\": \"RIC\", \"coef\": 8.12, \"montant_cts\": 1795}}\n" in diff
    assert '-        "total_cts": 4027\n+        "total_cts": 4160\n' in diff
    assert diff.startswith(f"--- {EXPORT}\n+++ {EXPORT}\n@@ -{line - 3},")
    assert "[redacted]" not in diff and "185057800608491" not in diff
    subprocess.run(["patch", "-p0", "--quiet"], input=result.stdout, cwd=vendor, check=True)
    code, report, _ = check(vendor)
    assert code == 0 and report["findings"] == []  # corrected, the batch is clean


def test_two_corrections_of_one_vendor_invoice_make_one_total(vendor):
    """The total follows every corrected amount (cents in the file, euros in kinelint), not the last fix's."""
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    text = text.replace('{"cle": "AMK", "coef": 10.7, "montant_cts": 2365, "bilan": true},\n              '
                        '{"cle": "RIC", "coef": 7.52', '{"cle": "AMK", "coef": 10.7, "montant_cts": 2364, "bilan": true},'
                        '\n              {"cle": "RIC", "coef": 7.52')
    text = text.replace('"total_cts": 4027', '"total_cts": 4026')
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    code, report, _ = check(vendor)
    assert sorted(f["code"] for f in report["findings"]) == ["COE001", "TAR001"]
    result = run_cli("check", "--diff", "--unsafe-fixes", "exports/", cwd=vendor)
    assert '+        "total_cts": 4160\n' in result.stdout.decode()
    subprocess.run(["patch", "-p0", "--quiet"], input=result.stdout, cwd=vendor, check=True)
    assert check(vendor)[1]["findings"] == []


def test_the_html_report_shows_the_correction_in_the_vendors_terms(vendor):
    assert run_cli("check", "--format", "html", "-o", "report.html", "exports/", cwd=vendor).returncode == 1
    page = (vendor / "report.html").read_text(encoding="utf-8")
    assert "<code>/lot/factures/1/seances/0/actes/1/montant_cts</code> → <code>1795</code>" in page


def test_a_schema_error_of_an_adapted_invoice_points_at_the_vendors_value(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"cle": "RIC", "coef": 8.12', '"cle": "ric", "coef": 8.12')
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    _, report, _ = check(vendor)
    [schema] = [f for f in report["findings"] if f["code"].startswith("SCH")]
    assert schema["pointer"] == "/lot/factures/0/seances/0/actes/1/cle"
    assert (schema["line"], schema["column"]) == position_of(text, '"ric"')


def test_the_baseline_keys_name_the_vendors_file_and_pointers(vendor):
    written = run_cli("check", "--write-baseline", "kinelint-baseline.toml", "exports/", cwd=vendor)
    assert written.returncode == 0, written.stderr.decode()
    baseline = (vendor / "kinelint-baseline.toml").read_text(encoding="utf-8")
    assert EXPORT in baseline and "/lot/factures/1/seances/0/actes/1/coef" in baseline and "KF-2026-0102" in baseline
    code, report, _ = check(vendor, "--baseline", "kinelint-baseline.toml")
    assert code == 0 and report["findings"] == []
    # Reformatted, the vendor's file keeps its baseline (no line in the key).
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    (vendor / EXPORT).write_text(json.dumps(json.loads(text), ensure_ascii=False), encoding="utf-8")
    code, report, _ = check(vendor, "--baseline", "kinelint-baseline.toml")
    assert code == 0 and report["findings"] == []


def test_jobs_2_gives_the_same_findings_as_one_process(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    (vendor / "exports" / "kinefact-2026-02.json").write_text(
        text.replace("KF-2026-01", "KF-2026-02").replace("RX-110", "RX-120"), encoding="utf-8")
    (vendor / "native.json").write_text(dumps(make_invoice(invoice_id="F-NATIVE-1")), encoding="utf-8")
    paths = ("exports/", "native.json")
    one = check(vendor, "--jobs", "1", paths=paths)
    two = check(vendor, "--jobs", "2", paths=paths)
    assert one == two
    codes = [(f["file"], f["code"], f["line"]) for f in one[1]["findings"]]
    assert ("exports/kinefact-2026-01.json", "COE001", 38) in codes
    assert ("exports/kinefact-2026-02.json", "COE001", 38) in codes
    from kinelint.check.parallel import planned_jobs
    from kinelint.read.exclusion import Exclusions

    assert planned_jobs([str(vendor / "exports"), str(vendor / "native.json")], Exclusions(), 2) == 2  # workers ran


def test_a_batch_rule_sees_adapted_invoices_and_names_the_vendors_twin(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"numero": "KF-2026-0102"', '"numero": "KF-2026-0101"')
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    for jobs in ("1", "2"):
        _, report, _ = check(vendor, "--jobs", jobs)
        twin = [f for f in report["findings"] if f["code"] == "CON008"]
        assert twin and twin[0]["pointer"] == "/lot/factures/1/numero", report["findings"]
        line, _ = position_of(text, '"numero"', occurrence=2)
        assert twin[0]["line"] == line
        earlier = position_of(text, '"numero"')[0]
        assert f"{EXPORT}:{earlier}" in twin[0]["message"]


def test_the_readme_command_walks_the_vendors_folder_with_its_configuration():
    result = run_cli("check", ".", cwd=VENDOR)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1
    assert lines[0].startswith(f"{EXPORT}:38:38: error COE001 ")
    assert lines[-1].startswith("1 file, 2 invoices checked: 1 error")


# -- CSV -------------------------------------------------------------------------------------------------

CSV_MAPPING = """format = "csv"
[csv]
delimiter = ";"
invoice = "facture"
session = "seance"
[invoice]
version = { const = 1 }
invoice_id = "facture"
issued_on = { path = "emise", date = "DD/MM/YYYY" }
"practitioner.rpps" = "rpps"
"practitioner.territory" = { const = "metropole" }
"patient.nir" = "nir"
"patient.birth_date" = { path = "naissance", date = "DD/MM/YYYY" }
"prescription.id" = "ordonnance"
"prescription.date" = { path = "prescrite", date = "DD/MM/YYYY" }
total = { path = "total", cents = true }
[sessions]
number = "seance"
date = { path = "jour", date = "DD/MM/YYYY" }
place = "lieu"
[acts]
letter = "cle"
coefficient = "coef"
amount = { path = "montant", cents = true }
bdk = "bilan"
"""
CSV_HEAD = "facture;emise;rpps;nir;naissance;ordonnance;prescrite;seance;jour;lieu;cle;coef;montant;bilan;total\n"
CSV_ROW = "{id};12/01/2026;10101234564;185057800608491;17/05/1985;{rx};20/12/2025;1;12/01/2026;cabinet;{act};{total}\n"


def csv_repository(tmp_path, rows: str, mapping: str = CSV_MAPPING) -> Path:
    root = tmp_path / "csvvendor"
    (root / ".git").mkdir(parents=True)
    (root / "kinelint.toml").write_text('[adapters]\n"*.csv" = "mapping.toml"\n', encoding="utf-8")
    (root / "mapping.toml").write_text(mapping, encoding="utf-8")
    (root / "export.csv").write_text(CSV_HEAD + rows, encoding="utf-8")
    return root


def test_a_csv_export_is_grouped_into_invoices_with_findings_at_row_and_field_number(tmp_path):
    rows = (CSV_ROW.format(id="KF-1", rx="RX-1", act="AMK;10.7;2365;true", total="4160")
            + CSV_ROW.format(id="KF-1", rx="RX-1", act="RIC;8.12;1795;false", total="4160")
            + CSV_ROW.format(id="KF-2", rx="RX-2", act="AMK;10.7;2365;true", total="4027")
            + CSV_ROW.format(id="KF-2", rx="RX-2", act='RIC;7.52;"1662";false', total="4027"))
    root = csv_repository(tmp_path, rows)
    code, report, _ = check(root, paths=(".",))  # the walk takes the .csv file the adapters select
    assert code == 1 and report["summary"]["invoices"] == 2
    [finding] = report["findings"]
    assert (finding["code"], finding["invoice_id"], finding["line"], finding["column"]) == ("COE001", "KF-2", 5, 12)
    assert finding["pointer"] == "/1/sessions/0/acts/1/coefficient"  # a CSV has no pointers: the invoice's own
    result = run_cli("check", "--diff", "--unsafe-fixes", ".", cwd=root)
    diff = result.stdout.decode()
    assert '-KF-2;' in diff and ';RIC;8.12;"1795";false;4160\n' in diff  # the quoted cell stays quoted
    assert ";AMK;10.7;2365;true;4160\n" in diff.split("+KF-2", 1)[1]  # the total, on each row of the invoice
    assert "185057800608491" not in diff and "17/05/1985" not in diff  # masked (so these lines do not apply)
    sarif = json.loads(run_cli("check", "--format", "sarif", ".", cwd=root).stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "COE001"]
    changes = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert [c["insertedContent"]["text"] for c in changes] == ["8.12", "1795", "4160", "4160"]
    assert [c["deletedRegion"]["startLine"] for c in changes] == [5, 5, 4, 5]


def test_csv_rows_of_one_invoice_that_disagree_are_a_finding(tmp_path):
    rows = (CSV_ROW.format(id="KF-1", rx="RX-1", act="AMK;10.7;2365;true", total="4160")
            + CSV_ROW.format(id="KF-1", rx="RX-1", act="RIC;8.12;1795;false", total="4161"))
    _, report, _ = check(csv_repository(tmp_path, rows), paths=("export.csv",))
    [finding] = report["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("PRS011", 3, 15)
    assert "the rows of this invoice disagree on the column 'total' (lines 2 and 3)" in finding["message"]


def test_a_csv_value_that_does_not_convert_is_a_finding_at_its_cell(tmp_path):
    rows = (CSV_ROW.format(id="KF-1", rx="RX-1", act="AMK;10.7;23,65;true", total="2365")
            + CSV_ROW.format(id="KF-3", rx="RX-3", act="AMK;10.7;2365;true", total="2365"))
    code, report, _ = check(csv_repository(tmp_path, rows), paths=("export.csv",))
    assert [(f["code"], f["line"], f["column"]) for f in report["findings"] if f["line"] == 2] == [("PRS011", 2, 13)]
    assert "'23,65' at 'montant' ('amount') does not read as a whole number of cents" in report["findings"][0]["message"]
    assert report["summary"]["invoices"] == 1  # the other invoice is checked (and clean)


# -- mistakes of a mapping: findings on the file, the other files checked ------------------------------------


def mistake(vendor, mapping: str | None):
    if mapping is None:
        (vendor / "kinelint-mapping.toml").unlink()
    else:
        write_mapping(vendor, mapping)
    (vendor / "native.json").write_text(dumps(make_invoice(invoice_id="F-NATIVE-1")), encoding="utf-8")
    code, report, stderr = check(vendor, paths=("exports/", "native.json"))
    assert code == 1 and "Traceback" not in stderr
    found = [(f["code"], f["file"], f["line"], f["column"], f["message"]) for f in report["findings"]
             if f["file"] == EXPORT]
    assert report["summary"]["files"] == 2  # the native file is read all the same
    return found


def test_a_missing_mapping_file_is_a_finding(vendor):
    [(code, _, line, column, message)] = mistake(vendor, None)
    assert (code, line, column) == ("PRS010", 1, 1)
    assert message.startswith("the mapping kinelint-mapping.toml cannot be read: No such file or directory")


def test_a_mapping_that_is_not_toml_is_a_finding(vendor):
    [(code, _, _, _, message)] = mistake(vendor, 'format = "json\n')
    assert code == "PRS010" and message.startswith("the mapping kinelint-mapping.toml is not valid TOML: ")


def test_an_unknown_kinelint_field_is_a_finding_that_suggests_the_right_one(vendor):
    [(code, _, _, _, message)] = mistake(vendor, mapping_text(**{'invoice_id = "numero"': 'invoice_number = "numero"'}))
    assert code == "PRS010"
    assert "unknown kinelint field 'invoice_number' in [invoice] (did you mean 'invoice_id'?)" in message


def test_a_required_field_left_out_of_the_mapping_is_a_finding(vendor):
    [(code, _, _, _, message)] = mistake(vendor, mapping_text(**{'total = { path = "total_cts", cents = true }\n': ""}))
    assert code == "PRS010" and "[invoice] does not say where total are" in message


def test_an_unknown_conversion_is_a_finding(vendor):
    [(code, _, _, _, message)] = mistake(vendor, mapping_text(**{'cents = true }\n\n[sessions]': 'euros = true }\n\n[sessions]'}))
    assert code == "PRS010" and "'total' in [invoice]: unknown key 'euros'" in message


def test_a_path_that_matches_nothing_is_a_finding_on_each_invoice_at_the_vendors_object(vendor):
    found = mistake(vendor, mapping_text(**{'invoice_id = "numero"': 'invoice_id = "num"'}))
    text = (vendor / EXPORT).read_text(encoding="utf-8")
    first = position_of(text, "{", occurrence=3)  # the root, the lot, then the first invoice
    assert [(code, line, column) for code, _, line, column, _ in found][0] == ("PRS011", *first)
    assert len(found) == 2
    assert found[0][4] == ("the mapping kinelint-mapping.toml: the path 'num' of 'invoice_id' matches nothing in "
                           "this invoice")


def test_a_value_that_does_not_convert_is_a_finding_at_the_value(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"jour": "12/01/2026"', '"jour": "2026-01-12"', 1)
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    found = mistake(vendor, mapping_text())
    assert [(code, line, column) for code, _, line, column, _ in found][0] == ("PRS011", *position_of(text, '"2026-01-12"'))
    assert "'2026-01-12' at 'jour' ('date') does not read as DD/MM/YYYY" in found[0][4]
    assert found[1][0] == "COE001"  # the second invoice is built and checked


def test_a_patient_value_that_does_not_convert_is_not_shown(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"naissance": "17/05/1985"', '"naissance": "1985-05-17"', 1)
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    found = mistake(vendor, mapping_text())
    assert found[0][0] == "PRS011" and "1985" not in found[0][4] and "the value at 'assure.naissance'" in found[0][4]


def test_an_unmapped_vendor_code_is_a_finding(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"lieu": "CAB"', '"lieu": "XYZ"', 1)
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    found = mistake(vendor, mapping_text())
    assert found[0][0] == "PRS011" and "'XYZ' at 'lieu' ('place') does not read as one of 'CAB'" in found[0][4]


def test_a_correction_of_a_constant_is_left_out_of_the_diff_with_a_note(vendor):
    write_mapping(vendor, mapping_text(**{'total = { path = "total_cts", cents = true }': "total = { const = 1 }"}))
    code, report, _ = check(vendor)
    by_code = {f["code"]: f for f in report["findings"]}
    total = next(f for f in report["findings"] if f["code"].startswith("TAR"))
    assert "fix" not in total  # no patch the vendor's file could take
    assert "fix" not in by_code["COE001"]  # its total is the constant too: the fix is left out whole
    result = run_cli("check", "--diff", "exports/", cwd=vendor)
    stderr = result.stderr.decode()
    assert f"kinelint: {EXPORT}:" in stderr and "it is left out of the diff" in stderr
    assert "total_cts" not in result.stdout.decode()


# -- configuration mistakes: usage errors --------------------------------------------------------------------


def test_an_unknown_adapter_is_a_usage_error(vendor):
    (vendor / "kinelint.toml").write_text('[adapters]\n"exports/*.json" = { adapter = "mappng" }\n')
    result = run_cli("check", "exports/", cwd=vendor)
    assert result.returncode == 2
    assert "no input adapter named 'mappng' is installed (did you mean 'mapping'?)" in result.stderr.decode()


def test_an_adapters_entry_of_the_wrong_type_is_a_usage_error(vendor):
    for line in ('"exports/*.json" = 3', '"exports/[*.json" = "kinelint-mapping.toml"'):
        (vendor / "kinelint.toml").write_text(f"[adapters]\n{line}\n")
        result = run_cli("check", "exports/", cwd=vendor)
        assert result.returncode == 2 and "adapters" in result.stderr.decode() and "Traceback" not in result.stderr.decode()
    (vendor / "kinelint.toml").write_text('adapters = ["kinelint-mapping.toml"]\n')
    assert run_cli("check", "exports/", cwd=vendor).returncode == 2


def test_config_shows_the_adapters(vendor):
    result = run_cli("config", cwd=vendor)
    assert 'adapters = {"exports/*.json" = "kinelint-mapping.toml"}' in result.stdout.decode()


# -- a plugin's adapter ------------------------------------------------------------------------------------

RAISING_ADAPTER = """
from kinelint.adapters import Adapter
from kinelint.hookspecs import hookimpl

def adapt(text, options, base):
    raise RuntimeError("boom")

@hookimpl
def kinelint_adapters():
    return [Adapter("boom", adapt)]
"""


def test_an_adapter_that_raises_is_an_incident_and_the_other_files_are_checked(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_boom", RAISING_ADAPTER)
    (tmp_path / ".git").mkdir()
    (tmp_path / "kinelint.toml").write_text('[adapters]\n"*.boom" = { adapter = "boom" }\n')
    (tmp_path / "a.boom").write_text("anything")
    (tmp_path / "b.json").write_text(dumps(make_invoice()))
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path, env_path=site)
    assert result.returncode == 2
    assert "plugin 'zz_boom' raised RuntimeError in adapter 'boom' on file a.boom" in result.stderr.decode()
    report = json.loads(result.stdout)
    assert [f["code"] for f in report["findings"]] == ["PRS011"] and report["summary"]["files"] == 2


def test_the_example_plugins_envelope_adapter(tmp_path):
    site = tmp_path / "site"
    source = (REPO / "plugins" / "kinelint-example" / "kinelint_example.py").read_text()
    install_fake_plugin(site, "kinelint_example", source)
    (tmp_path / ".git").mkdir()
    (tmp_path / "kinelint.toml").write_text('[adapters]\n"outbox/*.json" = { adapter = "envelope" }\n')
    (tmp_path / "outbox").mkdir()
    invoice = make_invoice(invoice_id="F-ENV-1")
    invoice["sessions"][0]["acts"][1]["amount"] -= Decimal("0.01")
    invoice["total"] -= Decimal("0.01")
    text = json.dumps([{"envelope": {"to": "cpam"}, "invoice": "placeholder"}], indent=2).replace(
        '"placeholder"', dumps(invoice))
    (tmp_path / "outbox" / "lot.json").write_text(text)
    result = run_cli("check", "--format", "json", "--select", "TAR", "outbox/", cwd=tmp_path, env_path=site)
    report = json.loads(result.stdout)
    [finding] = report["findings"]
    assert finding["code"] == "TAR001" and finding["pointer"] == "/0/invoice/sessions/0/acts/1/amount"
    assert finding["line"] == position_of(text, '"invoice"')[0]
    diff = run_cli("check", "--diff", "outbox/", cwd=tmp_path, env_path=site)
    assert diff.stdout == b"" and "left out of the diff" in diff.stderr.decode()


# -- the conversions, and their way back ---------------------------------------------------------------------


def test_writers_write_back_what_the_conversions_read():
    from kinelint.adapters import Writer, cents_to_euros, format_date, parse_date

    assert cents_to_euros(1795) == Decimal("17.95") and cents_to_euros("0") == Decimal("0.00")
    for bad in (17.95, "17,95", True, Decimal("17.5")):
        with pytest.raises(ValueError):
            cents_to_euros(bad)
    assert parse_date("07/02/2026", "DD/MM/YYYY").isoformat() == "2026-02-07"
    assert format_date(parse_date("2026.02.07", "YYYY.MM.DD"), "DD-MM-YYYY") == "07-02-2026"
    for bad in ("7/2/2026", "31/02/2026", "07/02/26", "07/02/2026 "):
        with pytest.raises(ValueError):
            parse_date(bad, "DD/MM/YYYY")
    assert Writer("json", "cents").text(Decimal("17.95")) == "1795"
    assert Writer("json", "cents").read("1795") == Decimal("17.95")
    assert Writer("json", "date:DD/MM/YYYY").text("2026-01-12") == '"12/01/2026"'
    assert Writer("json", "values", (("cabinet", "CAB"),)).text("cabinet") == '"CAB"'
    assert Writer("json", "values", (("cabinet", "CAB"),)).text("domicile") is None
    assert Writer("csv", "", delimiter=";").text(Decimal("8.12")) == "8.12"
    assert Writer("csv", "", delimiter=";").text("a;b") is None  # it would split the row
    assert Writer("csv", "", quoted=True).text('say "hi"') == 'say ""hi""'


PID_ADAPTER = """
import os
from kinelint.adapters import Adapter, Unadapted
from kinelint.hookspecs import hookimpl

def adapt(text, options, base):
    yield Unadapted(f"read by {os.getpid()}, child of {os.getppid()}")

@hookimpl
def kinelint_adapters():
    return [Adapter("pids", adapt)]
"""


def test_under_jobs_adapted_files_are_read_in_the_worker_processes(tmp_path):
    import os

    site = tmp_path / "site"
    install_fake_plugin(site, "zz_pids", PID_ADAPTER)
    (tmp_path / ".git").mkdir()
    (tmp_path / "kinelint.toml").write_text('[adapters]\n"*.pid" = { adapter = "pids" }\n')
    for name in ("a.pid", "b.pid"):
        (tmp_path / name).write_text("x")
    parents = {}
    for jobs in ("1", "2"):
        result = run_cli("check", "--format", "json", "--jobs", jobs, ".", cwd=tmp_path, env_path=site)
        messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
        assert len(messages) == 2 and all(m.startswith("read by ") for m in messages)
        parents[jobs] = {m.rsplit(" ", 1)[1] for m in messages}
    assert parents["1"] == {str(os.getpid())}  # the kinelint process itself, child of this test
    assert str(os.getpid()) not in parents["2"]  # workers, children of the kinelint process


def test_adapter_findings_speak_french(vendor):
    write_mapping(vendor, mapping_text(**{'invoice_id = "numero"': 'invoice_number = "numero"'}))
    result = run_cli("check", "--lang", "fr", "exports/", cwd=vendor)
    assert ("error PRS010 la correspondance kinelint-mapping.toml : champ kinelint 'invoice_number' inconnu dans "
            "[invoice] (vouliez-vous dire 'invoice_id' ?) ; les champs sont : ") in result.stdout.decode()


def test_a_value_shaped_like_a_nir_is_masked_in_an_adapter_finding(vendor):
    text = (vendor / EXPORT).read_text(encoding="utf-8").replace('"total_cts": 4160', '"total_cts": "2690275123987x"')
    (vendor / EXPORT).write_text(text, encoding="utf-8")
    _, report, _ = check(vendor)
    [problem] = [f for f in report["findings"] if f["code"] == "PRS011"]
    assert "2690275123987" not in problem["message"] and "[redacted]" in problem["message"]


@pytest.mark.parametrize("change, expected", [
    ({'invoices = "/lot/factures"': 'invoices = "/lot/bills"'},
     "the mapping kinelint-mapping.toml: the path of the invoices matches nothing in this file"),
    ({'path = "seances"': 'path = "numero"'}, None),  # handled below: the path reaches no list
    ({'format = "json"': 'format = "xml"'}, "format is 'xml': expected \"json\" or \"csv\""),
    ({'format = "json"': 'formats = "json"'}, "unknown key 'formats' (did you mean 'format'?)"),
    ({'date = { path = "jour", date = "DD/MM/YYYY" }': 'date = { path = "jour", date = "DD/MM/YY" }'},
     "date = 'DD/MM/YY' is not a date format of a date field"),
    ({'letter = "cle"': 'letter = { path = "cle", cents = true }'}, "'letter' in [acts]: cents = true is for amounts only"),
    ({'letter = "cle"': 'letter = { path = "cle", const = "RIC" }'}, "'letter' in [acts] needs either path or const"),
    ({'[acts]\npath = "actes"': '[acts]'}, "[acts] needs path = \"...\", where the list is"),
], ids=["invoices-nowhere", "sessions-not-a-list", "format", "top-key", "date-format", "cents", "path-and-const",
        "list-path"])
def test_each_mistake_of_a_mapping_says_what_is_wrong(tmp_path, change, expected):
    import kinelint_mapping
    from kinelint.adapters import Unadapted

    (tmp_path / "kinelint-mapping.toml").write_text(mapping_text(**change), encoding="utf-8")
    text = (VENDOR / EXPORT).read_text(encoding="utf-8")
    items = list(kinelint_mapping.adapt(text, {"mapping": "kinelint-mapping.toml"}, tmp_path))
    problems = [item for item in items if isinstance(item, Unadapted)]
    assert problems, items
    if expected is None:
        assert [str(p.message) for p in problems] == [
            "the mapping kinelint-mapping.toml: the path 'numero' of [sessions] is not a list in this invoice"] * 2
        assert not problems[0].mapping  # the file does not fit: PRS011
    else:
        assert expected in str(problems[0].message), problems[0].message


def test_a_pinned_older_rule_set_still_reports_a_mapping_that_cannot_be_used(vendor):
    """PRS010 came in 2026.2, but a pin on 2026.1 must not hide that a vendor's invoices went unchecked."""
    (vendor / "kinelint-mapping.toml").unlink()
    code, report, _ = check(vendor, "--ruleset", "2026.1")
    assert code == 1 and [f["code"] for f in report["findings"]] == ["PRS010"]
