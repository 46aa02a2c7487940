"""The CON checks across the invoices of a batch: repeated invoice ids, sessions billed twice.

A batch may hold a million invoices, so the checker keeps fingerprints, not
strings, in the core's compact ``KeyStore``: one per invoice id, with the
place of its first invoice (``DocRef.handle``, 8 bytes), and per prescription
one with a bit mask of the session numbers billed so far (numbers above 62
get a key of their own) and one with the place of its first invoice. About
50 bytes an invoice. A finding names its twin as a related location (the core
reads it again at the end): for a repeated id, always; for a session billed
twice, when the prescription had one earlier invoice (beyond one, the store
cannot tell which billed the session, and the finding only says there is one).
"""

from __future__ import annotations

from kinelint.findings import Violation
from kinelint.keystore import KeyStore

from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE

_MASK_BITS = 62  # session numbers 1..62 live in the prescription's mask; beyond, a key each
_SEVERAL = 1 << 63  # in the first-invoice store: the prescription has more than one invoice (handles leave bit 63 free)
EARLIER = "earlier invoice"
_NO_PLACE = 1 << 62  # a ref without a handle (a test's): a place the core does not read back


class BatchChecker:
    def __init__(self) -> None:
        self._invoice_ids = KeyStore()  # invoice id -> handle of its first invoice
        self._billed = KeyStore()  # prescription id -> mask of session numbers; "id\0number" beyond the mask
        self._first_invoice = KeyStore()  # prescription id -> handle of its first invoice | _SEVERAL
        self._repeated: dict[str, int] = {}  # an id seen three times: its first handle (merges or the handles)
        self._found: list[tuple[object, Violation]] = []

    @staticmethod
    def keys(invoice) -> tuple:
        """What this checker needs of an invoice: small, picklable (it may travel between processes)."""
        return invoice.invoice_id, invoice.prescription_id, tuple((s.index, s.number, s.date) for s in invoice.sessions)

    def observe(self, keys: tuple, ref) -> None:
        invoice_id, prescription_id, sessions = keys
        handle = getattr(ref, "handle", 0) or _NO_PLACE  # never 0: the stores read 0 as "not seen"
        first = self._invoice_ids.merge(invoice_id, handle)
        if first:
            # The same invoice exported twice: one finding, not one more per session it repeats.
            first = self._repeated.setdefault(invoice_id, first)
            self._found.append((ref, Violation(
                DUPLICATE_INVOICE_ID.code,
                f"invoice id {invoice_id} is already used by an earlier invoice of this batch; "
                f"each invoice needs its own id", "/invoice_id", related=((first, "/invoice_id", EARLIER),))))
            return
        billed_now, beyond_mask = 0, False
        for _, number, _ in sessions:
            if number <= _MASK_BITS:
                billed_now |= 1 << number
            else:
                beyond_mask = True
        mask = self._billed.merge(prescription_id, billed_now) if billed_now else self._billed.get(prescription_id)
        earlier = self._first_invoice.merge(prescription_id, handle)
        if earlier and not earlier & _SEVERAL:
            self._first_invoice.add(prescription_id, _SEVERAL)  # a second invoice: "the first" no longer tells which
        if mask & billed_now or beyond_mask:  # nearly always neither: no session to look at one by one
            self._billed_again(mask, prescription_id, sessions, ref, earlier)

    def _billed_again(self, mask: int, prescription_id: str, sessions: tuple, ref, earlier: int = 0) -> None:
        """Report each session billed before; record the sessions numbered beyond the mask."""
        twin = ((earlier, "/invoice_id", EARLIER),) if earlier and not earlier & _SEVERAL else ()
        for index, number, on in sessions:
            if self._already_billed(mask, prescription_id, number):
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    f"session {number} ({on.isoformat()}): session {number} of prescription {prescription_id} "
                    f"is already billed by an earlier invoice of this batch; a session is billed once",
                    f"/sessions/{index}/number", related=twin)))
        for _, number, _ in sessions:
            if number > _MASK_BITS:
                self._billed.add(f"{prescription_id}\0{number}")

    def _already_billed(self, mask: int, prescription_id: str, number: int) -> bool:
        if number <= _MASK_BITS:
            return bool(mask >> number & 1)
        return bool(self._billed.get(f"{prescription_id}\0{number}"))

    def finish(self):
        return self._found
