"""CON011 / CON012: two sessions of one prescription on one date, in one invoice and across a batch."""

from __future__ import annotations

import json

from conftest import run_cli
from invoice_factory import act, lint, make_invoice, only, session
from test_rules_consistency import batch, write_jsonl

RIC_2026 = [act("RIC", "8.12")]


def con(invoice):
    return [(f.code, f.pointer) for f in only(lint(invoice), "CON")]


# -- CON011: in one invoice -------------------------------------------------------------

def test_two_sessions_of_one_invoice_on_one_date():
    invoice = make_invoice([session(1), session(2, on="2026-01-14", acts=RIC_2026),
                            session(3, on="2026-01-14", acts=RIC_2026)])
    [finding] = only(lint(invoice), "CON")
    assert (finding.code, finding.severity, finding.pointer) == ("CON011", "error", "/sessions/2/date")
    assert finding.message.startswith("session 3 (2026-01-14): session 2 of the same prescription is on the same date")


def test_sessions_on_consecutive_days_pass():
    assert con(make_invoice([session(1), session(2, on="2026-01-13", acts=RIC_2026)])) == []


def test_the_rule_starts_on_2024_02_22():
    # the day before the 2024 nomenclature: the general rule (second act at half rate) applied, not judged
    before = make_invoice([session(2, on="2024-02-21", acts=[act("AMS", "7.5")]),
                           session(3, on="2024-02-21", acts=[act("AMS", "7.5")])], prescription_date="2024-02-01")
    assert only(lint(before), "CON011") == []
    on_the_day = make_invoice([session(2, on="2024-02-22", acts=[act("RIC", "7.52")]),
                               session(3, on="2024-02-22", acts=[act("RIC", "7.52")])], prescription_date="2024-02-01")
    assert [f.code for f in only(lint(on_the_day), "CON011")] == ["CON011"]


def test_acts_that_allow_two_sessions_a_day():
    for letter, coefficient in (("ARL", "8.49"), ("ARL", "10"), ("RPB", "8"), ("RPB", "9")):
        acts = [act(letter, coefficient)]
        invoice = make_invoice([session(2, on="2026-01-14", acts=acts), session(3, on="2026-01-14", acts=acts)])
        assert con(invoice) == [], (letter, coefficient)
    # ARL 8.5 (non-urgent obstructive disease) does not
    acts = [act("ARL", "8.5")]
    invoice = make_invoice([session(2, on="2026-01-14", acts=acts), session(3, on="2026-01-14", acts=acts)])
    assert con(invoice) == [("CON011", "/sessions/1/date")]


def test_a_repeated_number_on_one_date_is_con003_only():
    invoice = make_invoice([session(2, on="2026-01-14", acts=RIC_2026), session(2, on="2026-01-14", acts=RIC_2026)])
    assert con(invoice) == [("CON003", "/sessions/1/number")]


def test_three_sessions_on_one_date_are_two_findings():
    invoice = make_invoice([session(n, on="2026-01-14", acts=RIC_2026) for n in (2, 3, 4)])
    assert con(invoice) == [("CON011", "/sessions/1/date"), ("CON011", "/sessions/2/date")]


# -- CON012: across the invoices of a batch -------------------------------------------------

