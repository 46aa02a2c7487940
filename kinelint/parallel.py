"""``--jobs N``: files and chunks of JSON Lines checked in worker processes, reported in run order.

The main process walks the paths and cuts JSON Lines files into chunks of
lines; each worker parses, validates and runs the per-invoice rules on its
chunk and sends back located findings plus, for the batch rules, the small
``keys`` of each valid invoice. The main process feeds those keys to the
batch checkers in run order, so the findings, and their order, are exactly
those of a one-process run. At most a few chunks are in flight: memory stays
flat on a batch of any size.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from kinelint.findings import Finding, Incident
from kinelint.sources import DocRef, Problem, SourceFile, is_lines_name, lines_of, read, read_lines

CHUNK_BYTES = 1 << 20  # about a thousand invoices a task
IN_FLIGHT_PER_JOB = 3
# Below this much input, starting workers costs more than it saves (pre-commit on a few fixtures).
PARALLEL_FROM_BYTES = 16 * 1024 * 1024

_worker = None  # (run, batch checkers) of this worker process


def auto_jobs(paths, exclusions=None) -> int:
    """``--jobs auto``: one process for small inputs, every core for large batches."""
    import os

    from kinelint.sources import discover_quietly

    total = 0
    for source in discover_quietly(paths, exclusions):
        try:
            total += os.stat(source.path).st_size
        except OSError:
            continue
        if total >= PARALLEL_FROM_BYTES:
            return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return 1


def file_findings(run, items, observe_keys, jobs: int) -> Iterator[Finding]:
    """Findings of every file of ``items`` (SourceFile or Problem, from ``discover``), in order."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(run.today, run.on_document is not None)) as pool:
        pending: deque = deque()
        for source, task in _tasks(run, items):
            pending.append((source, task if task is None else pool.apply_async(_check, (task,))))
            while len(pending) > jobs * IN_FLIGHT_PER_JOB:
                yield from _collect(run, observe_keys, *pending.popleft())
        while pending:
            yield from _collect(run, observe_keys, *pending.popleft())


def _tasks(run, items):
    """(source, task) pairs; a Problem travels as (problem, None) and keeps its place."""
    for item in items:
        if isinstance(item, Problem):
            yield item, None
            continue
        run.summary.files += 1
        if item.path is None:  # standard input: read here, checked as one task
            yield item, ("data", item.display, item.read())
        elif is_lines_name(item.display):
            yield from ((item, task) for task in _line_chunks(item))
        else:
            yield item, ("file", item.display, str(item.path))


def _line_chunks(source: SourceFile):
    """The batch in blocks of whole lines (~1 MiB each), cut at a newline without reading line by line:
    the main process only counts newlines; the workers split the lines."""
    try:
        handle = open(source.path, "rb")
    except OSError:
        yield ("file", source.display, str(source.path))  # the worker reports why it cannot be read
        return
    with handle:
        first_line, first_offset, pending = 1, 0, []
        while block := handle.read(CHUNK_BYTES):
            cut = block.rfind(b"\n") + 1
            if not cut:  # a line longer than a block: keep reading
                pending.append(block)
                continue
            chunk = b"".join([*pending, block[:cut]])
            pending = [block[cut:]]
            yield ("lines", source.display, str(source.path), first_line, first_offset, chunk)
            first_line, first_offset = first_line + chunk.count(b"\n"), first_offset + len(chunk)
        rest = b"".join(pending)
        if rest or first_line == 1:  # an empty batch is a chunk too: it has a finding
            yield ("lines", source.display, str(source.path), first_line, first_offset, rest)


def _collect(run, observe_keys, source, result) -> Iterator[Finding]:
    if result is None:
        yield run._problem_finding(source)
        return
    findings, observations, documents, invoices, incidents = result.get()
    run.summary.invoices += invoices
    run.host.merge_incidents(incidents)
    for base, line, offset, length, invoice_id in documents:
        run.on_document(DocRef(source, base, line, offset, length, invoice_id))
    for (base, line, offset, length, invoice_id), keys in observations:
        observe_keys(keys, DocRef(source, base, line, offset, length, invoice_id))
    for finding in findings:
        run.summary.count(finding)
        yield finding


# -- in the worker processes -------------------------------------------------


def _start_worker(today, wants_documents: bool) -> None:
    global _worker
    from kinelint.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.runner import Run

    host = PluginHost.from_entry_points()
    host.take_incidents()  # load failures are the main process's to report
    run = Run(host, load_nomenclature(), today=today)
    _worker = (run, host.batch_checkers(run.nomenclature), wants_documents)


def _check(task) -> tuple[list[Finding], list, list, int, list[Incident]]:
    run, checkers, wants_documents = _worker
    kind, display = task[0], task[1]
    if kind == "lines":
        _, _, path, first_line, first_offset, data = task
        source = SourceFile(display, Path(path))
        items = read_lines(source, lines_of(data), first_line, first_offset)
    elif kind == "data":
        items = read(SourceFile(display, data=task[2]))
    else:
        items = read(SourceFile(display, Path(task[2])))
    findings, observations, documents, invoices = [], [], [], 0

    def observe(invoice, ref):
        observations.append((_where(ref), run.host.batch_keys(checkers, invoice)))

    for item in items:
        if isinstance(item, Problem):
            findings.append(run._problem_finding(item))
            continue
        invoices += 1
        if wants_documents:
            documents.append(_where(item.ref))
        findings.extend(run.document_findings(item, observe if checkers else None))
    return findings, observations, documents, invoices, run.host.take_incidents()


def _where(ref: DocRef) -> tuple:
    return ref.base, ref.line, ref.offset, ref.length, ref.invoice_id
