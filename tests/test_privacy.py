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
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import install_fake_plugin, run_cli
from invoice_factory import dumps, make_invoice, nir_with_key


from kinelint.cli.commands import check as check_command

NIR = nir_with_key("2690275123987")  # a woman born in February 1969 in Paris: shape only
BIRTH = "1969-02-07"
# What must never be printed: the NIR, its 13-character body, the birth date.
NEEDLES = (NIR, NIR[:13], BIRTH)
# ... nor their digits in any other spelling: the NIR as on the carte Vitale, with dots, dashes, underscores,
# cut by a decimal point; the birth date day first or without separators.
SPACED_NIR = " ".join([NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]])
DOTTED_NIR, DASHED_NIR, UNDERSCORED_NIR = (SPACED_NIR.replace(" ", c) for c in ".-_")
POINTED_NIR = Decimal(NIR[:10] + "." + NIR[10:])  # a number: 2690275123.98734
SLASHED_BIRTH, COMPACT_BIRTH = "07/02/1969", "19690207"
DIGIT_NEEDLES = (NIR[:13], "19690207", "07021969")
_DIGIT_RUN = re.compile(r"[0-9](?:[^0-9A-Za-z]{0,3}[0-9])*")  # digits, up to three other characters apart


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
    spelled = patient_invoice("F-SPELLED")
    spelled["sessions"][0]["acts"][1]["label"] = f"carte {SPACED_NIR}, née le {SLASHED_BIRTH} ({COMPACT_BIRTH})"
    other_spellings = [("spelled-label", spelled), ("dotted-id", patient_invoice(DOTTED_NIR)),
                       ("dashed-id", patient_invoice(DASHED_NIR, prescription_id=f"RX-{UNDERSCORED_NIR}")),
                       ("compact-birth-id", patient_invoice(f"F-{COMPACT_BIRTH}", prescription_id=f"RX{COMPACT_BIRTH}"))]
    nir_id = patient_invoice(NIR)
    birth_id = patient_invoice(BIRTH, prescription_id=NIR)
    glued = patient_invoice(f"X{NIR}", prescription_id=BIRTH)
    dated = patient_invoice("F-DATED", issued_on=BIRTH, prescription_date=BIRTH)
    dated["sessions"][0]["date"] = BIRTH  # a date of care in 1969: dated rules speak of that date
    wrong_key = patient_invoice("F-NIRKEY", nir=NIR[:13] + ("00" if NIR[13:] != "00" else "01"))
    return {f"valid-{name}.json": with_wrong_total(invoice) for name, invoice in [
        ("label", labelled), ("nir-id", nir_id), ("birth-id", birth_id), ("glued-id", glued),
        ("dated", dated), ("nir-key", wrong_key), *other_spellings]}


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
    def place_spaced(i): i["sessions"][0]["place"] = SPACED_NIR
    def place_slashed(i): i["sessions"][0]["place"] = SLASHED_BIRTH
    def letter_compact(i): i["sessions"][0]["acts"][0]["letter"] = COMPACT_BIRTH
    def total_pointed(i): i["total"] = POINTED_NIR
    def amount_compact(i): i["sessions"][0]["acts"][0]["amount"] = Decimal(COMPACT_BIRTH + ".001")
    def spaced_key(i): i[SPACED_NIR] = 1
    def slashed_key(i): i["patient"][SLASHED_BIRTH] = 1
    def compact_key(i): i["sessions"][0][COMPACT_BIRTH] = 1
    def spaced_id(i): i["invoice_id"] = SPACED_NIR
    def version_slashed(i): i["version"] = SLASHED_BIRTH

    plants: dict[str, object] = {}
    for change in (unknown_field, nir_key, birth_key, place_nir, place_birth, letter_nir, code_birth, total_nir,
                   version_birth, bad_id, nir_spaced, birth_time, patient_string, sessions_strings, number_string,
                   rpps_nir, place_spaced, place_slashed, letter_compact, total_pointed, amount_compact, spaced_key,
                   slashed_key, compact_key, spaced_id, version_slashed):
        plants[f"invalid-{change.__name__}.json"] = variant(change)
        if change not in (birth_key, nir_spaced, birth_time, slashed_key):
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
        "broken-duplicate-spaced-nir-key.json": f'{{"{SPACED_NIR}": 1, "{SPACED_NIR}": 2}}'.encode(),
        "broken-duplicate-slashed-birth-key.json": f'{{"patient": {{"{SLASHED_BIRTH}": 1, "{SLASHED_BIRTH}": 2}}}}'.encode(),
        "broken-duplicate-compact-birth-key.json": f'{{"a": {{"{COMPACT_BIRTH}": 1, "{COMPACT_BIRTH}": 2}}}}'.encode(),
        "broken-lines.jsonl": "\n".join([
            good_line, f'{{{patient}, "invoice_id": "{NIR}"', f'{{"{NIR}": "{BIRTH}"}}', good_line, ""]).encode(),
    }


