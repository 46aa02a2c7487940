"""The bundled examples: the clean ones pass, each faulty one shows its own family."""

import json

from conftest import REPO, run_cli

EXAMPLES = REPO / "examples"


def report(path, *options):
    result = run_cli("check", "--format", "json", *options, str(path))
    assert not result.stderr, result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


def test_clean_examples_have_no_findings():
    code, found = report(EXAMPLES / "clean")
    assert code == 0, found["findings"]
    assert found["summary"]["findings"] == 0 and found["summary"]["invoices"] >= 8


def test_each_faulty_example_shows_the_family_it_is_named_after():
    for path in sorted((EXAMPLES / "faulty").glob("*.json")):
        family = path.name.split("-")[0].upper()
        code, found = report(path, "--fail-on", "warning")  # DIR's rules are warnings: fail on them too
        assert code == 1, path.name
        assert {f["code"][:3] for f in found["findings"]} == {family}, (path.name, found["findings"])


def test_the_faulty_examples_cover_every_family():
    code, found = report(EXAMPLES)
    assert code == 1
    assert {f["code"][:3] for f in found["findings"]} == {"PRS", "SCH", "CUM", "BDK", "OBS", "COE", "TAR", "CON",
                                                          "PRE", "DAY", "DIR", "LAT"}


def test_readme_example_output_is_what_kinelint_prints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Example output", 1)[1].split("```", 2)[1].strip().splitlines()
    command, expected = block[0], block[1:]
    assert command.startswith("$ kinelint check ")
    result = run_cli(*command.removeprefix("$ kinelint ").split())
    assert result.stdout.decode().splitlines() == expected
