"""The CON checks across the invoices of a batch: repeated invoice ids, sessions billed twice.

A batch may hold a million invoices, so the checker keeps fingerprints, not
strings, in the core's compact ``KeyStore``: one per invoice id, and per
prescription one with a bit mask of the session numbers billed so far
(numbers above 62 get a key of their own). About 40 bytes an invoice. The
price: a finding cannot name the earlier invoice, only say that there is one.
"""

from __future__ import annotations

from kinelint.findings import Violation
from kinelint.i18n import msg
from kinelint.keystore import KeyStore

from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE

_MASK_BITS = 62  # session numbers 1..62 live in the prescription's mask; beyond, a key each


class BatchChecker:
    def __init__(self) -> None:
        self._invoice_ids = KeyStore(values=False)
        self._billed = KeyStore()  # prescription id -> mask of session numbers; "id\0number" beyond the mask
        self._found: list[tuple[object, Violation]] = []

    @staticmethod
    def keys(invoice) -> tuple:
        """What this checker needs of an invoice: small, picklable (it may travel between processes)."""
        return invoice.invoice_id, invoice.prescription_id, tuple((s.index, s.number, s.date) for s in invoice.sessions)

    def observe(self, keys: tuple, ref) -> None:
        invoice_id, prescription_id, sessions = keys
        if self._invoice_ids.merge(invoice_id):
            # The same invoice exported twice: one finding, not one more per session it repeats.
            self._found.append((ref, Violation(
                DUPLICATE_INVOICE_ID.code,
                msg("invoice id {invoice_id} is already used by an earlier invoice of this batch; "
                    "each invoice needs its own id", invoice_id=invoice_id), "/invoice_id")))
            return
        billed_now, beyond_mask = 0, False
        for _, number, _ in sessions:
            if number <= _MASK_BITS:
                billed_now |= 1 << number
            else:
                beyond_mask = True
        mask = self._billed.merge(prescription_id, billed_now) if billed_now else self._billed.get(prescription_id)
        if mask & billed_now or beyond_mask:  # nearly always neither: no session to look at one by one
            self._billed_again(mask, prescription_id, sessions, ref)

    def _billed_again(self, mask: int, prescription_id: str, sessions: tuple, ref) -> None:
        """Report each session billed before; record the sessions numbered beyond the mask."""
        for index, number, on in sessions:
            if self._already_billed(mask, prescription_id, number):
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    msg("{where}: session {number} of prescription {prescription} is already billed by an earlier "
                        "invoice of this batch; a session is billed once",
                        where=msg("session {number} ({date})", number=number, date=on), number=number,
                        prescription=prescription_id),
                    f"/sessions/{index}/number")))
        for _, number, _ in sessions:
            if number > _MASK_BITS:
                self._billed.add(f"{prescription_id}\0{number}")

    def _already_billed(self, mask: int, prescription_id: str, number: int) -> bool:
        if number <= _MASK_BITS:
            return bool(mask >> number & 1)
        return bool(self._billed.get(f"{prescription_id}\0{number}"))

    def finish(self):
        return self._found
