"""``--jobs N``: files and chunks of JSON Lines checked in worker processes, reported in run order.

The main process walks the paths and cuts JSON Lines files into chunks of
lines; each worker parses, validates and runs the per-invoice rules on its
chunk and sends back located findings plus, for the batch rules, the small
``keys`` of each valid invoice. The main process feeds those keys to the
batch checkers in run order, so the findings, and their order, are exactly
those of a one-process run. At most a few chunks are in flight: memory stays
flat on a batch of any size. What comes back is compact: the findings of the
few documents that have some, the places and keys of the valid invoices in
columns (pickled once, not read back by the worker), the counts.

How many workers (``planned_jobs``): never more than tasks, and for ``auto``
one per ``BYTES_PER_WORKER`` of input, up to the CPUs the process may use. The
CLI decides and hands ``in_workers(n)`` to the run (``Run.workers``): this
module uses the runner's pieces, the runner never imports it.

Processes fail: a worker killed by the OOM killer, a segfault in a C
extension, a plugin calling ``os._exit``. ``concurrent.futures`` notices a
dead worker (``multiprocessing.Pool`` waited for its result for ever); the
tasks it took down are checked again, one at a time in a fresh worker, and the
one that kills its worker again is given up: each death is an incident (exit
2). Workers ignore SIGINT: Ctrl-C reaches the main process alone, which stops
them on its way out.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import signal
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from kinelint.check.cpus import usable_cpus
from kinelint.findings import Finding, Incident
from kinelint.check.runner import chunks
from kinelint.read.sources import (DocRef, NotReadable, Problem, SourceFile, holds_lines, lines_of, open_input, read,
                              read_lines)

CHUNK_BYTES = 1 << 20  # about a thousand invoices a task
IN_FLIGHT_PER_JOB = 3
# Input a worker needs before it pays for itself: starting it and sending the work and the results both ways
# cost about what checking this much saves (bench/run.py, measure (4a); see planned_jobs).
BYTES_PER_WORKER = 4 * 1024 * 1024

_worker = None  # (run, batch checkers) of this worker process


def planned_jobs(paths, exclusions=None, requested: int | None = None, cpus: int | None = None) -> int:
    """The worker processes a run gets (1: everything in this process), never more than it has tasks.

    ``requested`` is ``--jobs N``, None for ``auto``. A task is a file, or a
    chunk of ``CHUNK_BYTES`` of a JSON Lines file; standard input counts by its
    size when it is a file (``< batch.jsonl``), and as any number of tasks when
    it is a pipe (its size is not known before it is read: ``auto`` leaves it
    to this process, ``N`` is taken as asked). ``auto`` also wants
    ``BYTES_PER_WORKER`` of input per worker, and no more workers than the CPUs
    this process may use (``kinelint.check.cpus``).
    """
    if requested == 1:
        return 1
    if requested is None:
        cpus = cpus or usable_cpus()
    enough = requested or cpus  # more tasks than this changes nothing
    total = tasks = 0
    for size, chunked in _input_sizes(paths, exclusions):
        if size is None:  # a pipe
            tasks = enough
            continue
        total += size
        tasks += max(1, -(-size // CHUNK_BYTES)) if chunked else 1
        if tasks >= enough and (requested is not None or total >= enough * BYTES_PER_WORKER):
            break
    if requested is not None:
        return max(1, min(requested, tasks))
    return max(1, min(cpus, tasks, total // BYTES_PER_WORKER))


def _input_sizes(paths, exclusions):
    """(bytes or None for a pipe, whether it is cut into chunks) of every file a run reads."""
    import os
    import stat

    from kinelint.read.sources import STDIN, discover_quietly, is_lines_name

    if STDIN in paths:
        try:
            status = os.fstat(0)
            regular = stat.S_ISREG(status.st_mode)
            start = os.pread(0, 4096, 0).lstrip(b" \t\r\n\xef\xbb\xbf")[:1] if regular else b""
        except OSError:
            regular, start = False, b""
        yield (status.st_size if regular else None), start != b"["  # an array is one task; lines are chunked
    for source in discover_quietly(paths, exclusions):
        try:
            size = os.stat(source.path).st_size
        except (OSError, ValueError):
            continue
        yield size, is_lines_name(source.display)


def in_workers(jobs: int):
    """How ``Run`` checks its files in ``jobs`` worker processes (``Run.workers``): the CLI chooses, the
    runner calls; the runner never imports this module (the pipeline goes one way)."""
    return partial(file_findings, jobs=jobs)


def file_findings(run, items, observe_keys, jobs: int) -> Iterator[Finding]:
    """Findings of every file of ``items`` (SourceFile or Problem, from ``discover``), in order."""
    workers = _Workers(jobs, (run.today, run.on_document is not None, run.host.budget.seconds, run.lang,
                              _thresholds_of(run.nomenclature), run.not_judged is not None))
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


def _thresholds_of(nomenclature) -> dict[str, int]:
    """The thresholds the configuration set, for the workers' nomenclature (a rule there asks for them too)."""
    chosen = getattr(nomenclature, "configured_thresholds", None)
    return chosen() if chosen is not None else {}


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

    def alone(self, task, verify: bool = False):
        """``task``'s result from a worker of its own; None if that worker dies too. ``verify``: every batch
        key is read back there first (keys that would not unpickle here are left out, each an incident)."""
        try:
            if self._alone is None:
                self._alone = self._new(1)
            with _interrupts_held():
                future = self._alone.submit(_check, task, verify)
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
        elif item.adapter is not None:  # read through its adapter, whole, in the worker (the choice is plain data)
            yield item, ("file", item.display, str(item.path), item.adapter)
        elif holds_lines(item):  # a .jsonl file, or JSON Lines on standard input (spooled to a file)
            yield from ((item, task) for task in _line_chunks(item))
        else:
            yield item, ("file", item.display, str(item.path))


