"""The CUM checks on acts: one coting per session, supplements, isolated bilans, and which act opens
which specific indemnity.

Every act is looked up once in the nomenclature's act catalogue on its
session's date (``Day.act``): its kind ("rehabilitation", "isolated_bilan",
"bdk", "balneotherapy", "bandage"), its article and the specific indemnities
a home visit for it may add that day. No act table lives here. An act the
catalogue does not know that day (a wrong or obsolete coefficient) is COE's
or OBS's finding: the checks below do not guess what it was meant to be, and
stay silent where it could change their answer.
"""

from __future__ import annotations

from collections.abc import Iterator

from kinelint.i18n import Joined, any_of, msg
from kinelint.rulekit import named_act, ruling, session_label

from kinelint_cumul.rules import (SUPPLEMENT_INCLUDED, ISOLATED_BILAN_WITH_TREATMENT, SPECIFIC_WITHOUT_ITS_ACT,
                                  SUPPLEMENT_WITHOUT_ACT, TWO_CODINGS)

REHABILITATION = "rehabilitation"
SUPPLEMENTS = ("balneotherapy", "bandage")


def check_invoice(invoice, nomenclature) -> Iterator:
    bilans = []  # isolated bilans: (session, act, known)
    on, territory = nomenclature.on, invoice.territory
    for session in invoice.sessions:
        yield from check_session(session, on(session.date, territory), nomenclature, bilans)
    if bilans:  # rare: only now look for the invoice's first rehabilitation act
        treatment = _first_treatment(invoice, nomenclature)
        if treatment is not None:
            for session, act, known in bilans:
                yield _isolated_bilan(session, act, known, *treatment)


def check_session(session, day, nomenclature, bilans: list) -> Iterator:
    """The findings of one session; its isolated bilans are added to ``bilans`` (judged per invoice)."""
    specific = False
    if session.fees and session.place == "domicile":  # away from home a travel fee is CUM004's
        group = nomenclature.fee_group
        for fee in session.fees:
            if group(fee.code) == "specific":
                specific = True
                break
    if not specific and _one_plain_act(session, day):
        return  # most sessions: one act (beside a BDK or not) of a letter with nothing but treatments
    acts = []
    treatments = others = 0  # acts other than BDKs: rehabilitation ones, and the rest (or unknown)
    for act in session.acts:
        known = day.act(act.letter, act.coefficient)
        acts.append((act, known))
        if act.bdk:
            continue
        if known is not None and known.kind == REHABILITATION:
            treatments += 1
        else:
            others += 1
            if known is not None and known.kind == "isolated_bilan":
                bilans.append((session, act, known))
    one_treatment = treatments == 1 and not others
    if specific or not one_treatment:
        judged = _Session(session, day, nomenclature, acts)
        if specific:
            yield from judged.specific_without_its_act()
        if not one_treatment:
            yield from judged.codings()


def lone_treatment(act, day) -> bool:
    """True when ``act``, the one act of a session besides BDKs, leaves the act checks nothing to say of a
    session without a specific indemnity: a rehabilitation act, or any act of a letter that has nothing
    else that day (an unknown coefficient of such a letter is COE's)."""
    if act.bdk:
        return False
    if act.letter not in day.letters_where(_beyond_treatment):
        return True
    known = day.act(act.letter, act.coefficient)
    return known is not None and known.kind == REHABILITATION


def _one_plain_act(session, day) -> bool:
    """One act besides BDKs, of a letter whose acts that day are all rehabilitation acts (RIC, not AMK or RAV).

    Such a session has nothing for the act checks to judge: no second coting, no supplement, no
    isolated bilan (an unknown coefficient of that letter is COE's), so its act is not even looked up.
    """
    plain = None
    for act in session.acts:
        if not act.bdk:
            if plain is not None:
                return False
            plain = act
    if plain is None:
        return False
    # The letters with some act other than a rehabilitation act that day (AMK: bilans, BDK, balneotherapy;
    # RAV: bandages): a session whose single act has another letter needs no lookup.
    return plain.letter not in day.letters_where(_beyond_treatment)


def _beyond_treatment(act) -> bool:
    return act.kind != REHABILITATION


def _first_treatment(invoice, nomenclature):
    """The invoice's first rehabilitation act: (session, billed act, catalogue act), or None."""
    for session in invoice.sessions:
        day = nomenclature.on(session.date, invoice.territory)
        for act in session.acts:
            known = None if act.bdk else day.act(act.letter, act.coefficient)
            if known is not None and known.kind == REHABILITATION:
                return session, act, known
    return None


