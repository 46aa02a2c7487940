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

from operator import attrgetter

from kinelint.findings import Violation
from kinelint.i18n import N_, msg
from kinelint.keystore import KeyStore, fingerprint

from kinelint_consistency import same_day
from kinelint_consistency.rules import DUPLICATE_INVOICE_ID, SESSION_BILLED_TWICE, TWO_SESSIONS_ONE_DAY_BATCH

_MASK_BITS = 62  # session numbers 1..62 live in the prescription's mask; beyond, a key each
_SEVERAL = 1 << 63  # in the first-invoice store: the prescription has more than one invoice (handles leave bit 63 free)
EARLIER = N_("earlier invoice")  # translated where the finding is located
_NO_PLACE = 1 << 62  # a ref without a handle (a test's): a place the core does not read back
_DAYS_PER_KEY = 64  # days with a session, per prescription: a 64-bit mask per block of 64 days
_MARKS = (1 << 128) - 1  # fingerprints are 128 bits
_SPREAD = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd, 128 bits (the golden ratio's): blocks far apart as marks
_INDEX_NUMBER_DATE = attrgetter("index", "number", "date")  # what a finding says of a session
_DATES_KEPT = 2048  # dates remembered per territory by keys(): a batch's two years of dates, not every one a hostile file invents


def block_mark(prescription: int, block: int) -> int:
    """The fingerprint of (prescription, block of 64 days) from the prescription's own: no string to build
    and hash. Two keys share one only if their prescriptions' fingerprints differ by exactly the spread of
    their blocks (as unlikely as two fingerprints alike); never the prescription's own key (block + 1 > 0)."""
    return prescription ^ ((block + 1) * _SPREAD & _MARKS)


class BatchChecker:
    def __init__(self, nomenclature=None) -> None:
        self._nomenclature = nomenclature  # asked in keys() only: which sessions count for one-a-day
        self._invoice_ids = KeyStore()  # invoice id -> handle of its first invoice
        # prescription id -> mask of session numbers; "id\0number" beyond the mask;
        # block_mark(id, block) -> mask of the days of that block of 64 days with a session (day ordinal // 64,
        # bit % 64)
        self._billed = KeyStore()
        self._first_invoice = KeyStore()  # prescription id -> handle of its first invoice | _SEVERAL
        self._repeated: dict[str, int] = {}  # an id seen three times: its first handle (merges or the handles)
        self._found: list[tuple[object, Violation]] = []
        # keys() only, a memo of the nomenclature's answers (no batch state): territory -> date -> what it means
        self._dates: dict[str, dict] = {}

    def keys(self, invoice) -> tuple:
        """What this checker needs of an invoice: small, picklable (it may travel between processes).

        The masks ``observe`` merges are made here, where the invoice is (a worker, with ``--jobs``):
        the mask of session numbers up to 62, whether any is beyond, and per block of 64 days the days
        of the sessions that count for one-session-a-day (``same_day``), in the order the sessions
        give them. Then what a finding needs: per session (index, number, date), and the indexes of
        the sessions that do not count (nearly always none).
        """
        territory, sessions = invoice.territory, invoice.sessions
        dates = self._dates.get(territory) or self._dates_of(territory)
        numbers, beyond, days, exempt = 0, False, {}, ()
        for session in sessions:
            number = session.number
            if number <= _MASK_BITS:
                numbers |= 1 << number
            else:
                beyond = True
            on = session.date
            block, bit, letters = dates.get(on) or self._date(dates, on, territory)
            counts = letters is not None  # None: a date before the rule
            if letters:  # ARL, RPB that day: a session billing one of those letters asks its acts
                for act in session.acts:
                    if act.letter in letters:
                        counts = same_day.counts(session, self._nomenclature.on(on, territory))
                        break
            if counts:
                days[block] = days.get(block, 0) | bit
            else:
                exempt += (session.index,)
        return (invoice.invoice_id, invoice.prescription_id, numbers, beyond, tuple(days.items()),
                tuple(map(_INDEX_NUMBER_DATE, sessions)), exempt)

    def _dates_of(self, territory: str) -> dict:
        dates = self._dates[territory] = {}
        return dates

    def _date(self, dates: dict, on, territory: str) -> tuple:
        """What a date of care means to ``keys``: (block of 64 days, its bit, the letters with a two-a-day
        act that day, or None when sessions that day do not count), remembered per territory (bounded).

        Without a nomenclature, no session counts."""
        block, bit = divmod(on.toordinal(), _DAYS_PER_KEY)
        nomenclature = self._nomenclature
        letters = (None if nomenclature is None or on < same_day.RULE_FROM
                   else nomenclature.on(on, territory).letters_where(same_day._allows_two_a_day))
        known = (block, 1 << bit, letters)
        if len(dates) < _DATES_KEPT:
            dates[on] = known
        return known

    def observe(self, keys: tuple, ref) -> None:
        invoice_id, prescription_id, billed_now, beyond_mask, days, sessions, exempt = keys
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
        mark = fingerprint(prescription_id)  # one hashing for both stores keyed by the prescription
        billed, first_invoice = self._billed, self._first_invoice
        mask = billed.merge_mark(mark, billed_now) if billed_now else billed.get_mark(mark)
        earlier = first_invoice.merge_mark(mark, handle)
        if earlier and not earlier & _SEVERAL:
            first_invoice.merge_mark(mark, _SEVERAL)  # a second invoice: "the first" no longer tells which
        billed_twice = ()
        if mask & billed_now or beyond_mask:  # nearly always neither: no session to look at one by one
            billed_twice = self._billed_again(mask, prescription_id, sessions, ref, earlier)
        for block, days_now in days:  # the days of sessions that count, per block of 64 days: one block, or two
            taken = billed.merge_mark(block_mark(mark, block), days_now) & days_now
            if taken:  # nearly never: the earlier invoices were on other days
                self._same_day(prescription_id, sessions, exempt, block, taken, billed_twice, ref)

    def _billed_again(self, mask: int, prescription_id: str, sessions: tuple, ref, earlier: int = 0) -> set[int]:
        """Report each session billed before; record the sessions numbered beyond the mask.

        Returns the indexes of the sessions reported (their date is not reported again by CON012).
        ``earlier`` is the prescription's first invoice, the twin when it was the only one.
        """
        twin = ((earlier, "/invoice_id", EARLIER),) if earlier and not earlier & _SEVERAL else ()
        reported = set()
        for index, number, on in sessions:
            if self._already_billed(mask, prescription_id, number):
                reported.add(index)
                self._found.append((ref, Violation(
                    SESSION_BILLED_TWICE.code,
                    msg("{where}: session {number} of prescription {prescription} is already billed by an earlier "
                        "invoice of this batch; a session is billed once",
                        where=msg("session {number} ({date})", number=number, date=on), number=number,
                        prescription=prescription_id),
                    f"/sessions/{index}/number", related=twin)))
        for _, number, _ in sessions:
            if number > _MASK_BITS:
                self._billed.add(f"{prescription_id}\0{number}")
        return reported

    def _same_day(self, prescription_id: str, sessions: tuple, exempt: tuple, block: int, taken: int,
                  billed_twice, ref) -> None:
        """Report the sessions of this invoice on days of ``block`` that an earlier invoice of the
        prescription already has a session on (``taken``, a bit a day).

        Days are kept per prescription and block of 64 days (a bit a day, the key's whole value): an
        invoice's sessions span a few weeks, so one key, now and then two.
        """
        for index, number, on in sessions:
            day_block, bit = divmod(on.toordinal(), _DAYS_PER_KEY)
            if not (day_block == block and taken >> bit & 1) or index in exempt:
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
