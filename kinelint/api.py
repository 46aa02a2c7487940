"""The Python API, for vendors that call kinelint from their own code.

    >>> from kinelint import lint_invoice
    >>> findings = lint_invoice({"version": 1, ...})     # or a path
    >>> [f.code for f in findings]

Pass numbers as ``Decimal`` (or the invoice as JSON text / a path) for exact
amounts; a Python float is read by its shortest representation (19.99 stays
19.99), which is exact for amounts written with at most 15 digits.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from os import PathLike
from pathlib import Path

from kinelint.findings import Finding, Summary


def lint_invoice(invoice: dict | str | PathLike, *, plugins=(), nomenclature=None, today=None,
                 lang: str = "en") -> list[Finding]:
    """Every finding for one invoice given as a dict or as JSON text, or for the invoice file at a path.

    ``plugins`` adds (name, plugin object) pairs to the installed plugins;
    ``nomenclature`` replaces the shipped one (a ``load_nomenclature(dir)``);
    ``today`` is the reference date for "in the future" (default: today);
    ``lang`` the language of the messages (``"en"`` or ``"fr"``).
    """
    if isinstance(invoice, str) and _is_json_text(invoice):
        return _lint_text(invoice, plugins, nomenclature, today)
    if isinstance(invoice, str) and (len(invoice) > _PATH_MAX or "\n" in invoice or "\0" in invoice):
        raise ValueError(f"lint_invoice: a string of {len(invoice)} characters that is neither JSON text (it does "
                         "not start with {{ or [) nor a file path")
    if isinstance(invoice, (str, PathLike)):
        findings, _ = lint_paths([invoice], plugins=plugins, nomenclature=nomenclature, today=today, lang=lang)
        return findings
    from kinelint.read.sources import Document, SourceFile, document_ref

    run = _new_run(plugins, nomenclature, today, lang)
    text = json.dumps(invoice, indent=2, ensure_ascii=False, default=str)
    source = SourceFile("<invoice>", data=text.encode("utf-8"))
    ref = document_ref(source, invoice, "", 1)
    document = Document(ref, _exact_copy(invoice))
    run.summary.invoices = 1
    checkers = run.host.batch_checkers(run.nomenclature)
    observe = partial(run.host.observe, checkers) if checkers else None
    findings = run.document_findings(document, observe) + list(run._batch_findings(checkers))
    _raise_on_incidents(run)
    return findings


_PATH_MAX = 4096  # Linux's PATH_MAX: a longer string is no path


def _is_json_text(text: str) -> bool:
    """JSON text rather than a path: an invoice (or an array, or JSON Lines) starts with { or [."""
    return text.lstrip(" \t\r\n\ufeff").startswith(("{", "["))


def _lint_text(text: str, plugins, nomenclature, today) -> list[Finding]:
    """The findings of JSON text, read as a file's bytes would be (exact numbers, positions in the text).

    Never an error that quotes the text: it holds the patient's data.
    """
    from kinelint.read.sources import SourceFile

    try:
        data = text.encode("utf-8")
    except UnicodeError:
        raise ValueError("lint_invoice: the invoice text cannot be encoded as UTF-8 (a lone surrogate?)") from None
    run = _new_run(plugins, nomenclature, today)
    checkers = run.host.batch_checkers(run.nomenclature)
    observe = partial(run.host.observe, checkers) if checkers else None
    run.summary.files = 1
    findings = list(run._file_findings(SourceFile("<invoice>", data=data), observe))
    findings += run._batch_findings(checkers)
    _raise_on_incidents(run)
    return findings


def lint_paths(paths, *, plugins=(), nomenclature=None, today=None, lang: str = "en") -> tuple[list[Finding], Summary]:
    """Every finding for files and directories, and the run's summary (messages in ``lang``)."""
    run = _new_run(plugins, nomenclature, today, lang)
    findings = list(run.findings([str(Path(p)) if not isinstance(p, str) else p for p in paths]))
    _raise_on_incidents(run)
    return findings, run.summary


class IncompleteCheck(RuntimeError):
    """A plugin failed: the findings are not the whole truth."""


def _new_run(plugins, nomenclature=None, today=None, lang="en"):
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    run = Run(PluginHost.from_entry_points(extra=plugins), nomenclature or load_nomenclature(), lang=lang)
    if today is not None:
        run.today = today
    return run


def _raise_on_incidents(run) -> None:
    if run.host.incidents:
        raise IncompleteCheck("; ".join(i.describe() for i in run.host.incidents))


def _exact_copy(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _exact_copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact_copy(item) for item in value]
    return value
