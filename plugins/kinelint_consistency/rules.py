"""The CON rules, stated once: dates, identifiers and numbering that contradict each other."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_SEQUENCE = (f"{NGAP}, Titre XIV (acts on a written medical prescription): care follows the prescription "
             "and precedes the invoice")

CARE_BEFORE_PRESCRIPTION = Rule(
    code="CON001",
    name="care-before-prescription",
    severity="error",
    summary=N_("A session's date of care is earlier than the prescription's date."),
    rationale=("Care billed to the Assurance Maladie on prescription must follow the prescription; a session "
               "dated before it is either a typing error or care that is not covered."),
    source=_SEQUENCE,
    bad_example="prescription of 2025-12-20, session 1 on 2025-12-18",
    good_example="prescription of 2025-12-20, session 1 on 2026-01-12",
)

CARE_AFTER_ISSUE = Rule(
    code="CON002",
    name="care-after-issue-date",
    severity="error",
    summary=N_("A session's date of care is later than the invoice's issue date."),
    rationale="An invoice can only bill care already given; a later date of care is a typing error or billing in advance.",
    source=_SEQUENCE,
    bad_example='"issued_on": "2026-02-03", a session on 2026-02-05',
    good_example='"issued_on": "2026-02-03", sessions up to 2026-02-03',
)

SESSION_NUMBERS = Rule(
    code="CON003",
    name="session-numbers-out-of-order",
    severity="error",
    summary=N_("A session number repeats or goes backwards within one invoice."),
    rationale=("Session numbers count the sessions of the treatment; a repeated number bills one session twice, "
               "and a number going backwards breaks the count that BDK renewals and prior-agreement thresholds rely on."),
    source="kinelint invoice format, version 1 (sessions[].number: ordinal of the session in the treatment)",
    bad_example="sessions numbered 3, 4, 4",
    good_example="sessions numbered 3, 4, 5",
)

SESSION_DATES = Rule(
    code="CON004",
    name="session-dates-out-of-order",
    severity="error",
    summary=N_("A session's date is earlier than the date of the session before it on the invoice."),
    rationale=("Sessions are listed in the order they were given; a later session dated earlier contradicts "
               "its numbering and usually hides a mistyped date, on which every dated rule then goes wrong."),
    source="kinelint invoice format, version 1 (sessions in treatment order; every dated rule uses the date of care)",
    bad_example="session 4 on 2026-01-14, session 5 on 2026-01-09",
    good_example="session 4 on 2026-01-09, session 5 on 2026-01-14",
)

BEYOND_PRESCRIBED = Rule(
    code="CON005",
    name="more-sessions-than-prescribed",
    severity="error",
    summary=N_("A session number is above the number of sessions written on the prescription."),
    rationale=("Sessions beyond those prescribed are not covered by that prescription; a new prescription "
               "(and, past some thresholds, a prior agreement) is needed."),
    source=f"the medical prescription (prescription.sessions_prescribed); {NGAP}, Titre XIV",
    bad_example='"sessions_prescribed": 15, session 16',
    good_example='"sessions_prescribed": 15, sessions 1 to 15',
)

NIR_KEY = Rule(
    code="CON006",
    name="nir-key-mismatch",
    severity="error",
    summary=N_("The patient's NIR key is not 97 − (the first 13 digits mod 97), Corsica 2A read as 19 and 2B as 18."),
    rationale=("A NIR whose key does not match was mistyped; the invoice would be charged to another person or "
               "rejected by the Assurance Maladie."),
    source="INSEE, NIR key (clé de contrôle: 97 minus the first 13 digits mod 97, 2A/2B as 19/18) (M); python-stdnum stdnum.fr.nir",
    bad_example="a NIR whose two last digits are not its key",
    good_example="a NIR whose two last digits are 97 − (first 13 digits mod 97)",
)

RPPS_KEY = Rule(
    code="CON007",
    name="rpps-key-mismatch",
    severity="error",
    summary=N_("An RPPS number (practitioner or prescriber) does not end with its Luhn check digit."),
    rationale=("An RPPS number with a wrong check digit was mistyped; the invoice is rejected or attributed to "
               "another professional."),
    source="RPPS (répertoire partagé des professionnels de santé): 11 digits, the last a Luhn key (M); python-stdnum stdnum.luhn",
    bad_example='"rpps": "10101234564"',
    good_example='"rpps": "10101234563"',
)

DUPLICATE_INVOICE_ID = Rule(
    code="CON008",
    name="duplicate-invoice-id",
    severity="error",
    summary=N_("Two invoices of one batch carry the same invoice id."),
    rationale=("An invoice id must be unique; a repeated id is an invoice exported twice (paid twice) or two "
               "invoices that the Assurance Maladie and the practice can no longer tell apart."),
    source="kinelint invoice format, version 1 (invoice_id: unique in a batch)",
    bad_example='two invoices with "invoice_id": "F-2026-000042"',
    good_example='"F-2026-000042" and "F-2026-000043"',
)

SESSION_BILLED_TWICE = Rule(
    code="CON009",
    name="session-billed-twice",
    severity="error",
    summary=N_("The same session (prescription id and session number) is billed on two invoices of one batch."),
    rationale="A session is paid once; billing it on two invoices is double billing, whatever the dates say.",
    source="kinelint invoice format, version 1 (prescription.id groups the invoices of one treatment; sessions[].number)",
    bad_example="session 3 of prescription RX-7781 on invoices F-41 and F-42",
    good_example="sessions 1-3 of RX-7781 on F-41, sessions 4-6 on F-42",
)

ISSUED_IN_THE_FUTURE = Rule(
    code="CON010",
    name="issued-in-the-future",
    severity="error",
    summary=N_("The invoice's issue date is after the reference date (today, or --today)."),
    rationale=("An invoice cannot be issued on a day that has not come: the date was mistyped or the export's "
               "clock is wrong, and the care it bills would then look future too."),
    source="kinelint invoice format (issued_on is the date the invoice was issued): care precedes its invoice",
    bad_example='"issued_on": "2026-12-01" checked on 2026-11-25',
    good_example='"issued_on": "2026-11-25" checked on 2026-11-25',
)

_ONE_A_DAY = (
    "NGAP Titre XIV, version of 21/06/2026 (Assurance Maladie), dispositions liminaires: « Il est possible "
    "d'effectuer deux séances le même jour à la condition d'avoir deux prescriptions distinctes, pour des "
    "affections en rapport avec des articles de la NGAP différents, portant sur deux régions anatomiques "
    "distinctes »; art. 5 (urgent airway clearance up to 2 a day; cystic fibrosis, two non-consecutive "
    "sessions each coted ARL 10) and art. 10 (burns); in force since 2024-02-22 (UNCAM decision of 14 Dec "
    "2023); ngap-kine.md §5, ngap-official.md §6 (H). Which acts allow two a day is the nomenclature's data "
    "(act catalogue, two_a_day)"
)

TWO_SESSIONS_ONE_DAY = Rule(
    code="CON011",
    name="two-sessions-one-day",
    severity="error",
    summary=N_("Two sessions of one invoice (one prescription) are dated on the same day, on or after 2024-02-22, "
             "neither billing an act that allows two a day (ARL 8.49, ARL 10, RPB)."),
    rationale=(
        "Since 2024-02-22 two sessions on one day are both paid only with two distinct prescriptions, for "
        "affections of different NGAP articles, on two regions: two sessions of one prescription on one date "
        "are a typing error in a date or a second session that is not due. Urgent airway clearance, cystic "
        "fibrosis and burns allow two sessions a day; a session billing one of those acts is not counted. "
        "Before 2024-02-22 the general rule (a second act at half rate) applied, which this format cannot "
        "tell apart: not judged. Two sessions with the same number are CON003's finding."
    ),
    source=_ONE_A_DAY,
    bad_example="sessions 4 and 5 of one invoice both on 2026-01-14 with RIC 8.12",
    good_example="sessions 4 and 5 of ARL 8.49 (urgent airway clearance) both on 2026-01-14",
)

TWO_SESSIONS_ONE_DAY_BATCH = Rule(
    code="CON012",
    name="two-sessions-one-day-across-invoices",
    severity="error",
    summary=N_("Two invoices of one batch bill sessions of the same prescription on the same day (on or after "
             "2024-02-22), neither with an act that allows two a day."),
    rationale=(
        "The rule of CON011, across invoices: a prescription gives one session a day whichever invoice bills "
        "it. The finding is on the later invoice of the run; kinelint keeps a bit mask of days per "
        "prescription and block of 64 days, not the invoices, so it cannot name the earlier one. The same "
        "session billed twice (same number) is CON009's finding, not this one's."
    ),
    source=_ONE_A_DAY,
    bad_example="session 3 of RX-7781 on 2026-01-14 on invoice F-41, session 4 of RX-7781 on 2026-01-14 on F-42",
    good_example="session 3 on 2026-01-14 on F-41, session 4 on 2026-01-16 on F-42",
)

RULES = (CARE_BEFORE_PRESCRIPTION, CARE_AFTER_ISSUE, SESSION_NUMBERS, SESSION_DATES, BEYOND_PRESCRIBED,
         NIR_KEY, RPPS_KEY, DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE, ISSUED_IN_THE_FUTURE,
         TWO_SESSIONS_ONE_DAY, TWO_SESSIONS_ONE_DAY_BATCH)
