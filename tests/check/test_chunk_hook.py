"""The chunk hook: ``kinelint_check_invoices`` is called once per chunk; a failure still names the plugin
and the invoice, as a call per invoice does; plugins with the invoice hook only are called as before."""

from __future__ import annotations

import pytest
from invoice_factory import make_invoice, session

from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl
from kinelint.check.host import PluginHost
from kinelint.invoice import Invoice


def invoices(*ids: str) -> list[Invoice]:
    return [Invoice.from_dict(make_invoice([session(1)], invoice_id=invoice_id)) for invoice_id in ids]


@pytest.fixture(scope="module")
def nomenclature():
    from kinelint.nomenclature import load_nomenclature

    return load_nomenclature()


def rule(code: str) -> Rule:
    return Rule(code, f"rule-{code.lower()}", "error", "A test rule.", "For tests.", "tests")


class PerInvoice:
    """The invoice hook only (every third-party plugin written before the chunk hook): one finding each."""

    def __init__(self, code: str = "ZZA001", fails_on: str = "") -> None:
        self.code, self.fails_on, self.calls = code, fails_on, []

    @hookimpl
    def kinelint_rules(self):
        return [rule(self.code)]

    @hookimpl
    def kinelint_check_invoice(self, invoice):
        self.calls.append(invoice.invoice_id)
        if invoice.invoice_id == self.fails_on:
            raise ValueError("boom")
        return [Violation(self.code, f"seen {invoice.invoice_id}", "/invoice_id")]


class Chunked:
    """The chunk hook (and, unless ``one`` is false, the invoice hook): a finding per invoice, in order."""

    def __init__(self, code: str = "ZZB001", fails_on: str = "", garbage_on: str = "", one: bool = True) -> None:
        self.code, self.fails_on, self.garbage_on, self.chunks = code, fails_on, garbage_on, []
        if not one:
            self.kinelint_check_invoice = None  # pluggy registers only what is marked: this hides it

    @hookimpl
    def kinelint_rules(self):
        return [rule(self.code)]

    def _check(self, invoice):
        if invoice.invoice_id == self.fails_on:
            raise ValueError("boom")
        if invoice.invoice_id == self.garbage_on:
            return ["not a violation", Violation(self.code, f"still {invoice.invoice_id}", "/total")]
        return [Violation(self.code, f"saw {invoice.invoice_id}", "/invoice_id")]

    @hookimpl
    def kinelint_check_invoices(self, invoices):
        self.chunks.append([invoice.invoice_id for invoice in invoices])
        return [self._check(invoice) for invoice in invoices]

    @hookimpl
    def kinelint_check_invoice(self, invoice):
        return self._check(invoice)


def host_with(*plugins: tuple[str, object]) -> PluginHost:
    host = PluginHost()
    for name, plugin in plugins:
        host._register(name, plugin, name, "")
    host._collect_rules()
    host._invoice_impls = host._impls("kinelint_check_invoice")
    return host


def messages(found: list) -> list[list[str]]:
    return [[str(violation.message) for violation, _ in one] for one in found]


def test_one_list_per_invoice_in_order_plugin_by_plugin(nomenclature):
    chunked, per_invoice = Chunked(), PerInvoice()
    host = host_with(("b_chunked", chunked), ("a_per_invoice", per_invoice))
    chunk = invoices("F-1", "F-2", "F-3")
    found = host.check_invoices(chunk, nomenclature)
    assert messages(found) == [[f"seen F-{n}", f"saw F-{n}"] for n in (1, 2, 3)]  # plugins by name, as before
    assert [rule.plugin for _, rule in found[0]] == ["a_per_invoice", "b_chunked"]
    assert chunked.chunks == [["F-1", "F-2", "F-3"]]  # one call for the chunk
    assert per_invoice.calls == ["F-1", "F-2", "F-3"]  # one call per invoice, as it always was
    assert found == [list(host.check_invoice(invoice, nomenclature)) for invoice in chunk]
    assert host.incidents == [] and host.check_invoices([], nomenclature) == []


def test_a_plugin_failing_in_a_chunk_is_named_with_the_invoice_as_per_invoice(nomenclature):
    chunk = invoices("F-1", "F-2", "F-3")
    per_invoice = host_with(("zz", PerInvoice("ZZB001", fails_on="F-2")))
    list(per_invoice.check_invoice(chunk[1], nomenclature))
    chunked = host_with(("zz", Chunked(fails_on="F-2")))
    found = chunked.check_invoices(chunk, nomenclature)
    assert messages(found) == [["saw F-1"], [], ["saw F-3"]]  # the others' findings stand
    [incident] = chunked.incidents
    assert incident.describe() == per_invoice.incidents[0].describe()
    assert incident.describe() == "plugin 'zz' raised ValueError in kinelint_check_invoice on invoice F-2"
    assert "boom" in incident.detail  # the traceback of the failing call, for --verbose


