"""The BDK rules: the bilan diagnostic kinésithérapique, missing, misplaced or mis-coded."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_
from kinelint.rulekit import NGAP

_DECISION = f"{NGAP}, Titre XIV chap. I section 2, 3 (as modified by the UNCAM decision of 16 Apr 2018, in force 2018-07-01)"

MISSING_INITIAL = Rule(
    code="BDK001",
    name="missing-initial-bdk",
    severity="error",
    summary=N_("The first session of a prescription has no BDK act."),
    rationale=(
        "Since 2018-07-01 every treatment starts with the bilan diagnostic kinésithérapique, whatever the "
        "number of sessions prescribed; a first session without it is a bilan done and not billed, or a "
        "session number that is wrong."
    ),
    source=f"{_DECISION} (H)",
    bad_example="session 1 on 2026-01-12: RIC 8.12 alone",
    good_example='session 1 on 2026-01-12: AMK 10.7 with "bdk": true, plus RIC 8.12',
)

WRONG_CODING = Rule(
    code="BDK002",
    name="bdk-wrong-coding",
    severity="error",
    summary=N_("An act marked as the BDK is not a BDK letter and coefficient on its date of care."),
    rationale=(
        "The BDK is AMK 10.7 (general) or AMK 10.8 (neurological and muscular affections) since 2018-07-01, "
        "AMK/AMS/AMC 8.1 or 10.1 before; any other value is rejected or underpaid."
    ),
    source=f"{_DECISION} (H)",
    bad_example='AMK 8.1 "bdk": true on 2018-07-01; AMK 10.7 "bdk": true on 2018-06-30',
    good_example='AMK 10.7 "bdk": true on 2018-07-01; AMK 8.1 "bdk": true on 2018-06-30',
)

OFF_SCHEDULE = Rule(
    code="BDK003",
    name="bdk-off-schedule",
    severity="error",
    summary=N_("A BDK is billed at a session that is not a bilan point."),
    rationale=(
        "The BDK is billed at the first session, then (general case) at the 30th and every 20 sessions, or "
        "(neurological) at the 60th and every 50. kinelint reads 'at the 30th session' as session 30 itself; "
        "because the wording is M, a BDK one session after a renewal point (31st, 51st…) is only a warning, "
        "and so is every neurological finding (that schedule is M)."
    ),
    source=f"{_DECISION} (H; whether 'at the 30th session' means the 30th or the 31st is a reading: a warning)",
    bad_example='AMK 10.7 "bdk": true at session 12',
    good_example='AMK 10.7 "bdk": true at session 1 and session 30',
)

TWO_IN_SESSION = Rule(
    code="BDK004",
    name="two-bdk-in-session",
    severity="error",
    summary=N_("Two acts of one session are marked as the BDK."),
    rationale="One session holds one bilan; a second BDK is a duplicate line or a mis-flagged act.",
    source=f"{_DECISION} (H)",
    bad_example='AMK 10.7 "bdk": true twice in session 1',
    good_example='AMK 10.7 "bdk": true once in session 1, plus the act of the session',
)

WITHOUT_SESSION_ACT = Rule(
    code="BDK005",
    name="bdk-without-session-act",
    severity="warning",
    summary=N_("A BDK is the only act of its session."),
    rationale=(
        "The BDK is billed in addition to the act of the session it is done in; a session holding only "
        "the bilan usually lost its rehabilitation act. The NGAP only says the bilan's cotation is a flat rate; "
        "billing it beside the act rests on one good secondary source (M), hence a warning."
    ),
    source=f"{_DECISION} (the bilan's cotation is a flat rate: M for billing it beside the act)",
    bad_example='session 1: AMK 10.7 "bdk": true alone',
    good_example='session 1: AMK 10.7 "bdk": true plus RIC 8.12',
)

TELECARE_INITIAL = Rule(
    code="BDK006",
    name="initial-bdk-in-telecare",
    severity="error",
    summary=N_("The first session, with the initial BDK, is billed as telecare."),
    rationale="The first session with the initial bilan must be done in person; it cannot be telecare.",
    source="ameli.fr, entrée en vigueur de nouvelles mesures prévues à l'avenant 7 (télésoin) (H)",
    bad_example='session 1 with AMK 10.7 "bdk": true, "place": "telesoin"',
    good_example='session 1 with AMK 10.7 "bdk": true, "place": "cabinet"; later sessions may be telecare',
)

SHORT_SERIES = Rule(
    code="BDK007",
    name="bdk-short-series",
    severity="error",
    summary=N_("Before 2018-07-01, a BDK is billed for a prescription of fewer sessions than the minimum series."),
    rationale="Until 2018-06-30 the BDK was only due for series of 10 sessions or more.",
    source="arrêté of 13 Oct 2003 (JORF 17 Oct 2003), NGAP Titre XIV chap. I section 2, 3 before the UNCAM decision of 16 Apr 2018 (H)",
    bad_example='prescription of 8 sessions, AMK 8.1 "bdk": true on 2018-03-05',
    good_example='prescription of 10 sessions, AMK 8.1 "bdk": true on 2018-03-05',
)

RULES = (MISSING_INITIAL, WRONG_CODING, OFF_SCHEDULE, TWO_IN_SESSION, WITHOUT_SESSION_ACT, TELECARE_INITIAL,
         SHORT_SERIES)
