"""The hooks a kinelint plugin may implement.

A plugin is a module (or object) with ``@hookimpl`` functions, registered in
the ``kinelint`` entry-point group of its distribution::

    [project.entry-points.kinelint]
    my_rules = "my_package.rules"

Hooks are called with keyword arguments; an implementation may accept any
subset of a spec's arguments. The core calls each plugin's implementation on
its own, so a plugin that raises is named and skipped while the others go on.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

hookspec = pluggy.HookspecMarker("kinelint")
hookimpl = pluggy.HookimplMarker("kinelint")


@hookspec
def kinelint_rules() -> Iterable:
    """Return the ``kinelint.findings.Rule`` objects this plugin may report.

    Called once at start-up. Every code a plugin reports must be declared
    here; two plugins declaring one code is a start-up error.
    """


@hookspec
def kinelint_check_invoice(invoice, nomenclature, today) -> Iterable:
    """Check one schema-valid invoice; return (or yield) ``Violation`` objects.

    ``today`` is the run's reference date (``--today``, the ``today`` setting,
    or the calendar date) for rules about the future; dated NGAP rules use
    each session's date of care instead.

    ``invoice`` is a ``kinelint.invoice.Invoice`` (typed, read-only view with
    exact Decimals and parsed dates; ``invoice.data`` is the raw document as a
    read-only mapping: writing into it raises ``TypeError``).
    Whatever a plugin prints goes nowhere: standard output carries the report.
    Each call has a time budget (``--plugin-timeout``); a call that outlasts
    it is stopped, reported, and the plugin is not called again in that run.
    ``nomenclature`` is the dated NGAP model (``kinelint.nomenclature``):
    ask it for values on the session's date of care, never hold tables;
    ``nomenclature.on(session.date, invoice.territory)`` is that day's view,
    the cheap way to ask about each act and fee of a session.
    Pointers in violations are relative to the invoice.
    """


@hookspec
def kinelint_check_invoices(invoices, nomenclature, today) -> Iterable:
    """Check a chunk of schema-valid invoices at once (optional): return one iterable of ``Violation``
    objects per invoice, in the order of ``invoices``.

    What each holds is what ``kinelint_check_invoice`` would return for that
    invoice. A plugin that implements this hook is called once per chunk
    instead of once per invoice: one guard and one time budget for the chunk,
    not one a call. If the call raises, outlasts its budget, or does not give
    one result per invoice, the host checks that chunk again one invoice at a
    time (with ``kinelint_check_invoice`` when the plugin has it, else with
    chunks of one) to name the invoice: an invoice's findings must not depend
    on the chunk it came in.
    """


@hookspec
def kinelint_batch_checker(nomenclature) -> object:
    """Return an object that checks rules spanning invoices, or None.

    The object has:

    - ``keys(invoice)``: what the rule needs of one schema-valid invoice, as a
      small picklable value (strings, numbers, dates, tuples). It may run in a
      worker process (``--jobs``), so it must not touch the checker's state.
      Without it, ``observe`` receives the invoice itself.
    - ``observe(keys, ref)``: called in the main process for every
      schema-valid invoice of the run, in run order. Keep only small keys
      between calls: a batch may hold a million invoices
      (``kinelint.keystore.KeyStore`` keeps a string key in ~24 bytes).
      ``ref`` is opaque; hand it back as is.
    - ``finish()``: the ``(ref, Violation)`` pairs found, at the end.
    """


@hookspec
def kinelint_adapters() -> Iterable:
    """Return the input adapters (``kinelint.adapters.Adapter``) this plugin provides.

    Called once at start-up. An adapter turns a file of another shape (a
    vendor's JSON, a CSV export) into kinelint invoices, each with a map from
    its JSON pointers to spots in the source file (``kinelint.adapters``), so
    that findings, corrections and baseline keys point into that file. The
    configuration selects an adapter by name for the files matching a pattern
    (``[adapters]``); two plugins providing one name is a start-up error.
    ``adapt`` runs where the file is checked (a worker process with ``--jobs``)
    within the plugin's time budget; what it raises is an incident, and that
    file is reported as not adapted.
    """
