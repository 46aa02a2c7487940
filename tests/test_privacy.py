"""Patient privacy: planted NIR and birth date never come out, whatever the format, option or failure.

A recognisable NIR and birth date are planted in every place an invoice can
carry them: the patient fields, labels, ids (where the schema lets them pass),
dates, unknown fields, keys, values of the wrong type, and broken JSON around
them. Every output format the CLI offers is run (read from the command itself,
so that formats added later are covered), to the terminal and to a report
file, with ``--verbose``, ``--statistics``, a baseline written and read, and
with plugins that put the NIR in an exception, a message, or a batch checker.
No planted value may appear in stdout, stderr or any file the run wrote.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import install_fake_plugin, run_cli
from invoice_factory import make_invoice, nir_with_key
from test_cli import dumps

from kinelint.cli import check as check_command

NIR = nir_with_key("2690275123987")  # a woman born in February 1969 in Paris: shape only
BIRTH = "1969-02-07"
# What must never be printed: the NIR, its 13-character body, the birth date.
NEEDLES = (NIR, NIR[:13], BIRTH)


def cli_choices(option_name: str) -> list[str]:
    """The values the ``check`` command offers for an option (so that a format added later is covered)."""
    (option,) = [p for p in check_command.params if p.name == option_name]
    return list(option.type.choices)


def cli_options() -> set[str]:
    return {name for p in check_command.params for name in p.opts}


FORMATS = cli_choices("output_format")


# -- the planted corpus --------------------------------------------------------------------------

def patient_invoice(invoice_id: str, **kwargs) -> dict:
    kwargs.setdefault("prescription_id", f"RX-{invoice_id}")
    kwargs.setdefault("nir", NIR)
    return make_invoice(invoice_id=invoice_id, birth_date=BIRTH, **kwargs)


def with_wrong_total(invoice: dict) -> dict:
    """A rule finding on the invoice, so that every format prints something about it."""
    invoice["total"] = invoice["total"] + 1
    return invoice


def valid_plants() -> dict[str, dict]:
    """Schema-valid invoices (they reach the rule plugins) carrying the values outside the patient fields."""
    labelled = patient_invoice("F-LABEL")
    labelled["sessions"][0]["acts"][1]["label"] = f"patient {NIR} née le {BIRTH}"
    nir_id = patient_invoice(NIR)
    birth_id = patient_invoice(BIRTH, prescription_id=NIR)
    glued = patient_invoice(f"X{NIR}", prescription_id=BIRTH)
    dated = patient_invoice("F-DATED", issued_on=BIRTH, prescription_date=BIRTH)
    dated["sessions"][0]["date"] = BIRTH  # a date of care in 1969: dated rules speak of that date
    wrong_key = patient_invoice("F-NIRKEY", nir=NIR[:13] + ("00" if NIR[13:] != "00" else "01"))
    return {f"valid-{name}.json": with_wrong_total(invoice) for name, invoice in [
        ("label", labelled), ("nir-id", nir_id), ("birth-id", birth_id), ("glued-id", glued),
        ("dated", dated), ("nir-key", wrong_key)]}


def invalid_plants() -> dict[str, object]:
    """Invoices that break the schema with the values where they do not belong (SCH findings)."""
    def variant(change, keep_patient=True):
        invoice = patient_invoice("F-SCH")
        if not keep_patient:  # the core then does not know the values: nothing to match them against
            del invoice["patient"]
        change(invoice)
        return invoice

    def unknown_field(i): i["note"] = f"{NIR} {BIRTH}"
    def nir_key(i): i[NIR] = BIRTH
    def birth_key(i): i["patient"][BIRTH] = NIR
    def place_nir(i): i["sessions"][0]["place"] = NIR
    def place_birth(i): i["sessions"][0]["place"] = BIRTH
    def letter_nir(i): i["sessions"][0]["acts"][0]["letter"] = NIR
    def code_birth(i): i["sessions"][0]["fees"] = [{"code": BIRTH, "amount": 1}]
    def total_nir(i): i["total"] = int(NIR[:13])
    def version_birth(i): i["version"] = BIRTH
    def bad_id(i): i["invoice_id"] = NIR + "!"
    def nir_spaced(i): i["patient"]["nir"] = NIR + " "
    def birth_time(i): i["patient"]["birth_date"] = BIRTH + "T08:00"
    def patient_string(i): i["patient"] = NIR
    def sessions_strings(i): i["sessions"] = [NIR, BIRTH]
    def number_string(i): i["sessions"][0]["number"] = NIR
    def rpps_nir(i): i["practitioner"]["rpps"] = NIR

    plants: dict[str, object] = {}
    for change in (unknown_field, nir_key, birth_key, place_nir, place_birth, letter_nir, code_birth, total_nir,
                   version_birth, bad_id, nir_spaced, birth_time, patient_string, sessions_strings, number_string,
                   rpps_nir):
        plants[f"invalid-{change.__name__}.json"] = variant(change)
        if change not in (birth_key, nir_spaced, birth_time):
            plants[f"invalid-{change.__name__}-no-patient.json"] = variant(change, keep_patient=False)
    plants["invalid-array.json"] = [NIR, BIRTH, {NIR: {BIRTH: NIR}}]
    return plants


def broken_plants() -> dict[str, bytes]:
    """Files that cannot be read as JSON, with the values around the spot where they break (PRS findings)."""
    patient = f'"patient": {{"nir": "{NIR}", "birth_date": "{BIRTH}"}}'
    good_line = dumps(patient_invoice("F-LINE"))
    return {
        "broken-truncated.json": f'{{{patient}, "invoice_id": "{NIR}", "total": '.encode(),
        "broken-duplicate-nir-key.json": f'{{"{NIR}": 1, "{NIR}": "{BIRTH}"}}'.encode(),
        "broken-duplicate-birth-key.json": f'{{"patient": {{"{BIRTH}": 1, "{BIRTH}": 2}}}}'.encode(),
        "broken-duplicate-nir.json": f'{{"patient": {{"nir": "{NIR}", "nir": "{NIR}"}}}}'.encode(),
        "broken-nan.json": f'{{{patient}, "total": NaN}}'.encode(),
        "broken-latin1.json": f'{{{patient}, "label": "née le {BIRTH}"}}'.encode("latin-1"),
        "broken-escape.json": f'{{"nir": "{NIR}\\x", "birth_date": "{BIRTH}"}}'.encode(),
        "broken-control.json": f'{{"nir": "{NIR}\x01{BIRTH}"}}'.encode(),
        "broken-unquoted.json": f"{{nir: {NIR}, birth_date: {BIRTH}}}".encode(),
        "broken-bare.json": f"{NIR} {BIRTH}".encode(),
        "broken-deep.json": ("[" * 40 + f'"{NIR}"' + "]" * 40).encode(),
        "broken-lines.jsonl": "\n".join([
            good_line, f'{{{patient}, "invoice_id": "{NIR}"', f'{{"{NIR}": "{BIRTH}"}}', good_line, ""]).encode(),
    }


def write_corpus(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, invoice in {**valid_plants(), **invalid_plants()}.items():
        written[name] = root / name
        written[name].write_text(dumps(invoice, indent=2, ensure_ascii=False), encoding="utf-8")
    for name, data in broken_plants().items():
        written[name] = root / name
        written[name].write_bytes(data)
    return written


# -- plugins that handle the values carelessly ---------------------------------------------------

CARELESS = '''
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

RULES = [Rule("ZZP001", "careless", "error", "Echoes the patient.", "For tests.", "tests"),
         Rule("ZZP002", "careless-batch", "error", "Echoes the patient in a batch.", "For tests.", "tests")]

def _who(invoice):
    return f"{invoice.nir} born {invoice.data['patient']['birth_date']}"

@hookimpl
def kinelint_rules():
    return RULES

@hookimpl
def kinelint_check_invoice(invoice):
    return [Violation("ZZP001", "careless message about " + _who(invoice), "/patient/nir")]

class Batch:
    def __init__(self):
        self.refs = []
    def observe(self, invoice, ref):
        self.refs.append((ref, _who(invoice)))
    def finish(self):
        return [(ref, Violation("ZZP002", "careless batch message about " + who, "/patient")) for ref, who in self.refs]

@hookimpl
def kinelint_batch_checker():
    return Batch()
'''

RAISES = '''
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_check_invoice(invoice):
    raise ValueError(f"cannot handle patient {invoice.nir} born {invoice.data['patient']['birth_date']}")

class Batch:
    def observe(self, invoice, ref):
        raise KeyError(f"{invoice.nir}/{invoice.data['patient']['birth_date']}")
    def finish(self):
        return []

@hookimpl
def kinelint_batch_checker():
    return Batch()
'''


# -- running everything --------------------------------------------------------------------------

def runs(inputs: Path, out: Path) -> list[tuple[str, list[str]]]:
    """Every format to the terminal; every format with --verbose to a report file; the other output options."""
    options = cli_options()
    planned = [(f"--format {fmt}", ["--format", fmt]) for fmt in FORMATS]
    for fmt in FORMATS:
        report = ["--output-file", str(out / f"report.{fmt}")] if "--output-file" in options else []
        planned.append((f"--format {fmt} --verbose {' '.join(report[:1])}", ["--format", fmt, "--verbose", *report]))
    if "--jobs" in options:  # worker processes word their findings and incidents too
        planned.append(("--jobs 2", ["--jobs", "2", "--format", "jsonl", "--verbose"]))
    if "--statistics" in options:
        planned.append(("--statistics", ["--statistics", "--verbose"]))
        planned.append(("--statistics --format json", ["--statistics", "--format", "json"]))
    if "--diff" in options:  # the diff shows lines of the files themselves
        planned.append(("--diff", ["--diff", "--verbose"]))
    if "--write-baseline" in options:
        baseline = out / "baseline.toml"
        planned.append(("--write-baseline", ["--write-baseline", str(baseline)]))
        planned.append(("--baseline", ["--baseline", str(baseline), "--format", "json", "--verbose"]))
    return [(label, [*arguments, str(inputs)]) for label, arguments in planned]


def leaks_in(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in text]


def run_everything(tmp_path: Path, site: Path | None = None) -> tuple[list[str], list]:
    inputs, out = tmp_path / "invoices", tmp_path / "out"
    write_corpus(inputs)
    out.mkdir()
    leaks, results = [], []
    for label, arguments in runs(inputs, out):
        result = run_cli("check", *arguments, env_path=site)
        results.append((label, result))
        # Recording a baseline exits 0, and so does reading it back (it hides every finding).
        expected = (0, 2) if "baseline" in label else (1, 2)
        assert result.returncode in expected, (label, result.returncode, result.stderr.decode()[-2000:])
        assert b"internal error" not in result.stderr, (label, result.stderr.decode()[-3000:])
        for stream, data in (("stdout", result.stdout), ("stderr", result.stderr)):
            text = data.decode("utf-8", errors="replace")
            for needle in leaks_in(text):
                line = next(line for line in text.splitlines() if needle in line)
                leaks.append(f"{label}: {stream} shows {needle!r}: {line[:300]}")
    for written in sorted(out.iterdir()):
        text = written.read_bytes().decode("utf-8", errors="replace")
        for needle in leaks_in(text):
            line = next(line for line in text.splitlines() if needle in line)
            leaks.append(f"report file {written.name} shows {needle!r}: {line[:300]}")
    return leaks, results


def _findings_by_file(results) -> dict[str, list[dict]]:
    (json_run,) = [r for label, r in results if label == "--format json"]
    index: dict[str, list[dict]] = {}
    for finding in json.loads(json_run.stdout)["findings"]:
        index.setdefault(Path(finding["file"]).name, []).append(finding)
    return index


def test_planted_patient_values_never_come_out(tmp_path):
    leaks, results = run_everything(tmp_path)
    assert not leaks, "\n".join(leaks)
    # Not vacuous: every planted file was read and spoken about, in every family it belongs to.
    index = _findings_by_file(results)
    for name in write_corpus(tmp_path / "again"):
        family = {"valid": ("TAR", "CON", "OBS", "BDK", "COE", "CUM"), "invalid": ("SCH",), "broken": ("PRS",)}[
            name.split("-")[0]]
        assert any(f["code"].startswith(family) for f in index.get(name, [])), (name, index.get(name))
    assert {label for label, _ in results} >= {f"--format {fmt}" for fmt in FORMATS}


def test_careless_and_failing_plugins_do_not_leak_either(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_careless", CARELESS)
    install_fake_plugin(site, "zz_raises", RAISES)
    leaks, results = run_everything(tmp_path, site)
    batch_leaks = [leak for leak in leaks if "careless batch message" in leak]
    assert not [leak for leak in leaks if leak not in batch_leaks], "\n".join(leaks)
    for label, result in results:
        assert result.returncode == 2, label  # the raising plugin makes every run incomplete, even a baseline
        if "--verbose" in label:
            assert b"Traceback" in result.stderr and b"cannot handle patient" in result.stderr, label
    index = _findings_by_file(results)
    assert any(f["code"] == "ZZP001" for f in index["valid-label.json"])


def test_batch_messages_are_scrubbed_like_the_others(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_careless", CARELESS)
    path = tmp_path / "one.json"
    path.write_text(dumps(patient_invoice("F-ONE")))
    result = run_cli("check", "--format", "jsonl", str(path), env_path=site)
    batch = [json.loads(line) for line in result.stdout.splitlines() if b"ZZP002" in line]
    assert batch and not leaks_in(result.stdout.decode()), batch


def test_batch_findings_of_real_plugins_do_not_print_a_birth_date_used_as_an_id(tmp_path):
    first = with_wrong_total(patient_invoice("F-1", prescription_id=BIRTH))
    second = with_wrong_total(patient_invoice("F-2", prescription_id=BIRTH))  # session 1 billed twice
    path = tmp_path / "batch.json"
    path.write_text(dumps([first, second]))
    result = run_cli("check", "--format", "jsonl", str(path))
    codes = [json.loads(line)["code"] for line in result.stdout.splitlines()]
    assert any(code.startswith("CON") for code in codes), codes
    assert not leaks_in(result.stdout.decode()), result.stdout.decode()


def test_the_masking_itself():
    """The core's second line of defence, on its own."""
    from kinelint.privacy import REDACTED, safe_pointer, scrub, scrub_all, shows_patient_data

    assert scrub(f"id X{NIR}, {NIR[:13]} and 2A{NIR[2:]}") == f"id X{REDACTED}, {REDACTED} and 2A{REDACTED}"
    assert scrub(f"born {BIRTH}", (NIR, BIRTH)) == f"born {REDACTED}" and BIRTH in scrub(f"born {BIRTH}")
    assert scrub_all(f"{BIRTH}: {NIR}") == f"{REDACTED}: {REDACTED}"
    assert scrub("RPPS 10101234563, amount 1234567.89, session 2026-01-12") == (
        "RPPS 10101234563, amount 1234567.89, session 2026-01-12")
    assert shows_patient_data(f"F-{NIR}") and shows_patient_data("F-42", ("F-42",)) and not shows_patient_data("F-42")
    assert shows_patient_data(BIRTH, dates=True) and not shows_patient_data(BIRTH)
    assert safe_pointer(f"/3/{NIR}/x") == "/3" and safe_pointer(f"/patient/{BIRTH}") == "/patient"
    assert safe_pointer("/sessions/0/acts/1/amount") == "/sessions/0/acts/1/amount"
    assert safe_pointer("/a~1b", ("a/b",)) == ""


def test_no_planted_value_sits_in_a_file_name():
    """The corpus itself is fair: values are inside the files, never in the names the reports print."""
    names = [*valid_plants(), *invalid_plants(), *broken_plants()]
    assert not [name for name in names if leaks_in(name)]
    assert len(set(names)) == len(names)
    assert os.sep not in "".join(names)
