"""Which sessions count for "two sessions of one prescription on one date" (CON011, CON012).

Since 2024-02-22 two sessions on one day are paid only with two prescriptions
(different articles, two regions); one prescription, one session a day, save
the acts the nomenclature marks ``two_a_day`` (urgent airway clearance ARL
8.49, cystic fibrosis ARL 10, burns RPB). A session that bills such an act is
left out: it may be one of two that day. An act the catalogue does not know
that day is not one of them (it is COE's finding), so its session counts.
"""

from __future__ import annotations

from datetime import date

# The dispositions liminaires of Titre XIV that state the rule came with the 2024-02-22 nomenclature
# (UNCAM decision of 14 Dec 2023, JORF 8 Feb 2024); before it, two sessions a day fell under the general
# rule of art. 11 B (a second act at half rate), which an invoice of this format cannot tell from a fault.
RULE_FROM = date(2024, 2, 22)


def counts(session, day) -> bool:
    """True when the session is one of the day's "one session per prescription" (dated, no two-a-day act)."""
    if session.date < RULE_FROM:
        return False
    letters = day.letters_where(_allows_two_a_day)  # ARL, RPB: a cheap first test for every session
    for act in session.acts:
        if act.letter in letters:  # nearly never: most letters have no two-a-day act, no lookup
            known = day.act(act.letter, act.coefficient)
            if known is not None and known.two_a_day:
                return False
    return True


def _allows_two_a_day(act) -> bool:
    return act.two_a_day
