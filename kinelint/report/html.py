"""``--format html``: one self-contained page for the billing office.

Why a page: the people who fix invoices read findings by file and invoice,
want to know what the faults cost, and when the faulty care was given. The
page holds the totals and the money at stake by family and by code, a chart of
findings by date of care, then the findings grouped by file and invoice, each
code one click away from its rule's documentation (the rule's own metadata).

Findings wait in a spool on disk, not in memory, until the page is written.
Self-contained: the styles, the chart (SVG) and a few lines of script are
inline, and a Content-Security-Policy forbids the page any fetch. It shows
what the other reports show (messages, pointers, ids already free of patient
data) and dates of care only, never a patient's data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from kinelint.report.docs import FAMILY_NAMES
from kinelint.findings import Finding, MoneyAtStake, Rule, Summary, document_key
from kinelint.report.reporters import Reporter, fix_mark, summary_line
from kinelint.report.spool import FindingSpool
from kinelint.report.statistics import Statistics

SEVERITIES = ("error", "warning", "info")
DAYS_SHOWN_BY_DAY = 62  # a longer span of care is charted by month
MONTHS_SHOWN_BY_MONTH = 120  # a longer one by year
OPEN_UP_TO = 300  # findings: above this, the invoices start folded

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

_STYLE = """
:root{--error:#b42318;--warning:#b54708;--info:#175cd3;--ink:#1d2939;--muted:#667085;--line:#eaecf0;--bg:#f9fafb}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
h3{font-size:15px;margin:18px 0 8px;font-family:ui-monospace,monospace;word-break:break-all}.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:130px}
.card b{display:block;font-size:22px}.card.error b,.card.over b{color:var(--error)}.card.warning b{color:var(--warning)}.card.under b{color:var(--info)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{background:#f2f4f7;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.over{color:var(--error)}.under{color:var(--info)}
.sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff}.sev.error{background:var(--error)}
.sev.warning{background:var(--warning)}.sev.info{background:var(--info)}a.code{font-family:ui-monospace,monospace;font-weight:600}
code,.where{font-family:ui-monospace,monospace;font-size:12px}details.invoice{background:#fff;border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:0 10px}
details.invoice>summary{padding:8px 0;cursor:pointer}details.invoice table{border:0;margin-bottom:8px}
details.rule{background:#fff;border:1px solid var(--line);border-radius:8px;margin:6px 0;padding:4px 12px}details.rule>summary{cursor:pointer;padding:4px 0}
details.rule[open]{border-color:var(--info)}.fix{margin:0;padding-left:16px}svg{background:#fff;border:1px solid var(--line);border-radius:8px}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
"""

# Opens the rule's <details> when its link is followed: the documentation one click away.
_SCRIPT = """
function openRule(){var id=decodeURIComponent(location.hash.slice(1));var el=id&&document.getElementById(id);
if(el&&el.tagName==='DETAILS'){el.open=true;}}
window.addEventListener('hashchange',openRule);openRule();
"""

_COLOURS = {"error": "#b42318", "warning": "#dc6803", "info": "#2e90fa"}


class HtmlReporter(Reporter):
    """Counts as findings come and keeps them in a spool on disk (a page is written whole, at the end)."""

    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._spool = FindingSpool()
        self._documents: dict[str, dict[tuple, list[int]]] = {}  # file -> document -> offsets in the spool
        self._statistics = Statistics()
        self._dated: dict[date, Counter] = {}  # date of care -> findings by severity
        self._undated = 0

    def finding(self, finding: Finding) -> None:
        offset = self._spool.add(finding)
        self._documents.setdefault(finding.file, {}).setdefault(document_key(finding), []).append(offset)
        self._statistics.add(finding)
        if finding.care_date is None:
            self._undated += 1
        else:
            self._dated.setdefault(finding.care_date, Counter())[finding.severity] += 1

    def finish(self, summary: Summary) -> None:
        rules = self.context.rules
        parts = [
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            f"<title>kinelint report</title><style>{_STYLE}</style></head><body><main>",
            "<h1>kinelint report</h1>",
            f"<p class=\"muted\" id=\"summary-line\">{escape(summary_line(summary))}</p>",
            f"<p class=\"muted\" id=\"provenance\">{escape(self.context.provenance.line())}</p>",
            _totals(summary),
            _by_family(self._statistics),
            _by_code(self._statistics, rules),
            _chart(self._dated, self._undated),
        ]
        self.stream.write("\n".join(part for part in parts if part) + "\n")
        for chunk in _findings(self._spool, self._documents, rules):  # written as made
            self.stream.write(chunk)
        self.stream.write(_rules(sorted(self._statistics.counts), rules))
        self.stream.write(f"\n</main><script>{_SCRIPT}</script></body></html>\n")
        self._spool.close()


# -- the parts of the page --------------------------------------------------------------------------


def _totals(summary: Summary) -> str:
    stake = _sum(summary.money.values())
    infos = summary.findings - summary.errors - summary.warnings
    cards = [("files", summary.files, ""), ("invoices", summary.invoices, ""), ("errors", summary.errors, "error" if summary.errors else ""),
             ("warnings", summary.warnings, "warning" if summary.warnings else ""), ("infos", infos, ""),
             ("billed too much", f"{stake.over:f}", "over" if stake.over else ""),
             ("billed too little", f"{stake.under:f}", "under" if stake.under else "")]
    body = "".join(f"<div class=\"card {kind}\" data-total=\"{escape(label)}\"><b>{value}</b>{escape(label)}</div>"
                   for label, value, kind in cards)
    return f"<section id=\"totals\"><div class=\"cards\">{body}</div></section>"


def _by_family(statistics: Statistics) -> str:
    if not statistics.counts:
        return "<section id=\"by-family\"><h2>By family</h2><p>No findings.</p></section>"
    rows = "".join(
        f"<tr data-family=\"{family}\"><td><b>{family}</b></td><td>{escape(FAMILY_NAMES.get(family, ''))}</td>"
        f"<td class=\"num\">{count}</td>{_money_cells(money)}</tr>"
        for family, count, money, _ in statistics.families())
    return ("<section id=\"by-family\"><h2>By family</h2><table><thead><tr><th>family</th><th></th>"
            "<th class=\"num\">findings</th><th class=\"num\">billed too much</th><th class=\"num\">billed too little</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def _by_code(statistics: Statistics, rules) -> str:
    if not statistics.counts:
        return ""
    rows = []
    for _, _, _, codes in statistics.families():
        for code in codes:
            rule = rules.get(code)
            rows.append(f"<tr data-code=\"{code}\"><td>{_code_link(code, rule)}</td>"
                        f"<td>{escape(rule.name if rule else '')}</td><td>{escape(rule.summary if rule else '')}</td>"
                        f"<td class=\"num\">{statistics.counts[code]}</td>{_money_cells(statistics.money.get(code))}</tr>")
    return ("<section id=\"by-code\"><h2>By code</h2><table><thead><tr><th>code</th><th>rule</th><th>what it finds</th>"
            "<th class=\"num\">findings</th><th class=\"num\">billed too much</th><th class=\"num\">billed too little</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def _chart(dated: dict[date, Counter], undated: int) -> str:
    """Findings by date of care, stacked by severity: one bar a day, a month or a year, by the span."""
    head = "<section id=\"by-date\"><h2>Findings by date of care</h2>"
    note = (f"<p class=\"muted\" id=\"undated\">{undated} finding(s) not about one session (a total, a file, the "
            f"schema of an invoice) have no date of care and are not charted.</p>" if undated else "")
    if not dated:
        return head + "<p>No finding is about a dated session.</p>" + note + "</section>"
    period, label = _periods(list(dated))
    counts: dict[str, Counter] = {}
    for day, tally in dated.items():
        counts.setdefault(period(day), Counter()).update(tally)
    keys = _all_periods(min(counts), max(counts), label)
    width, height, left, right, bottom, top = 1040, 240, 40, 40, 40, 16
    highest = max(sum(c.values()) for c in counts.values())
    step = (width - left - right) / len(keys)
    bar = max(1.0, step * 0.7)
    shapes = [f"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#98a2b3\"/>",
              f"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\" font-size=\"11\">{highest}</text>",
              f"<text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\" font-size=\"11\">0</text>"]
    every = max(1, math.ceil(84 / step))  # a label every few bars, never overlapping
    for index, key in enumerate(keys):
        x = left + index * step + (step - bar) / 2
        y = height - bottom
        tally = counts.get(key, Counter())
        for severity in SEVERITIES:
            if tally[severity]:
                size = tally[severity] / highest * (height - bottom - top)
                y -= size
                shapes.append(f"<rect class=\"bar\" data-period=\"{key}\" data-severity=\"{severity}\" "
                              f"data-count=\"{tally[severity]}\" x=\"{x:.1f}\" y=\"{y:.1f}\" width=\"{bar:.1f}\" "
                              f"height=\"{size:.1f}\" fill=\"{_COLOURS[severity]}\"><title>{key}: {tally[severity]} "
                              f"{severity}(s)</title></rect>")
        if index % every == 0:
            shapes.append(f"<text x=\"{x + bar / 2:.1f}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\" "
                          f"font-size=\"11\">{key}</text>")
    legend = "".join(f"<span><i style=\"background:{_COLOURS[s]}\"></i>{s}</span>" for s in SEVERITIES)
    return (f"{head}<svg id=\"chart\" role=\"img\" aria-label=\"findings by date of care\" viewBox=\"0 0 {width} {height}\" "
            f"width=\"100%\">{''.join(shapes)}</svg>"
            f"<p class=\"legend muted\">{legend}</p>{note}</section>")


def _findings(spool: FindingSpool, files: dict[str, dict[tuple, list[int]]], rules) -> Iterator[str]:
    """The findings by file, then invoice (in the order the run met them), a table each."""
    if not spool.count:
        return
    opened = " open" if spool.count <= OPEN_UP_TO else ""
    yield "<section id=\"findings\"><h2>Findings by file and invoice</h2>"
    for name, documents in files.items():
        yield f"<section class=\"file\" data-file=\"{escape(name)}\"><h3>{escape(name)}</h3>"
        for key, offsets in documents.items():
            found = sorted((spool.at(offset) for offset in offsets), key=lambda f: (f.line, f.column, f.code, f.pointer))
            stake = _sum(MoneyAtStake(*_split(f.money)) for f in found if f.money is not None)
            money = f" · billed {_signed(stake.over - stake.under)}" if any(f.money is not None for f in found) else ""
            rows = "".join(_finding_row(f, rules.get(f.code)) for f in found)
            yield (f"<details class=\"invoice\"{opened} data-invoice=\"{escape(found[0].invoice_id or '')}\"><summary>"
                   f"<b>{escape(_invoice_label(found[0], key))}</b> · {len(found)} finding(s){money}</summary><table>"
                   f"<thead><tr><th>severity</th><th>code</th><th>where</th><th>message</th><th class=\"num\">money"
                   f"</th><th>correction</th></tr></thead><tbody>{rows}</tbody></table></details>")
        yield "</section>"
    yield "</section>\n"


def _edit_pointer(edit) -> str:
    """Where a correction goes: in a vendor's file read through an adapter, that file's own pointer."""
    return edit.region.pointer if edit.adapted and edit.region.pointer else edit.pointer


def _finding_row(finding: Finding, rule: Rule | None) -> str:
    money = "" if finding.money is None else _signed(finding.money)
    fix = ""
    if finding.fix_offered:
        edits = "".join(f"<li><code>{escape(_edit_pointer(e))}</code> → <code>{escape(e.written)}</code></li>"
                        for e in finding.fix)
        fix = f"<span class=\"applicability\">{escape(fix_mark(finding.applicability))}</span><ul class=\"fix\">{edits}</ul>"
    return (f"<tr class=\"finding\" data-code=\"{finding.code}\" data-severity=\"{finding.severity}\">"
            f"<td><span class=\"sev {finding.severity}\">{finding.severity}</span></td>"
            f"<td>{_code_link(finding.code, rule)}</td>"
            f"<td class=\"where\">{finding.line}:{finding.column}<br>{escape(finding.pointer)}</td>"
            f"<td>{escape(finding.message)}</td><td class=\"num\">{money}</td><td>{fix}</td></tr>")


def _rules(codes: list[str], rules) -> str:
    if not codes:
        return ""
    out = ["<section id=\"rules\"><h2>The rules of these findings</h2>"]
    for code in codes:
        rule = rules.get(code)
        if rule is None:
            continue
        body = [f"<p><b>What it does.</b> {escape(rule.summary)}</p>", f"<p><b>Why it matters.</b> {escape(rule.rationale)}</p>"]
        if rule.bad_example:
            body.append(f"<p><b>Example.</b> {escape(rule.bad_example)}</p>")
        if rule.good_example:
            body.append(f"<p><b>Use instead.</b> {escape(rule.good_example)}</p>")
        body.append(f"<p><b>Source.</b> {escape(rule.source)}</p>")
        out.append(f"<details class=\"rule\" id=\"rule-{code}\"><summary><b>{code}</b> {escape(rule.name)} · "
                   f"{escape(rule.severity)} · {escape(rule.plugin)}</summary>{''.join(body)}</details>")
    out.append("</section>")
    return "".join(out)


# -- small helpers ----------------------------------------------------------------------------------


def _code_link(code: str, rule: Rule | None) -> str:
    title = f" title=\"{escape(rule.summary)}\"" if rule else ""
    return f"<a class=\"code\" href=\"#rule-{code}\"{title}>{code}</a>"


def _money_cells(money: MoneyAtStake | None) -> str:
    if money is None:
        return "<td class=\"num\"></td><td class=\"num\"></td>"
    return (f"<td class=\"num{' over' if money.over else ' muted'}\">{money.over:f}</td>"
            f"<td class=\"num{' under' if money.under else ' muted'}\">{money.under:f}</td>")


def _signed(amount: Decimal) -> str:
    kind = "over" if amount > 0 else "under" if amount < 0 else ""
    words = "too much" if amount > 0 else "too little" if amount < 0 else ""
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return f"<span class=\"{kind}\" title=\"billed − expected: {words}\">{sign}{abs(amount):f}</span>"


def _split(amount: Decimal) -> tuple[Decimal, Decimal]:
    return (amount, Decimal("0.00")) if amount > 0 else (Decimal("0.00"), -amount)


def _sum(stakes) -> MoneyAtStake:
    total = MoneyAtStake()
    for stake in stakes:
        total.over += stake.over
        total.under += stake.under
    return total


def _invoice_label(finding: Finding, key: tuple) -> str:
    _, element, line = key
    where = f"line {line}" if line else f"element {element[1:]}" if element else ""
    if finding.invoice_id:
        return f"invoice {finding.invoice_id}" + (f" ({where})" if where else "")
    return f"document at {where}" if where else "the file"


def _periods(dates: list[date]):
    """(period of a date, label kind): days for a short span of care, else months, else years."""
    first, last = min(dates), max(dates)
    if (last - first).days <= DAYS_SHOWN_BY_DAY:
        return (lambda d: d.isoformat()), "day"
    if (last.year - first.year) * 12 + last.month - first.month <= MONTHS_SHOWN_BY_MONTH:
        return (lambda d: f"{d.year:04d}-{d.month:02d}"), "month"
    return (lambda d: f"{d.year:04d}"), "year"


def _all_periods(first: str, last: str, kind: str) -> list[str]:
    """Every period from the first to the last, the empty ones too: the axis is time."""
    if kind == "day":
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
    if kind == "month":
        year, month = int(first[:4]), int(first[5:])
        keys = []
        while f"{year:04d}-{month:02d}" <= last:
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return keys
    return [f"{year:04d}" for year in range(int(first), int(last) + 1)]
