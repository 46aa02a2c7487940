"""PRE: travel fees only for care the prescription sends to the patient's home (NGAP dispositions générales,
art. 13: « Lorsqu'un acte […] doit être effectué au domicile du malade, les frais de déplacement […] sont
remboursés »)."""

from __future__ import annotations

from decimal import Decimal

from invoice_factory import dumps, fee, lint, make_invoice, only, session


def pre(home_care, fees, place="domicile", on="2026-01-12"):
    invoice = make_invoice([session(2, on, place=place, fees=fees)])
    if home_care is not None:
        invoice["prescription"]["home_care"] = home_care
    return only(lint(invoice), "PRE")


def test_a_travel_fee_on_a_prescription_that_does_not_send_the_care_home_is_an_error():
    [finding] = pre(False, [fee("IFD")])
    assert (finding.code, finding.severity, finding.pointer) == ("PRE001", "error", "/sessions/0/fees/0/code")
    assert finding.message.startswith("session 2 (2026-01-12): IFD is a travel fee but the prescription")
    assert finding.money == Decimal("2.50")  # the fee's price that day, billed too much


def test_each_travel_fee_is_reported_kilometres_and_specific_indemnities_too():
    findings = pre(False, [fee("IFS"), fee("IK", quantity=4)])
    assert [(f.code, f.pointer) for f in findings] == [("PRE001", "/sessions/0/fees/0/code"),
                                                      ("PRE001", "/sessions/0/fees/1/code")]


def test_care_at_home_prescribed_passes():
    assert pre(True, [fee("IFD"), fee("IK", quantity=4)]) == []


def test_without_the_field_the_rule_says_nothing():
    assert pre(None, [fee("IFD")]) == []


def test_a_fee_that_is_not_for_travel_is_not_its_business():
    assert pre(False, [fee("MD")], on="2026-01-11") == []  # a Sunday majoration


def test_away_from_home_the_place_rule_reports_it_once():
    invoice = make_invoice([session(2, "2026-01-12", place="cabinet", fees=[fee("IFD")])])
    invoice["prescription"]["home_care"] = False
    codes = [f.code for f in lint(invoice) if f.code[:3] in ("PRE", "CUM")]
    assert codes == ["CUM004"]


# -- PRE002: care begun on an old prescription (kinelint's threshold prescription-validity-months) ----------


def started(on, prescribed="2025-03-10", number=1, nomenclature=None, **prescription):
    invoice = make_invoice([session(number, on)], prescription_date=prescribed)
    invoice["prescription"].update(prescription)
    return only(lint(invoice, nomenclature=nomenclature), "PRE")


def test_care_begun_the_day_before_the_prescription_is_a_year_old_passes_and_on_that_day_is_a_warning():
    assert started("2026-03-09") == []
    [finding] = started("2026-03-10")
    assert (finding.code, finding.severity, finding.pointer) == ("PRE002", "warning", "/sessions/0/date")
    assert "the care begins 12 months or more after its prescription of 2025-03-10 (from 2026-03-10)" in \
        finding.message
    assert "no text sets how long a prescription of physiotherapy stays valid; 12 months is kinelint's " \
           "threshold" in finding.message
    assert finding.money == Decimal(make_invoice([session(1, "2026-03-10")])["total"])


def test_a_prescription_of_29_february_is_a_year_old_on_28_february():
    assert started("2025-02-27", prescribed="2024-02-29") == []
    assert [f.code for f in started("2025-02-28", prescribed="2024-02-29")] == ["PRE002"]


def test_only_the_start_of_care_is_judged_and_not_in_direct_access():
    assert started("2026-06-01", number=2) == []  # the care began on an earlier invoice
    assert started("2026-06-01", direct_access={"prior_diagnosis": True}) == []


def test_the_validity_is_configurable_and_reaches_the_worker_processes(tmp_path):
    from conftest import run_cli
    from kinelint.nomenclature import load_nomenclature

    six = load_nomenclature().with_thresholds({"prescription-validity-months": 6})
    assert started("2025-09-09", nomenclature=six) == []
    [finding] = started("2025-09-10", nomenclature=six)
    assert "6 months is the configuration's threshold" in finding.message
    (tmp_path / "kinelint.toml").write_text("thresholds = { prescription-validity-months = 6 }\n")
    batch = "".join(dumps(make_invoice([session(1, "2025-09-10")], invoice_id=f"F-{n}", prescription_id=f"RX-{n}",
                                       prescription_date="2025-03-10")) + "\n" for n in range(3))
    (tmp_path / "b.jsonl").write_text(batch)
    serial = run_cli("check", "--format", "jsonl", "b.jsonl", cwd=tmp_path).stdout
    parallel = run_cli("check", "--format", "jsonl", "--jobs", "2", "b.jsonl", cwd=tmp_path).stdout
    assert serial.count(b"PRE002") == 3 and serial == parallel


# -- PRE003 to PRE005: the physiotherapist's renewal (CSP art. L4321-1) -------------------------------------


def renewed(renewed_on, prescribed="2025-03-10", **prescription):
    sessions = [session(5, "2026-03-02"), session(6, renewed_on)]
    invoice = make_invoice(sessions, prescription_date=prescribed)
    invoice["prescription"]["renewal"] = {"renewed_on": renewed_on}
    invoice["prescription"].update(prescription)
    return only(lint(invoice), "PRE")


def test_a_renewal_the_day_before_the_prescription_is_a_year_old_passes_and_on_that_day_is_an_error():
    assert renewed("2026-03-09") == []
    [finding] = renewed("2026-03-10")
    assert (finding.code, finding.severity, finding.pointer) == ("PRE003", "error", "/prescription/renewal/renewed_on")
    assert "the renewal of 2026-03-10 is of a prescription of 2025-03-10, 12 months old or more" in finding.message
    assert finding.money == Decimal(str(session(6, "2026-03-10")["acts"][0]["amount"]))  # the renewed session only


def test_a_renewal_in_direct_access_is_an_error_whatever_its_date():
    [finding] = renewed("2026-03-09", direct_access={"prior_diagnosis": False})
    assert (finding.code, finding.pointer) == ("PRE004", "/prescription/renewal/renewed_on")
    assert "no medical prescription to renew" in finding.message


def test_a_renewal_the_prescriber_excluded_is_an_error_and_an_allowed_one_passes():
    [finding] = renewed("2026-03-09", renewable=False)
    assert finding.code == "PRE005" and "excluded from renewal" in finding.message
    assert renewed("2026-03-09", renewable=True) == []
    assert [f.code for f in renewed("2026-03-10", renewable=False)] == ["PRE003", "PRE005"]


def test_without_a_renewal_the_renewal_rules_say_nothing():
    invoice = make_invoice([session(5, "2026-06-01")], prescription_date="2025-03-10")
    invoice["prescription"]["renewable"] = False
    assert only(lint(invoice), "PRE") == []


def test_months_after_keeps_the_day_or_takes_the_month_end():
    from datetime import date

    from kinelint_prescription.checks import months_after

    assert months_after(date(2025, 3, 10), 12) == date(2026, 3, 10)
    assert months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert months_after(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert months_after(date(2023, 11, 30), 3) == date(2024, 2, 29)
