"""Hostile plugins, documents and processes (issue 12, items 1-5 and 11): no plugin, document, dead worker,
closed pipe, full disk or Ctrl-C may end a run silently green, hang it, or lose the other files' findings.

Every run is a real ``python -m kinelint`` process, bounded by a timeout: a hang fails the test instead of
stalling the suite (a guard, not a speed assertion).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from decimal import Decimal
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO, install_fake_plugin, run_cli
from invoice_factory import PATIENT_NIR, dumps, make_invoice


from kinelint.report.reporters import FORMATS

HANG_GUARD = 120  # seconds: a run still going after this has hung


def clean(invoice_id: str) -> dict:
    return make_invoice(invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}")


def real_faulty(invoice_id: str = "F-REAL") -> dict:
    """One rule finding: a total one cent off (TAR004)."""
    invoice = clean(invoice_id)
    invoice["total"] += Decimal("0.01")
    return invoice


def write(path: Path, invoice) -> Path:
    path.write_text(dumps(invoice, indent=2))
    return path


def findings_of(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def real_finding_stands(findings: list[dict], invoice_id: str = "F-REAL") -> None:
    assert [(f["code"], f["invoice_id"]) for f in findings
            if f["invoice_id"] == invoice_id and not f["code"].startswith("ZZ")] == [("TAR004", invoice_id)], findings


def no_traceback(result) -> str:
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr and "internal error" not in stderr and "Aborted" not in stderr, stderr[-3000:]
    return stderr


RULE = '''
import os, sys
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

RULE = Rule("{code}", "{name}", "error", "A test rule.", "For tests.", "tests")

@hookimpl
def kinelint_rules():
    return [RULE]
'''


def plugin(code: str, name: str, body: str) -> str:
    return RULE.format(code=code, name=name) + body


def site_with(tmp_path: Path, **plugins: str) -> Path:
    site = tmp_path / "site"
    for name, source in plugins.items():
        install_fake_plugin(site, name, source)
    return site


# -- 1. BaseException in plugin code -------------------------------------------------------------

EXITS_IN_HOOK = plugin("ZZG001", "exits", '''
@hookimpl
def kinelint_check_invoice(invoice):
    sys.exit(0)
''')

EXITS_AT_IMPORT = "import sys\nsys.exit(0)\n"

ARGPARSE_AT_IMPORT = '''
import argparse
parser = argparse.ArgumentParser(prog="zz-argparse")
parser.add_argument("--only-mine")
parser.parse_args()
'''

INTERRUPTED_IN_HOOK = plugin("ZZG002", "interrupted", '''
@hookimpl
def kinelint_check_invoice(invoice):
    raise KeyboardInterrupt
''')

EXITS_IN_BATCH = plugin("ZZG003", "batch-exits", '''
class Checker:
    def keys(self, invoice):
        raise SystemExit(0)
    def observe(self, keys, ref):
        pass
    def finish(self):
        raise SystemExit(0)

@hookimpl
def kinelint_batch_checker():
    return Checker()
''')


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plugin_calling_sys_exit_in_its_hook_is_named_and_the_check_incomplete(tmp_path, jobs):
    site = site_with(tmp_path, zz_exits=EXITS_IN_HOOK, zz_batch_exits=EXITS_IN_BATCH)
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", "json", "--jobs", jobs, str(real), env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_exits' raised SystemExit in kinelint_check_invoice" in stderr
    assert "plugin 'zz_batch_exits' raised SystemExit in its batch checker (keys)" in stderr
    real_finding_stands(findings_of(result))


@pytest.mark.parametrize("source", [EXITS_AT_IMPORT, ARGPARSE_AT_IMPORT], ids=["sys.exit", "argparse"])
def test_a_plugin_that_exits_at_import_is_named_and_the_check_incomplete(tmp_path, source):
    site = site_with(tmp_path, zz_import_exits=source)
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", "json", str(real), env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_import_exits' failed to load (SystemExit" in stderr
    real_finding_stands(findings_of(result))
    assert "usage:" not in result.stdout.decode()


def test_a_keyboard_interrupt_in_a_plugin_is_an_interrupt(tmp_path):
    site = site_with(tmp_path, zz_interrupted=INTERRUPTED_IN_HOOK)
    result = run_cli("check", str(write(tmp_path / "real.json", real_faulty())), env_path=site)
    assert result.returncode == 130, result.stderr
    no_traceback(result)


# -- 3. malformed plugin results -----------------------------------------------------------------

MALFORMED = plugin("ZZH001", "malformed", '''
from kinelint.findings import Violation

@hookimpl
def kinelint_check_invoice(invoice):
    return [Violation("ZZH001", 42, "/total"), Violation("ZZH001", "pointer as a number", 5),
            Violation("ZZH001", "pointer with no slash", "total"), Violation("ZZH001", "odd severity", "/total", "fatal"),
            Violation(["ZZH001"], "code as a list"), Violation("ZZH001", "a good one", "/total")]
''')

BAD_BATCH_REF = plugin("ZZH002", "bad-ref", '''
from kinelint.findings import Violation

class Checker:
    def keys(self, invoice):
        return invoice.invoice_id
    def observe(self, keys, ref):
        self.ref = ref
    def finish(self):
        return [("not a ref", Violation("ZZH002", "wrong ref")), (42, Violation("ZZH002", "wrong ref")),
                (self.ref, Violation("ZZH002", "kept"))]

@hookimpl
def kinelint_batch_checker():
    return Checker()
''')

UNPICKLABLE_KEYS = plugin("ZZH003", "unpicklable", '''
from kinelint.findings import Violation

def _explode():
    raise ValueError("cannot be read back")

class Unreadable:
    def __reduce__(self):  # pickles, but unpickling it raises
        return _explode, ()

class Checker:
    def __init__(self):
        self.seen = []
    def keys(self, invoice):
        if invoice.invoice_id == "F-OK":
            return Unreadable()
        return lambda: invoice.invoice_id  # cannot be sent from a worker process
    def observe(self, keys, ref):
        self.seen.append(ref)
    def finish(self):
        return [(ref, Violation("ZZH003", "seen")) for ref in self.seen]

@hookimpl
def kinelint_batch_checker():
    return Checker()
''')


@pytest.mark.parametrize("output_format", FORMATS)
def test_malformed_plugin_results_are_named_incidents_in_every_format(tmp_path, output_format):
    site = site_with(tmp_path, zz_malformed=MALFORMED, zz_badref=BAD_BATCH_REF)
    real = write(tmp_path / "real.json", real_faulty())
    other = write(tmp_path / "other.json", clean("F-OTHER"))
    result = run_cli("check", "--format", output_format, str(real), str(other), env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    for wrong in ("a message of type int, not a string", "a pointer of type int, not a string",
                  "a pointer 'total' that does not start with '/'", "a severity 'fatal'", "a code of type list"):
        assert f"plugin 'zz_malformed' returned {wrong}" in stderr, stderr
    assert "plugin 'zz_badref' returned a ref of type str" in stderr, stderr
    if output_format == "json":
        findings = findings_of(result)
        real_finding_stands(findings)
        assert sorted((f["code"], f["message"], f["severity"]) for f in findings if f["code"].startswith("ZZ")) == [
            ("ZZH001", "a good one", "error"), ("ZZH001", "a good one", "error"),
            ("ZZH002", "kept", "error")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_keys_that_cannot_reach_the_main_process_are_an_incident(tmp_path, jobs):
    site = site_with(tmp_path, zz_unpicklable=UNPICKLABLE_KEYS)
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(dumps(invoice) + "\n" for invoice in (real_faulty(), clean("F-2"))))
    # A file of its own (two tasks: --jobs 2 is not capped to this process) whose keys all pickle, and
    # fail to unpickle in the main process: the task is checked again, each key read back in the worker.
    other = tmp_path / "other.jsonl"
    other.write_text(dumps(clean("F-OK")) + "\n")
    result = run_cli("check", "--format", "json", "--jobs", jobs, str(batch), str(other), env_path=site)
    stderr = no_traceback(result)
    real_finding_stands(findings_of(result))
    if jobs == "1":  # in one process the keys need not travel
        assert result.returncode == 1, stderr
    else:
        assert result.returncode == 2, stderr
        assert "plugin 'zz_unpicklable' returned batch keys that cannot be sent between processes" in stderr


def test_batch_keys_that_pickle_and_cannot_be_read_back_in_the_main_process_are_an_incident(tmp_path):
    """Workers no longer read their keys back before sending them: the main process finds out, and the task
    is checked again in a worker of its own that reads each key back (its findings are kept, once)."""
    site = site_with(tmp_path, zz_unpicklable=UNPICKLABLE_KEYS)
    for name in ("a.jsonl", "b.jsonl"):  # two tasks, every key an Unreadable
        (tmp_path / name).write_text(dumps(real_faulty("F-OK")) + "\n")
    result = run_cli("check", "--format", "json", "--jobs", "2", "a.jsonl", "b.jsonl", cwd=tmp_path, env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_unpicklable' returned batch keys that cannot be sent between processes" in stderr
    assert [(f["file"], f["code"]) for f in findings_of(result)] == [  # once each, the core's batch keys kept
        ("a.jsonl", "TAR004"), ("b.jsonl", "TAR004"), ("b.jsonl", "CON008")]


# -- 4. hangs: dead workers, endless plugins -----------------------------------------------------

DIES_IN_WORKER = plugin("ZZI001", "dies", '''
import ctypes, multiprocessing, signal

@hookimpl
def kinelint_check_invoice(invoice):
    if invoice.invoice_id == "F-DIE" and multiprocessing.parent_process() is not None:
        how = os.environ["ZZ_DIE"]
        if how == "exit":
            os._exit(3)
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        ctypes.string_at(0)  # a segmentation fault, as in a broken C extension
    return []
''')


@pytest.mark.parametrize("how", ["exit", "kill", "segfault"])
def test_a_worker_that_dies_is_an_incident_never_a_wait_for_ever(tmp_path, how):
    site = site_with(tmp_path, zz_dies=DIES_IN_WORKER)
    write(tmp_path / "a.json", real_faulty("F-A"))
    write(tmp_path / "b.json", clean("F-DIE"))
    write(tmp_path / "c.json", real_faulty("F-C"))
    result = run_cli("check", "--format", "json", "--jobs", "2", "a.json", "b.json", "c.json", cwd=tmp_path,
                     env_path=site, env={"ZZ_DIE": how})
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "a worker process died" in stderr, stderr
    json.loads(result.stdout)  # the report is complete


LOOPS = plugin("ZZJ001", "loops", '''
@hookimpl
def kinelint_check_invoice(invoice):
    if invoice.invoice_id == "F-LOOP":
        while True:
            pass
    return []
''')


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plugin_that_loops_for_ever_is_stopped_at_its_time_budget(tmp_path, jobs):
    site = site_with(tmp_path, zz_loops=LOOPS)
    write(tmp_path / "a.json", real_faulty("F-A"))
    write(tmp_path / "b.json", clean("F-LOOP"))
    write(tmp_path / "c.json", real_faulty("F-C"))
    result = run_cli("check", "--format", "json", "--jobs", jobs, "--plugin-timeout", "1", "a.json", "b.json",
                     "c.json", cwd=tmp_path, env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_loops' took longer than its time budget (1 s) in kinelint_check_invoice on invoice F-LOOP" \
        in stderr, stderr
    findings = findings_of(result)
    real_finding_stands(findings, "F-A")
    real_finding_stands(findings, "F-C")


STUCK = plugin("ZZJ002", "stuck", '''
import signal

@hookimpl
def kinelint_check_invoice(invoice):
    if invoice.invoice_id == "F-STUCK":  # as code stuck in C: no signal handler ever runs again
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP})
        while True:
            pass
    return []
''')


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_code_that_cannot_be_interrupted_abandons_its_process_rather_than_hang(tmp_path, jobs):
    site = site_with(tmp_path, zz_stuck=STUCK)
    write(tmp_path / "a.json", real_faulty("F-A"))
    write(tmp_path / "b.json", clean("F-STUCK"))
    write(tmp_path / "c.json", real_faulty("F-C"))
    result = run_cli("check", "--format", "json", "--jobs", jobs, "--plugin-timeout", "1", "a.json", "b.json",
                     "c.json", cwd=tmp_path, env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_stuck' did not return from kinelint_check_invoice within its time budget (1 s)" in stderr
    if jobs == "2":  # the main process goes on: the other files' findings stand, the report is whole
        assert "a worker process died while checking b.json" in stderr, stderr
        findings = findings_of(result)
        real_finding_stands(findings, "F-A")
        real_finding_stands(findings, "F-C")


def test_the_plugin_timeout_option_is_checked(tmp_path):
    for bad in ("0", "-1", "soon"):
        result = run_cli("check", "--plugin-timeout", bad, "x.json", cwd=tmp_path)
        assert result.returncode == 2 and b"--plugin-timeout" in result.stderr, result.stderr


SLOW = plugin("ZZK001", "slow", '''
import time
from pathlib import Path

@hookimpl
def kinelint_check_invoice(invoice):
    Path(os.environ["ZZ_STARTED"]).touch()
    time.sleep(0.01)
    return []
''')


def _interrupted_run(tmp_path: Path, jobs: str, attempt: int) -> subprocess.CompletedProcess:
    """A run under way, then Ctrl-C as a terminal sends it: SIGINT to the whole process group."""
    site = tmp_path / "site"
    if not site.exists():
        install_fake_plugin(site, "zz_slow", SLOW)
    batch = tmp_path / "batch.jsonl"
    if not batch.exists():
        batch.write_text("".join(dumps(clean(f"F-{n}")) + "\n" for n in range(3000)))
    started = tmp_path / f"started-{jobs}-{attempt}"
    assert not started.exists()
    environment = dict(os.environ, PYTHONPATH=str(site), ZZ_STARTED=str(started))
    # As in a terminal's foreground: SIGINT not ignored, even when the suite itself runs in the background
    # (a shell starts background jobs with SIGINT ignored, and the command would inherit that).
    process = subprocess.Popen([sys.executable, "-m", "kinelint", "check", "--jobs", jobs, str(batch)], cwd=REPO,
                               env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(HANG_GUARD * 10):  # until a plugin runs
            if started.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.05 * attempt)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_without_a_traceback(tmp_path, jobs):
    for attempt in range(4 if jobs == "2" else 1):
        result = _interrupted_run(tmp_path, jobs, attempt)
        assert result.returncode == 130, (attempt, result.returncode, result.stderr[-2000:])
        assert b"Traceback" not in result.stderr and b"Aborted" not in result.stderr, result.stderr[-3000:]


# -- 5. closed pipes and full disks --------------------------------------------------------------

def _many_findings(tmp_path: Path) -> Path:
    batch = tmp_path / "many.jsonl"
    batch.write_text("".join(dumps(real_faulty(f"F-{n}")) + "\n" for n in range(2000)))
    return batch


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_closed_pipe_ends_the_run_quietly(tmp_path, jobs):
    batch = _many_findings(tmp_path)
    command = f"{sys.executable} -m kinelint check --jobs {jobs} --format jsonl {batch} | head -n 1"
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {command}; echo status=${{PIPESTATUS[0]}} >&2"],
                            cwd=REPO, capture_output=True, timeout=HANG_GUARD)
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["code"] == "TAR004"
    stderr = result.stderr.decode()
    assert stderr.strip() == "status=141", stderr  # as a shell reports a command ended by SIGPIPE


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("where", ["output-file", "stdout"])
def test_a_full_disk_is_a_clear_message_and_exit_2(tmp_path, where):
    batch = _many_findings(tmp_path)
    if where == "output-file":
        result = run_cli("check", "--format", "json", "-o", "/dev/full", str(batch))
        expected = "kinelint: cannot write the report to /dev/full: No space left on device"
    else:
        with open("/dev/full", "wb") as full:
            result = subprocess.run([sys.executable, "-m", "kinelint", "check", "--format", "json", str(batch)],
                                    cwd=REPO, stdout=full, stderr=subprocess.PIPE, timeout=HANG_GUARD)
        expected = "kinelint: cannot write the report to standard output: No space left on device"
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert expected in stderr, stderr
    assert "Exception ignored" not in stderr


# -- 11. plugins' stdout, and a read-only invoice ------------------------------------------------

PRINTS = plugin("ZZL001", "prints", '''
print("hello from the plugin at import")

@hookimpl
def kinelint_check_invoice(invoice):
    print("patient", invoice.nir, invoice.data)
    return []
''')

WRITES_INVOICE = plugin("ZZL002", "writes", '''
@hookimpl
def kinelint_check_invoice(invoice):
    invoice.data["patient"]["nir"] = "0"
    invoice.data["patient"]["birth_date"] = "0"
    return []
''')

ECHOES_PATIENT = plugin("ZZL003", "echoes", '''
from kinelint.findings import Violation

@hookimpl
def kinelint_check_invoice(invoice):
    patient = invoice.data["patient"]
    return [Violation("ZZL003", f"born {patient['birth_date']}, nir {patient['nir'].replace(' ', '')}")]
''')


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plugin_printing_does_not_reach_the_report(tmp_path, jobs):
    site = site_with(tmp_path, zz_prints=PRINTS)
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", "json", "--jobs", jobs, str(real), env_path=site)
    assert result.returncode == 1, result.stderr
    real_finding_stands(findings_of(result))  # the report is valid JSON
    assert PATIENT_NIR.encode() not in result.stdout + result.stderr


def test_plugins_get_a_read_only_view_of_the_invoice(tmp_path):
    site = site_with(tmp_path, zz_a_writes=WRITES_INVOICE, zz_b_echoes=ECHOES_PATIENT)
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", "json", str(real), env_path=site)
    stderr = no_traceback(result)
    assert result.returncode == 2, stderr
    assert "plugin 'zz_a_writes' raised TypeError in kinelint_check_invoice" in stderr
    (echo,) = [f for f in findings_of(result) if f["code"] == "ZZL003"]
    assert echo["message"] == "born [redacted], nir [redacted]"
    assert PATIENT_NIR.encode() not in result.stdout and b"1985-05-17" not in result.stdout


def test_the_read_only_view_reads_like_the_data():
    from kinelint.invoice import Invoice

    data = json.loads(dumps(make_invoice()), parse_float=Decimal)
    view = Invoice.from_dict(data).data
    assert view == data and dict(view) == data and len(view) == len(data)
    assert view["sessions"][0]["acts"][0]["letter"] == data["sessions"][0]["acts"][0]["letter"]
    assert [a["letter"] for a in view["sessions"][0]["acts"]] == [a["letter"] for a in data["sessions"][0]["acts"]]
    assert view.get("nothing", 1) == 1 and "patient" in view
    for attempt in (lambda: view.__setitem__("total", 0), lambda: view["patient"].pop("nir"),
                    lambda: view["sessions"].append({}), lambda: view["sessions"][0]["acts"].clear(),
                    lambda: view["patient"].update(nir="0")):
        with pytest.raises((TypeError, AttributeError)):
            attempt()
    assert data == json.loads(dumps(make_invoice()), parse_float=Decimal)
    import copy
    import pickle

    for copied in (pickle.loads(pickle.dumps(view)), copy.deepcopy(view), pickle.loads(pickle.dumps(view["sessions"]))):
        assert copied == (data["sessions"] if isinstance(copied, Sequence) else data)
        with pytest.raises(TypeError):
            copied.__setattr__("_data", {})


# -- 2. one document never stops the run ---------------------------------------------------------

def _year_zero() -> dict:
    invoice = clean("F-ZERO")
    invoice["issued_on"] = "0000-01-01"
    return invoice


def test_a_date_in_year_zero_is_a_finding_on_its_document(tmp_path):
    real = write(tmp_path / "real.json", real_faulty())
    zero = write(tmp_path / "zero.json", _year_zero())
    for session_date in (False, True):
        if session_date:
            invoice = clean("F-ZERO")
            invoice["sessions"][0]["date"] = "0000-02-29"
            write(zero, invoice)
        result = run_cli("check", "--format", "json", str(zero), str(real))
        no_traceback(result)
        assert result.returncode == 1, result.stderr
        findings = findings_of(result)
        real_finding_stands(findings)
        pointer = "/sessions/0/date" if session_date else "/issued_on"
        assert [(f["code"], f["pointer"]) for f in findings if f["invoice_id"] == "F-ZERO"] == [("SCH004", pointer)]


SURROGATE_KEY = '{"\\ud800": 1, '


def _surrogate_key_file(tmp_path: Path) -> Path:
    path = tmp_path / "surrogate.json"
    path.write_text(SURROGATE_KEY + dumps(clean("F-SUR"))[1:])
    return path


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_lone_surrogate_key_is_a_finding_in_every_format(tmp_path, output_format):
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", output_format, str(_surrogate_key_file(tmp_path)), str(real))
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    result.stdout.decode("utf-8")  # strict: the report is UTF-8
    assert b"real.json" in result.stdout and b"SCH002" in result.stdout
    if output_format == "json":
        findings = findings_of(result)
        real_finding_stands(findings)
        assert [(f["code"], f["pointer"]) for f in findings if f["invoice_id"] == "F-SUR"] == [("SCH002", "")]


def test_a_lone_surrogate_key_can_be_recorded_in_a_baseline(tmp_path):
    real = write(tmp_path / "real.json", real_faulty())
    surrogate = _surrogate_key_file(tmp_path)
    baseline = tmp_path / "baseline.toml"
    baseline.write_text("version = 1\nfindings = []\n")
    result = run_cli("check", "--write-baseline", str(baseline), str(surrogate), str(real))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    recorded = tomllib.loads(baseline.read_text("utf-8"))["findings"]
    assert sorted(entry["code"] for entry in recorded) == ["SCH002", "TAR004"]
    again = run_cli("check", "--baseline", str(baseline), str(surrogate), str(real))
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(tmp_path, output_format):
    name = os.fsdecode(b"facture-\xff.json")
    write(tmp_path / name, real_faulty("F-NAME"))
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", output_format, name, str(real), cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    shown = result.stdout.decode("utf-8")
    assert "real.json" in shown and ("facture-\\" in shown or "facture-%5C" in shown) and "xff.json" in shown, shown
    if output_format == "json":
        findings = findings_of(result)
        real_finding_stands(findings)
        assert {f["file"] for f in findings if f["invoice_id"] == "F-NAME"} == {"facture-\\xff.json"}


def test_deep_nesting_inside_sessions_is_a_finding_on_its_document(tmp_path):
    """Every depth around the parser's limit (~1,000 levels): deep enough for the validators' recursion
    (RecursionError at ~975 levels of arrays on this interpreter), not for the parser's."""
    base = dumps(clean("F-DEEP"))
    deep = []
    for depth in [200, *range(508, 516), *range(950, 1000), 2000]:
        for shape, inner in (("arrays", "[" * depth + "]" * depth),
                             ("objects", '[{"a":' * (depth // 2) + "1" + "}]" * (depth // 2))):
            path = tmp_path / f"deep-{shape}-{depth}.json"
            path.write_text(base.replace('"sessions": [', '"sessions": [' + inner + ", ", 1))
            deep.append(path)
    real = write(tmp_path / "real.json", real_faulty())
    result = run_cli("check", "--format", "json", *map(str, deep), str(real))
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    findings = findings_of(result)
    real_finding_stands(findings)
    for path in deep:
        assert [f["code"] for f in findings if f["file"] == str(path)] == ["PRS005"], path.name


def test_any_failure_while_judging_one_document_is_a_finding_on_it(tmp_path, monkeypatch):
    """The last guard, for failures nobody has found yet: the document gets a finding, the others stand.

    On the exact path (the schema check fails) and on the fast path (the host fails outside any plugin,
    for the whole chunk and then for that invoice alone).
    """
    from kinelint import api
    from kinelint.check import host, schema
    from kinelint.read import sources

    def broken_check(self, invoice, raw=None):
        if isinstance(invoice, dict) and invoice.get("invoice_id") == "F-BROKEN":
            raise ValueError("an internal failure " + PATIENT_NIR)
        return []

    def broken_chunk(self, invoices, nomenclature, today=None):
        if any(invoice.invoice_id == "F-BROKEN" for invoice in invoices):
            raise ValueError("an internal failure " + PATIENT_NIR)
        return [list(self.check_invoice(invoice, nomenclature, today)) for invoice in invoices]

    original = host.PluginHost.check_invoice

    def broken_one(self, invoice, nomenclature, today=None):
        if invoice.invoice_id == "F-BROKEN":
            raise ValueError("an internal failure " + PATIENT_NIR)
        return original(self, invoice, nomenclature, today)

    write(tmp_path / "a.json", clean("F-BROKEN"))
    write(tmp_path / "b.json", real_faulty())
    for path in ("exact", "fast"):
        with monkeypatch.context() as patch:
            if path == "exact":
                patch.setattr(sources, "accept", lambda text: None)
                patch.setattr(schema.SchemaChecker, "check", broken_check)
            else:
                patch.setattr(host.PluginHost, "check_invoices", broken_chunk)
                patch.setattr(host.PluginHost, "check_invoice", broken_one)
            findings, summary = api.lint_paths([str(tmp_path / "a.json"), str(tmp_path / "b.json")])
        assert [(f.code, f.invoice_id) for f in findings] == [("PRS008", "F-BROKEN"), ("TAR004", "F-REAL")], path
        assert "ValueError" in findings[0].message and PATIENT_NIR not in findings[0].message
        assert summary.errors == 2


def test_a_baseline_is_written_whole_whatever_the_text_of_a_finding(tmp_path):
    """A lone surrogate reaching the baseline writer (here straight from a Finding) once raised mid-write
    and left the existing baseline truncated to 0 bytes."""
    from kinelint.report.baseline import load, write as write_baseline
    from kinelint.findings import Finding

    path = tmp_path / "baseline.toml"
    path.write_text("version = 1\nfindings = []\n")
    finding = Finding("SCH002", "error", "m", str(tmp_path / "a\ud800.json"), 1, 1, "/\ud800", "F-1", "unknown-field",
                      "kinelint")
    assert write_baseline(path, [finding]) == 1
    (entry,) = load(path).entries
    assert (entry.file, entry.pointer) == ("a\\ud800.json", "/\\ud800")
