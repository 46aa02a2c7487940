"""The command line: ``kinelint check``, ``rules``, ``rule CODE``, ``--version``.

Options are parsed here and handed to the runner; nothing else lives here.
Exit status: 0 no error finding, 1 at least one, 2 usage, configuration or
internal error (including a plugin that failed: the check was incomplete).
"""

from __future__ import annotations

import sys

import click

from kinelint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE = 0, 1, 2


def _load_host():
    from kinelint.host import PluginConflict, PluginHost

    try:
        return PluginHost.from_entry_points()
    except PluginConflict as conflict:
        click.echo(f"kinelint: {conflict}", err=True)
        sys.exit(EXIT_INCOMPLETE)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"kinelint {__version__}")
    host = _load_host()
    for plugin in host.plugins:
        click.echo(f"  plugin {plugin.name}: {plugin.distribution} {plugin.version}".rstrip())
    _report_incidents(host, verbose=False)
    ctx.exit(EXIT_INCOMPLETE if host.incidents else EXIT_CLEAN)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the installed plugins, then exit.")
def main() -> None:
    """Lint the NGAP invoice files of French physiotherapists."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl"]), default="text",
              show_default=True, help="How to print the findings.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of failing plugins (patient data masked).")
def check(paths: tuple[str, ...], output_format: str, verbose: bool) -> None:
    """Check invoice files (.json, .jsonl, .ndjson), directories, or - for standard input."""
    host = _load_host()
    try:
        summary = _run_check(host, paths, output_format)
    except Exception as error:  # the last guard: a message, never a traceback
        _internal_error(error, verbose)
    _report_incidents(host, verbose)
    if host.incidents:
        sys.exit(EXIT_INCOMPLETE)
    sys.exit(EXIT_FINDINGS if summary.errors else EXIT_CLEAN)


def _run_check(host, paths, output_format):
    from kinelint.nomenclature import load_nomenclature
    from kinelint.reporters import REPORTERS
    from kinelint.runner import Run

    run = Run(host, load_nomenclature())
    reporter = REPORTERS[output_format](click.get_text_stream("stdout"))
    for finding in run.findings(paths):
        reporter.finding(finding)
    reporter.finish(run.summary)
    return run.summary


@main.command()
def rules() -> None:
    """List every rule of every installed plugin."""
    host = _load_host()
    for rule in sorted(host.rules.values(), key=lambda r: r.code):
        click.echo(f"{rule.code}  {rule.severity:<7}  {rule.name:<28}  {rule.summary}  [{rule.plugin}]")
    _report_incidents(host, verbose=False)


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Show the full documentation of one rule."""
    from kinelint.docs import rule_page

    host = _load_host()
    found = host.rules.get(code.upper())
    if found is None:
        click.echo(f"kinelint: no rule {code!r}; `kinelint rules` lists them", err=True)
        sys.exit(EXIT_INCOMPLETE)
    click.echo(rule_page(found))


def _report_incidents(host, verbose: bool) -> None:
    from kinelint.privacy import scrub_all

    for incident in host.incidents:
        click.echo(f"kinelint: {scrub_all(incident.describe())}", err=True)
        if verbose and incident.detail:
            click.echo(scrub_all(incident.detail), err=True)
    if host.incidents:
        click.echo("kinelint: the check is incomplete (exit status 2)" + ("" if verbose else "; --verbose shows details"), err=True)


def _internal_error(error: Exception, verbose: bool) -> None:
    import traceback

    from kinelint.privacy import scrub_all

    click.echo(f"kinelint: internal error ({type(error).__name__}); please report it", err=True)
    if verbose:
        click.echo(scrub_all("".join(traceback.format_exception(error))), err=True)
    sys.exit(EXIT_INCOMPLETE)
