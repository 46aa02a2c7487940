"""The command line: ``kinelint check``, ``config``, ``rules``, ``rule CODE``, ``--version``.

Options are parsed here and handed to the stages (configuration, run, filter,
reporter, baseline); nothing else lives here.
Exit status: 0 no finding that fails the check (errors; warnings too under
``fail-on = "warning"``), 1 at least one, 2 usage, configuration or internal
error (including a plugin that failed: the check was incomplete), 130 on
Ctrl-C; a closed pipe (``| head``) ends the run as it ends ``cat``, by SIGPIPE.
"""

from __future__ import annotations

import gc

import os
import sys
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from kinelint import __version__
from kinelint.check.budget import DEFAULT_SECONDS
from kinelint.cli.config import FAIL_ON
from kinelint.read.exclusion import DEFAULT_EXCLUDE
from kinelint.i18n import DEFAULT_LANGUAGE, LANGUAGES, msg, nmsg, render
from kinelint.report.reporters import FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_INTERRUPTED = 0, 1, 2, 130
COLORS = ("auto", "always", "never")
STALE_SHOWN = 20  # stale baseline entries listed one by one
MAX_JOBS = 64  # --jobs bound (or the number of cores, if larger): each worker is a Python process
_language = [DEFAULT_LANGUAGE]  # the language of this command's messages (--lang, or the environment)


# A check allocates a few dozen objects an invoice that die at once, and keeps growing memos (the
# nomenclature's verdicts): young collections every 700 allocations went over those memos again and
# again (~15 % of a batch's time). Every 10,000: the same garbage, found later; no cycle lives long.
GC_THRESHOLDS = (10_000, 10, 10)


def _say(message: str) -> None:
    """One line of kinelint's own on stderr, in the command's language; control characters escaped (a file
    name cannot forge a line or a CI command)."""
    from kinelint.report.display import escape_controls

    click.echo(escape_controls(f"kinelint: {render(message, _language[0])}"), err=True)


def _fail(message: str):
    """A configuration, baseline or output problem: a clear message and exit status 2."""
    _say(message)
    sys.exit(EXIT_INCOMPLETE)


def _message_of(error: Exception) -> str:
    """The error's message as raised (a translatable one stays translatable)."""
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


def _choose_language(_ctx, _param, value: str | None) -> str:
    from kinelint.i18n import language_from_environment

    _language[0] = value or language_from_environment()
    return _language[0]


_lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), callback=_choose_language, is_eager=True,
    help="The language of messages, rule summaries and the summary line: en or fr "
         "(default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG; English otherwise).")


def _load_host(plugin_timeout: float = DEFAULT_SECONDS):
    from kinelint.check.budget import TimeBudget
    from kinelint.check.host import PluginConflict, PluginHost
    from kinelint.check.plugin_output import plugin_output_dropped

    try:
        with plugin_output_dropped():  # what a plugin prints at import is not the command's output
            return PluginHost.from_entry_points(budget=TimeBudget(plugin_timeout).start())
    except PluginConflict as conflict:
        _fail(str(conflict))


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"kinelint {__version__}")
    host = _load_host()
    for plugin in host.plugins:
        click.echo(f"  plugin {plugin.name}: {plugin.distribution} {plugin.version}".rstrip())
    _report_incidents(host, verbose=False)
    ctx.exit(EXIT_INCOMPLETE if host.incidents else EXIT_CLEAN)


class _Kinelint(click.Group):
    """The command group, ending every command alike on Ctrl-C (130, no traceback) and on a closed pipe."""

    def invoke(self, ctx: click.Context):
        from kinelint.report.streams import ReportWriteError, end_on_closed_pipe

        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _interrupted()
        except BrokenPipeError:
            end_on_closed_pipe()
        except ReportWriteError as error:
            if error.closed_pipe:
                end_on_closed_pipe()
            raise