def test_a_plugin_with_the_chunk_hook_only_is_named_with_the_invoice_too(nomenclature):
    plugin = Chunked(fails_on="F-2", one=False)
    host = host_with(("zz", plugin))
    found = host.check_invoices(invoices("F-1", "F-2", "F-3"), nomenclature)
    assert messages(found) == [["saw F-1"], [], ["saw F-3"]]
    assert [i.describe() for i in host.incidents] == [
        "plugin 'zz' raised ValueError in kinelint_check_invoices on invoice F-2"]
    assert plugin.chunks == [["F-1", "F-2", "F-3"], ["F-1"], ["F-2"], ["F-3"]]  # then one invoice at a time
    # one invoice (the API, a file of one invoice): that plugin is asked through its chunk hook
    assert messages([list(host.check_invoice(invoices("F-4")[0], nomenclature))]) == [["saw F-4"]]


def test_a_malformed_result_in_a_chunk_is_named_with_its_invoice(nomenclature):
    host = host_with(("zz", Chunked(garbage_on="F-2")))
    found = host.check_invoices(invoices("F-1", "F-2", "F-3"), nomenclature)
    assert messages(found) == [["saw F-1"], ["still F-2"], ["saw F-3"]]  # the good violation stays
    assert [i.describe() for i in host.incidents] == ["plugin 'zz' returned str, not a Violation on invoice F-2"]


class Miscounts(Chunked):
    @hookimpl
    def kinelint_check_invoices(self, invoices):
        return [self._check(invoice) for invoice in invoices][:-1]  # one result short


def test_a_chunk_without_one_result_per_invoice_is_an_incident_and_checked_again(nomenclature):
    host = host_with(("zz", Miscounts()))
    found = host.check_invoices(invoices("F-1", "F-2", "F-3"), nomenclature)
    assert messages(found) == [["saw F-1"], ["saw F-2"], ["saw F-3"]]  # from the invoice hook
    assert [i.describe() for i in host.incidents] == [
        "plugin 'zz' returned other than one list of violations per invoice from kinelint_check_invoices"]


def test_incidents_of_a_chunk_come_in_invoice_order(nomenclature):
    # invoice after invoice, 'a' fails on F-3 and 'b' on F-2: b's incident first, as before chunks
    host = host_with(("a", Chunked("ZZA001", fails_on="F-3")), ("b", PerInvoice("ZZB001", fails_on="F-2")))
    host.check_invoices(invoices("F-1", "F-2", "F-3"), nomenclature)
    assert [i.plugin for i in host.incidents] == ["b", "a"]


class LoopsForEver(Chunked):
    def _check(self, invoice):
        while invoice.invoice_id == "F-LOOP":
            pass
        return super()._check(invoice)


def test_a_chunk_over_its_time_budget_names_the_invoice_that_loops(nomenclature):
    from kinelint.check.budget import TimeBudget

    host = host_with(("zz", LoopsForEver()))
    host.budget = TimeBudget(0.3).start()
    try:
        found = host.check_invoices(invoices("F-1", "F-LOOP", "F-3"), nomenclature)
        later = host.check_invoices(invoices("F-4"), nomenclature)
    finally:
        host.budget.stop()
    assert messages(found) == [["saw F-1"], [], []]  # as a call per invoice: not called after the timeout
    assert [i.describe() for i in host.incidents] == [
        "plugin 'zz' took longer than its time budget (0.3 s) in kinelint_check_invoice on invoice F-LOOP"]
    assert messages(later) == [[]]


def test_the_built_in_plugins_give_the_same_findings_by_chunk(nomenclature, tmp_path):
    """Every built-in plugin's chunk hook against its invoice hook: the examples and a batch of faults."""
    import importlib.util
    import json
    import sys
    from decimal import Decimal

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("kinelint_bench_generate_chunks", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    try:
        spec.loader.exec_module(generate)
        generate.write_batch(tmp_path / "b.jsonl", 400, 3, invalid_rate=0.0, fault_rate=0.5)
    finally:
        sys.modules.pop(spec.name, None)
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "examples").rglob("*.json"))]
    texts += (tmp_path / "b.jsonl").read_text(encoding="utf-8").splitlines()
    documents = []
    for text in texts:
        try:
            documents.append(Invoice.from_dict(json.loads(text, parse_float=Decimal)))
        except Exception:  # the examples of broken files: not for this test
            continue
    host = PluginHost.from_entry_points()
    assert {check.plugin for check in host._checks if check.chunk} >= {"consistency", "tariffs", "cumul"}
    assert len(documents) > 400
    for start in range(0, len(documents), 64):
        chunk = documents[start:start + 64]
        assert host.check_invoices(chunk, nomenclature) == [list(host.check_invoice(i, nomenclature)) for i in chunk]
    assert sum(map(len, host.check_invoices(documents, nomenclature))) > 100 and host.incidents == []
