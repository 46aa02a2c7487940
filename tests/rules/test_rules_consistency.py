"""CON: dates, numbering and identifiers that contradict each other, in one invoice and across a batch."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from invoice_factory import (PATIENT_NIR, PRACTITIONER_RPPS, PRESCRIBER_RPPS, lint, make_invoice,
                             nir_with_key, only, rpps_with_key, session)


def test_clean_invoice_has_no_con_finding():
    assert only(lint(make_invoice()), "CON") == []


def con(invoice):
    return [(f.code, f.pointer) for f in only(lint(invoice), "CON")]


# -- CON001 / CON002: care between prescription and issue ----------------------

def test_care_before_the_prescription():
    found = only(lint(make_invoice(prescription_date="2026-01-13")), "CON")
    assert [(f.code, f.severity, f.pointer) for f in found] == [("CON001", "error", "/sessions/0/date")]
    assert "session 1 (2026-01-12)" in found[0].message and "2026-01-13" in found[0].message
    assert con(make_invoice(prescription_date="2026-01-12")) == []


def test_care_after_the_issue_date():
    found = only(lint(make_invoice(issued_on="2026-01-11")), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON002", "/sessions/0/date")]
    assert "session 1 (2026-01-12)" in found[0].message and "2026-01-11" in found[0].message
    assert con(make_invoice(issued_on="2026-01-12")) == []


def test_only_the_offending_session_is_pointed_at():
    sessions = [session(1), session(2, on="2026-01-20")]
    assert con(make_invoice(sessions, issued_on="2026-01-19")) == [("CON002", "/sessions/1/date")]


# -- CON003 / CON004: order within the invoice --------------------------------------

DAYS = ["2026-01-12", "2026-01-14", "2026-01-16", "2026-01-19"]


def numbered(*numbers, days=DAYS):
    return make_invoice([session(n, on=d) for n, d in zip(numbers, days)])


def test_numbers_rising_pass():
    assert con(numbered(1, 2, 3)) == []
    assert con(numbered(1, 2, 5)) == []  # a gap: the others may be on another invoice


def test_repeated_number():
    found = only(lint(numbered(1, 2, 2)), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON003", "/sessions/2/number")]
    assert "session number 2 is already used" in found[0].message


def test_number_going_backwards():
    found = only(lint(numbered(1, 3, 2)), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON003", "/sessions/2/number")]
    assert "comes after session 3" in found[0].message
    # only the break is reported, not every number after it
    assert con(numbered(1, 5, 2, 3)) == [("CON003", "/sessions/2/number")]


def test_session_listed_out_of_place_is_one_finding():
    # number 2 dated 2026-01-14, listed after number 3 of 2026-01-16: a numbering finding only
    invoice = make_invoice([session(1, on="2026-01-12"), session(3, on="2026-01-16"), session(2, on="2026-01-14")])
    assert con(invoice) == [("CON003", "/sessions/2/number")]


def test_dates_going_backwards():
    found = only(lint(numbered(1, 2, days=["2026-01-14", "2026-01-12"])), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON004", "/sessions/1/date")]
    assert "session 2 (2026-01-12)" in found[0].message and "session 1 (2026-01-14)" in found[0].message
    # same day: not out of order (two sessions of one prescription that day are CON011's, test_rules_same_day.py)
    assert con(numbered(1, 2, days=["2026-01-12", "2026-01-12"])) == [("CON011", "/sessions/1/date")]


# -- CON005: beyond the prescription -----------------------------------------------

def test_more_sessions_than_prescribed():
    sessions = [session(1, on="2026-01-12"), session(2, on="2026-01-14"), session(3, on="2026-01-16")]
    found = only(lint(make_invoice(sessions, sessions_prescribed=2)), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON005", "/sessions/2/number")]
    assert "beyond the 2 session(s) prescribed" in found[0].message
    assert con(make_invoice(sessions, sessions_prescribed=3)) == []
    assert con(make_invoice(sessions, sessions_prescribed=None)) == []


# -- CON006: NIR key -------------------------------------------------------------------

def wrong_key(nir):
    return nir[:13] + f"{(int(nir[13:]) + 1) % 100:02d}"


@pytest.mark.parametrize("first13", ["1850578006084", "285052A006084", "185052B123456", "2991299999999"])
def test_nir_with_its_key_passes(first13):
    assert con(make_invoice(nir=nir_with_key(first13))) == []


@pytest.mark.parametrize("first13", ["1850578006084", "285052A006084", "185052B123456"])
def test_nir_with_a_wrong_key_fails_without_saying_it(first13):
    nir = wrong_key(nir_with_key(first13))
    found = only(lint(make_invoice(nir=nir, birth_date="1985-05-17")), "CON")
    assert [(f.code, f.severity, f.pointer) for f in found] == [("CON006", "error", "/patient/nir")]
    message = found[0].message
    assert "key" in message and "does not match" in message
    assert nir not in message and nir[:13] not in message and nir[13:] not in message
    assert "1985" not in message and "redacted" not in message


def test_corsica_is_read_as_19_and_18():
    # the key of 2A computed as if the department were 20 (a common mistake) does not match
    naive = "285052A006084" + f"{97 - int('2850520006084') % 97:02d}"
    assert con(make_invoice(nir=naive)) == [("CON006", "/patient/nir")]
    assert con(make_invoice(nir=nir_with_key("285052A006084"))) == []


# -- CON007: RPPS keys -------------------------------------------------------------------

def bad_rpps(rpps):
    return rpps[:10] + str((int(rpps[10]) + 1) % 10)


def test_practitioner_rpps_key():
    found = only(lint(make_invoice(rpps=bad_rpps(PRACTITIONER_RPPS))), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON007", "/practitioner/rpps")]
    assert "practitioner's RPPS" in found[0].message and "Luhn" in found[0].message
    assert con(make_invoice(rpps=rpps_with_key("8100000000"))) == []


def test_prescriber_rpps_key():
    invoice = make_invoice()
    invoice["prescription"]["prescriber_rpps"] = bad_rpps(PRESCRIBER_RPPS)
    found = only(lint(invoice), "CON")
    assert [(f.code, f.pointer) for f in found] == [("CON007", "/prescription/prescriber_rpps")]
    assert "prescriber's RPPS" in found[0].message
    del invoice["prescription"]["prescriber_rpps"]  # direct access: nothing to check
    assert con(invoice) == []


# -- CON008 / CON009: across a batch -----------------------------------------------------

def as_json(invoice) -> str:
    """JSON text with numbers as numbers (the factory's Decimals are exact at 2 decimals)."""
    return json.dumps(invoice, default=lambda value: float(value) if isinstance(value, Decimal) else str(value))


def write_jsonl(path, *invoices):
    path.write_text("".join(as_json(i) + "\n" for i in invoices), encoding="utf-8")
    return path


def batch(*paths):
    from kinelint.api import lint_paths

    findings, _ = lint_paths([str(p) for p in paths])
    return [(f.code, f.file.rsplit("/", 1)[-1], f.line, f.pointer) for f in only(findings, "CON")], \
        only(findings, "CON")


def test_clean_batch_of_one_treatment(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14")], invoice_id="F-1")
    second = make_invoice([session(3, on="2026-01-16"), session(4, on="2026-01-19")], invoice_id="F-2")
    assert batch(write_jsonl(tmp_path / "b.jsonl", first, second))[0] == []


def test_same_invoice_id_twice_in_one_file(tmp_path):
    first = make_invoice([session(1)], invoice_id="F-1")
    second = make_invoice([session(2, on="2026-01-14")], invoice_id="F-1")
    third = make_invoice([session(3, on="2026-01-16")], invoice_id="F-1")
    found, findings = batch(write_jsonl(tmp_path / "b.jsonl", first, second, third))
    assert found == [("CON008", "b.jsonl", 2, "/invoice_id"), ("CON008", "b.jsonl", 3, "/invoice_id")]
    assert "already used by an earlier invoice of this batch" in findings[0].message
    assert findings[0].severity == "error"


def test_same_invoice_id_in_two_files(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", make_invoice([session(1)], invoice_id="F-9"))
    b = write_jsonl(tmp_path / "b.jsonl", make_invoice([session(1)], invoice_id="F-8", prescription_id="RX-2"),
                    make_invoice([session(1)], invoice_id="F-9", prescription_id="RX-3"))
    found, _ = batch(a, b)
    assert found == [("CON008", "b.jsonl", 2, "/invoice_id")]


def test_invoice_exported_twice_is_one_finding_per_copy(tmp_path):
    invoice = make_invoice([session(1), session(2, on="2026-01-14")], invoice_id="F-1")
    found, _ = batch(write_jsonl(tmp_path / "b.jsonl", invoice, invoice))
    assert [f[0] for f in found] == ["CON008"]  # not a CON009 for each of its sessions


def test_same_session_billed_on_two_invoices(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14")], invoice_id="F-1")
    second = make_invoice([session(2, on="2026-01-14"), session(3, on="2026-01-16")], invoice_id="F-2")
    found, findings = batch(write_jsonl(tmp_path / "b.jsonl", first, second))
    assert found == [("CON009", "b.jsonl", 2, "/sessions/0/number")]
    assert findings[0].message == ("session 2 (2026-01-14): session 2 of prescription RX-7781 is already billed "
                                   "by an earlier invoice of this batch; a session is billed once "
                                   f"(earlier invoice: F-1, {tmp_path / 'b.jsonl'}:1)")
    assert findings[0].invoice_id == "F-2"


def test_same_session_number_of_other_prescriptions_is_fine(tmp_path):
    first = make_invoice([session(1)], invoice_id="F-1", prescription_id="RX-1")
    second = make_invoice([session(1)], invoice_id="F-2", prescription_id="RX-2")
    assert batch(write_jsonl(tmp_path / "b.jsonl", first, second))[0] == []


def test_session_billed_twice_across_files(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", make_invoice([session(1)], invoice_id="F-1"))
    b = tmp_path / "b.json"
    b.write_text(as_json(make_invoice([session(1)], invoice_id="F-2")), encoding="utf-8")
    found, _ = batch(a, b)
    assert found == [("CON009", "b.json", 1, "/sessions/0/number")]


def test_batch_messages_carry_no_patient_data(tmp_path):
    invoice = make_invoice([session(1)], invoice_id="F-1")
    _, findings = batch(write_jsonl(tmp_path / "b.jsonl", invoice, invoice,
                                    make_invoice([session(1)], invoice_id="F-2")))
    assert {f.code for f in findings} == {"CON008", "CON009"}
    for finding in findings:
        assert PATIENT_NIR not in finding.message and "1985" not in finding.message


def test_batch_checker_keeps_only_fingerprints():
    from kinelint.invoice import Invoice
    from kinelint.keystore import KeyStore
    from kinelint.nomenclature import load_nomenclature
    from kinelint_consistency import kinelint_batch_checker

    checker = kinelint_batch_checker(nomenclature=load_nomenclature())
    for n in range(1, 4):
        invoice = Invoice.from_dict(make_invoice([session(n, on=f"2026-01-1{n}")], invoice_id=f"F-{n}"))
        checker.observe(checker.keys(invoice), ref=n)
    assert isinstance(checker._invoice_ids, KeyStore) and isinstance(checker._billed, KeyStore)
    assert checker._billed.get("RX-7781") == 0b1110  # sessions 1, 2 and 3 of the one prescription
    assert list(checker.finish()) == []


def test_session_numbers_beyond_the_mask_are_still_caught(tmp_path):
    first = make_invoice([session(70, on="2026-01-12")], invoice_id="F-1", sessions_prescribed=None)
    second = make_invoice([session(70, on="2026-01-12")], invoice_id="F-2", sessions_prescribed=None)
    found, _ = batch(write_jsonl(tmp_path / "b.jsonl", first, second))
    assert found == [("CON009", "b.jsonl", 2, "/sessions/0/number")]


# -- CON010: issued after the reference date --------------------------------------------


def test_issued_after_the_reference_date_and_on_it():
    from datetime import date

    from kinelint.api import lint_invoice

    invoice = make_invoice([session(1, on="2026-01-12")], issued_on="2026-02-03")
    (finding,) = only(lint_invoice(invoice, today=date(2026, 2, 2)), "CON010")
    assert (finding.pointer, finding.severity) == ("/issued_on", "error")
    assert "issued on 2026-02-03, after the reference date 2026-02-02" in finding.message
    assert only(lint_invoice(invoice, today=date(2026, 2, 3)), "CON010") == []


def test_today_from_the_command_line(tmp_path):
    import json as json_module

    from conftest import run_cli
    from invoice_factory import dumps

    path = tmp_path / "a.json"
    path.write_text(dumps(make_invoice([session(1, on="2026-01-12")], issued_on="2026-02-03")))
    late = run_cli("check", "--format", "json", "--today", "2026-02-02", str(path))
    assert [f["code"] for f in json_module.loads(late.stdout)["findings"] if f["code"][:3] == "CON"] == ["CON010"]
    assert run_cli("check", "--today", "2026-02-03", str(path)).returncode == 0
