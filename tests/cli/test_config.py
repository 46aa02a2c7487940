"""Configuration through the real command: where it is found, what each key does, and every way it can be wrong."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from invoice_factory import clean, dumps, faulty_schema, fee, make_invoice, session, unknown_field


CI = Path(__file__).parents[1] / "data" / "ci"


@pytest.fixture
def project(tmp_path):
    """invoices/a.json: SCH005 (F-1) and SCH002 (F-2); archive/old/b.json: SCH005 (F-3)."""
    (tmp_path / "invoices").mkdir()
    (tmp_path / "invoices" / "a.json").write_text(dumps([faulty_schema("F-1"), unknown_field("F-2")], indent=2))
    (tmp_path / "archive" / "old").mkdir(parents=True)
    (tmp_path / "archive" / "old" / "b.json").write_text(dumps(faulty_schema("F-3"), indent=2))
    return tmp_path


def reported(*args, cwd):
    result = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr.decode()
    report = json.loads(result.stdout)
    return result.returncode, [(f["invoice_id"], f["code"], f["severity"]) for f in report["findings"]], report["summary"]


def refused(*args, cwd):
    """A configuration problem: exit 2, one clear line on stderr, no traceback, no report."""
    result = run_cli(*args, cwd=cwd)
    message = result.stderr.decode()
    assert result.returncode == 2, message
    assert "Traceback" not in message and not result.stdout
    return message


def test_pyproject_is_found_walking_up_and_filters_by_prefix(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.kinelint]\nignore = ["SCH00"]\n')
    code, found, summary = reported("a.json", cwd=project / "invoices")
    assert (code, found) == (0, [])
    assert summary == {"files": 1, "invoices": 2, "findings": 0, "errors": 0, "warnings": 0, "money": {}}


def test_kinelint_toml_wins_over_pyproject_in_one_directory_and_the_nearest_wins(project):
    (project / "pyproject.toml").write_text('[tool.kinelint]\nignore = ["SCH"]\n')
    (project / "kinelint.toml").write_text('ignore = ["SCH002"]\n')
    assert reported("invoices", cwd=project)[1] == [("F-1", "SCH005", "error")]
    (project / "invoices" / "kinelint.toml").write_text('ignore = ["SCH005"]\n')
    assert reported("a.json", cwd=project / "invoices")[1] == [("F-2", "SCH002", "error")]


def test_pyproject_without_a_kinelint_table_is_passed_over(project):
    (project / "kinelint.toml").write_text('select = ["SCH002"]\n')
    (project / "invoices" / "pyproject.toml").write_text('[project]\nname = "vendor"\n')
    assert reported("a.json", cwd=project / "invoices")[1] == [("F-2", "SCH002", "error")]


def test_select_and_ignore_the_more_specific_wins(project):
    (project / "kinelint.toml").write_text('select = ["SCH005"]\nignore = ["SCH"]\n')
    assert [c for _, c, _ in reported("invoices", cwd=project)[1]] == ["SCH005"]
    (project / "kinelint.toml").write_text('select = ["SCH"]\nignore = ["SCH"]\n')
    assert reported("invoices", cwd=project)[1] == []


def test_per_file_ignores_globs_are_relative_to_the_configuration(project):
    (project / "kinelint.toml").write_text('[per-file-ignores]\n"archive/**" = ["SCH"]\n"a.json" = ["SCH002"]\n')
    assert reported("invoices", "archive", cwd=project)[1] == [("F-1", "SCH005", "error")]
    assert reported("a.json", "../archive", cwd=project / "invoices")[1] == [("F-1", "SCH005", "error")]
    (project / "kinelint.toml").write_text('[per-file-ignores]\n"archive/*.json" = ["SCH"]\n')  # * stays in one dir
    assert ("F-3", "SCH005", "error") in reported("archive", cwd=project)[1]


def test_severity_overrides_and_fail_on(project):
    (project / "kinelint.toml").write_text('severity = { "SCH" = "warning", "SCH002" = "info" }\n')
    code, found, summary = reported("invoices", cwd=project)
    assert (code, found) == (0, [("F-1", "SCH005", "warning"), ("F-2", "SCH002", "info")])
    assert (summary["errors"], summary["warnings"], summary["findings"]) == (0, 1, 2)
    (project / "kinelint.toml").write_text('severity = { "SCH" = "warning" }\nfail-on = "warning"\n')
    assert reported("invoices", cwd=project)[0] == 1
    assert reported("--fail-on", "error", "invoices", cwd=project)[0] == 0


def test_command_line_overrides_the_file(project):
    (project / "kinelint.toml").write_text('select = ["SCH002"]\nignore = ["SCH005"]\n')
    assert [c for _, c, _ in reported("--select", "SCH005", "--ignore", "", "invoices", cwd=project)[1]] == ["SCH005"]
    found = reported("--select", "sch002,SCH005", "--ignore", "SCH002", "invoices", cwd=project)[1]
    assert [c for _, c, _ in found] == ["SCH005"]


def test_config_option_names_the_file(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("conf") / "strict.toml"
    elsewhere.write_text('ignore = ["SCH005"]\n')
    (project / "kinelint.toml").write_text('ignore = ["SCH002"]\n')
    assert [c for _, c, _ in reported("--config", str(elsewhere), "invoices", cwd=project)[1]] == ["SCH002"]
    pyproject = elsewhere.parent / "pyproject.toml"
    pyproject.write_text('[tool.kinelint]\nselect = ["SCH002"]\n')
    assert [c for _, c, _ in reported("--config", str(pyproject), "invoices", cwd=project)[1]] == ["SCH002"]


@pytest.mark.parametrize("content, expected", [
    ('selct = ["SCH"]\n', "unknown key 'selct' in {path} (did you mean 'select'?)"),
    ('ignore = ["TAX"]\n', "unknown rule code or prefix 'TAX' in 'ignore' in {path} (did you mean 'TAR'?)"),
    ('ignore = ["SCH9"]\n', "unknown rule code or prefix 'SCH9'"),
    ('ignore = "SCH"\n', "'ignore' in {path} must be a list of rule codes or prefixes"),
    ('severity = { "SCH005" = "fatal" }\n', "'severity' in {path} for 'SCH005' is 'fatal': expected one of"),
    ('severity = { "XYZ001" = "error" }\n', "unknown rule code or prefix 'XYZ001' in 'severity'"),
    ('per-file-ignores = { "a.json" = ["NOPE"] }\n', "unknown rule code or prefix 'NOPE'"),
    ('fail-on = "info"\n', "'fail-on' in {path} is 'info': expected one of 'error', 'warning'"),
    ('today = "31/03/2026"\n', "'today' in {path} is '31/03/2026': expected a date, YYYY-MM-DD"),
    ('ignore = [\n', "{path} is not valid TOML"),
    ('[tool.kinelint]\nignore = []\n', "unknown key 'tool' in {path}"),
])
def test_bad_configuration_is_a_clear_error(project, content, expected):
    path = project / "kinelint.toml"
    path.write_text(content)
    message = refused("check", "invoices", cwd=project)
    assert message.startswith("kinelint: " + expected.format(path=path)), message
    assert refused("config", cwd=project) == message


def test_bad_pyproject_and_missing_config_file(project):
    (project / "pyproject.toml").write_text('[tool.kinelint]\nper-file-ignores = ["x"]\n')
    assert "'per-file-ignores' in " in refused("check", "invoices", cwd=project)
    (project / "pyproject.toml").write_text('tool = 1\n')
    assert "pyproject.toml: tool.kinelint must be a table" in refused("check", "--config", "pyproject.toml", "invoices",
                                                                      cwd=project)
    (project / "pyproject.toml").write_text('tool = { kinelint = "strict" }\n')
    assert "pyproject.toml: tool.kinelint must be a table" in refused("check", "invoices", cwd=project)
    message = refused("check", "--config", "nowhere.toml", "invoices", cwd=project)
    assert message.startswith("kinelint: cannot read the configuration nowhere.toml")


def test_bad_command_line_values_exit_two(project):
    assert "unknown rule code or prefix 'ZZZ' in --select" in refused("check", "--select", "ZZZ", "invoices", cwd=project)
    assert "--today" in refused("check", "--today", "2026-02-30", "invoices", cwd=project)
    assert "--fail-on" in refused("check", "--fail-on", "info", "invoices", cwd=project)


def test_config_command_prints_the_resolved_configuration(project):
    (project / "pyproject.toml").write_text(
        '[tool.kinelint]\nignore = ["sch002"]\nseverity = { "SCH005" = "warning" }\ntoday = 2026-03-31\n'
        '[tool.kinelint.per-file-ignores]\n"archive/**" = ["SCH"]\n')
    result = run_cli("config", "--fail-on", "warning", cwd=project / "invoices")
    assert result.returncode == 0, result.stderr.decode()
    lines = [line.split("  #") for line in result.stdout.decode().splitlines()]
    assert lines[0] == [f"# configuration file: {project / 'pyproject.toml'}"]
    settings = {text.strip(): origin.strip() for text, origin in lines[1:7]}
    assert settings == {
        'select = []': "default",
        'ignore = ["SCH002"]': "file",
        'per-file-ignores = {"archive/**" = ["SCH"]}': "file",
        'severity = {"SCH005" = "warning"}': "file",
        'fail-on = "warning"': "command line",
        "today = 2026-03-31": "file",
    }
    assert "--today" in run_cli("config", "--help").stdout.decode()
    result = run_cli("config", "--today", "2027-01-02", "--select", "TAR,OBS001", cwd=project)
    assert 'select = ["TAR", "OBS001"]' in result.stdout.decode() and "today = 2027-01-02" in result.stdout.decode()


def test_without_a_file_config_says_so(tmp_path):
    result = run_cli("config", cwd=tmp_path)
    assert result.stdout.decode().startswith("# no configuration file found\n")
    assert 'fail-on = "error"' in result.stdout.decode()


def test_the_documented_configuration_example(project):
    """tests/data/ci/pyproject-config.toml is the README's example: run it."""
    shutil.copy(CI / "pyproject-config.toml", project / "pyproject.toml")
    (project / "invoices" / "lines.jsonl").write_text(dumps(clean("F-4")) + "\n\n")  # PRS006: ignored
    for folder, invoice_id in (("invoices", "F-5"), ("archive/old", "F-6")):  # IFO, retired in 2026: OBS003
        retired_fee = make_invoice([session(place="domicile", fees=[fee("IFO", amount="2.50")])],
                                   invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}")
        (project / folder / "ifo.json").write_text(dumps(retired_fee, indent=2))
    code, found, _ = reported("invoices", "archive", cwd=project)
    assert found == [("F-1", "SCH005", "error"), ("F-2", "SCH002", "warning"), ("F-5", "OBS003", "error"),
                     ("F-3", "SCH005", "error")]
    assert code == 1
    (project / "invoices" / "ifo.json").unlink()
    (project / "invoices" / "a.json").write_text(dumps(unknown_field("F-2")))
    (project / "archive" / "old" / "b.json").unlink()
    code, found, _ = reported("invoices", "archive", cwd=project)
    assert (code, found) == (1, [("F-2", "SCH002", "warning")])  # fail-on = "warning"


PLUGIN = '''
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_rules():
    return [Rule("ZZW001", "always", "warning", "A test rule.", "For tests.", "tests")]

@hookimpl
def kinelint_check_invoice(invoice):
    return [Violation("ZZW001", "always there", "/invoice_id")]
'''


def test_codes_are_checked_against_the_rules_of_the_installed_plugins(project):
    from conftest import install_fake_plugin

    (project / "kinelint.toml").write_text('select = ["ZZW"]\nfail-on = "warning"\n')
    assert "unknown rule code or prefix 'ZZW'" in refused("check", "invoices", cwd=project)
    install_fake_plugin(project / "site", "zz_always", PLUGIN)
    (project / "invoices" / "ok.json").write_text(dumps(clean("F-7")))
    result = run_cli("check", "--format", "json", "invoices", cwd=project, env_path=project / "site")
    assert [(f["invoice_id"], f["code"]) for f in json.loads(result.stdout)["findings"]] == [("F-7", "ZZW001")]
    assert result.returncode == 1  # a warning, and fail-on = "warning"
