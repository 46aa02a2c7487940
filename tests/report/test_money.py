"""Money at stake: each finding about an amount carries billed − expected; the summary adds it up per family
(over and under), and ``--statistics`` counts per family and per code, with the money, as text or JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import REPO, run_cli
from invoice_factory import act, bdk, dumps, fee, make_invoice, session


def batch(tmp_path):
    """Four invoices: an act one cent under (TAR001 −0.01), a total one cent over (TAR004 +0.01),
    RIC 7.52 in 2026 (COE001 −1.33), a flat fee billed twice at home (CUM003 +2.50), and a clean one."""
    folder = tmp_path / "invoices"
    folder.mkdir()
    invoices = [
        make_invoice([session(1, acts=[bdk(), act("RPE", "8.5", "18.78")])], invoice_id="F-1", prescription_id="RX-1"),
        make_invoice(invoice_id="F-2", prescription_id="RX-2", total="41.61"),
        make_invoice([session(1, acts=[bdk(), act("RIC", "7.52")])], invoice_id="F-3", prescription_id="RX-3"),
        make_invoice([session(1, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee("IFD"), fee("IFD")])],
                     invoice_id="F-4", prescription_id="RX-4"),
        make_invoice(invoice_id="F-5", prescription_id="RX-5"),
    ]
    (folder / "batch.jsonl").write_text("".join(dumps(i) + "\n" for i in invoices))
    return tmp_path


EXPECTED_MONEY = {"COE": {"over": Decimal("0.00"), "under": Decimal("1.33")},
                  "CUM": {"over": Decimal("2.50"), "under": Decimal("0.00")},
                  "TAR": {"over": Decimal("0.01"), "under": Decimal("0.01")}}


def check(*args, cwd):
    return run_cli("check", *args, cwd=cwd)


def test_findings_carry_billed_minus_expected(tmp_path):
    report = json.loads(check("--format", "json", "invoices", cwd=batch(tmp_path)).stdout, parse_float=Decimal)
    money = {(f["invoice_id"], f["code"]): f.get("money") for f in report["findings"]}
    assert money == {("F-1", "TAR001"): Decimal("-0.01"), ("F-2", "TAR004"): Decimal("0.01"),
                     ("F-3", "COE001"): Decimal("-1.33"), ("F-4", "CUM003"): Decimal("2.50")}


def test_summary_gives_money_over_and_under_per_family_exactly(tmp_path):
    result = check("--format", "json", "invoices", cwd=batch(tmp_path))
    assert result.returncode == 1
    assert '"COE": {"over": 0.00, "under": 1.33}' in result.stdout.decode()  # two decimals, exact numbers
    summary = json.loads(result.stdout, parse_float=Decimal)["summary"]
    assert summary["money"] == EXPECTED_MONEY


def test_text_summary_line_names_the_money_billed_in_error(tmp_path):
    result = check("invoices", cwd=batch(tmp_path))
    assert result.stdout.decode().splitlines()[-1] == (
        "1 file, 5 invoices checked: 4 errors, 0 warnings; billed in error: COE €1.33 too little, "
        "CUM €2.50 too much, TAR €0.01 too much and €0.01 too little.")


def test_money_counts_only_what_is_reported(tmp_path):
    root = batch(tmp_path)
    summary = json.loads(check("--format", "json", "--ignore", "TAR,CUM", "invoices", cwd=root).stdout)["summary"]
    assert set(summary["money"]) == {"COE"}
    assert "billed in error: COE €1.33 too little." in check("--ignore", "TAR,CUM", "invoices", cwd=root).stdout.decode()
    clean = json.loads(check("--format", "json", "--select", "SCH", "invoices", cwd=root).stdout)["summary"]
    assert clean["money"] == {}
    assert "billed in error" not in check("--select", "SCH", "invoices", cwd=root).stdout.decode()


def test_money_and_fixes_cross_worker_processes_unchanged(tmp_path):
    root = batch(tmp_path)
    one = check("--format", "json", "--jobs", "1", "invoices", cwd=root).stdout
    two = check("--format", "json", "--jobs", "2", "invoices", cwd=root).stdout
    assert one == two and b'"fix"' in one


def test_sarif_carries_money_in_properties(tmp_path):
    log = json.loads(check("--format", "sarif", "invoices", cwd=batch(tmp_path)).stdout, parse_float=Decimal)
    (run,) = log["runs"]
    assert run["properties"]["summary"]["money"] == EXPECTED_MONEY
    assert {r["ruleId"]: r["properties"].get("money") for r in run["results"]}["COE001"] == Decimal("-1.33")


# -- --statistics --------------------------------------------------------------------------------


def test_statistics_as_text_count_per_family_then_code_with_money(tmp_path):
    result = check("--statistics", "invoices", cwd=batch(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert lines[-1].startswith("1 file, 5 invoices checked: 4 errors")
    assert lines[-2].startswith("kinelint ") and ", rule set " in lines[-2]  # the statistics name what made them
    # no session times exported (DAY002 judges none), nor F-4's prescription.home_care (its travel fees at home)
    assert lines[-4:-2] == [
        "not judged: 5 invoices by DAY002 overlapping-sessions, for lack of sessions[].start_time, "
        "sessions[].duration_minutes",
        "not judged: 1 invoice by PRE001 travel-fee-without-home-care, for lack of prescription.home_care"]
    table = [line.split("  ") for line in lines[:-4]]
    assert [[cell.strip() for cell in row if cell.strip()] for row in table] == [
        ["2", "TAR", "(amounts)", "€0.01 too much, €0.01 too little"],
        ["1", "TAR001", "act-amount-mismatch", "€0.01 too little"],
        ["1", "TAR004", "total-mismatch", "€0.01 too much"],
        ["1", "COE", "(coefficients not in force)", "€1.33 too little"],
        ["1", "COE001", "superseded-coefficient", "€1.33 too little"],
        ["1", "CUM", "(indemnities that may not go together)", "€2.50 too much"],
        ["1", "CUM003", "duplicate-fee", "€2.50 too much"],
    ]
    starts = {line.index(line.split("  ")[-1].strip()) for line in lines[:-4]}
    assert len(starts) == 1, lines  # the money is one column, family lines and code lines alike


def statistics_schema():
    import jsonschema

    schema = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text())
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/statistics"})


def test_statistics_honour_format_json(tmp_path):
    result = check("--statistics", "--format", "json", "invoices", cwd=batch(tmp_path))
    assert result.returncode == 1
    statistics = json.loads(result.stdout, parse_float=Decimal)  # the whole output is one JSON object
    statistics_schema().validate(json.loads(result.stdout))
    assert [(f["family"], f["count"]) for f in statistics["statistics"]] == [("TAR", 2), ("COE", 1), ("CUM", 1)]
    tar = statistics["statistics"][0]
    assert tar["money"] == EXPECTED_MONEY["TAR"]
    assert [(c["code"], c["name"], c["count"], c["money"]) for c in tar["codes"]] == [
        ("TAR001", "act-amount-mismatch", 1, {"over": 0, "under": Decimal("0.01")}),
        ("TAR004", "total-mismatch", 1, {"over": Decimal("0.01"), "under": 0})]
    assert statistics["summary"]["errors"] == 4 and statistics["summary"]["money"] == EXPECTED_MONEY


def test_statistics_without_money_have_no_money_field(tmp_path):
    (tmp_path / "a.json").write_text('{"version": 1}')
    statistics = json.loads(check("--statistics", "--format", "json", "a.json", cwd=tmp_path).stdout)
    statistics_schema().validate(statistics)
    assert all("money" not in family for family in statistics["statistics"])


def test_statistics_as_json_lines_one_code_a_line(tmp_path):
    result = check("--statistics", "--format", "jsonl", "invoices", cwd=batch(tmp_path))
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(r["family"], r["code"], r["count"]) for r in rows[:-2]] == [
        ("TAR", "TAR001", 1), ("TAR", "TAR004", 1), ("COE", "COE001", 1), ("CUM", "CUM003", 1)]
    assert [row["not_judged"]["code"] for row in rows[-2:]] == ["DAY002", "PRE001"]
    assert rows[-1] == {"not_judged": {"code": "PRE001", "name": "travel-fee-without-home-care", "invoices": 1,
                                       "reads": ["prescription.home_care"]}}


# -- what the rules could not judge, for lack of an optional field (Rule.judges) ----------------------------


def unexported(tmp_path, count=3):
    """``count`` invoices with travel fees at home and no home_care, one with it, one with session times."""
    invoices = [make_invoice([session(2, place="domicile", fees=[fee("IFD")])], invoice_id=f"F-{n}",
                             prescription_id=f"RX-{n}") for n in range(count)]
    told = make_invoice([session(2, place="domicile", fees=[fee("IFD")])], invoice_id="F-told", prescription_id="RX-t")
    told["prescription"]["home_care"] = True
    timed = make_invoice([session(2)], invoice_id="F-timed", prescription_id="RX-m")
    timed["sessions"][0].update(start_time="09:00", duration_minutes=30)
    (tmp_path / "b.jsonl").write_text("".join(dumps(i) + "\n" for i in [*invoices, told, timed]))
    return tmp_path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_statistics_count_the_invoices_a_rule_could_not_judge(tmp_path, jobs):
    root = unexported(tmp_path)
    result = check("--statistics", "--format", "json", "--jobs", jobs, "b.jsonl", cwd=root)
    statistics = json.loads(result.stdout)
    statistics_schema().validate(statistics)
    assert statistics["not_judged"] == [
        {"code": "DAY002", "name": "overlapping-sessions", "invoices": 4,
         "reads": ["sessions[].start_time", "sessions[].duration_minutes"]},
        {"code": "PRE001", "name": "travel-fee-without-home-care", "invoices": 3, "reads": ["prescription.home_care"]}]
    assert statistics["summary"]["invoices"] == 5


def test_a_rule_switched_off_is_not_counted_and_every_field_given_counts_nothing(tmp_path):
    root = unexported(tmp_path)
    statistics = json.loads(check("--statistics", "--format", "json", "--ignore", "DAY", "b.jsonl", cwd=root).stdout)
    assert [entry["code"] for entry in statistics["not_judged"]] == ["PRE001"]
    statistics = json.loads(check("--statistics", "--format", "json", "--ignore", "DAY,PRE", "b.jsonl",
                                  cwd=root).stdout)
    assert "not_judged" not in statistics


def test_statistics_json_with_a_report_file(tmp_path):
    root = batch(tmp_path)
    result = check("--statistics", "--format", "json", "-o", "report.json", "invoices", cwd=root)
    assert json.loads(result.stdout)["summary"]["findings"] == 4
    assert len(json.loads((root / "report.json").read_text())["findings"]) == 4


@pytest.mark.parametrize("output_format", ["text", "sarif"])
def test_statistics_stay_text_for_the_other_formats(tmp_path, output_format):
    result = check("--statistics", "--format", output_format, "invoices", cwd=batch(tmp_path))
    assert result.stdout.decode().splitlines()[0].startswith("2  TAR  (amounts)")


def test_the_money_at_stake_names_its_currency_in_both_languages_and_messages_keep_the_invoices_form():
    from decimal import Decimal

    from kinelint.i18n import Euros, Money, msg, render

    assert render(msg("{amount} too little", amount=Euros(Decimal("1.3"))), "en") == "€1.30 too little"
    assert render(Euros(Decimal("-0.01")), "en") == "-€0.01"
    assert render(msg("{amount} too little", amount=Euros(Decimal("1.33"))), "fr") == "1,33 € en moins"
    assert render(Money(Decimal("18.78")), "en") == "18.78"  # a finding's amount is written as the invoice writes it
