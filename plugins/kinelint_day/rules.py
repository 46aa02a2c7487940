"""The DAY rules: what one practitioner's day can hold."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_TITRE_XIV = (f"{NGAP}, deuxième partie, Titre XIV, dispositions liminaires (« la durée des séances est de l'ordre "
              "de trente minutes », the physiotherapist « se consacre exclusivement à son patient ») and chapter III, "
              "art. 1 and 2 (group treatment, two or three patients in parallel)")

TOO_MANY_SESSIONS = Rule(
    code="DAY001",
    name="too-many-sessions-in-a-day",
    severity="warning",
    summary=N_("One practitioner (RPPS) bills more sessions on one date, across the invoices of the batch, than "
               "kinelint's threshold (sessions-per-day, 40 by default)."),
    rationale=(
        "A session lasts about thirty minutes and the physiotherapist gives it to one patient, save group and "
        "parallel care; the Assurance Maladie recovers sessions billed on days no practitioner can have worked. "
        "No text sets a number of sessions a day, so this is kinelint's threshold, a warning: set "
        "thresholds.sessions-per-day in the configuration to the figure your practice justifies (2 to 62). "
        "Reads practitioner.rpps and sessions[].date of every invoice of the run; reported once per practitioner "
        "and date, on the session that passes the threshold."
    ),
    source=_TITRE_XIV + "; the figure: kinelint/nomenclature/data/thresholds.toml (no text sets it, confidence L)",
    bad_example="41 sessions of RPPS 10101234563 dated 2026-03-02, over the invoices of a batch",
    good_example="at most 40 (or the configured sessions-per-day)",
)

OVERLAPPING_SESSIONS = Rule(
    code="DAY002",
    name="overlapping-sessions",
    severity="warning",
    summary=N_("Two sessions of one practitioner (RPPS) on one date overlap in time (start_time and "
               "duration_minutes), across the invoices of the batch."),
    rationale=(
        "The physiotherapist gives each session to one patient; two sessions at the same minutes are one "
        "practitioner in two places, unless they are group treatment or parallel care (Titre XIV chapter III, "
        "up to three patients), which the invoice does not say: hence a warning. Sessions that touch (one ends "
        "at 10:00, the next starts at 10:00) do not overlap. Reads practitioner.rpps, sessions[].date, "
        "sessions[].start_time and sessions[].duration_minutes: a session without both times is not judged."
    ),
    source=_TITRE_XIV,
    bad_example='a session "start_time": "09:00", "duration_minutes": 30 and another of the same RPPS that day at '
                '"09:29"',
    good_example='the second at "09:30" (touching) or later',
    reads=("sessions[].start_time", "sessions[].duration_minutes"),
    judges=lambda invoice: all(s.start is not None and s.minutes is not None for s in invoice.sessions),
)

RULES = (TOO_MANY_SESSIONS, OVERLAPPING_SESSIONS)
