"""When did the BDK coefficients of a date come into force, and until when do they stay?

``BdkRule`` does not carry its validity window, so the dates of a change are
found by asking ``bdk_rule`` itself: gallop day-doubling away from the date of
care until the coefficients differ, then bisect to the day. Only run when a
finding is worded (a few dozen queries), never on clean invoices.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
FAR = 1 << 16  # days (about 180 years): beyond that, the window is taken as open


def same_coefficients_edge(nomenclature, on: date, forward: bool) -> date | None:
    """The last (``forward``) or first day of the run of days sharing ``on``'s BDK coefficients; None if open."""
    reference = nomenclature.bdk_rule(on).coefficients
    step = ONE_DAY if forward else -ONE_DAY

    def same(day: date) -> bool:
        rule = nomenclature.bdk_rule(day)
        return rule is not None and rule.coefficients == reference

    good, jump = on, 1
    while True:
        if jump > FAR:
            return None
        try:
            probe = good + step * jump
        except OverflowError:
            return None
        if not same(probe):
            break
        good, jump = probe, jump * 2
    bad = probe
    while abs((bad - good).days) > 1:
        middle = good + step * (abs((bad - good).days) // 2)
        if same(middle):
            good = middle
        else:
            bad = middle
    return good


def neighbour_kind(nomenclature, edge: date, forward: bool, coefficient) -> str | None:
    """The BDK kind ``coefficient`` has in the window just past ``edge``, if any."""
    rule = nomenclature.bdk_rule(edge + (ONE_DAY if forward else -ONE_DAY))
    return rule.kind_of(coefficient) if rule is not None else None