def _interrupted():
    """Ctrl-C: exit 130 with no traceback (worker processes were stopped on the way out).

    Past this point nothing is worth saying, and the interpreter's shutdown may still complain of the
    killed workers' queues (a feeder thread writing into a closed pipe): standard error goes quiet.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    except OSError:
        pass
    sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_Kinelint, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the installed plugins, then exit.")
def main() -> None:
    """Lint the NGAP invoice files of French physiotherapists."""


def _split_codes(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...] | None:
    codes = tuple(code for value in values for code in value.split(",") if code.strip())
    return codes if values else None


def _split_patterns(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...] | None:
    patterns = tuple(pattern.strip() for value in values for pattern in value.split(",") if pattern.strip())
    return patterns if values else None


def _config_options(function):
    """The options that override the configuration file, shared by ``check`` and ``config``."""
    options = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
                     help="Use this configuration file (pyproject.toml or kinelint.toml) instead of searching for one."),
        click.option("--select", multiple=True, metavar="CODES", callback=_split_codes,
                     help="Report only these codes or prefixes (comma-separated; overrides the file)."),
        click.option("--ignore", multiple=True, metavar="CODES", callback=_split_codes,
                     help="Do not report these codes or prefixes (comma-separated; overrides the file)."),
        click.option("--fail-on", type=click.Choice(FAIL_ON), help="The severity that makes the exit status 1."),
        click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="The reference date for checks about the future (default: today)."),
        click.option("--exclude", multiple=True, metavar="GLOBS", callback=_split_patterns,
                     help="Leave these files and folders out of directory walks (comma-separated; replaces the "
                          "defaults: " + ", ".join(DEFAULT_EXCLUDE) + ")."),
        click.option("--extend-exclude", multiple=True, metavar="GLOBS", callback=_split_patterns,
                     help="Leave these out too, on top of --exclude (comma-separated)."),
        click.option("--force-exclude/--no-force-exclude", default=None,
                     help="Apply the exclusions to the files named on the command line too (as pre-commit names them)."),
        click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                     help="Leave out what .gitignore files ignore (default: yes)."),
        click.option("--ruleset", metavar="NAME",
                     help="Check against this rule set (2026.1, ...): the rules of later rule sets stay off "
                          "(default: the newest; `kinelint rules` shows the set of each rule)."),
        click.option("--preview/--no-preview", default=None,
                     help="Run the rules of the rule sets after the pinned one too."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="How to report the findings.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Write the report to PATH; the terminal keeps the summary.")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT:PATH", callback=lambda _c, _p, v: _outputs(v),
              help="Also write the report as FORMAT to PATH (repeatable: --output sarif:k.sarif --output "
                   "html:k.html); one check, each file written whole or not at all.")
@click.option("--statistics", is_flag=True,
              help="Show a count per family and per code, with the money at stake, instead of each finding "
                   "(as JSON with --format json or jsonl).")
@click.option("--diff", is_flag=True,
              help="Print what the safe corrections the findings carry would change (a recomputed amount or "
                   "total), as a unified diff, instead of the findings; the files are never changed.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --diff: show the corrections that need a person too (a changed coefficient, letter, code "
                   "or quantity, a fact the notes hold uncertain).")
@click.option("--color", "color", type=click.Choice(COLORS), default="auto", show_default=True,
              help="Colour the text report: auto is on a terminal, unless NO_COLOR is set.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line, no notes, no progress.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the check.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Hide the findings recorded in FILE; report only new ones and note stale entries.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Record the current findings in FILE and exit 0.")
@_config_options
@click.option("--jobs", "-j", default="auto", metavar="N|auto", callback=lambda _c, _p, v: _jobs(v),
              help=f"Worker processes (at most {MAX_JOBS}, or the number of cores if more; never more than files "
                   "and 1 MiB chunks of JSON Lines). auto (default): one for a few files, then one per 4 MiB of "
                   "input, up to the CPUs this process may use (affinity and cgroup quota).")
@click.option("--plugin-timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_SECONDS, show_default=True,
              metavar="SECONDS", help="Time budget of each call into plugin code; one that outlasts it is stopped, "
                                      "reported, and the check is incomplete.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of failing plugins (patient data masked).")
@_lang_option
def check(paths: tuple[str, ...], output_format: str, output_file: Path | None, outputs: tuple, statistics: bool,
          diff: bool, unsafe_fixes: bool,
          color: str, quiet: bool,
          exit_zero: bool, baseline: Path | None, write_baseline: Path | None, jobs: int | None, plugin_timeout: float,
          verbose: bool, lang: str,
          **overrides) -> None:
    """Check invoice files (.json, .jsonl, .ndjson), directories, or - for standard input."""
    from kinelint.check.plugin_output import plugin_output_dropped
    from kinelint.report.streams import STANDARD_OUTPUT, ReportStream, ReportWriteError, end_on_full_output

    if unsafe_fixes and not diff:
        raise click.UsageError(render(msg("--unsafe-fixes goes with --diff (it shows the corrections that need a "
                                          "person)"), _language[0]))
    if baseline is not None and write_baseline is not None:
        raise click.UsageError("--baseline and --write-baseline cannot be combined; --write-baseline alone refreshes it")
    if output_file is not None and any(_same_path(output_file, path) for _, path in outputs):
        raise click.UsageError(render(msg("--output names {path}, the --output-file too: one report a file",
                                          path=str(output_file)), _language[0]))
    for option, target in (("--output-file", output_file), ("--write-baseline", write_baseline),
                           *(("--output", path) for _, path in outputs)):
        _guard_output(option, target, paths)
    terminal = ReportStream(click.get_text_stream("stdout"), STANDARD_OUTPUT)  # taken before plugins can print
    try:
        with plugin_output_dropped():
            host = _load_host(plugin_timeout)
            settings = _settings(host, overrides)
            known = _or_exit(_load_baseline, baseline)
            summary, kept, nothing_read = _run_check(host, settings, paths, output_format, output_file, statistics,
                                                     known, write_baseline is not None, jobs, terminal,
                                                     Look(color, quiet), lang, diff, outputs, unsafe_fixes)
    except ReportWriteError as error:
        if error.closed_pipe:
            raise
        end_on_full_output(error, EXIT_INCOMPLETE)
    except Exception as error:  # the last guard: a message, never a traceback
        _internal_error(error, verbose)
    _report_incidents(host, verbose)
    if host.incidents:  # an incomplete check is no baseline: nothing is recorded
        sys.exit(EXIT_INCOMPLETE)
    if nothing_read:
        _nothing_read(paths, settings.exclusions(), quiet)
    _baseline_notes(known, write_baseline, kept, paths, quiet)
    failing = summary.errors + (summary.warnings if settings.fail_on == "warning" else 0)
    sys.exit(EXIT_FINDINGS if failing and not (exit_zero or write_baseline) else EXIT_CLEAN)


def _nothing_read(paths, exclusions, quiet: bool = False) -> None:
    """No invoice file in the paths given: a CI run that checked nothing must not pass (exit 2).

    Except when the files were named and excluded on purpose (``--force-exclude``,
    as pre-commit names a commit's files): then there is nothing to check.
    """
    if any(exclusions.excludes_given(path) for path in paths):
        if not quiet:
            _say(msg("every file named is excluded (--force-exclude): nothing to check"))
        sys.exit(EXIT_CLEAN)
    _fail(msg("no invoice file in {paths} (files named *.json, *.jsonl or *.ndjson, in any case, outside excluded "
              "folders): nothing was checked", paths=", ".join(paths)))


def _jobs(value: str) -> int | None:
    """A number of processes, or None for auto; bounded, as each worker is a whole interpreter."""
    if value == "auto":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) < 1:
        raise click.BadParameter(f"{value!r} is not a number of processes (1 or more) nor auto")
    limit = max(MAX_JOBS, os.cpu_count() or 1)
    if int(value) > limit:
        raise click.BadParameter(render(msg("{count} processes is more than this machine can use; at most {limit}",
                                            count=value, limit=limit), _language[0]))
    return int(value)


@dataclass(frozen=True)
class Look:
    """How the terminal output looks: ``--color`` and ``--quiet``."""

    color: str = "auto"
    quiet: bool = False


def _run_check(host, settings, paths, output_format, output_file, statistics, baseline, keep, jobs, terminal,
               look=Look(), lang=DEFAULT_LANGUAGE, diff=False, outputs=(), unsafe_fixes=False):
    """The run, the filter, the reporters (to the terminal or the file, and one per ``--output``) and the
    terminal summary. Every reporter gets the same findings from the one check.

    The terminal's standard output holds the report, or the statistics, or (``--diff``) the diff alone;
    the summary line goes with them, except after a diff (standard error, with the diff's notes).
    """
    from kinelint.report.corrections import Corrections
    from kinelint.report.display import escape_controls
    from kinelint.report.filtering import Filter
    from kinelint.i18n import localized_rules
    from kinelint.nomenclature import load_nomenclature
    from kinelint.cli.progress import Progress, should_show
    from kinelint.report.reporters import Provenance, ReportContext, reporter_class, summary_line, wants_color
    from kinelint.check.runner import Run
    from kinelint.report.statistics import JSON_FORMATS, Statistics

    from kinelint.check.parallel import in_workers, planned_jobs

    exclusions = settings.exclusions()
    jobs = planned_jobs(paths, exclusions, jobs)  # --jobs N or auto, never more workers than tasks
    gc.set_threshold(*GC_THRESHOLDS)
    run = Run(host, load_nomenclature().with_thresholds(dict(settings.thresholds)), today=settings.today, workers=in_workers(jobs) if jobs > 1 else None,
              exclusions=exclusions, lang=lang, not_judged=Counter() if statistics else None)
    selected = Filter(settings, baseline)
    kept = []
    counted = Statistics() if statistics else None
    corrections = Corrections(secrets_of=run.file_secrets, unsafe=unsafe_fixes) if diff else None
    with ExitStack() as stack:
        stream = stack.enter_context(_open_report(output_file)) if output_file else None  # renamed into place at the end
        showing = should_show(sys.stderr) and not look.quiet
        progress = stack.enter_context(Progress(run.summary, sys.stderr, lang=lang)) if showing else None
        if stream is None and not statistics and not diff:
            stream = progress.guard(terminal) if progress else terminal
        color = wants_color(look.color, stream if stream is not None else terminal, os.environ)
        provenance = Provenance(ruleset=settings.ruleset, preview=settings.preview)
        context = ReportContext(localized_rules(host.rules, lang), Path.cwd(), settings.fail_on, lang, color=color,
                                quiet=look.quiet, provenance=provenance)
        reporter = reporter_class(output_format)(stream, context) if stream is not None else None
        reporters = ([reporter] if reporter is not None else []) + [
            _file_reporter(stack, output, path, context, look) for output, path in outputs]
        told = [each.document for each in reporters if each.wants_documents]
        if told:
            run.on_document = told[0] if len(told) == 1 else (lambda ref: [tell(ref) for tell in told])
        for finding in selected.apply(run.findings(paths)):
            if counted is not None:
                counted.add(finding)
            if corrections is not None:
                corrections.add(finding)
            for each in reporters:
                each.finding(finding)
            if keep:
                kept.append(finding)
        summary = selected.finish(run.summary)
        if counted is not None:  # the invoices a selected rule could not judge, for lack of a field
            counted.not_judged = Counter({code: n for code, n in run.not_judged.items() if selected.selected(code)})
        for each in reporters:
            each.finish(summary)
    if corrections is not None:
        for part in corrections.diff_parts():
            terminal.write(part)
        terminal.flush()
        for note in corrections.notes:
            click.echo(escape_controls(f"kinelint: {note}"), err=True)
        if corrections.held_back and not look.quiet:
            click.echo("kinelint: " + nmsg("{count} correction needs a person (a changed coefficient, code or "
                                           "quantity, or an uncertain fact) and is left out; --unsafe-fixes shows it",
                                           "{count} corrections need a person (a changed coefficient, code or "
                                           "quantity, or an uncertain fact) and are left out; --unsafe-fixes shows "
                                           "them", corrections.held_back).render(lang), err=True)
    # The statistics are the report on the terminal: they name the version and rule set as the text report does
    # (a report written to a file names them itself; the terminal keeps the summary).
    named = [provenance.line(lang)] if counted is not None and corrections is None else []
    summary_lines = [] if look.quiet else named + [summary_line(summary, lang)]
    if counted is not None and output_format in JSON_FORMATS and corrections is None:
        terminal.write(counted.json_text(output_format, host.rules, summary, provenance.as_dict()))
    elif output_file is not None or statistics or diff:
        for line in (counted.lines(host.rules, lang) if counted is not None else []) + summary_lines:
            line = escape_controls(line)  # a plugin's code or rule name is text from outside: one line each
            if diff:  # standard output holds the diff alone
                click.echo(line, err=True)
            else:
                terminal.write(line + "\n")
    terminal.flush()  # here, where a full disk is a message, not at exit
    return summary, kept, run.summary.files == 0 and run.summary.findings == 0


def _file_reporter(stack: ExitStack, output_format: str, path: Path, context, look: Look):
    """A reporter writing ``output_format`` to ``path`` through its own atomic file (``--output``), coloured
    as ``-o`` would colour it."""
    from dataclasses import replace

    from kinelint.report.reporters import reporter_class, wants_color

    stream = stack.enter_context(_open_report(path))
    return reporter_class(output_format)(stream, replace(context, color=wants_color(look.color, stream, os.environ)))


def _outputs(values: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """``--output FORMAT:PATH`` values, each a known format and a path, no path twice."""
    from kinelint.report.reporters import FORMATS

    chosen: list[tuple[str, Path]] = []
    for value in values:
        output_format, colon, path = value.partition(":")
        if not colon or not path or output_format not in FORMATS:
            raise click.BadParameter(render(msg("{value} is not FORMAT:PATH with a format among {formats} "
                                                "(--output sarif:reports/kinelint.sarif)", value=repr(value),
                                                formats=", ".join(FORMATS)), _language[0]))
        if any(_same_path(Path(path), other) for _, other in chosen):
            raise click.BadParameter(render(msg("{path} is named by two --output: one report a file", path=path),
                                            _language[0]))
        chosen.append((output_format, Path(path)))
    return tuple(chosen)


def _same_path(one: Path, other: Path) -> bool:
    return os.path.abspath(one) == os.path.abspath(other)


@contextmanager
def _open_report(path: Path):
    """The report file: written beside the target and renamed into place at the end, or not at all."""
    from kinelint.report.outputs import AtomicWriter
    from kinelint.report.streams import ReportStream, ReportWriteError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # -o reports/kinelint.sarif in a fresh CI checkout
        writer = AtomicWriter(path)
    except OSError as error:
        _fail(msg("cannot write the report to {path}: {reason}", path=str(path), reason=error.strerror or str(error)))
    stream = ReportStream(writer.stream, str(path))
    try:
        yield stream
        stream.close()
        try:
            writer.commit()
        except OSError as error:
            raise ReportWriteError(str(path), error) from None
    except BaseException:
        writer.discard()  # a failed or interrupted run leaves the previous report as it was
        raise


def _guard_output(option: str, target: Path | None, paths) -> None:
    """kinelint never writes to a file it checks (by identity: links too), nor where a walk would read it back."""
    from kinelint.report.display import escape_controls
    from kinelint.report.outputs import OutputRefused, guard

    if target is None:
        return
    try:
        guard(target, paths)
    except OutputRefused as refused:
        raise click.UsageError(escape_controls(render(msg("{option} {target} {reason}; write it elsewhere", option=option,
                                                          target=str(target), reason=refused.reason), _language[0]))) from None


def _settings(host, overrides: dict):
    from kinelint.cli.config import ConfigError, Overrides, load_settings

    today = overrides["today"].date() if overrides["today"] is not None else None
    wanted = Overrides(overrides["config_path"], overrides["select"], overrides["ignore"], overrides["fail_on"], today,
                       exclude=overrides["exclude"], extend_exclude=overrides["extend_exclude"],
                       force_exclude=overrides["force_exclude"], respect_gitignore=overrides["respect_gitignore"],
                       ruleset=overrides["ruleset"], preview=overrides["preview"])
    try:
        return load_settings(host.rules, wanted, adapters=host.adapters)
    except ConfigError as error:
        _fail(_message_of(error))


def _load_baseline(path: Path | None):
    from kinelint.report.baseline import load

    return None if path is None else load(path)


def _or_exit(action, *args):
    """``action(*args)``, with a baseline problem turned into a message and exit status 2."""
    from kinelint.report.baseline import BaselineError

    try:
        return action(*args)
    except BaselineError as error:
        _fail(_message_of(error))


def _baseline_notes(known, write_path: Path | None, kept, paths, quiet: bool = False) -> None:
    from kinelint.report.baseline import write

    if write_path is not None:
        count = _or_exit(write, write_path, kept)
        if not quiet:
            _say(msg("recorded {count} finding(s) in the baseline {path}", count=count, path=str(write_path)))
    if known is None or quiet:
        return
    stale = known.stale(paths)
    _say(msg("the baseline {path} hid {count} finding(s)", count=known.hidden, path=str(known.path)))
    if stale:
        _say(nmsg("{count} baseline entry no longer occurs (stale; refresh with --write-baseline):",
                  "{count} baseline entries no longer occur (stale; refresh with --write-baseline):", len(stale)))
        for entry in stale[:STALE_SHOWN]:
            click.echo(f"  {entry.describe()}", err=True)  # escaped by describe
        if len(stale) > STALE_SHOWN:
            click.echo("  " + render(msg("... and {count} more", count=len(stale) - STALE_SHOWN), _language[0]), err=True)


@main.command("config")
@_config_options
def show_config(**overrides) -> None:
    """Print the configuration in force (the file found, then the options) and where each value comes from."""
    from kinelint.cli.config import describe

    click.echo(describe(_settings(_load_host(), overrides)))


@main.command()
@_lang_option
def rules(lang: str) -> None:
    """List every rule of every installed plugin."""
    from kinelint.i18n import localized_rules

    host = _load_host()
    for rule in sorted(localized_rules(host.rules, lang).values(), key=lambda r: r.code):
        came_in = f", {rule.ruleset}" if rule.ruleset else ""  # a third-party rule is in no rule set
        click.echo(f"{rule.code}  {rule.severity:<7}  {rule.name:<28}  {rule.summary}  [{rule.plugin}{came_in}]")
    _report_incidents(host, verbose=False, listing=True)


@main.command()
@click.argument("code", metavar="CODE|NAME")
@_lang_option
def rule(code: str, lang: str) -> None:
    """Show the full documentation of one rule, named by its code (OBS003) or its name (retired-fee)."""
    from kinelint.report.docs import find_rule, rule_page
    from kinelint.i18n import localized_rules

    host = _load_host()
    found = find_rule(localized_rules(host.rules, lang), code)
    _report_incidents(host, verbose=False, listing=True)  # a rule not found may be a broken plugin's
    if found is None:
        _fail(msg("no rule {code}; `kinelint rules` lists them", code=repr(code)))
    click.echo(rule_page(found, lang))


def _report_incidents(host, verbose: bool, listing: bool = False) -> None:
    """What went wrong loading or running plugins, patient data masked. ``listing``: a command that shows the
    rules (``rules``, ``rule``), which is not a check but misses the rules of a plugin that failed."""
    from kinelint.privacy import scrub_all

    from kinelint.report.display import escape_controls

    for incident in host.incidents:
        click.echo(escape_controls(f"kinelint: {scrub_all(incident.describe())}"), err=True)
        if verbose and incident.detail:
            for line in scrub_all(incident.detail).rstrip("\n").split("\n"):
                click.echo(escape_controls(line), err=True)
    if host.incidents and listing:
        _say(msg("the rules of a plugin that failed to load are missing"))
    elif host.incidents:
        _say(msg("the check is incomplete (exit status 2)") if verbose
             else msg("the check is incomplete (exit status 2); --verbose shows details"))


def _internal_error(error: Exception, verbose: bool) -> None:
    import traceback

    from kinelint.privacy import scrub_all

    _say(msg("internal error ({error}); please report it", error=type(error).__name__))
    if verbose:
        from kinelint.report.display import escape_controls

        for line in scrub_all("".join(traceback.format_exception(error))).rstrip("\n").split("\n"):
            click.echo(escape_controls(line), err=True)
    sys.exit(EXIT_INCOMPLETE)


def _add_commands() -> None:
    """Commands that live in modules of their own."""
    from kinelint.cli.acts import acts
    from kinelint.cli.selftest import selftest

    main.add_command(acts)
    main.add_command(selftest)


_add_commands()
