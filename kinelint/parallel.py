"""``--jobs N``: files and chunks of JSON Lines checked in worker processes, reported in run order.

The main process walks the paths and cuts JSON Lines files into chunks of
lines; each worker parses, validates and runs the per-invoice rules on its
chunk and sends back located findings plus, for the batch rules, the small
``keys`` of each valid invoice. The main process feeds those keys to the
batch checkers in run order, so the findings, and their order, are exactly
those of a one-process run. At most a few chunks are in flight: memory stays
flat on a batch of any size.

Processes fail: a worker killed by the OOM killer, a segfault in a C
extension, a plugin calling ``os._exit``. ``concurrent.futures`` notices a
dead worker (``multiprocessing.Pool`` waited for its result for ever); the
tasks it took down are checked again, one at a time in a fresh worker, and the
one that kills its worker again is given up: each death is an incident (exit
2). Workers ignore SIGINT: Ctrl-C reaches the main process alone, which stops
them on its way out.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from kinelint.findings import Finding, Incident
from kinelint.sources import DocRef, Problem, SourceFile, holds_lines, lines_of, read, read_lines

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
    workers = _Workers(jobs, (run.today, run.on_document is not None, run.host.budget.seconds, run.lang))
    try:
        pending: deque = deque()
        for source, task in _tasks(run, items):
            pending.append((source, task, None if task is None else workers.submit(task)))
            while len(pending) > jobs * IN_FLIGHT_PER_JOB:
                yield from _collect(run, observe_keys, workers, *pending.popleft())
        while pending:
            yield from _collect(run, observe_keys, workers, *pending.popleft())
    except BaseException:  # Ctrl-C, a closed pipe, the caller giving up: no worker outlives the run
        workers.kill()
        raise
    workers.close()


class _Workers:
    """The worker processes; a pool that lost a worker is replaced by a fresh one."""

    def __init__(self, jobs: int, initargs: tuple) -> None:
        self.jobs, self.initargs = jobs, initargs
        self._context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        self._pools: list[ProcessPoolExecutor] = []
        self._pool: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None

    def _new(self, jobs: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(jobs, mp_context=self._context, initializer=_start_worker, initargs=self.initargs)
        self._pools.append(pool)
        return pool

    def submit(self, task) -> Future:
        for _ in range(2):
            if self._pool is None:
                self._pool = self._new(self.jobs)
            try:
                with _interrupts_held():  # a worker forked here starts with SIGINT ignored
                    return self._pool.submit(_check, task)
            except BrokenProcessPool:
                self._pool = None
        raise BrokenProcessPool("worker processes cannot be started")

    def alone(self, task):
        """``task``'s result from a worker of its own; None if that worker dies too."""
        try:
            if self._alone is None:
                self._alone = self._new(1)
            with _interrupts_held():
                future = self._alone.submit(_check, task)
            return future.result()
        except BrokenProcessPool:
            self._alone = None
            return None

    def kill(self) -> None:
        for pool in self._pools:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                try:
                    process.kill()
                except (OSError, AttributeError):
                    pass
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for pool in self._pools:
            pool.shutdown(wait=True)


@contextmanager
def _interrupts_held():
    """SIGINT blocked while workers are forked: they inherit the mask, ignore SIGINT, then unblock it;
    a Ctrl-C meanwhile is delivered to the main process as soon as this ends (none is lost)."""
    held = hasattr(signal, "pthread_sigmask")
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _tasks(run, items):
    """(source, task) pairs; a Problem travels as (problem, None) and keeps its place."""
    for item in items:
        if isinstance(item, Problem):
            yield item, None
            continue
        run.summary.files += 1
        if item.path is None:  # a text held in memory: checked as one task
            yield item, ("data", item.display, item.read())
        elif holds_lines(item):  # a .jsonl file, or JSON Lines on standard input (spooled to a file)
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


def _collect(run, observe_keys, workers, source, task, future) -> Iterator[Finding]:
    if future is None:
        yield run._problem_finding(source)
        return
    try:
        result = future.result()
    except BrokenProcessPool:  # its pool is broken: the next submit starts a new one
        result = workers.alone(task)  # a task the dead worker took down, or the one that killed it
        what = _task_name(task)
        if result is None:
            run.host.merge_incidents([Incident("", f"a worker process died while checking {what} (killed by a "
                                                   "signal, out of memory, or a crash in plugin or C code): its "
                                                   "findings are missing")])
            return
        run.host.merge_incidents([Incident("", "a worker process died (killed by a signal, out of memory, or a "
                                               "crash in plugin or C code); the tasks it held were checked again",
                                           f"(first {what})")])
    findings, observations, documents, invoices, incidents = result
    observations = pickle.loads(observations)
    run.summary.invoices += invoices
    run.host.merge_incidents(incidents)
    for where in documents:
        run.on_document(DocRef(source, *where))
    for where, keys in observations:
        observe_keys(keys, DocRef(source, *where))
    for finding in findings:
        run.summary.count(finding)
        yield finding


# -- in the worker processes -------------------------------------------------


def _task_name(task) -> str:
    if task[0] == "lines":
        return f"{task[1]} from line {task[3]}"
    return "standard input" if task[0] == "data" else task[1]


def _start_worker(today, wants_documents: bool, plugin_timeout: float | None = None, lang: str = "en") -> None:
    global _worker
    from kinelint.budget import TimeBudget
    from kinelint.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.runner import Run
    from kinelint.streams import drop_plugin_output

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    drop_plugin_output()
    host = PluginHost.from_entry_points(budget=TimeBudget(plugin_timeout).start())
    host.take_incidents()  # load failures are the main process's to report
    run = Run(host, load_nomenclature(), today=today, lang=lang)
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
    return findings, _sendable(run.host, checkers, observations), documents, invoices, run.host.take_incidents()


def _sendable(host, checkers, observations: list) -> bytes:
    """The batch keys, pickled here: keys that cannot travel are an incident of their plugin, not the end
    of the run (the pool would fail the whole task, or the main process while reading them)."""
    try:
        data = pickle.dumps(observations, pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)  # read back here: a key that pickles but cannot be unpickled must not reach the main
        return data
    except Exception:
        pass
    return pickle.dumps([(where, host.sendable_keys(checkers, keys)) for where, keys in observations],
                        pickle.HIGHEST_PROTOCOL)


def _where(ref: DocRef) -> tuple:
    return ref.base, ref.line, ref.offset, ref.length, ref.invoice_id, ref.column
