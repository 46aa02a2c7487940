"""`kinelint selftest`: the conformance kit shipped with kinelint, run by the kinelint installed here.

Why: a vendor's QA must show that the kinelint its pipeline runs judges as the release says, rule by rule and
step by step of the nomenclature, with plugins and data as installed. The report names each case (which rule,
which step, expected, found, pass or fail), as text or JSON; exit 0 when every case passes, 1 otherwise, 2 when
a plugin failed (the check was incomplete).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Write the report to PATH (whole or not at all); the terminal keeps the summary line.")
@click.option("--failures-only", is_flag=True, help="List only the cases that fail (the summary counts them all).")
@click.option("--lang", type=click.Choice(("en", "fr")), default=None,
              help="The language of the report (default: from the environment).")
def selftest(output_format: str, output_file: Path | None, failures_only: bool, lang: str | None) -> None:
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
    summary = render(msg("{cases} cases: {passed} passed, {failed} failed; {missing} rules without a case.",
                         cases=len(outcome.results), passed=len(outcome.results) - failed, failed=failed,
                         missing=len(outcome.missing)), lang)
    if output_format == "json":
        report = [json.dumps({
            "tool": {"name": "kinelint", "version": __version__, "ruleset": ruleset, "preview": False},
            "kit": {"built": outcome.built},
            "cases": [result.as_dict() for result in outcome.results if not failures_only or not result.passed],
            "missing": outcome.missing, "not_in_a_file": outcome.not_in_a_file, "incidents": outcome.incidents,
            "summary": {"cases": len(outcome.results), "passed": len(outcome.results) - failed, "failed": failed,
                        "all_passed": outcome.passed},
        }, ensure_ascii=False, indent=2)]
    else:
        report = [render(msg("kinelint {version}, rule set {ruleset}: conformance kit built on {built}",
                             version=__version__, ruleset=ruleset, built=outcome.built), lang)]
        report += [_words(result, lang) for result in outcome.results if not failures_only or not result.passed]
        report += [render(msg("NOT IN A FILE  rule {code}: {reason}", code=code, reason=reason), lang)
                   for code, reason in sorted(outcome.not_in_a_file.items())]
        report += [render(msg("FAIL  rule {code}: the kit has no case for it (rebuild the kit: "
                              "tools/build_conformance.py)", code=code), lang) for code in outcome.missing]
        report.append(summary)
    for incident in outcome.incidents:
        click.echo(f"kinelint: {incident}", err=True)
    if output_file is None:
        click.echo("\n".join(report))
    else:
        _write(output_file, "\n".join(report) + "\n", lang)
        click.echo(summary)
    sys.exit(2 if outcome.incidents else 0 if outcome.passed else 1)


def _write(target: Path, text: str, lang: str) -> None:
    """The report whole or not at all (a temporary file renamed); a target that cannot be written exits 2."""
    from kinelint.report.outputs import AtomicWriter

    writer = None
    try:
        writer = AtomicWriter(target)
        writer.stream.write(text)
        writer.commit()
    except OSError as error:
        if writer is not None:
            writer.discard()
        from kinelint.report.display import escape_controls

        problem = msg("cannot write the report to {path}: {reason}", path=str(target),
                      reason=error.strerror or str(error))
        click.echo(escape_controls("kinelint: " + render(problem, lang)), err=True)
        sys.exit(2)
