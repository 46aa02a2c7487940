"""DAY: one practitioner's day over the invoices of a batch (NGAP Titre XIV: sessions « de l'ordre de trente
minutes », the physiotherapist « se consacre exclusivement à son patient »). No text sets a number of sessions
a day: DAY001's 40 is kinelint's threshold, configurable."""

from __future__ import annotations

import pytest
from conftest import run_cli
from invoice_factory import lint, make_invoice, nir_with_key, only, session
from test_rules_consistency import as_json, write_jsonl

RPPS = "10101234563"


def patient_invoice(n: int, on: str = "2026-03-02", start: str | None = None, minutes: int | None = None,
                    rpps: str = RPPS) -> dict:
    """Patient n's invoice of one session that day (its own prescription: CON's one-a-day rule stays out)."""
    one = session(2, on)
    if start is not None:
        one["start_time"] = start
    if minutes is not None:
        one["duration_minutes"] = minutes
    invoice = make_invoice([one], invoice_id=f"F-{n}", prescription_id=f"RX-{n}",
                           nir=nir_with_key(f"1850578006{n:03d}"))
    invoice["practitioner"]["rpps"] = rpps
    return invoice


def day(tmp_path, invoices, nomenclature=None):
    from kinelint.api import lint_paths

    findings, _ = lint_paths([str(write_jsonl(tmp_path / "day.jsonl", *invoices))], nomenclature=nomenclature)
    return only(findings, "DAY")


def test_the_fortieth_session_of_a_day_passes_and_the_forty_first_is_a_warning(tmp_path):
    assert day(tmp_path, [patient_invoice(n) for n in range(40)]) == []
    [finding] = day(tmp_path, [patient_invoice(n) for n in range(41)])
    assert (finding.code, finding.severity, finding.line, finding.pointer) == ("DAY001", "warning", 41,
                                                                               "/sessions/0/date")
    assert "practitioner 10101234563 bills more than 40 sessions on 2026-03-02" in finding.message
    assert "no text sets a number of sessions a day; 40 is kinelint's threshold sessions-per-day" in finding.message


def test_one_finding_a_day_however_far_past(tmp_path):
    assert [f.line for f in day(tmp_path, [patient_invoice(n) for n in range(45)])] == [41]


def test_other_days_and_other_practitioners_count_apart(tmp_path):
    invoices = [patient_invoice(n) for n in range(40)] + [patient_invoice(40, on="2026-03-03"),
                                                          patient_invoice(41, rpps="10003456784")]
    assert day(tmp_path, invoices) == []


def test_the_threshold_is_configurable(tmp_path):
    from kinelint.nomenclature import load_nomenclature

    chosen = load_nomenclature().with_thresholds({"sessions-per-day": 3})
    [finding] = day(tmp_path, [patient_invoice(n) for n in range(4)], nomenclature=chosen)
    assert finding.line == 4 and "3 is the configuration's threshold" in finding.message
    assert day(tmp_path, [patient_invoice(n) for n in range(3)], nomenclature=chosen) == []


@pytest.mark.parametrize("value", [1, 63, "40", 2.5])
def test_a_threshold_out_of_its_range_is_a_usage_error(tmp_path, value):
    (tmp_path / "kinelint.toml").write_text(f"thresholds = {{ sessions-per-day = {value!r} }}\n".replace("'", '"'))
    (tmp_path / "a.json").write_text(as_json(patient_invoice(1)))
    result = run_cli("check", "a.json", cwd=tmp_path)
    error = result.stderr.decode()
    assert result.returncode == 2 and "sessions-per-day" in error and "Traceback" not in error


def test_the_configured_threshold_reaches_the_command(tmp_path):
    (tmp_path / "kinelint.toml").write_text("thresholds = { sessions-per-day = 2 }\n")
    write_jsonl(tmp_path / "b.jsonl", *[patient_invoice(n) for n in range(3)])
    shown = run_cli("check", "b.jsonl", cwd=tmp_path).stdout.decode()
    assert "DAY001" in shown and "2 is the configuration's threshold" in shown
    assert "sessions-per-day = 2" in run_cli("config", cwd=tmp_path).stdout.decode()


@pytest.mark.parametrize("second, overlaps", [("09:29", True), ("09:30", False), ("09:31", False),
                                              ("08:31", True), ("08:30", False), ("09:00", True)])
def test_sessions_overlap_by_a_minute_touch_or_are_a_minute_apart(tmp_path, second, overlaps):
    found = day(tmp_path, [patient_invoice(1, start="09:00", minutes=30),
                           patient_invoice(2, start=second, minutes=30)])
    assert [(f.code, f.line, f.pointer) for f in found] == ([("DAY002", 2, "/sessions/0/start_time")]
                                                            if overlaps else [])
    if overlaps:
        assert found[0].severity == "warning" and f"from {second} for 30 minutes" in found[0].message


def test_an_overlap_across_a_block_of_minutes_and_a_long_session(tmp_path):
    found = day(tmp_path, [patient_invoice(1, start="10:50", minutes=90), patient_invoice(2, start="12:19", minutes=5)])
    assert [f.code for f in found] == ["DAY002"]


def test_without_both_times_or_on_another_day_or_practitioner_nothing_is_judged(tmp_path):
    assert day(tmp_path, [patient_invoice(1, start="09:00", minutes=30), patient_invoice(2, start="09:10")]) == []
    assert day(tmp_path, [patient_invoice(1, start="09:00", minutes=30),
                          patient_invoice(2, start="09:10", minutes=30, on="2026-03-03")]) == []
    assert day(tmp_path, [patient_invoice(1, start="09:00", minutes=30),
                          patient_invoice(2, start="09:10", minutes=30, rpps="10003456784")]) == []


def test_the_same_findings_with_worker_processes(tmp_path):
    invoices = [patient_invoice(n, start=f"{8 + n // 4:02d}:{(n % 4) * 14:02d}", minutes=15) for n in range(44)]
    path = write_jsonl(tmp_path / "b.jsonl", *invoices)
    serial = run_cli("check", "--format", "jsonl", str(path), cwd=tmp_path).stdout
    parallel = run_cli("check", "--format", "jsonl", "--jobs", "2", str(path), cwd=tmp_path).stdout
    assert b"DAY001" in serial and b"DAY002" in serial and serial == parallel


def test_two_sessions_of_one_invoice_overlap_too():
    first, second = session(2, "2026-03-02"), session(3, "2026-03-02")
    first.update(start_time="09:00", duration_minutes=30)
    second.update(start_time="09:15", duration_minutes=30)
    assert [(f.code, f.pointer) for f in only(lint(make_invoice([first, second])), "DAY")] == [
        ("DAY002", "/sessions/1/start_time")]
