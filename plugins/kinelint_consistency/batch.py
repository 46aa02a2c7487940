"""The CON checks across the invoices of a batch: repeated invoice ids, sessions billed twice.

A batch may hold a million invoices, so the checker keeps only small keys:
the invoice ids seen, and per prescription id the session numbers already
billed with the id of the invoice that billed them first; ``ref`` objects are
kept only for the invoices that have a finding.
"""

from __future__ import annotations

from kinelint.findings import Violation
from kinelint.rulekit import session_label

from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE


class BatchChecker:
    def __init__(self) -> None:
        self._invoice_ids: set[str] = set()
        self._billed: dict[str, dict[int, str]] = {}  # prescription id -> session number -> first invoice id
        self._found: list[tuple[object, Violation]] = []

    def observe(self, invoice, ref) -> None:
        if invoice.invoice_id in self._invoice_ids:
            # The same invoice exported twice: one finding, not one more per session it repeats.
            self._found.append((ref, Violation(
                DUPLICATE_INVOICE_ID.code,
                f"invoice id {invoice.invoice_id} is already used by an earlier invoice of this batch; "
                f"each invoice needs its own id", "/invoice_id")))
            return
        self._invoice_ids.add(invoice.invoice_id)
        billed = self._billed.setdefault(invoice.prescription_id, {})
        for session in invoice.sessions:
            first = billed.get(session.number)
            if first is not None:
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    f"{session_label(session)}: session {session.number} of prescription {invoice.prescription_id} is "
                    f"already billed by invoice {first}; a session is billed once", session.pointer + "/number")))
        for session in invoice.sessions:
            billed.setdefault(session.number, invoice.invoice_id)

    def finish(self):
        return self._found
