"""The DAP rules: prior approval (accord préalable) past an act's reference number of sessions."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_

_REFERENCE_SOURCE = (
    "NGAP Titre XIV, version of 21/06/2026 (Assurance Maladie), chapter II: the acts « soumis à référentiel » "
    "state the usual number of sessions and that « au-delà » (or, for carpal-tunnel release, before starting) "
    "the treatment continues only after the prior approval of the medical service; chapter V (referential "
    "situations) was abrogated by the UNCAM decision of 14 Dec 2023 and the thresholds moved into the act "
    "table; ngap-official.md §2 and §6 (H)"
)

MISSING_APPROVAL = Rule(
    code="DAP001",
    name="prior-approval-missing",
    severity="warning",
    summary=N_("A session is numbered past its act's reference number of sessions (or bills an act that needs "
             "approval before the first session) and the invoice records no prior approval."),
    rationale=(
        "Since 2024-02-22 some acts carry a reference situation: total knee arthroplasty RIC 8.12 is usually "
        "treated in 25 sessions, common low back pain RAM 8.09 in 15, and so on; beyond that number, and for "
        "carpal-tunnel release before any session, care continues only after a request for prior approval "
        "to the medical service. Sessions billed without it may be refused. kinelint sees only what the "
        "invoice records (prescription.prior_approval), hence a warning: the approval may exist and not be "
        "exported. The session number is the ordinal in the treatment, as the invoice format defines it."
    ),
    source=_REFERENCE_SOURCE,
    bad_example="RIC 8.12 (total knee arthroplasty) at session 26 on 2026-03-02, no prescription.prior_approval",
    good_example='the same with "prior_approval": {"requested_on": "2026-02-20"} in the prescription',
)

REQUESTED_AFTER_SESSION = Rule(
    code="DAP002",
    name="prior-approval-requested-late",
    severity="warning",
    summary=N_("A session that needs prior approval is dated before the recorded request for it "
             "(prescription.prior_approval.requested_on)."),
    rationale=(
        "The approval is prior: it is asked before the sessions it covers. A session past the reference "
        "number dated before the request was given without approval, as if none had been recorded. (A request "
        "answered later, or never answered within the legal delay, still covers the sessions after it: "
        "silence counts as agreement, so a granted_on after a session is not a finding.)"
    ),
    source=_REFERENCE_SOURCE + "; kinelint invoice format, prescription.prior_approval",
    bad_example='RIC 8.12 at session 26 on 2026-03-02, "prior_approval": {"requested_on": "2026-03-05"}',
    good_example='RIC 8.12 at session 26 on 2026-03-02, "prior_approval": {"requested_on": "2026-02-20"}',
)

GRANTED_BEFORE_REQUESTED = Rule(
    code="DAP003",
    name="prior-approval-granted-before-requested",
    severity="error",
    summary=N_("The recorded prior approval is granted (granted_on) before it was requested (requested_on)."),
    rationale=(
        "An approval cannot answer a request not yet sent: the two dates are swapped or mistyped, and the "
        "DAP rules, which date the approval by its request, would then judge the sessions on a wrong date. "
        "kinelint reports it in DAP rather than CON because only the prior-approval rules read these dates."
    ),
    source="kinelint invoice format, version 1 (prescription.prior_approval.requested_on, granted_on)",
    bad_example='"prior_approval": {"requested_on": "2026-02-20", "granted_on": "2026-02-13"}',
    good_example='"prior_approval": {"requested_on": "2026-02-13", "granted_on": "2026-02-20"}',
)

RULES = (MISSING_APPROVAL, REQUESTED_AFTER_SESSION, GRANTED_BEFORE_REQUESTED)