def test_two_invoices_of_one_prescription_on_one_date(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14", acts=RIC_2026)], invoice_id="F-1")
    second = make_invoice([session(3, on="2026-01-14", acts=RIC_2026)], invoice_id="F-2")
    found, findings = batch(write_jsonl(tmp_path / "b.jsonl", first, second))
    assert found == [("CON012", "b.jsonl", 2, "/sessions/0/date")]
    assert findings[0].message == (
        "session 3 (2026-01-14): an earlier invoice of this batch already bills a session of prescription RX-7781 on "
        "that date; one prescription gives one session a day, save urgent airway clearance, cystic fibrosis and burns")
    assert findings[0].invoice_id == "F-2" and findings[0].severity == "error"


def test_other_dates_or_other_prescriptions_pass(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14", acts=RIC_2026)], invoice_id="F-1")
    next_day = make_invoice([session(3, on="2026-01-15", acts=RIC_2026)], invoice_id="F-2")
    other = make_invoice([session(3, on="2026-01-14", acts=RIC_2026)], invoice_id="F-3", prescription_id="RX-2")
    # same bit in the next block of 64 days (2026-01-14 + 64 days): the days are kept per block
    next_month = make_invoice([session(4, on="2026-03-19", acts=RIC_2026)], invoice_id="F-4")
    assert batch(write_jsonl(tmp_path / "b.jsonl", first, next_day, other, next_month))[0] == []


def test_same_session_billed_twice_is_con009_not_con012(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14", acts=RIC_2026)], invoice_id="F-1")
    second = make_invoice([session(2, on="2026-01-14", acts=RIC_2026)], invoice_id="F-2")
    assert [f[0] for f in batch(write_jsonl(tmp_path / "b.jsonl", first, second))[0]] == ["CON009"]


def test_two_a_day_acts_across_invoices_pass(tmp_path):
    urgent = [act("ARL", "8.49")]
    first = make_invoice([session(2, on="2026-01-14", acts=urgent)], invoice_id="F-1")
    second = make_invoice([session(3, on="2026-01-14", acts=urgent)], invoice_id="F-2")
    assert batch(write_jsonl(tmp_path / "b.jsonl", first, second))[0] == []


def test_across_invoices_before_2024_02_22_is_not_judged(tmp_path):
    old = [act("AMS", "7.5")]
    first = make_invoice([session(2, on="2024-02-21", acts=old)], invoice_id="F-1", prescription_date="2024-02-01")
    second = make_invoice([session(3, on="2024-02-21", acts=old)], invoice_id="F-2", prescription_date="2024-02-01")
    assert only(batch(write_jsonl(tmp_path / "b.jsonl", first, second))[1], "CON012") == []


def test_an_invoice_with_two_sessions_that_day_after_an_earlier_one_is_one_con012(tmp_path):
    first = make_invoice([session(2, on="2026-01-14", acts=RIC_2026)], invoice_id="F-1")
    second = make_invoice([session(3, on="2026-01-14", acts=RIC_2026), session(4, on="2026-01-14", acts=RIC_2026)],
                          invoice_id="F-2")
    found, _ = batch(write_jsonl(tmp_path / "b.jsonl", first, second))
    assert sorted(found) == [("CON011", "b.jsonl", 2, "/sessions/1/date"), ("CON012", "b.jsonl", 2, "/sessions/0/date")]


def test_same_findings_with_two_jobs(tmp_path):
    lines = []
    for n in range(40):
        day = f"2026-01-{10 + n % 5:02d}"  # invoice n and n + 20: one prescription (n % 4), one day (n % 5)
        lines.append(make_invoice([session(2 + n, on=day, acts=[act("RAM", "8.11")])], invoice_id=f"F-{n}",
                                  prescription_id=f"RX-{n % 4}", sessions_prescribed=None))
    write_jsonl(tmp_path / "b.jsonl", *lines)
    one = run_cli("check", "--format", "json", "--jobs", "1", "b.jsonl", cwd=tmp_path)
    two = run_cli("check", "--format", "json", "--jobs", "2", "b.jsonl", cwd=tmp_path)
    assert one.stdout == two.stdout
    found = json.loads(one.stdout)["findings"]
    assert [f["code"] for f in found] == ["CON012"] * 20
    assert [f["line"] for f in found] == list(range(21, 41))


def test_an_invoice_across_two_blocks_of_days(tmp_path):
    from datetime import date

    last_of_block = date.fromordinal(11556 * 64 + 63)  # 2026-01-31: the next day opens another block of 64
    first_of_next = date.fromordinal(11557 * 64)
    first = make_invoice([session(2, on=last_of_block.isoformat(), acts=RIC_2026),
                          session(3, on=first_of_next.isoformat(), acts=RIC_2026)], invoice_id="F-1")
    second = make_invoice([session(4, on=last_of_block.isoformat(), acts=RIC_2026)], invoice_id="F-2")
    third = make_invoice([session(5, on=first_of_next.isoformat(), acts=RIC_2026)], invoice_id="F-3")
    found, _ = batch(write_jsonl(tmp_path / "b.jsonl", first, second, third))
    assert found == [("CON012", "b.jsonl", 2, "/sessions/0/date"), ("CON012", "b.jsonl", 3, "/sessions/0/date")]


def test_keys_stay_small():
    """The checker's memory: one key per prescription and block of 64 days of care, a bit per day."""
    from kinelint.invoice import Invoice
    from kinelint.nomenclature import load_nomenclature
    from kinelint.keystore import fingerprint
    from kinelint_consistency import kinelint_batch_checker
    from kinelint_consistency.batch import block_mark

    checker = kinelint_batch_checker(nomenclature=load_nomenclature())
    for n in range(1, 4):
        invoice = Invoice.from_dict(make_invoice([session(n, on=f"2026-01-1{n}")], invoice_id=f"F-{n}"))
        checker.observe(checker.keys(invoice), ref=n)
    from datetime import date

    block, bit = divmod(date(2026, 1, 11).toordinal(), 64)
    days = checker._billed.get_mark(block_mark(fingerprint("RX-7781"), block))
    assert days == 0b111 << bit  # 2026-01-11, 12 and 13 (one block here)
    assert len(checker._billed) == 2  # the numbers' mask and one block's days


def test_block_marks_are_apart_from_each_other_and_from_the_prescription():
    """The key of (prescription, block of days) is made from the prescription's fingerprint, not a string."""
    from kinelint.keystore import fingerprint
    from kinelint_consistency.batch import block_mark

    marks = {fingerprint(f"RX-{n}") for n in range(200)}
    derived = {block_mark(fingerprint(f"RX-{n}"), block) for n in range(200) for block in range(0, 12000, 97)}
    assert len(derived) == 200 * len(range(0, 12000, 97)) and not derived & marks
    assert all(0 <= mark < 1 << 128 for mark in derived)  # a fingerprint's width: the store splits it in two


def test_dates_beyond_those_remembered_are_judged_alike(monkeypatch):
    """keys() remembers what a date means (bounded): a date it no longer keeps is worked out again, the same."""
    from kinelint.invoice import Invoice
    from kinelint.nomenclature import load_nomenclature
    from kinelint_consistency import batch as batch_module

    def found(kept: int) -> list:
        monkeypatch.setattr(batch_module, "_DATES_KEPT", kept)
        checker = batch_module.BatchChecker(load_nomenclature())
        arl, ams = [act("ARL", "8.49")], [act("AMS", "7.5")]
        for n, (on, acts) in enumerate([("2026-01-14", RIC_2026), ("2026-01-15", arl), ("2024-02-21", ams),
                                        ("2026-01-14", RIC_2026), ("2026-01-15", RIC_2026), ("2024-02-21", ams)]):
            invoice = Invoice.from_dict(make_invoice([session(n + 2, on=on, acts=acts)], invoice_id=f"F-{n}",
                                                     prescription_date="2024-02-01"))
            checker.observe(checker.keys(invoice), ref=n + 1)
        assert sum(map(len, checker._dates.values())) <= kept
        return [(ref, violation.code, violation.pointer) for ref, violation in checker.finish()]

    assert found(0) == found(2048) == [(4, "CON012", "/sessions/0/date")]  # not after ARL 8.49, nor before the rule
