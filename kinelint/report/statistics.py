"""``--statistics``: the findings counted per family and per code, with the money at stake of each.

What a billing office reads first: which families of faults, how many, and
what they cost (money billed too much and too little, exact). As text, a
family line then its codes, most frequent first; with ``--format json`` one
object (``#/$defs/statistics`` in ``schemas/findings-1.schema.json``), with
``--format jsonl`` one object per code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kinelint.report.docs import FAMILY_NAMES
from kinelint.findings import Finding, MoneyAtStake, Rule, Summary
from kinelint.i18n import DEFAULT_LANGUAGE, Euros, Joined, Money, msg, nmsg, render, translate
from kinelint.report.jsontext import dumps

JSON_FORMATS = ("json", "jsonl")


class Statistics:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.money: dict[str, MoneyAtStake] = {}  # by code, for the codes whose findings carry money
        self.not_judged: Counter[str] = Counter()  # by code: valid invoices without a field the rule needs

    def add(self, finding: Finding) -> None:
        self.counts[finding.code] += 1
        if finding.money is not None:
            self.money.setdefault(finding.code, MoneyAtStake()).add(finding.money)

    def families(self) -> list[tuple[str, int, MoneyAtStake | None, list[str]]]:
        """(family, count, money or None, codes), most frequent first; codes likewise."""
        grouped: dict[str, list[str]] = {}
        for code in self.counts:
            grouped.setdefault(code[:3], []).append(code)
        result = []
        for family, codes in grouped.items():
            codes.sort(key=lambda code: (-self.counts[code], code))
            stakes = [self.money[code] for code in codes if code in self.money]
            money = None
            if stakes:
                money = MoneyAtStake()
                for stake in stakes:
                    money.over += stake.over
                    money.under += stake.under
            result.append((family, sum(self.counts[code] for code in codes), money, codes))
        result.sort(key=lambda item: (-item[1], item[0]))
        return result

    def lines(self, rules: Mapping[str, Rule], lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """Text: ``3  TAR  (amounts)`` then ``2  TAR001  act-amount-mismatch  0.02 too much`` under it."""
        families = self.families()
        width = max((len(str(count)) for _, count, _, _ in families), default=1)
        names = max([len(_name(code, rules)) for code in self.counts]
                    + [len(_family_name(family, lang)) - 3 for family, _, _, _ in families], default=0)
        lines = []
        for family, count, money, codes in families:
            lines.append(f"{count:>{width}}  {family}  {_family_name(family, lang):<{names + 3}}  "
                         f"{_words(money, lang)}".rstrip())
            for code in codes:
                lines.append(f"{self.counts[code]:>{width}}  {code}  {_name(code, rules):<{names}}  "
                             f"{_words(self.money.get(code), lang)}".rstrip())
        return lines + self._not_judged_lines(rules, lang)

    def _not_judged_lines(self, rules: Mapping[str, Rule], lang: str) -> list[str]:
        """``not judged: 120 invoices by PRE001 travel-fee-without-home-care, for lack of prescription.home_care``."""
        return [render(nmsg("not judged: {count} invoice by {code} {name}, for lack of {fields}",
                            "not judged: {count} invoices by {code} {name}, for lack of {fields}", count,
                            count=count, code=code, name=_name(code, rules), fields=_fields(code, rules)), lang)
                for code, count in self._not_judged_order()]

    def _not_judged_order(self) -> list[tuple[str, int]]:
        return sorted(self.not_judged.items(), key=lambda item: (-item[1], item[0]))

    def _not_judged_entries(self, rules: Mapping[str, Rule]) -> list[dict]:
        return [{"code": code, "name": _name(code, rules), "invoices": count,
                 "reads": list(rules[code].reads) if code in rules else []} for code, count in self._not_judged_order()]

    def as_dict(self, rules: Mapping[str, Rule], summary: Summary, tool: dict | None = None) -> dict:
        """``tool``: the version and rule set of the run (``Provenance.as_dict``), when the caller names them."""
        found = {"statistics": [self._family(rules, *item) for item in self.families()]}
        if self.not_judged:
            found["not_judged"] = self._not_judged_entries(rules)
        found["summary"] = summary.as_dict()
        return {**found, "tool": tool} if tool is not None else found

    def json_text(self, output_format: str, rules: Mapping[str, Rule], summary: Summary, tool: dict | None = None) -> str:
        """The statistics as ``--format json`` (one object) or ``jsonl`` (one line per code) prints them."""
        if output_format == "jsonl":
            return "".join([dumps({"family": code[:3], **self._code(rules, code)}) + "\n"
                            for _, _, _, codes in self.families() for code in codes]
                           + [dumps({"not_judged": entry}) + "\n" for entry in self._not_judged_entries(rules)])
        return dumps(self.as_dict(rules, summary, tool), indent=2) + "\n"

    def _family(self, rules, family, count, money, codes) -> dict:
        entry = {"family": family, "count": count}
        if money is not None:
            entry["money"] = money.as_dict()
        entry["codes"] = [self._code(rules, code) for code in codes]
        return entry

    def _code(self, rules, code) -> dict:
        entry = {"code": code, "name": _name(code, rules), "count": self.counts[code]}
        if code in self.money:
            entry["money"] = self.money[code].as_dict()
        return entry


def _family_name(family: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return f"({translate(FAMILY_NAMES[family], lang)})" if family in FAMILY_NAMES else ""


def _fields(code: str, rules: Mapping[str, Rule]) -> str:
    return ", ".join(rules[code].reads) if code in rules and rules[code].reads else "?"


def _name(code: str, rules: Mapping[str, Rule]) -> str:
    return rules[code].name if code in rules else ""


def _words(money: MoneyAtStake | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if money is None:
        return ""
    parts = ([msg("{amount} too much", amount=Euros(money.over))] if money.over else []) + \
            ([msg("{amount} too little", amount=Euros(money.under))] if money.under else [])
    return render(Joined(parts), lang) if parts else render(Euros(money.over), lang)
