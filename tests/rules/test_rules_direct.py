"""DIR: direct access (CSP L4321-1, loi n° 2023-379 art. 3): eight sessions without a prior medical diagnosis,
only in coordinated care, since 2023-08-22 (the figures of kinelint/nomenclature/data/direct_access.toml)."""

from __future__ import annotations

from invoice_factory import act, lint, make_invoice, only, session


def direct(numbers, prior_diagnosis=False, structure="msp", on="2026-01-12"):
    acts = [act("AMK", "7")]  # a letter priced on every date tested (RIC is from 2024)
    invoice = make_invoice([session(n, on, acts=acts) for n in numbers], sessions_prescribed=None,
                           prescription_date=min(on, "2025-12-20"))
    invoice["prescription"].pop("prescriber_rpps", None)
    invoice["prescription"]["direct_access"] = {"prior_diagnosis": prior_diagnosis}
    if structure is not None:
        invoice["practitioner"]["structure"] = structure
    return only(lint(invoice), "DIR")


def test_the_eighth_session_passes_and_the_ninth_is_a_warning_that_says_why():
    assert direct([7, 8]) == []
    [finding] = direct([8, 9, 10])
    assert (finding.code, finding.severity, finding.pointer) == ("DIR001", "warning", "/sessions/1/number")
    assert "2 session(s) of this invoice are past the 8 direct access allows" in finding.message
    assert "only a warning, uncertain" in finding.message and "ARS pages" in finding.message


def test_with_a_prior_diagnosis_the_sessions_are_not_limited():
    assert direct([9, 10, 30], prior_diagnosis=True) == []


def test_outside_coordinated_care_direct_access_is_reported_once():
    [finding] = direct([2, 3], structure="cabinet")
    assert (finding.code, finding.pointer) == ("DIR002", "/practitioner/structure")
    assert "structure is 'cabinet'" in finding.message


def test_every_coordinated_structure_passes_and_a_cpts_is_not_judged():
    for structure in ("msp", "centre_sante", "esp", "ess", "etablissement_sante", "esms", "cpts"):
        assert direct([2], structure=structure) == [], structure


def test_the_day_before_direct_access_and_the_day_it_began():
    [finding] = direct([2], on="2023-08-21")
    assert (finding.code, finding.pointer) == ("DIR002", "/sessions/0/date")
    assert direct([2], on="2023-08-22") == []


def test_without_the_new_fields_nothing_is_said():
    assert direct([9, 10], structure=None) != []  # the session limit needs no structure
    assert direct([2], structure=None) == []
    plain = make_invoice([session(9, "2026-01-13")])
    assert only(lint(plain), "DIR") == []
