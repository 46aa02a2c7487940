"""The PRE checks, on an invoice whose prescription says it does not send the care home."""

from __future__ import annotations

from collections.abc import Iterator

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.rulekit import session_label

from kinelint_prescription.rules import TRAVEL_WITHOUT_HOME_CARE

# The fee groups of fees.toml that pay the practitioner's journey (art. 13: flat, specific, per kilometre).
TRAVEL_GROUPS = frozenset({"travel", "specific", "km"})


def check_invoice(invoice, nomenclature) -> Iterator[Violation]:
    """Each travel fee of a session at home, the money at stake its amount (billed too much).

    Away from home a travel fee is already wrong for its place (CUM004): one finding, not two.
    """
    for session in invoice.sessions:
        if not session.at_home:
            continue
        for fee in session.fees:
            if nomenclature.fee_group(fee.code) not in TRAVEL_GROUPS:
                continue
            yield Violation(
                TRAVEL_WITHOUT_HOME_CARE.code,
                msg("{where}: {code} is a travel fee but the prescription does not ask for care at the patient's "
                    "home (home_care is false); travel fees are due only for care the prescription sends home: "
                    "remove {code} or correct the prescription's home_care", where=session_label(session),
                    code=fee.code),
                fee.pointer + "/code", money=fee.amount)