def _line_chunks(source: SourceFile):
    """The batch in blocks of whole lines (~1 MiB each), cut at a newline without reading line by line:
    the main process only counts newlines; the workers split the lines."""
    try:
        handle = open_input(source)  # a device is never read; a regular file's signature is recorded
    except (OSError, ValueError, NotReadable):
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
    packed = _unpacked(result[1])
    if packed is None:  # keys that pickled there and cannot be read here: the task again, each key read back there
        result = workers.alone(task, verify=True)
        if result is None:
            run.host.merge_incidents([Incident("", f"a worker process died while checking {_task_name(task)} "
                                                   "again: its findings are missing")])
            return
        packed = _unpacked(result[1]) or ((), ())
    wheres, keys = packed
    findings, _, documents, invoices, incidents, signature, not_judged = result
    if source.signature is None and source.spool is None:  # the worker read the file: late findings may read it
        source.signature = signature
    run.summary.invoices += invoices
    if not_judged and run.not_judged is not None:
        run.not_judged.update(not_judged)
    run.host.merge_incidents(incidents)
    for where, invoice_keys in zip(zip(*wheres), zip(*keys)):
        observe_keys(list(invoice_keys), DocRef(source, *where))
    done = 0
    for before, where in documents:  # each invoice announced after the findings before it, as in one process
        yield from _counted(run, findings[done:before])
        done = before
        run.on_document(DocRef(source, *where))
    yield from _counted(run, findings[done:])


def _unpacked(data: bytes) -> tuple | None:
    """The places and keys a worker packed (``_packed``); None if a plugin's key cannot be unpickled here
    (whatever its ``__reduce__`` raises: a plugin does not end the run)."""
    try:
        return pickle.loads(data)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return None


def _counted(run, findings: list[Finding]) -> Iterator[Finding]:
    for finding in findings:
        run.summary.count(finding)
        yield finding


# -- in the worker processes -------------------------------------------------


def _task_name(task) -> str:
    if task[0] == "lines":
        return f"{task[1]} from line {task[3]}"
    return "standard input" if task[0] == "data" else task[1]


def _start_worker(today, wants_documents: bool, plugin_timeout: float | None = None, lang: str = "en",
                  thresholds: dict | None = None, counts_not_judged: bool = False) -> None:
    global _worker
    from kinelint.check.budget import TimeBudget
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run
    from kinelint.check.plugin_output import drop_plugin_output

    gc.freeze()  # what a forked worker inherits is never garbage: its collections leave it alone
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    drop_plugin_output()
    host = PluginHost.from_entry_points(budget=TimeBudget(plugin_timeout).start())
    host.take_incidents()  # load failures are the main process's to report
    run = Run(host, load_nomenclature().with_thresholds(thresholds or {}), today=today, lang=lang,
              not_judged=Counter() if counts_not_judged else None)
    _worker = (run, host.batch_checkers(run.nomenclature), wants_documents)


def _check(task, verify: bool = False) -> tuple[list[Finding], bytes, list, int, list[Incident], tuple | None,
                                               dict | None]:
    """One task's findings (of the few documents that have some), the batch keys of its valid invoices packed
    in columns, the invoices announced (only when a reporter wants them) and counted, the incidents, and
    (``--statistics``) the invoices each rule could not judge."""
    run, checkers, wants_documents = _worker
    kind, display = task[0], task[1]
    if kind == "lines":
        _, _, path, first_line, first_offset, data = task
        source = SourceFile(display, Path(path))
        items = read_lines(source, lines_of(data), first_line, first_offset)
    elif kind == "data":
        source = SourceFile(display, data=task[2])
        items = read(source)
    else:
        source = SourceFile(display, Path(task[2]), adapter=task[3] if len(task) > 3 else None)
        items = run.read(source)
    findings, wheres, keys, documents, invoices = [], [], [], [], 0

    def observe(invoice, ref):
        wheres.append(_where(ref))
        keys.append(run.host.batch_keys(checkers, invoice))

    for chunk in chunks(items):  # typed invoices to the plugins a chunk at a time, as in one process
        for item, judge in run.judged(chunk, observe if checkers else None):
            if judge is None:
                findings.append(run._problem_finding(item))
                continue
            invoices += 1
            if wants_documents:
                documents.append((len(findings), _where(item.ref)))
            findings.extend(judge())
    signature = source.signature if source.spool is None else None  # a pipe it spooled: its own copy
    not_judged = None
    if run.not_judged is not None:
        not_judged, run.not_judged = dict(run.not_judged), Counter()
    return (findings, _packed(run.host, checkers, wheres, keys, verify), documents, invoices,
            run.host.take_incidents(), signature, not_judged)


def _packed(host, checkers, wheres: list, keys: list, verify: bool) -> bytes:
    """The places and batch keys of a task's invoices, a column each (one tuple per field rather than per
    invoice: about half the unpickling in the main process), pickled here: keys that cannot travel are an
    incident of their plugin, not the end of the run. Keys that pickle and would not unpickle are found by
    the main process, which asks for the task again with ``verify``: each key is then read back here."""
    if not verify:
        try:
            return pickle.dumps((tuple(zip(*wheres)), tuple(zip(*keys))), pickle.HIGHEST_PROTOCOL)
        except Exception:
            pass
    keys = [host.sendable_keys(checkers, invoice_keys) for invoice_keys in keys]
    return pickle.dumps((tuple(zip(*wheres)), tuple(zip(*keys))), pickle.HIGHEST_PROTOCOL)


def _where(ref: DocRef) -> tuple:
    return ref.base, ref.line, ref.offset, ref.length, ref.raw_id, ref.column, ref.nir, ref.birth_date