class _Session:
    """The act checks of one session: its acts with what the catalogue says of each."""

    def __init__(self, session, day, nomenclature, acts) -> None:
        self.session = session
        self.day = day
        self.nomenclature = nomenclature
        self.acts = acts  # (billed act, catalogue act or None)

    @property
    def where(self) -> str:
        return session_label(self.session)

    def specific_without_its_act(self) -> Iterator:
        """A specific indemnity none of the session's acts opens that day (asked for home visits with a
        specific indemnity only: elsewhere CUM004 says the fee is out of place)."""
        if any(known is None for act, known in self.acts if not act.bdk):
            return  # an act kinelint cannot name might be the one that opens it
        opened = set()
        for _, known in self.acts:
            opened |= known.specific_indemnities if known is not None else set()
        reported = set()
        for fee in self.session.fees:
            if fee.code in opened or fee.code in reported or self.nomenclature.fee_group(fee.code) != "specific":
                continue
            status = self.day.fee_status(fee.code)
            if status.state != "in_force":
                continue  # retired, not yet created or unknown: OBS says so and what replaced it
            reported.add(fee.code)
            yield ruling(
                SPECIFIC_WITHOUT_ITS_ACT.code,
                msg("{where}: {code} is billed but no act of this session opens it on {date}: {opened}; bill the "
                    "indemnity the act opens, or IFD", where=self.where, code=fee.code, date=self.session.date,
                    opened=self._what_they_open()),
                fee.pointer, facts=[status.fact, *(known.fact for _, known in self.acts if known is not None)])

    def _what_they_open(self) -> str:
        main = [(act, known) for act, known in self.acts if known is not None and known.kind not in SUPPLEMENTS
                and not act.bdk and known.kind != "bdk"] or [(act, known) for act, known in self.acts if known]
        return Joined([msg("{act} opens {indemnities}", act=named_act(known), indemnities=_opens(known))
                       for _, known in main], "; ")

    def codings(self) -> Iterator:
        """Two rehabilitation acts, a supplement with nothing to supplement, or one its act already
        includes (the bandage of RAV 15.5)."""
        treatments = [(act, known) for act, known in self.acts
                      if known is not None and known.kind == REHABILITATION and not act.bdk]
        if len(treatments) > 1:
            (_, first), (second_act, second) = treatments[0], treatments[1]
            yield ruling(
                TWO_CODINGS.code,
                msg("{where}: {first} and {second} are two codings in one session; a session has one coting, that "
                    "of the affection or territory treated (several limbs, or trunk and limbs: the TER act); bill "
                    "one act, or two sessions on two prescriptions", where=self.where, first=named_act(first),
                    second=named_act(second)),
                second_act.pointer, facts=[first.fact, second.fact])
        unknown = any(known is None for act, known in self.acts if not act.bdk)
        for act, known in self.acts:
            if known is None or known.kind not in SUPPLEMENTS:
                continue
            supplemented = [other for _, other in treatments if known.kind == "balneotherapy"
                            or other.article == known.article]
            if not supplemented and not unknown:
                yield self._unsupplemented(act, known)
            else:
                for other in supplemented:
                    if known.kind in other.includes:
                        yield ruling(
                            SUPPLEMENT_INCLUDED.code,
                            msg("{where}: {act} is billed with {other}, whose coting already includes the "
                                "{supplement}; remove the supplement", where=self.where, act=named_act(known),
                                other=named_act(other), supplement=_supplement_words(known.kind)),
                            act.pointer, facts=[known.fact, other.fact])

    def _unsupplemented(self, act, known):
        what = msg("a chapter II rehabilitation act") if known.kind == "balneotherapy" else (
            msg("a rehabilitation act of the same article ({article})", article=known.article))
        return ruling(
            SUPPLEMENT_WITHOUT_ACT.code,
            msg("{where}: {act} is a supplement and this session bills no act it supplements; it is billed on top "
                "of {what} of the same session", where=self.where, act=named_act(known), what=what),
            act.pointer, facts=[known.fact])


def _opens(known) -> str:
    if not known.specific_indemnities:
        return msg("no specific indemnity (IFD only)")
    return any_of(sorted(known.specific_indemnities))


def _supplement_words(kind: str):
    return {"bandage": lambda: msg("bandage"), "balneotherapy": lambda: msg("balneotherapy")}.get(kind, lambda: kind)()


def _isolated_bilan(session, act, known, treated_session, treated_act, treatment):
    where = msg("in this session") if treated_session is session else msg("in {session}",
                                                                          session=session_label(treated_session))
    return ruling(
        ISOLATED_BILAN_WITH_TREATMENT.code,
        msg("{where}: {act} is an isolated bilan, billed only when no rehabilitation is ongoing or co-prescribed, "
            "and this invoice bills {treatment} {place}; during a treatment the assessment is the bilan-diagnostic "
            "kinésithérapique (BDK), not an isolated bilan", where=session_label(session), act=named_act(known),
            treatment=named_act(treatment), place=where),
        act.pointer, facts=[known.fact, treatment.fact])