def batch_plants() -> dict[str, list]:
    """Two invoices billing one session of one prescription (CON009 names the prescription), its id holding
    the patient's NIR with dots and the birth date without separators."""
    twins = [with_wrong_total(patient_invoice(f"F-TWIN-{n}", prescription_id=f"RX.{DOTTED_NIR}.{COMPACT_BIRTH}"))
             for n in (1, 2)]
    return {"valid-con-batch.json": twins}


def write_corpus(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, invoice in {**valid_plants(), **invalid_plants(), **batch_plants()}.items():
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
    """The planted values found in ``text``: as written, or by their digits whatever separates them."""
    found = [needle for needle in NEEDLES if needle in text]
    for run in _DIGIT_RUN.findall(text):
        digits = re.sub(r"[^0-9]", "", run)
        found += [f"{needle} (as {run!r})" for needle in DIGIT_NEEDLES if needle in digits]
    return found


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
            for line in text.splitlines():
                leaks += [f"{label}: {stream} shows {needle}: {line[:300]}" for needle in leaks_in(line)]
    for written in sorted(out.iterdir()):
        text = written.read_bytes().decode("utf-8", errors="replace")
        for line in text.splitlines():
            leaks += [f"report file {written.name} shows {needle}: {line[:300]}" for needle in leaks_in(line)]
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
    names = [*valid_plants(), *invalid_plants(), *broken_plants(), *batch_plants()]
    assert not [name for name in names if leaks_in(name)]
    assert len(set(names)) == len(names)
    assert os.sep not in "".join(names)


# -- round two: batch findings masked from the first reading; names; spellings ----------------------

REWRITES = '''
import os
from pathlib import Path

from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

RULES = [Rule("ZZR001", "late-batch", "error", "Speaks late of the patient.", "For tests.", "tests")]

@hookimpl
def kinelint_rules():
    return RULES

class Batch:
    def __init__(self):
        self.refs = []
    def observe(self, invoice, ref):
        patient = invoice.data["patient"]
        self.refs.append((ref, patient["nir"], patient["birth_date"]))
    def finish(self):
        found = []
        for ref, nir, birth in self.refs:
            path = Path(os.environ["KINELINT_TEST_FILE"])
            if os.environ["KINELINT_TEST_DO"] == "delete" and path.exists():
                path.unlink()
            elif os.environ["KINELINT_TEST_DO"] == "rewrite":
                path.write_text("{}")  # another file now: nothing to read the patient from
            y, m, d = birth.split("-")
            spaced = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
            found.append((ref, Violation("ZZR001", f"late: {spaced}, born {d}/{m}/{y}", "/patient")))
        return found

@hookimpl
def kinelint_batch_checker():
    return Batch()
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("action", ["delete", "rewrite", "keep"])
def test_batch_findings_are_masked_with_what_the_first_reading_saw(tmp_path, action, jobs):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_rewrites", REWRITES)
    for name, text in (("one.json", dumps(patient_invoice("F-ONE"), indent=2)),
                       ("batch.jsonl", dumps(patient_invoice("F-L1")) + "\n" + dumps(patient_invoice("F-L2")) + "\n")):
        path = tmp_path / name
        path.write_text(text)
        result = run_cli("check", "--format", "jsonl", "--jobs", jobs, str(path), env_path=site,
                         env={"KINELINT_TEST_FILE": str(path), "KINELINT_TEST_DO": action})
        assert result.returncode == 1, result.stderr.decode()
        assert b"internal error" not in result.stderr and not result.stderr, result.stderr.decode()
        found = [json.loads(line) for line in result.stdout.splitlines()]
        late = [f for f in found if f["code"] == "ZZR001"]
        assert len(late) == (1 if name == "one.json" else 2), found
        assert all("[redacted]" in f["message"] for f in late), late
        assert not leaks_in(result.stdout.decode()), result.stdout.decode()
        if action == "keep":  # the control: the file is unchanged, the finding is located in it
            assert all(f["line"] > 1 or name == "batch.jsonl" for f in late), late
            assert [f["line"] for f in late] == ([1, 2] if name == "batch.jsonl" else late[:1] and [late[0]["line"]])


def test_batch_findings_of_a_process_substitution_are_masked(tmp_path):
    """``<(cmd)``: a pipe, read once; the CON finding names a prescription whose id is the birth date."""
    first = with_wrong_total(patient_invoice("F-1", prescription_id=f"RX.{DOTTED_NIR}"))
    second = with_wrong_total(patient_invoice("F-2", prescription_id=f"RX.{DOTTED_NIR}"))
    (tmp_path / "batch.json").write_text(dumps([first, second], indent=2))
    command = f'"{sys.executable}" -m kinelint check --format jsonl <(cat batch.json)'
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 1 and not result.stderr, result.stderr.decode()
    found = [json.loads(line) for line in result.stdout.splitlines()]
    batch = [f for f in found if f["code"] == "CON009"]
    assert batch and all(f["line"] > 1 for f in batch), found  # located in what was read, not read again
    assert not leaks_in(result.stdout.decode()), result.stdout.decode()


@pytest.mark.parametrize("name", [f"facture {SPACED_NIR}.json", f"F{NIR}.json", f"{DOTTED_NIR}.json"])
def test_a_file_name_holding_a_nir_is_masked_in_every_format_and_the_baseline(tmp_path, name):
    invoice = with_wrong_total(make_invoice(invoice_id="F-NAMED", prescription_id="RX-NAMED"))
    (tmp_path / name).write_text(dumps(invoice, indent=2))
    for fmt in FORMATS:
        result = run_cli("check", "--format", fmt, name, cwd=tmp_path)
        assert result.returncode == 1, result.stderr.decode()
        assert "redacted" in result.stdout.decode() and not leaks_in(result.stdout.decode()), (fmt, result.stdout)
    baseline = tmp_path / "baseline.toml"
    assert run_cli("check", "--write-baseline", str(baseline), name, cwd=tmp_path).returncode == 0
    assert "[redacted]" in baseline.read_text() and not leaks_in(baseline.read_text())
    assert run_cli("check", "--baseline", str(baseline), name, cwd=tmp_path).returncode == 0  # the masked name matches


def test_the_masking_by_digits():
    from kinelint.privacy import REDACTED, mask_nir_shaped, patient_values, scrub, showable_id

    secrets = patient_values({"patient": {"nir": NIR, "birth_date": BIRTH}})
    for spelled in (SPACED_NIR, DOTTED_NIR, DASHED_NIR, UNDERSCORED_NIR, str(POINTED_NIR), NIR[:13],
                    SLASHED_BIRTH, COMPACT_BIRTH, "07.02.1969", "1969 02 07", "X07021969Y"):
        masked = scrub(f"about {spelled}!", secrets)
        assert REDACTED in masked and not leaks_in(masked) and masked.endswith("!"), (spelled, masked)
        assert showable_id(f"F-{spelled}".replace(" ", "-"), secrets) is None, spelled
    for spelled in (SPACED_NIR, DOTTED_NIR, UNDERSCORED_NIR, str(POINTED_NIR), "1 85 05 2A 006 084 36"):
        assert mask_nir_shaped(f"file {spelled}.json") == f"file {REDACTED}.json", spelled  # no patient known
    # The control: other numbers stay (dates of care, amounts, RPPS, a spaced amount, ids).
    kept = "session 3 (2026-01-12): 1 234.50 EUR, RPPS 10101234563, F-2026-000042, 2026-01-12 2026-01-13"
    assert scrub(kept, secrets) == kept and mask_nir_shaped(kept) == kept
    assert showable_id("F-2026-000042", secrets) == "F-2026-000042"
    assert showable_id("F 42", secrets) is None and showable_id("F-é", secrets) is None  # not the identifier's form


@pytest.mark.parametrize("invoice_id", [DOTTED_NIR, SPACED_NIR.replace(" ", "/"), f"F-{COMPACT_BIRTH}",
                                        SLASHED_BIRTH, "1969_02_07", UNDERSCORED_NIR])
def test_plugin_incidents_on_stderr_do_not_name_an_id_holding_patient_data(tmp_path, invoice_id):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_raises", RAISES)
    path = tmp_path / "one.json"
    path.write_text(dumps(patient_invoice(invoice_id)))
    for verbose in ([], ["--verbose"]):
        result = run_cli("check", *verbose, str(path), env_path=site)
        assert result.returncode == 2 and b"zz_raises" in result.stderr, result.stderr.decode()
        assert not leaks_in(result.stderr.decode()) and not leaks_in(result.stdout.decode()), result.stderr.decode()
    assert b"on invoice F-1" in run_cli("check", str(_one(tmp_path, "F-1")), env_path=site).stderr  # control


def _one(tmp_path: Path, invoice_id: str) -> Path:
    path = tmp_path / f"{invoice_id}.json"
    path.write_text(dumps(patient_invoice(invoice_id)))
    return path


def test_patient_values_are_read_from_the_plugins_read_only_view():
    """``Invoice.data`` is a ``FrozenDict`` (a Mapping, not a dict): the values to mask must be found in it as in
    the parsed dict, or an incident would name an id holding them (nothing masked, silently)."""
    from kinelint.frozen import FrozenDict, frozen
    from kinelint.privacy import patient_values, showable_id

    document = patient_invoice(f"F-{COMPACT_BIRTH}")
    view = frozen(document)
    assert isinstance(view, FrozenDict) and not isinstance(view, dict)
    assert patient_values(view) == patient_values(document) and BIRTH in patient_values(view) and NIR in patient_values(view)
    assert showable_id(view["invoice_id"], patient_values(view)) is None
    assert patient_values({"patient": frozen({"nir": NIR})}) == patient_values({"patient": {"nir": NIR}})
