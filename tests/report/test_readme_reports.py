"""The README's examples of --statistics, --diff, a fix in the JSON report and the HTML report's screenshot
are what kinelint prints and ships."""

import json
import re
from decimal import Decimal

import pytest
from conftest import REPO, run_cli

from kinelint.report.jsontext import dumps

README = (REPO / "README.md").read_text(encoding="utf-8")
CONSOLE = re.findall(r"```console\n(\$ kinelint [^\n]*)\n(.*?)```", README, re.S)


def test_the_readme_has_console_examples():
    assert {command.split()[3] for command, _ in CONSOLE} >= {"--statistics", "--diff"}


@pytest.mark.parametrize("command, expected", CONSOLE, ids=[c.split()[3] for c, _ in CONSOLE])
def test_readme_console_example_is_what_kinelint_prints(command, expected):
    result = run_cli(*command.removeprefix("$ kinelint ").split())
    assert result.stdout.decode() == expected


def test_readme_fix_example_is_a_finding_of_the_json_report():
    command, block = re.search(r"One finding of\s+`kinelint (check --format json [^`]+)`:\n\n```json\n(.*?)\n```",
                               README, re.S).groups()
    report = json.loads(run_cli(*command.split()).stdout, parse_float=Decimal)
    assert dumps(report["findings"][0], indent=2) == block
    assert '"fix": [' in block and '"value": 41.60' in block  # the total keeps its two decimals


def test_readme_shows_the_html_report_screenshot():
    (image,) = re.findall(r"!\[[^\]]*\]\((docs/[^)]+\.png)\)", README)
    data = (REPO / image).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 300_000
