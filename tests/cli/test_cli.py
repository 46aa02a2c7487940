"""End to end through the real command: every source shape, every PRS case, the formats and exit codes."""

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from invoice_factory import clean, dumps, faulty_schema, make_invoice

FINDING_KEYS = {"code", "severity", "message", "file", "line", "column", "pointer", "invoice_id", "rule", "plugin"}


def check_json(*paths, cwd=None, stdin=None):
    result = run_cli("check", "--format", "json", *paths, cwd=cwd, stdin=stdin)
    assert not result.stderr, result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


def test_clean_single_invoice_exits_zero(tmp_path):
    (tmp_path / "a.json").write_text(dumps(clean(), indent=2))
    result = run_cli("check", str(tmp_path / "a.json"))
    assert result.returncode == 0, result.stdout.decode()
    assert b"1 file, 1 invoice checked: no findings." in result.stdout


def test_array_file_pointer_starts_with_the_index(tmp_path):
    (tmp_path / "batch.json").write_text(dumps([clean("F-1"), faulty_schema("F-2")], indent=2))
    code, report = check_json(str(tmp_path / "batch.json"))
    assert code == 1
    (finding,) = report["findings"]
    assert finding["pointer"] == "/1/sessions/0/place"
    assert finding["invoice_id"] == "F-2"
    assert finding["code"] == "SCH005"
    text = (tmp_path / "batch.json").read_text().splitlines()
    assert text[finding["line"] - 1][finding["column"] - 1:].startswith('"home"')
    assert report["summary"] == {"files": 1, "invoices": 2, "findings": 1, "errors": 1, "warnings": 0, "money": {}}


def test_json_lines_pointer_is_relative_and_line_is_the_line(tmp_path):
    lines = [dumps(clean("F-1")), dumps(faulty_schema("F-2")), dumps(clean("F-3"))]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n")
    code, report = check_json(str(tmp_path / "batch.jsonl"))
    (finding,) = report["findings"]
    assert (finding["line"], finding["pointer"], finding["invoice_id"]) == (2, "/sessions/0/place", "F-2")
    assert lines[1][finding["column"] - 1:].startswith('"home"')
    assert report["summary"]["invoices"] == 3


def test_ndjson_and_directories_are_walked_in_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ndjson").write_text(dumps(faulty_schema("F-B")) + "\n")
    (tmp_path / "a.json").write_text(dumps(faulty_schema("F-A")))
    (tmp_path / "notes.txt").write_text("not an invoice")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.json").write_text("{")
    code, report = check_json(str(tmp_path))
    assert [f["invoice_id"] for f in report["findings"]] == ["F-A", "F-B"]
    assert report["summary"]["files"] == 2


def test_standard_input_single_and_lines():
    code, report = check_json("-", stdin=dumps(faulty_schema("F-IN")).encode())
    assert [(f["file"], f["invoice_id"]) for f in report["findings"]] == [("-", "F-IN")]
    lines = (dumps(clean("F-1")) + "\n" + dumps(faulty_schema("F-2")) + "\n").encode()
    code, report = check_json("-", stdin=lines)
    assert [(f["line"], f["invoice_id"]) for f in report["findings"]] == [(2, "F-2")]


PRS_CASES = [
    ("latin1.json", '{"label": "séance"}'.encode("latin-1"), "PRS001", 1, 13),
    ("broken.json", b'{\n  "invoice_id": "F-1",\n  "total": \n}', "PRS002", 4, 1),
    ("dup.json", b'{"invoice_id": "F-1",\n "invoice_id": "F-2"}', "PRS003", 2, 2),
    ("nan.json", b'{"total": NaN}', "PRS004", 1, 11),
    ("deep.json", b"[" * 50 + b"]" * 50, "PRS005", 1, 2),  # the first invoice of the array is too deep
    ("empty.json", b"", "PRS006", 1, 1),
    ("double-bom.json", b"\xef\xbb\xbf\xef\xbb\xbf{}", "PRS002", 1, 1),
]


@pytest.mark.parametrize("name, data, code, line, column", PRS_CASES)
def test_each_parse_problem_is_a_finding_and_the_other_files_are_still_linted(tmp_path, name, data, code, line, column):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z-faulty.json").write_text(dumps(faulty_schema("F-Z")))
    exit_code, report = check_json(str(tmp_path / name), str(tmp_path / "z-faulty.json"))
    assert exit_code == 1
    first, second = report["findings"]
    assert (first["code"], first["line"], first["column"]) == (code, line, column)
    assert first["file"].endswith(name) and first["plugin"] == "kinelint"
    assert second["invoice_id"] == "F-Z"


def test_bom_at_the_start_is_tolerated(tmp_path):
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + dumps(clean()).encode())
    assert run_cli("check", str(tmp_path / "bom.json")).returncode == 0


