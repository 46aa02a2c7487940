"""`kinelint selftest`: the conformance kit shipped with kinelint, run by the kinelint installed here.

Why: a vendor's QA must show that the kinelint its pipeline runs judges as the release says, rule by rule and
step by step of the nomenclature, with plugins and data as installed. The report names each case (which rule,
which step, expected, found, pass or fail), as text or JSON; exit 0 when every case passes, 1 otherwise, 2 when
a plugin failed (the check was incomplete).
"""

from __future__ import annotations

import json
import sys

import click

from kinelint import __version__
from kinelint.i18n import msg, render


def _words(result, lang: str) -> str:
    expected = ", ".join(result.expected) or render(msg("no finding"), lang)
    found = ", ".join(result.found) or render(msg("no finding"), lang)
    what = render(msg("every rule"), lang) if result.subject == "*" else result.subject
    verdict = "PASS" if result.passed else "FAIL"
    return (f"{verdict}  {result.of} {what}  {result.kind}  {result.where}: "
            + render(msg("expected {expected}; found {found}", expected=expected, found=found), lang))


@click.command("selftest")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--failures-only", is_flag=True, help="List only the cases that fail (the summary counts them all).")
@click.option("--lang", type=click.Choice(("en", "fr")), default=None,
              help="The language of the report (default: from the environment).")
def selftest(output_format: str, failures_only: bool, lang: str | None) -> None:
    """Run the conformance kit: the valid and invalid invoices of every rule and every nomenclature step."""
    from kinelint.check.conformance import run_kit
    from kinelint.check.host import PluginHost
    from kinelint.check.plugin_output import plugin_output_dropped
    from kinelint.i18n import language_from_environment
    from kinelint.nomenclature import load_nomenclature
    from kinelint.nomenclature.rulesets import load_rulesets

    lang = lang or language_from_environment()
    with plugin_output_dropped():
        host = PluginHost.from_entry_points()
        outcome = run_kit(host, load_nomenclature())
    ruleset = load_rulesets().newest.name
    failed = sum(not result.passed for result in outcome.results)
    if output_format == "json":
        click.echo(json.dumps({
            "tool": {"name": "kinelint", "version": __version__, "ruleset": ruleset, "preview": False},
            "kit": {"built": outcome.built},
            "cases": [result.as_dict() for result in outcome.results if not failures_only or not result.passed],
            "missing": outcome.missing, "not_in_a_file": outcome.not_in_a_file, "incidents": outcome.incidents,
            "summary": {"cases": len(outcome.results), "passed": len(outcome.results) - failed, "failed": failed,
                        "all_passed": outcome.passed},
        }, ensure_ascii=False, indent=2))
    else:
        click.echo(render(msg("kinelint {version}, rule set {ruleset}: conformance kit built on {built}",
                              version=__version__, ruleset=ruleset, built=outcome.built), lang))
        for result in outcome.results:
            if not failures_only or not result.passed:
                click.echo(_words(result, lang))
        for code, reason in sorted(outcome.not_in_a_file.items()):
            click.echo(render(msg("NOT IN A FILE  rule {code}: {reason}", code=code, reason=reason), lang))
        for code in outcome.missing:
            click.echo(render(msg("FAIL  rule {code}: the kit has no case for it (rebuild the kit: "
                                  "tools/build_conformance.py)", code=code), lang))
        for incident in outcome.incidents:
            click.echo(f"kinelint: {incident}", err=True)
        click.echo(render(msg("{cases} cases: {passed} passed, {failed} failed; {missing} rules without a case.",
                              cases=len(outcome.results), passed=len(outcome.results) - failed, failed=failed,
                              missing=len(outcome.missing)), lang))
    sys.exit(2 if outcome.incidents else 0 if outcome.passed else 1)
