"""The CON checks across the invoices of a batch: repeated invoice ids, sessions billed twice.

A batch may hold a million invoices, so the checker keeps fingerprints, not
strings: a 128-bit fingerprint per invoice id, and per prescription a
fingerprint and a bit mask of the session numbers billed so far (numbers above
62 go to a set of their own). About 180 bytes an invoice. The price: a
finding cannot name the earlier invoice, only say that there is one.
"""

from __future__ import annotations

from kinelint.findings import Violation

from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE

_MASK_BITS = 62  # session numbers 1..62 live in the mask (a small int); beyond, in a set
_WORD = (1 << 64) - 1


def fingerprint(key: str) -> int:
    """Two independent 64-bit string hashes: a 128-bit fingerprint (stable within one run)."""
    return (hash(key) & _WORD) | ((hash(key + "\0") & _WORD) << 64)


class BatchChecker:
    def __init__(self) -> None:
        self._invoice_ids: set[int] = set()
        self._billed: dict[int, int] = {}  # prescription fingerprint -> mask of session numbers
        self._billed_high: set[int] = set()  # fingerprints of (prescription, number > 62)
        self._found: list[tuple[object, Violation]] = []

    @staticmethod
    def keys(invoice) -> tuple:
        """What this checker needs of an invoice: small, picklable (it may travel between processes)."""
        return invoice.invoice_id, invoice.prescription_id, tuple((s.index, s.number, s.date) for s in invoice.sessions)

    def observe(self, keys: tuple, ref) -> None:
        invoice_id, prescription_id, sessions = keys
        identity = fingerprint(invoice_id)
        if identity in self._invoice_ids:
            # The same invoice exported twice: one finding, not one more per session it repeats.
            self._found.append((ref, Violation(
                DUPLICATE_INVOICE_ID.code,
                f"invoice id {invoice_id} is already used by an earlier invoice of this batch; "
                f"each invoice needs its own id", "/invoice_id")))
            return
        self._invoice_ids.add(identity)
        treatment = fingerprint(prescription_id)
        mask = self._billed.get(treatment, 0)
        billed_now, billed_high = 0, []
        for index, number, on in sessions:
            if self._already_billed(treatment, mask, prescription_id, number):
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    f"session {number} ({on.isoformat()}): session {number} of prescription {prescription_id} "
                    f"is already billed by an earlier invoice of this batch; a session is billed once",
                    f"/sessions/{index}/number")))
            elif number <= _MASK_BITS:
                billed_now |= 1 << number
            else:
                billed_high.append(fingerprint(f"{prescription_id}\0{number}"))
        if billed_now:
            self._billed[treatment] = mask | billed_now
        self._billed_high.update(billed_high)

    def _already_billed(self, treatment: int, mask: int, prescription_id: str, number: int) -> bool:
        if number <= _MASK_BITS:
            return bool(mask >> number & 1)
        return fingerprint(f"{prescription_id}\0{number}") in self._billed_high

    def finish(self):
        return self._found
