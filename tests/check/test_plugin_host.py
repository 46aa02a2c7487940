"""Plugins come through entry points one by one; a broken one is named, contained, and makes the exit status 2."""

import json

from conftest import REPO, install_fake_plugin, run_cli
from invoice_factory import dumps, make_invoice


RULE = '''
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

RULE = Rule("{code}", "{name}", "error", "A test rule.", "For tests.", "tests")
'''

RAISES_IN_HOOK = RULE.format(code="ZZA001", name="raises") + '''
@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_check_invoice(invoice):
    raise ValueError("boom with patient " + invoice.nir)
'''

FAILS_AT_IMPORT = "import no_such_module_anywhere\n"

GARBAGE = RULE.format(code="ZZB001", name="garbage") + '''
@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_check_invoice(invoice):
    return ["not a violation", Violation("ZZB999", "undeclared code")]
'''

REPORTS = RULE.format(code="ZZC001", name="always") + '''
@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_check_invoice(invoice):
    yield Violation("ZZC001", "always reported", "/total")
'''

CLAIMS_CORE_CODE = RULE.format(code="PRS001", name="thief") + '''
@hookimpl
def kinelint_rules():
    return [RULE]
'''


def invoice_file(tmp_path):
    path = tmp_path / "inv.json"
    path.write_text(dumps(make_invoice(), indent=2))
    return path


def test_failing_plugins_are_named_and_the_others_still_report(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_raises", RAISES_IN_HOOK)
    install_fake_plugin(site, "zz_broken", FAILS_AT_IMPORT)
    install_fake_plugin(site, "zz_garbage", GARBAGE)
    install_fake_plugin(site, "zz_reports", REPORTS)
    result = run_cli("check", "--format", "json", str(invoice_file(tmp_path)), env_path=site)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "plugin 'zz_broken' failed to load (ModuleNotFoundError" in stderr
    assert "plugin 'zz_raises' raised ValueError in kinelint_check_invoice on invoice F-2026-000042" in stderr
    assert "plugin 'zz_garbage' returned str, not a Violation" in stderr
    assert "plugin 'zz_garbage' reported code 'ZZB999' that it does not declare" in stderr
    assert "Traceback" not in stderr
    report = json.loads(result.stdout)
    assert [f["code"] for f in report["findings"]] == ["ZZC001"]


def test_verbose_shows_the_traceback_without_patient_data(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_raises", RAISES_IN_HOOK)
    result = run_cli("check", "--verbose", str(invoice_file(tmp_path)), env_path=site)
    stderr = result.stderr.decode()
    assert "Traceback" in stderr and "boom with patient" in stderr
    assert make_invoice()["patient"]["nir"] not in stderr + result.stdout.decode()
    assert result.returncode == 2


def test_two_plugins_claiming_one_code_is_a_startup_error(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_thief", CLAIMS_CORE_CODE)
    result = run_cli("check", str(invoice_file(tmp_path)), env_path=site)
    assert result.returncode == 2
    assert "rule code PRS001 is claimed by both plugin 'kinelint' and plugin 'zz_thief'" in result.stderr.decode()


def test_the_example_plugin_installed_shows_its_finding(tmp_path):
    site = tmp_path / "site"
    source = (REPO / "plugins" / "kinelint-example" / "kinelint_example.py").read_text()
    install_fake_plugin(site, "kinelint_example", source)
    listing = run_cli("rules", env_path=site).stdout.decode()
    assert "EXA001" in listing and "[kinelint_example]" in listing
    invoice = make_invoice()
    invoice["sessions"][0]["acts"][0]["label"] = "Bilan"
    path = tmp_path / "inv.json"
    path.write_text(dumps(invoice, indent=2))
    result = run_cli("check", str(path), env_path=site)
    assert result.returncode == 0  # EXA001 is a warning
    assert ": warning EXA001 act RIC 8.12 of session 1 has no label" in result.stdout.decode()
    assert "0 errors, 1 warning" in result.stdout.decode()
    # EXA002 carries its fix: the label without the spaces around it.
    invoice["sessions"][0]["acts"][1]["label"] = " genou "
    path.write_text(dumps(invoice, indent=2))
    report = json.loads(run_cli("check", "--format", "json", "--select", "EXA", str(path), env_path=site).stdout)
    assert [(f["code"], f.get("fix")) for f in report["findings"]] == [
        ("EXA002", [{"op": "replace", "path": "/sessions/0/acts/1/label", "value": "genou"}])]


def test_plugins_of_one_distribution_read_its_metadata_once(monkeypatch):
    """Each read of a distribution's metadata parses its whole METADATA file (kinelint's holds the README):
    twelve built-in plugins must not parse it 24 times at each start-up."""
    import types

    from kinelint.check import host as host_module

    class Distribution:
        reads = 0

        @property
        def metadata(self):
            Distribution.reads += 1
            return {"Name": "vendor-rules", "Version": "3.1"}

    shared = Distribution()
    points = [types.SimpleNamespace(name=name, dist=shared, load=lambda: types.ModuleType("empty"))
              for name in ("zz_one", "zz_two", "zz_three")]
    monkeypatch.setattr(host_module, "entry_points", lambda group: points)
    host = host_module.PluginHost.from_entry_points()
    assert [(p.name, p.distribution, p.version) for p in host.plugins] == [
        ("zz_one", "vendor-rules", "3.1"), ("zz_three", "vendor-rules", "3.1"), ("zz_two", "vendor-rules", "3.1")]
    assert Distribution.reads == 1


def test_a_rule_of_a_plugin_that_failed_to_load_is_not_just_missing(tmp_path):
    """`kinelint rule ZZA001` must say the plugin that owns it did not load, not only that there is no such rule."""
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_broken", FAILS_AT_IMPORT)
    result = run_cli("rule", "ZZA001", env_path=site)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "plugin 'zz_broken' failed to load (ModuleNotFoundError" in stderr
    assert "the rules of a plugin that failed to load are missing" in stderr
    assert "no rule 'ZZA001'" in stderr
    assert "check is incomplete" not in stderr  # `rule` is not a check
    listed = run_cli("rules", env_path=site)
    assert "the rules of a plugin that failed to load are missing" in listed.stderr.decode()
    assert "OBS002" in listed.stdout.decode()  # the others are listed
