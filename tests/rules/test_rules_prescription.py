"""PRE: travel fees only for care the prescription sends to the patient's home (NGAP dispositions générales,
art. 13: « Lorsqu'un acte […] doit être effectué au domicile du malade, les frais de déplacement […] sont
remboursés »)."""

from __future__ import annotations

from decimal import Decimal

from invoice_factory import fee, lint, make_invoice, only, session


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
