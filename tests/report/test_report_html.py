"""``--format html``: one self-contained page (totals and money by family and code, a chart by date of care,
findings by file and invoice, each rule's documentation one click away), no patient data.

The page is read twice: as written (its structure, and that it can fetch nothing), and as a real browser
builds it (Chromium headless from the system packages: the DOM after its script ran, and a screenshot).
The browser tests skip when no Chromium is installed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli
from invoice_factory import act, bdk, dumps, make_invoice, session

from test_money import batch
from test_privacy import leaks_in, write_corpus

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []  # elements and text, in order

    def find_all(self, tag=None, **attrs):
        for child in self.children:
            if isinstance(child, str):
                continue
            if (tag is None or child.tag == tag) and all(
                    (child.attrs.get(k.rstrip("_")) or "").split().__contains__(v) if k == "class_" else
                    child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield child
            yield from child.find_all(tag, **attrs)

    def all_text(self):
        return "".join(child if isinstance(child, str) else child.all_text() for child in self.children)


class Tree(HTMLParser):
    """A small DOM: enough to assert the page's structure without a third-party parser."""

    VOID = {"meta", "br", "input", "img", "link", "hr", "line", "rect"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def report(tmp_path) -> tuple[Path, str]:
    """The money batch plus a schema-invalid invoice (a finding with no date of care)."""
    root = batch(tmp_path)
    broken = make_invoice(invoice_id="F-BAD", prescription_id="RX-BAD")
    broken["sessions"][0]["place"] = "home"
    (root / "invoices" / "broken.json").write_text(dumps(broken, indent=2))
    result = run_cli("check", "--format", "html", "-o", "report.html", "invoices", cwd=root)
    assert result.returncode == 1, result.stderr.decode()
    assert result.stdout.decode().startswith("2 files, 6 invoices checked: 5 errors")  # the terminal keeps the summary
    return root / "report.html", (root / "report.html").read_text(encoding="utf-8")


def assert_structure(dom: Element, rule_opened: str | None = None) -> None:
    totals = {card.attrs["data-total"]: card.find_all("b").__next__().all_text() for card in dom.find_all("div", class_="card")}
    assert totals == {"files": "2", "invoices": "6", "errors": "5", "warnings": "0", "infos": "0",
                      "billed too much": "2.51", "billed too little": "1.34"}
    families = [(row.attrs["data-family"], [td.all_text() for td in row.find_all("td")][2:])
                for row in dom.find_all("tr") if "data-family" in row.attrs]
    assert families == [("TAR", ["2", "0.01", "0.01"]), ("COE", ["1", "0.00", "1.33"]), ("CUM", ["1", "2.50", "0.00"]),
                        ("SCH", ["1", "", ""])]
    (by_code,) = dom.find_all("section", id="by-code")
    codes = [row.attrs["data-code"] for row in by_code.find_all("tr") if "data-code" in row.attrs]
    assert codes == ["TAR001", "TAR004", "COE001", "CUM003", "SCH005"]
    # The chart: one bar per severity and day of care, the dated findings all there, the others said.
    (chart,) = dom.find_all("svg", id="chart")
    bars = [(bar.attrs["data-period"], bar.attrs["data-severity"], int(bar.attrs["data-count"]))
            for bar in chart.find_all("rect")]
    assert bars == [("2026-01-12", "error", 4)]  # TAR001, COE001, CUM003, SCH005: in a session of 2026-01-12
    (undated,) = dom.find_all("p", id="undated")
    assert undated.all_text().startswith("1 finding(s) not about one session")  # TAR004, about /total
    # The findings, by file then invoice.
    files = [section.attrs["data-file"] for section in dom.find_all("section", class_="file")]
    assert files == ["invoices/batch.jsonl", "invoices/broken.json"]
    invoices = [(d.attrs["data-invoice"], len(list(d.find_all("tr", class_="finding"))))
                for d in dom.find_all("details", class_="invoice")]
    assert invoices == [("F-1", 1), ("F-2", 1), ("F-3", 1), ("F-4", 1), ("F-BAD", 1)]
    (coe,) = [row for row in dom.find_all("tr", class_="finding") if row.attrs["data-code"] == "COE001"]
    assert "−1.33" in coe.all_text() and "/sessions/0/acts/1/coefficient → 8.12" in coe.all_text()
    # Every code is a link to its rule's documentation, from the rule's own metadata.
    links = {a.attrs["href"] for a in dom.find_all("a", class_="code")}
    rules = {d.attrs["id"]: d for d in dom.find_all("details", class_="rule")}
    assert links == {f"#{key}" for key in rules} == {f"#rule-{code}" for code in codes}
    assert "Why it matters." in rules["rule-TAR001"].all_text() and "Source." in rules["rule-TAR001"].all_text()
    opened = sorted(key for key, d in rules.items() if "open" in d.attrs)
    assert opened == ([rule_opened] if rule_opened else [])


def test_html_report_structure(tmp_path):
    _, text = report(tmp_path)
    assert_structure(Tree(text).root)


def test_html_report_is_self_contained_and_can_fetch_nothing(tmp_path):
    _, text = report(tmp_path)
    dom = Tree(text).root
    (policy,) = [m for m in dom.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert policy.attrs["content"].startswith("default-src 'none';")
    assert not [e for e in dom.find_all() if "src" in e.attrs or e.tag in ("link", "iframe", "object", "embed", "img")]
    assert all(e.attrs["href"].startswith("#") for e in dom.find_all() if "href" in e.attrs)
    assert not [(e.tag, k) for e in dom.find_all() for k, v in e.attrs.items() if v and "://" in v]
    (style,) = dom.find_all("style")
    assert "url(" not in style.all_text() and "@import" not in style.all_text()  # (rule sources cite addresses, as text)


def test_html_report_of_no_findings(tmp_path):
    (tmp_path / "a.json").write_text(dumps(make_invoice(), indent=2))
    result = run_cli("check", "--format", "html", "a.json", cwd=tmp_path)  # to standard output, too
    assert result.returncode == 0
    dom = Tree(result.stdout.decode()).root
    (by_family,) = dom.find_all("section", id="by-family")
    assert "No findings." in by_family.all_text()
    assert not list(dom.find_all("svg")) and not list(dom.find_all("details"))


def test_html_report_shows_no_patient_data(tmp_path):
    inputs = tmp_path / "invoices"
    write_corpus(inputs)
    result = run_cli("check", "--format", "html", "-o", str(tmp_path / "report.html"), str(inputs))
    assert result.returncode in (1, 2)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not leaks_in(text), leaks_in(text)
    assert text.count('class="finding"') > 40  # not vacuous: the planted files are all spoken about


@pytest.mark.parametrize("span, kind", [(62, "day"), (63, "month")])
def test_chart_by_day_for_two_months_of_care_then_by_month(span, kind):
    from kinelint.report.html import _periods

    first = date(2026, 1, 1)
    assert _periods([first, date.fromordinal(first.toordinal() + span)])[1] == kind


def test_chart_by_year_for_long_spans():
    from kinelint.report.html import _all_periods, _periods

    assert _periods([date(2016, 1, 1), date(2026, 1, 1)])[1] == "month"  # 120 months
    assert _periods([date(2016, 1, 1), date(2026, 2, 1)])[1] == "year"
    assert _all_periods("2025-11", "2026-02", "month") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_chart_leaves_out_a_date_of_care_that_is_the_birth_date(tmp_path):
    invoice = make_invoice([session(1, on="2026-01-14", acts=[bdk(), act("RPE", "8.5", "18.78")])],
                           birth_date="2026-01-14")
    (tmp_path / "a.json").write_text(dumps(invoice, indent=2))
    text = run_cli("check", "--format", "html", "a.json", cwd=tmp_path).stdout.decode()
    assert "2026-01-14" not in text and "No finding is about a dated session." in text


# -- in a real browser --------------------------------------------------------------------------------


def browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def headless(page: str, tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    """Chromium headless as root in a container: no sandbox, no GPU, nothing fetched in the background."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               *options, page]
    return subprocess.run(command, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})


needs_browser = pytest.mark.skipif(browser() is None, reason="no Chromium installed (apt-get install -y chromium)")


@needs_browser
def test_in_chromium_the_dom_has_the_structure_and_a_followed_rule_link_opens_its_documentation(tmp_path):
    path, _ = report(tmp_path)
    result = headless(path.as_uri(), tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert_structure(Tree(result.stdout.decode()).root)
    followed = headless(path.as_uri() + "#rule-COE001", tmp_path, "--dump-dom")
    assert_structure(Tree(followed.stdout.decode()).root, rule_opened="rule-COE001")  # the page's script ran


@needs_browser
def test_in_chromium_a_screenshot_is_taken(tmp_path):
    path, _ = report(tmp_path)
    shot = tmp_path / "report.png"
    result = headless(path.as_uri(), tmp_path, "--window-size=1100,1400", f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1100, 1400)
    assert len(data) > 20_000  # a page was drawn, not a blank
