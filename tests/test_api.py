"""The Python API: one invoice as a dict or a path."""

import pytest
from conftest import REPO
from invoice_factory import act, make_invoice, session

from kinelint import lint_invoice, lint_paths
from kinelint.api import IncompleteCheck
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl


def test_a_clean_invoice_file_from_the_readme():
    assert lint_invoice(REPO / "examples" / "clean" / "home-visit-2026.json") == []
    assert lint_invoice(str(REPO / "examples" / "clean" / "home-visit-2026.json")) == []


def test_a_dict_with_a_fault_is_located():
    invoice = make_invoice([session(1, "2026-01-12", acts=[act("AMK", "10.7", bdk=True), act("RPE", "6", "13.26")])])
    (finding,) = lint_invoice(invoice)
    assert (finding.code, finding.pointer, finding.invoice_id, finding.file) == (
        "OBS002", "/sessions/0/acts/1/coefficient", "F-2026-000042", "<invoice>")
    assert finding.line > 1 and finding.column > 1


def test_floats_in_a_dict_are_read_by_their_shortest_repr():
    invoice = make_invoice()
    invoice["sessions"][0]["acts"][1]["amount"] = 17.95  # float, 8.12 x 2.21 = 17.9452 -> 17.95
    invoice["total"] = float(invoice["total"])
    assert lint_invoice(invoice) == []


def test_paths_give_findings_and_summary():
    findings, summary = lint_paths([REPO / "examples" / "faulty" / "tar-one-cent-off.json"])
    assert [f.code for f in findings] == ["TAR001"]
    assert (summary.files, summary.invoices, summary.errors) == (1, 1, 1)


class Raising:
    @hookimpl
    def kinelint_rules(self):
        return [Rule("ZZZ001", "raises", "error", "s", "r", "src")]

    @hookimpl
    def kinelint_check_invoice(self, invoice):
        raise RuntimeError("broken")


class Extra:
    @hookimpl
    def kinelint_rules(self):
        return [Rule("ZZY001", "total-over-100", "warning", "s", "r", "src")]

    @hookimpl
    def kinelint_check_invoice(self, invoice):
        if invoice.total > 40:
            yield Violation("ZZY001", "total over 40", "/total")


def test_extra_plugins_run_beside_the_installed_ones():
    (finding,) = lint_invoice(make_invoice(), plugins=[("extra", Extra())])
    assert (finding.code, finding.severity, finding.plugin, finding.pointer) == ("ZZY001", "warning", "extra", "/total")


def test_an_incomplete_check_raises_rather_than_looking_clean():
    with pytest.raises(IncompleteCheck, match="plugin 'raising' raised RuntimeError"):
        lint_invoice(make_invoice(), plugins=[("raising", Raising())])