def test_json_lines_blank_and_broken_lines_do_not_stop_the_good_ones(tmp_path):
    good, bad = dumps(clean("F-1")), dumps(faulty_schema("F-2"))
    (tmp_path / "b.jsonl").write_text(f"{good}\n\n{{broken\n{bad}\n")
    code, report = check_json(str(tmp_path / "b.jsonl"))
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("PRS006", 2), ("PRS002", 3), ("SCH005", 4)]
    assert report["summary"]["invoices"] == 2


def test_missing_and_unreadable_files(tmp_path):
    target = tmp_path / "locked.json"
    target.write_text(dumps(clean()))
    target.chmod(0)
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    code, report = check_json(str(tmp_path / "missing.json"), str(tmp_path))
    found = [(Path(f["file"]).name, f["code"]) for f in report["findings"]]
    assert ("missing.json", "PRS007") in found and ("dangling.json", "PRS007") in found
    if os.geteuid() != 0:  # root reads anything
        assert ("locked.json", "PRS007") in found
    assert code == 1


def test_text_format_and_summary(tmp_path):
    (tmp_path / "a.json").write_text(dumps(faulty_schema(), indent=2))
    result = run_cli("check", "a.json", cwd=tmp_path)
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("a.json:") and ": error SCH005 session 1: place" in lines[0]
    assert lines[-1] == "1 file, 1 invoice checked: 1 error, 0 warnings."
    assert result.returncode == 1


def test_jsonl_format_is_one_finding_per_line(tmp_path):
    (tmp_path / "a.json").write_text(dumps([faulty_schema("F-1"), faulty_schema("F-2")]))
    result = run_cli("check", "--format", "jsonl", str(tmp_path / "a.json"))
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["invoice_id"] for r in rows] == ["F-1", "F-2"]
    assert all(set(r) == FINDING_KEYS for r in rows)


def test_json_report_matches_its_schema(tmp_path):
    import jsonschema

    schema = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text())
    (tmp_path / "a.json").write_text(dumps([faulty_schema("F-1"), clean("F-2")]))
    (tmp_path / "b.json").write_text("{")
    _, report = check_json(str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    jsonschema.Draft202012Validator(schema).validate(report)
    assert {f["code"] for f in report["findings"]} == {"SCH005", "PRS002"}


def test_usage_error_exits_two():
    assert run_cli("check").returncode == 2
    assert run_cli("check", "--format", "xml", "x.json").returncode == 2


def test_kinelint_never_writes_to_its_inputs(tmp_path):
    target = tmp_path / "a.json"
    target.write_text(dumps(faulty_schema()))
    before = (target.read_bytes(), target.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))
    run_cli("check", "--format", "json", str(tmp_path))
    assert (target.read_bytes(), target.stat().st_mtime_ns, sorted(os.listdir(tmp_path))) == before


def test_rules_lists_the_core_rules_and_rule_shows_one():
    listing = run_cli("rules").stdout.decode()
    assert "PRS001" in listing and "SCH005" in listing
    page = run_cli("rule", "prs003")
    assert page.returncode == 0 and b"duplicate-key" in page.stdout and b"Why it matters" in page.stdout
    assert run_cli("rule", "XXX999").returncode == 2


def test_version_names_the_plugins():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("kinelint ")
    assert b"plugin obsolete: kinelint" in result.stdout


def test_batch_findings_name_their_invoice_and_line(tmp_path):
    first, second = clean("F-SAME"), make_invoice(invoice_id="F-SAME", prescription_id="RX-OTHER")
    (tmp_path / "a.jsonl").write_text(dumps(clean("F-0")) + "\n" + dumps(first) + "\n")
    (tmp_path / "b.json").write_text(dumps([clean("F-9"), second], indent=2))
    code, report = check_json(str(tmp_path / "a.jsonl"), str(tmp_path / "b.json"))
    (finding,) = report["findings"]
    assert (finding["code"], finding["invoice_id"], finding["pointer"]) == ("CON008", "F-SAME", "/1/invoice_id")
    assert finding["file"].endswith("b.json")
    lines = (tmp_path / "b.json").read_text().splitlines()
    assert lines[finding["line"] - 1][finding["column"] - 1:].startswith('"F-SAME"')


def test_double_dash_makes_every_name_a_path(tmp_path):
    """What the pre-commit hook passes (entry + "--" + file names): a name that starts with a dash is a file."""
    (tmp_path / "-ovictim.json").write_text(dumps(faulty_schema("F-DASH"), indent=2))
    (tmp_path / "victim.json").write_text("untouched")
    result = run_cli("check", "--format", "json", "--", "-ovictim.json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["file"] == "-ovictim.json" and finding["code"] == "SCH005"
    assert (tmp_path / "victim.json").read_text() == "untouched"
    text = run_cli("check", "--", "-ovictim.json", cwd=tmp_path).stdout.decode()
    assert text.startswith("./-ovictim.json:")  # a line that starts with a dash is not mistaken for an option


def test_the_hook_definition_ends_its_args_with_double_dash():
    """pre-commit appends the file names to entry + args: the hook's args end with "--"."""
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    (args,) = [line.strip() for line in hooks.splitlines() if line.strip().startswith("args:")]
    assert args == 'args: ["--"]'
