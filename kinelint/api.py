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
    """Every finding for one invoice given as a dict, or for the invoice file at a path.

    ``plugins`` adds (name, plugin object) pairs to the installed plugins;
    ``nomenclature`` replaces the shipped one (a ``load_nomenclature(dir)``);
    ``today`` is the reference date for "in the future" (default: today);
    ``lang`` the language of the messages (``"en"`` or ``"fr"``).
    """
    if isinstance(invoice, (str, PathLike)):
        findings, _ = lint_paths([invoice], plugins=plugins, nomenclature=nomenclature, today=today, lang=lang)
        return findings
    from kinelint.sources import Document, DocRef, SourceFile, known_invoice_id

    run = _new_run(plugins, nomenclature, today, lang)
    text = json.dumps(invoice, indent=2, ensure_ascii=False, default=str)
    source = SourceFile("<invoice>", data=text.encode("utf-8"))
    document = Document(DocRef(source, "", 1, invoice_id=known_invoice_id(invoice)), _exact_copy(invoice))
    run.summary.invoices = 1
    checkers = run.host.batch_checkers(run.nomenclature)
    observe = partial(run.host.observe, checkers) if checkers else None
    findings = run.document_findings(document, observe) + list(run._batch_findings(checkers))
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
    from kinelint.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.runner import Run

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
