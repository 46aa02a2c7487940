"""Where the time goes: cProfile of the in-process pipeline, a per-stage breakdown, and dispatch overhead.

(Not named profile.py: that would shadow the standard library module cProfile imports.)

    python bench/profiling.py                 # 20k-invoice batch, 5 % faults
    python bench/profiling.py --count 5000 --invalid-rate 0.10 --top 40

1. cProfile of one in-process run (``Run.findings`` + the JSON reporter, as
   ``kinelint check --format json`` does it), top N by cumulative and by total time.
2. Stage by stage, without the profiler, each over the whole batch:
   parse (orjson alone, then kinelint's exact parse), schema, Invoice view,
   each plugin called directly, the host's dispatch around them, the batch
   checkers, positions for the documents with findings, the JSON report.
3. Dispatch: the host with as many no-op plugins as real ones, and pluggy's own
   hook call with those no-op plugins, per invoice.

Uses internals of kinelint (the runner, the host's implementations): if they
move, the stage that uses them says n/a rather than failing the whole profile.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path

import orjson

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

OUT = BENCH / "out"


def new_run():
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    return Run(PluginHost.from_entry_points(), load_nomenclature())


def json_reporter(stream):
    from kinelint.report import reporters

    factory = reporters.REPORTERS["json"]
    if isinstance(factory, str):  # a lazy registry of "module:Class" names
        module, _, name = factory.partition(":")
        import importlib

        factory = getattr(importlib.import_module(module), name)
    return factory(stream)


def end_to_end(path: Path) -> tuple[float, int]:
    try:
        from kinelint.cli.commands import GC_THRESHOLDS  # what `kinelint check` sets

        gc.set_threshold(*GC_THRESHOLDS)
    except ImportError:
        pass
    run = new_run()
    reporter = json_reporter(io.StringIO())
    started = time.perf_counter()
    count = 0
    for finding in run.findings([str(path)]):
        reporter.finding(finding)
        count += 1
    reporter.finish(run.summary)
    return time.perf_counter() - started, count


def profile(path: Path, top: int) -> None:
    run = new_run()
    reporter = json_reporter(io.StringIO())
    profiler = cProfile.Profile()
    profiler.enable()
    for finding in run.findings([str(path)]):
        reporter.finding(finding)
    reporter.finish(run.summary)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = stream.getvalue()
        start = text.find("   ncalls")
        print(f"\n== cProfile, top {top} by {order} ==")
        print(text[start:].rstrip() if start >= 0 else text)


class Stages:
    """Each stage timed over the whole batch; reported in µs per invoice of the batch."""

    def __init__(self, invoices: int) -> None:
        self.invoices = invoices
        self.rows: list[tuple[str, float, str]] = []

    def add(self, name: str, seconds: float | None, note: str = "") -> None:
        self.rows.append((name, seconds, note))

    def print(self, total: float) -> None:
        print(f"\n== stages, µs per invoice of the batch ({self.invoices} invoices; GC off in each stage) ==")
        print(f"{'stage':44} {'µs/inv':>8} {'share':>6}  note")
        for name, seconds, note in self.rows:
            if seconds is None:
                print(f"{name:44} {'n/a':>8} {'':>6}  {note}")
                continue
            per = seconds / self.invoices * 1e6
            share = f"{seconds / total:.0%}" if not name.startswith(("  ", "(")) else ""
            print(f"{name:44} {per:8.1f} {share:>6}  {note}")


CHUNK = 256  # invoices per host.check_invoices call
REPEAT = 3  # each stage is timed this many times; the fastest counts (the machine may be shared)


def timed(function, *args, repeat: int | None = None):
    """Time one stage with the garbage collector off, fastest of ``REPEAT`` runs.

    The stages hold the whole batch in memory, which the streaming pipeline
    does not, and collections over it would be charged to the stage.
    """
    best, result = float("inf"), None
    for _ in range(repeat or REPEAT):
        gc.collect()
        gc.freeze()
        gc.disable()
        try:
            started = time.perf_counter()
            result = function(*args)
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best, result


def stages(path: Path, total: float) -> None:
    from kinelint.invoice import Invoice
    from kinelint.read.parsing import parse
    from kinelint.read.sources import SourceFile, read

    lines = path.read_bytes().splitlines()
    count = len(lines)
    table = Stages(count)

    def orjson_only():
        for line in lines:
            orjson.loads(line)

    def exact_parse():
        for line in lines:
            parse(line)

    floor, _ = timed(orjson_only)
    seconds, documents = timed(lambda: [d for d in read(SourceFile(str(path), path)) if hasattr(d, "value")])
    table.add("read + fast path (kinelint.read.sources.read)", seconds, f"{len(documents)} documents, "
              f"{sum(d.accepted is not None for d in documents)} typed by the fast path")
    table.add("  of which orjson.loads (the floor)", floor)
    from kinelint.read import fastpath

    seconds, _ = timed(lambda: [fastpath.accept(line) for line in lines])
    table.add("  fastpath.accept per line (no file read)", seconds, "decode + validate + typed view")
    seconds, _ = timed(lambda: [fastpath._decode(line) for line in lines])
    table.add("    of which msgspec's typed decode", seconds)
    exact, _ = timed(exact_parse)
    table.add("(the exact path: parse() per line)", exact, "for comparison; only texts in doubt take it")

    run = new_run()
    host, nomenclature = run.host, run.nomenclature
    exact_values = [d.exact_value() for d in documents]
    seconds, verdicts = timed(lambda: [run.schema.check(v, d.raw) for d, v in zip(documents, exact_values)])
    table.add("(the exact path: SchemaChecker.check)", seconds, f"{sum(map(bool, verdicts))} invalid")
    fast, _ = timed(lambda: [run.schema._fast.is_valid(v) for v in exact_values])
    table.add("(  of which jsonschema_rs is_valid)", fast)
    valid = [d for d, v in zip(documents, verdicts) if not v]
    seconds, _ = timed(lambda: [Invoice.from_dict(d.exact_value()) for d in valid])
    table.add("(the exact path: Invoice.from_dict)", seconds, f"{len(valid)} valid")
    invoices = [d.accepted.invoice if d.accepted is not None else Invoice.from_dict(d.value) for d in valid]
    for d in valid:
        if d.accepted is None:
            d.value = d.exact_value()

    impls = getattr(host, "_invoice_impls", None)
    plugin_total = 0.0
    if impls is not None:
        arguments = {"nomenclature": nomenclature, "today": run.today}
        for impl in impls:
            function, names = impl.function, impl.argnames

            def call_all():
                found = 0
                for invoice in invoices:
                    arguments["invoice"] = invoice
                    result = function(**{name: arguments[name] for name in names})
                    if result is not None:
                        found += len(list(result))
                return found

            seconds, found = timed(call_all)
            plugin_total += seconds
            table.add(f"plugin {impl.plugin} (called directly)", seconds, f"{found} violations")
        table.add("plugins, sum of direct calls", plugin_total)
    else:
        table.add("plugins (per plugin)", None, "host._invoice_impls not found")
    seconds, pairs = timed(lambda: [list(host.check_invoice(i, nomenclature)) for i in invoices])
    table.add("plugins through host.check_invoice", seconds, f"{sum(map(len, pairs))} violations")
    if impls is not None:
        table.add("  host dispatch overhead (minus direct sum)", seconds - plugin_total)
    if hasattr(host, "check_invoices"):
        chunks = [invoices[start:start + CHUNK] for start in range(0, len(invoices), CHUNK)]
        seconds, found = timed(lambda: [host.check_invoices(chunk, nomenclature) for chunk in chunks])
        table.add(f"plugins through host.check_invoices ({CHUNK})", seconds,
                  f"{sum(len(one) for chunk in found for one in chunk)} violations")
        if impls is not None:
            table.add("  host dispatch overhead (minus direct sum)", seconds - plugin_total)

    checkers = host.batch_checkers(nomenclature)
    seconds, _ = timed(lambda: [host.observe(checkers, i, d.ref) for i, d in zip(invoices, valid)], repeat=1)
    table.add("batch checkers observe", seconds, f"{len(checkers)} checkers")
    seconds, batch = timed(lambda: list(host.finish(checkers)), repeat=1)
    table.add("batch checkers finish", seconds, f"{len(batch)} findings")

    # Positions and findings, for the documents that have any (schema or plugin).
    to_locate = [(d, [(v, host.rules[v.code]) for v in verdict]) for d, verdict in zip(documents, verdicts)
                 if verdict]
    to_locate += [(d, p) for d, p in zip(valid, pairs) if p]
    if hasattr(run, "_locate"):
        def locate_all():
            out = []
            for document, found in to_locate:
                out.extend(run._locate(document.ref, document.positions(), document.exact_value(), found))
            return out

        seconds, findings = timed(locate_all)
        table.add("positions + Finding objects (Run._locate)", seconds,
                  f"{len(to_locate)} documents, {seconds / max(len(to_locate), 1) * 1e6:.0f} µs each")

        def positions_only():
            for document, found in to_locate:
                document.positions().locate({v.pointer for v, _ in found}, document.ref.base)

        seconds, _ = timed(positions_only)
        table.add("  of which positions (scan + locate)", seconds)
        reporter = json_reporter(io.StringIO())

        def report():
            for finding in findings:
                reporter.finding(finding)
            reporter.finish(run.summary)

        seconds, _ = timed(report)
        table.add("JSON report", seconds, f"{len(findings)} findings")
    else:
        table.add("positions", None, "Run._locate not found")
    table.add("(end to end, in process, GC on)", total, f"{count / total:,.0f} invoices/s")
    table.add("(orjson floor)", floor, f"{count / floor:,.0f} invoices/s; end to end = {total / floor:.1f}× floor")
    table.print(total)

    dispatch(invoices, nomenclature, len(impls or ()) or 6)


def dispatch(invoices, nomenclature, plugins: int) -> None:
    """The host's and pluggy's cost per invoice with no-op plugins (nothing but dispatch)."""
    from kinelint.hookspecs import hookimpl
    from kinelint.check.host import PluginHost

    class Noop:
        @hookimpl
        def kinelint_check_invoice(self, invoice, nomenclature):
            return []

    host = PluginHost()
    for index in range(plugins):
        host._register(f"noop{index}", Noop(), f"noop{index}", "")
    host._collect_rules()
    host._invoice_impls = host._impls("kinelint_check_invoice")
    seconds, _ = timed(lambda: [list(host.check_invoice(i, nomenclature)) for i in invoices])
    chunked = None
    if hasattr(host, "check_invoices"):
        chunks = [invoices[start:start + CHUNK] for start in range(0, len(invoices), CHUNK)]
        chunked, _ = timed(lambda: [host.check_invoices(chunk, nomenclature) for chunk in chunks])
    hook = host.manager.hook.kinelint_check_invoice
    pluggy_seconds, _ = timed(lambda: [hook(invoice=i, nomenclature=nomenclature) for i in invoices])
    empty, _ = timed(lambda: [None for _ in invoices])
    n = len(invoices)
    print(f"\n== dispatch with {plugins} no-op plugins, µs per invoice ==")
    print(f"host.check_invoice (kinelint's own loop)  {seconds / n * 1e6:8.2f}")
    if chunked is not None:
        print(f"host.check_invoices (chunks of {CHUNK:<4})     {chunked / n * 1e6:8.2f}")
    print(f"pluggy hook call (manager.hook...)        {pluggy_seconds / n * 1e6:8.2f}")
    print(f"empty loop                                {empty / n * 1e6:8.2f}")


def memory(path: Path, top: int) -> None:
    """What is still allocated when the last invoice has been read (just before the batch findings)."""
    import tracemalloc

    run = new_run()
    reporter = json_reporter(io.StringIO())
    finish = run.host.finish
    taken = {}

    def snapshot_then_finish(checkers):
        taken["snapshot"] = tracemalloc.take_snapshot()
        taken["current"], taken["peak"] = tracemalloc.get_traced_memory()
        return finish(checkers)

    run.host.finish = snapshot_then_finish
    tracemalloc.start()
    for finding in run.findings([str(path)]):
        reporter.finding(finding)
    reporter.finish(run.summary)
    tracemalloc.stop()
    invoices = run.summary.invoices
    print(f"\n== memory held after the last invoice (tracemalloc): {taken['current'] / 2**20:.1f} MB, "
          f"{taken['current'] / invoices:.0f} B per invoice; traced peak {taken['peak'] / 2**20:.1f} MB ==")
    for stat in taken["snapshot"].statistics("lineno")[:top]:
        frame = stat.traceback[0]
        print(f"{stat.size / 2**20:8.1f} MB {stat.size / invoices:6.0f} B/inv {stat.count:9d} blocks  "
              f"{Path(frame.filename).name}:{frame.lineno}")


def main(argv: list[str] | None = None) -> int:
    global REPEAT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--invalid-rate", type=float, default=0.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3, help="time each stage this many times, keep the fastest")
    parser.add_argument("--no-cprofile", action="store_true")
    parser.add_argument("--memory", action="store_true", help="also: what the run holds at its end (tracemalloc)")
    args = parser.parse_args(argv)
    REPEAT = args.repeat
    path = generate.ensure_batch(OUT, args.count, args.seed, args.invalid_rate, args.fault_rate)
    new_run()  # imports and caches warm, outside the timings
    total, findings = min(end_to_end(path) for _ in range(2))
    print(f"{path.name}: {args.count} invoices, {findings} findings, end to end in process {total:.2f} s "
          f"({args.count / total:,.0f} invoices/s)")
    if not args.no_cprofile:
        profile(path, args.top)
    stages(path, total)
    if args.memory:
        memory(path, 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
