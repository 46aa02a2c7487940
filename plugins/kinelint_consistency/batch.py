"""The CON checks across the invoices of a batch: repeated invoice ids, sessions billed twice, two
sessions of one prescription on one date.

A batch may hold a million invoices, so the checker keeps fingerprints, not
strings, in the core's compact ``KeyStore``: one per invoice id, with the
place of its first invoice (``DocRef.handle``, 8 bytes); per prescription one
with a bit mask of the session numbers billed so far (numbers above 62 get a
key of their own) and one with the place of its first invoice; and per
prescription and block of 64 days of care one with a bit mask of the days that
have a session (an invoice's sessions span a few weeks: one key, sometimes
two). About 95 bytes an invoice. A finding names its twin as a related
location (the core reads it again at the end): for a repeated id, always; for
a session billed twice, when the prescription had one earlier invoice (beyond
one, the store cannot tell which billed the session, and the finding only says
there is one).
"""

from __future__ import annotations

from kinelint.findings import Violation
from kinelint.i18n import N_, msg
from kinelint.keystore import KeyStore

from kinelint_consistency import same_day
from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE, TWO_SESSIONS_ONE_DAY_BATCH

_MASK_BITS = 62  # session numbers 1..62 live in the prescription's mask; beyond, a key each
_SEVERAL = 1 << 63  # in the first-invoice store: the prescription has more than one invoice (handles leave bit 63 free)
EARLIER = N_("earlier invoice")  # translated where the finding is located
_NO_PLACE = 1 << 62  # a ref without a handle (a test's): a place the core does not read back
_DAYS_PER_KEY = 64  # days with a session, per prescription: a 64-bit mask per block of 64 days


class BatchChecker:
    def __init__(self, nomenclature=None) -> None:
        self._nomenclature = nomenclature  # asked in keys() only: which sessions count for one-a-day
        self._invoice_ids = KeyStore()  # invoice id -> handle of its first invoice
        # prescription id -> mask of session numbers; "id\0number" beyond the mask;
        # "id\1block" -> mask of the days of that block of 64 days with a session (day ordinal // 64, bit % 64)
        self._billed = KeyStore()
        self._first_invoice = KeyStore()  # prescription id -> handle of its first invoice | _SEVERAL
        self._repeated: dict[str, int] = {}  # an id seen three times: its first handle (merges or the handles)
        self._found: list[tuple[object, Violation]] = []

    def keys(self, invoice) -> tuple:
        """What this checker needs of an invoice: small, picklable (it may travel between processes).

        Per session: index, number, date, and whether it counts for one-session-a-day (``same_day``).
        """
        nomenclature, territory, counts = self._nomenclature, invoice.territory, same_day.counts
        if nomenclature is None:
            return invoice.invoice_id, invoice.prescription_id, tuple(
                [(s.index, s.number, s.date, False) for s in invoice.sessions])
        on = nomenclature.on
        return invoice.invoice_id, invoice.prescription_id, tuple(
            [(s.index, s.number, s.date, counts(s, on(s.date, territory))) for s in invoice.sessions])

    def observe(self, keys: tuple, ref) -> None:
        invoice_id, prescription_id, sessions = keys
        handle = getattr(ref, "handle", 0) or _NO_PLACE  # never 0: the stores read 0 as "not seen"
        first = self._invoice_ids.merge(invoice_id, handle)
        if first:
            # The same invoice exported twice: one finding, not one more per session it repeats.
            first = self._repeated.setdefault(invoice_id, first)
            self._found.append((ref, Violation(
                DUPLICATE_INVOICE_ID.code,
                msg("invoice id {invoice_id} is already used by an earlier invoice of this batch; "
                    "each invoice needs its own id", invoice_id=invoice_id), "/invoice_id",
                related=((first, "/invoice_id", EARLIER),))))
            return
        billed_now, beyond_mask = 0, False
        for _, number, _, _ in sessions:
            if number <= _MASK_BITS:
                billed_now |= 1 << number
            else:
                beyond_mask = True
        mask = self._billed.merge(prescription_id, billed_now) if billed_now else self._billed.get(prescription_id)
        earlier = self._first_invoice.merge(prescription_id, handle)
        if earlier and not earlier & _SEVERAL:
            self._first_invoice.add(prescription_id, _SEVERAL)  # a second invoice: "the first" no longer tells which
        billed_twice = ()
        if mask & billed_now or beyond_mask:  # nearly always neither: no session to look at one by one
            billed_twice = self._billed_again(mask, prescription_id, sessions, ref, earlier)
        self._same_day(prescription_id, sessions, billed_twice, ref)

    def _billed_again(self, mask: int, prescription_id: str, sessions: tuple, ref, earlier: int = 0) -> set[int]:
        """Report each session billed before; record the sessions numbered beyond the mask.

        Returns the indexes of the sessions reported (their date is not reported again by CON012).
        ``earlier`` is the prescription's first invoice, the twin when it was the only one.
        """
        twin = ((earlier, "/invoice_id", EARLIER),) if earlier and not earlier & _SEVERAL else ()
        reported = set()
        for index, number, on, _ in sessions:
            if self._already_billed(mask, prescription_id, number):
                reported.add(index)
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    msg("{where}: session {number} of prescription {prescription} is already billed by an earlier "
                        "invoice of this batch; a session is billed once",
                        where=msg("session {number} ({date})", number=number, date=on), number=number,
                        prescription=prescription_id),
                    f"/sessions/{index}/number", related=twin)))
        for _, number, _, _ in sessions:
            if number > _MASK_BITS:
                self._billed.add(f"{prescription_id}\0{number}")
        return reported

    def _same_day(self, prescription_id: str, sessions: tuple, billed_twice, ref) -> None:
        """Days of this invoice that an earlier invoice of the prescription already has a session on.

        Days are kept per prescription and block of 64 days (a bit a day, the key's whole value): an
        invoice's sessions span a few weeks, so one key, now and then two.
        """
        days_by_block: dict[int, int] = {}
        for _, _, on, counts in sessions:
            if counts:
                block, bit = divmod(on.toordinal(), _DAYS_PER_KEY)
                days_by_block[block] = days_by_block.get(block, 0) | 1 << bit
        for block, days in days_by_block.items():
            taken = self._billed.merge(f"{prescription_id}\1{block}", days) & days
            if not taken:  # nearly always: the earlier invoices were on other days
                continue
            for index, number, on, counts in sessions:
                day_block, bit = divmod(on.toordinal(), _DAYS_PER_KEY)
                if not (counts and day_block == block and taken >> bit & 1):
                    continue
                taken &= ~(1 << bit)  # one finding a day: the invoice's own second session is CON011's
                if index in billed_twice:
                    continue  # the same session billed again: CON009 says so
                self._found.append((ref, Violation(
                    TWO_SESSIONS_ONE_DAY_BATCH.code,
                    msg("{where}: an earlier invoice of this batch already bills a session of prescription "
                        "{prescription} on that date; one prescription gives one session a day, save urgent airway "
                        "clearance, cystic fibrosis and burns", where=msg("session {number} ({date})", number=number,
                                                                          date=on), prescription=prescription_id),
                    f"/sessions/{index}/date")))

    def _already_billed(self, mask: int, prescription_id: str, number: int) -> bool:
        if number <= _MASK_BITS:
            return bool(mask >> number & 1)
        return bool(self._billed.get(f"{prescription_id}\0{number}"))

    def finish(self):
        return self._found
