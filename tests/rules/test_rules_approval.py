"""DAP: prior approval past an act's reference number of sessions.

The thresholds asserted come from the primary text (NGAP Titre XIV, version of 21/06/2026): total knee
arthroplasty RIC 8.12, approval « à partir de la 26ème séance »; carpal-tunnel release RSC 8.09, before
starting the rehabilitation.
"""

from __future__ import annotations

from invoice_factory import act, lint, make_invoice, only, session

TKA = [act("RIC", "8.12")]


def dap(sessions, approval=None, **extra):
    invoice = make_invoice(sessions, sessions_prescribed=None, **extra)
    if approval is not None:
        invoice["prescription"]["prior_approval"] = approval
    return only(lint(invoice), "DAP")


def test_within_the_reference_number_nothing_is_needed():
    assert dap([session(25, "2026-01-12", acts=TKA)]) == []


def test_past_the_reference_number_without_approval_is_a_warning():
    [finding] = dap([session(26, "2026-01-12", acts=TKA)])
    assert (finding.code, finding.severity, finding.pointer) == ("DAP001", "warning", "/sessions/0/acts/0")
    assert finding.message.startswith("session 26 (2026-01-12): RIC 8.12 (")
    assert "has a reference situation: from session 26 on, prior approval" in finding.message
    assert "prescription.prior_approval" in finding.message


def test_one_finding_for_the_sessions_of_an_invoice():
    [finding] = dap([session(n, f"2026-01-{10 + n - 24:02d}", acts=TKA) for n in (24, 25, 26, 27, 28)])
    assert finding.pointer == "/sessions/2/acts/0"
    assert "3 sessions of this invoice (26 to 28)" in finding.message


def test_a_recorded_approval_passes():
    assert dap([session(26, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-05"}) == []
    assert dap([session(26, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-05", "granted_on": "2026-01-09"}) == []
    # granted after the session: no answer yet counts as agreement, the request was prior
    assert dap([session(26, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-05", "granted_on": "2026-01-20"}) == []


def test_requested_the_day_of_the_session_or_after():
    assert dap([session(26, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-12"}) == []
    [finding] = dap([session(26, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-13"})
    assert (finding.code, finding.severity) == ("DAP002", "warning")
    assert "requested on 2026-01-13, after this session" in finding.message


def test_only_the_sessions_before_the_request_are_late():
    sessions = [session(26, "2026-01-12", acts=TKA), session(27, "2026-01-14", acts=TKA)]
    [finding] = dap(sessions, {"requested_on": "2026-01-13"})
    assert (finding.code, finding.pointer) == ("DAP002", "/sessions/0/acts/0")


def test_approval_before_the_first_session():
    carpal_tunnel = [act("RSC", "8.09")]
    [finding] = dap([session(1, "2026-01-12", acts=[*carpal_tunnel])])
    assert finding.code == "DAP001" and "RSC 8.09 (" in finding.message
    assert "needs prior approval before its first session" in finding.message
    assert dap([session(1, "2026-01-12", acts=carpal_tunnel)], {"requested_on": "2026-01-02"}) == []


def test_acts_without_a_reference_need_nothing():
    assert dap([session(80, "2026-01-12", acts=[act("RAM", "8.11")])]) == []
    assert dap([session(80, "2026-01-12", acts=[act("NMI", "9")])]) == []


def test_the_threshold_of_the_act_in_force_that_day():
    # 2025: total knee arthroplasty is RIC 7.52, same reference number
    [finding] = dap([session(26, "2025-12-31", acts=[act("RIC", "7.52")])], prescription_date="2025-10-01")
    assert finding.code == "DAP001" and "RIC 7.52 (" in finding.message
    assert dap([session(25, "2025-12-31", acts=[act("RIC", "7.52")])], prescription_date="2025-10-01") == []


def test_granted_before_requested_is_an_error():
    [finding] = dap([session(2, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-09", "granted_on": "2026-01-08"})
    assert (finding.code, finding.severity, finding.pointer) == (
        "DAP003", "error", "/prescription/prior_approval/granted_on")
    assert "granted on 2026-01-08, before it was requested on 2026-01-09" in finding.message
    assert dap([session(2, "2026-01-12", acts=TKA)], {"requested_on": "2026-01-09", "granted_on": "2026-01-09"}) == []


def test_an_unknown_act_is_not_judged():
    assert dap([session(80, "2026-01-12", acts=[act("RIC", "9")])]) == []


def test_the_readme_example_is_a_valid_recorded_approval():
    import json

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index('    "prescription": {"id": "RX-7781"')
    text = readme[start:readme.index("\n\n", start)]
    prescription = json.loads("{" + text + "}")["prescription"]
    invoice = make_invoice([session(26, "2026-03-02", acts=TKA)], sessions_prescribed=None)
    invoice["prescription"].update(prescription)
    findings = lint(invoice)
    assert [f.code for f in findings if f.code.startswith(("SCH", "DAP"))] == []


def test_recent_cervical_trauma_needs_approval_from_the_16th_session():
    # the text: usual 1 to 10 sessions, « accord préalable à partir de la 16ème séance »
    trauma = [act("RAM", "8.08")]
    assert dap([session(15, "2026-01-12", acts=trauma)]) == []
    [finding] = dap([session(16, "2026-01-12", acts=trauma)])
    assert finding.code == "DAP001" and "from session 16 on" in finding.message


def test_dom_invoices_are_judged_alike():
    [finding] = dap([session(26, "2026-01-12", acts=TKA, territory="dom")], territory="dom")
    assert finding.code == "DAP001"


def test_an_act_of_an_announced_step_says_why_it_is_uncertain():
    [finding] = dap([session(26, "2027-07-01", acts=[act("RIC", "8.42")])], prescription_date="2027-06-01")
    assert (finding.code, finding.severity) == ("DAP001", "warning")
    assert "only a warning, uncertain" in finding.message
