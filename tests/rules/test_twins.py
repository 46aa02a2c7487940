"""CON008 and CON009 name the earlier invoice (its id and file:line) and give it to SARIF as a related location.

The batch checker keeps the first invoice's place in 8 bytes (``DocRef.handle``) and the core reads
that invoice again at the end: exact for every file shape, for standard input and under ``--jobs``.
"""

import json

import pytest
from conftest import sarif_validator, run_cli
from test_rules_consistency import as_json, session

from invoice_factory import make_invoice
from kinelint.read.sources import DocRef, Document, SourceFile, read, refs_of_handles


def con(*args, cwd, stdin=None):
    result = run_cli("check", "--format", "json", "--select", "CON008,CON009", *args, cwd=cwd, stdin=stdin)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def line_of(path, text, occurrence=1):
    lines = path.read_text().splitlines()
    return [number for number, line in enumerate(lines, 1) if text in line][occurrence - 1]


def test_repeated_id_across_pretty_printed_files_names_the_first_file_and_line(tmp_path):
    first = make_invoice([session(1)], invoice_id="F-7", prescription_id="RX-1")
    (tmp_path / "a.json").write_text(json.dumps(json.loads(as_json(first)), indent=2))
    (tmp_path / "b.json").write_text(json.dumps(json.loads(as_json(make_invoice([session(1)], invoice_id="F-7",
                                                                                 prescription_id="RX-2"))), indent=2))
    (finding,) = con("a.json", "b.json", cwd=tmp_path)
    twin_line = line_of(tmp_path / "a.json", '"invoice_id"')
    assert finding["file"] == "b.json" and finding["message"].endswith(f"(earlier invoice: F-7, a.json:{twin_line})")


def test_third_copy_names_the_first_not_the_second(tmp_path):
    invoices = [make_invoice([session(n)], invoice_id="F-1", prescription_id=f"RX-{n}") for n in (1, 2, 3)]
    (tmp_path / "b.jsonl").write_text("".join(as_json(i) + "\n" for i in invoices))
    found = con("b.jsonl", cwd=tmp_path)
    assert [(f["line"], f["message"].rsplit("(", 1)[1]) for f in found] == [
        (2, "earlier invoice: F-1, b.jsonl:1)"), (3, "earlier invoice: F-1, b.jsonl:1)")]


def test_array_element_twin_is_located_in_the_array(tmp_path):
    invoices = [make_invoice([session(1)], invoice_id=i, prescription_id=f"RX-{n}")
                for n, i in enumerate(("F-1", "F-2", "F-1"))]
    (tmp_path / "batch.json").write_text(json.dumps([json.loads(as_json(i)) for i in invoices], indent=2))
    (finding,) = con("batch.json", cwd=tmp_path)
    assert finding["pointer"] == "/2/invoice_id"
    twin_line = line_of(tmp_path / "batch.json", '"F-1"')
    assert finding["message"].endswith(f"(earlier invoice: F-1, batch.json:{twin_line})")


def test_session_billed_twice_names_the_one_earlier_invoice(tmp_path):
    first = make_invoice([session(1), session(2, on="2026-01-14")], invoice_id="F-1")
    second = make_invoice([session(2, on="2026-01-14")], invoice_id="F-2")
    (tmp_path / "a.jsonl").write_text(as_json(first) + "\n")
    (tmp_path / "b.jsonl").write_text(as_json(second) + "\n")
    (finding,) = con("a.jsonl", "b.jsonl", cwd=tmp_path)
    assert finding["code"] == "CON009" and finding["message"].endswith("(earlier invoice: F-1, a.jsonl:1)")


def test_session_billed_twice_after_several_invoices_does_not_guess(tmp_path):
    """With two earlier invoices of the prescription, the store cannot tell which billed the session: no twin."""
    invoices = [make_invoice([session(1)], invoice_id="F-1"), make_invoice([session(2, on="2026-01-14")], invoice_id="F-2"),
                make_invoice([session(1)], invoice_id="F-3")]
    (tmp_path / "b.jsonl").write_text("".join(as_json(i) + "\n" for i in invoices))
    (finding,) = con("b.jsonl", cwd=tmp_path)
    assert finding["code"] == "CON009" and finding["message"].endswith("a session is billed once")
    log = json.loads(run_cli("check", "--format", "sarif", "b.jsonl", cwd=tmp_path).stdout)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "CON009"]
    assert "relatedLocations" not in result


def test_sarif_related_location_is_valid_and_points_at_the_twin(tmp_path):
    invoices = [make_invoice([session(1)], invoice_id="F-1", prescription_id=f"RX-{n}") for n in (1, 2)]
    (tmp_path / "b.jsonl").write_text("".join(as_json(i) + "\n" for i in invoices))
    log = json.loads(run_cli("check", "--format", "sarif", "b.jsonl", cwd=tmp_path).stdout)
    sarif_validator().validate(log)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "CON008"]
    (related,) = result["relatedLocations"]
    first_line = (tmp_path / "b.jsonl").read_text().splitlines()[0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "b.jsonl"
    assert related["physicalLocation"]["region"]["startLine"] == 1
    assert first_line[related["physicalLocation"]["region"]["startColumn"] - 1:].startswith('"F-1"')
    assert related["logicalLocations"][0]["fullyQualifiedName"] == "/invoice_id"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_same_twins_on_standard_input_and_with_workers(tmp_path, jobs):
    invoices = [make_invoice([session(1)], invoice_id="F-1", prescription_id=f"RX-{n}") for n in (1, 2)]
    text = "".join(as_json(i) + "\n" for i in invoices)
    (tmp_path / "b.jsonl").write_text(text)
    from_file = con("--jobs", jobs, "b.jsonl", cwd=tmp_path)
    assert from_file[0]["message"].endswith("(earlier invoice: F-1, b.jsonl:1)")
    from_stdin = con("-", cwd=tmp_path, stdin=text.encode())
    assert from_stdin[0]["message"].endswith("(earlier invoice: F-1, -:1)")


def test_a_handle_is_never_zero_and_reads_back_to_its_document(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text(as_json(make_invoice(invoice_id="F-1")) + "\n" + as_json(make_invoice(invoice_id="F-2")) + "\n")
    single = tmp_path / "one.json"
    single.write_text(as_json(make_invoice(invoice_id="F-3")))
    lines, whole = SourceFile(str(path), path, number=0), SourceFile(str(single), single, number=1)
    for source in (lines, whole):  # read once, as a run reads them: only a file read is read again
        assert all(isinstance(item, Document) for item in read(source))
    second_line = DocRef(lines, "", 2, len(path.read_text().splitlines()[0]) + 1, 10)
    refs = [DocRef(whole, "", 1), second_line, DocRef(lines, "", 1, 0, 10)]
    assert all(ref.handle for ref in refs) and len({ref.handle for ref in refs}) == 3
    back = refs_of_handles([lines, whole], [ref.handle for ref in refs])
    assert [back[ref.handle].invoice_id for ref in refs] == ["F-3", "F-2", "F-1"]
    assert back[second_line.handle].offset == second_line.offset


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_twin_in_a_one_line_array_is_located_in_its_own_element(tmp_path, jobs):
    """Array elements are read as a stream, each with its own text: the twin is found again by its index and
    located at its own column, in a file and on standard input."""
    invoices = [make_invoice([session(1)], invoice_id=i, prescription_id=f"RX-{n}")
                for n, i in enumerate(("F-2", "F-1", "F-3", "F-1"))]
    text = "[" + ",".join(as_json(i) for i in invoices) + "]\n"
    (tmp_path / "batch.json").write_text(text)
    for given, stdin in (("batch.json", None), ("-", text.encode())):
        log = json.loads(run_cli("check", "--jobs", jobs, "--format", "sarif", "--select", "CON008", given,
                                 cwd=tmp_path, stdin=stdin).stdout)
        (result,) = log["runs"][0]["results"]
        assert result["message"]["text"].endswith(f"(earlier invoice: F-1, {given}:1)")
        (related,) = result["relatedLocations"]
        region = related["physicalLocation"]["region"]
        assert related["logicalLocations"][0]["fullyQualifiedName"] == "/1/invoice_id"
        second_element = text.index(as_json(invoices[1]))
        assert region["startLine"] == 1 and text.index('"F-1"', second_element) == region["startColumn"] - 1
        assert text.index('"F-1"', second_element) < text.index(as_json(invoices[2]))


def test_handles_of_array_elements_read_back_to_the_same_refs(tmp_path):
    from kinelint.read.sources import Document, read

    path = tmp_path / "batch.json"
    path.write_text(json.dumps([json.loads(as_json(make_invoice(invoice_id=f"F-{n}"))) for n in range(5)], indent=1))
    source = SourceFile(str(path), path, number=3)
    refs = [item.ref for item in read(source) if isinstance(item, Document)]
    assert len({ref.handle for ref in refs}) == 5 and all(ref.handle >> 40 == 3 for ref in refs)
    wanted = [refs[4].handle, refs[1].handle]
    back = refs_of_handles([None, None, None, source], wanted)
    assert back == {refs[4].handle: refs[4], refs[1].handle: refs[1]}
    assert back[refs[1].handle].offset > 0 and back[refs[1].handle].invoice_id == "F-1"


def test_a_file_never_read_or_changed_since_gives_no_twin(tmp_path):
    """Handles are read back only from the file first read (its signature): a file never read here, or rewritten
    or deleted since, gives no ref (another text would give other values to mask and another place)."""
    path = tmp_path / "b.jsonl"
    path.write_text(as_json(make_invoice(invoice_id="F-1")) + "\n" + as_json(make_invoice(invoice_id="F-2")) + "\n")
    never_read = SourceFile(str(path), path, number=0)
    assert refs_of_handles([never_read], [DocRef(never_read, "", 1, 0, 10).handle]) == {}
    source = SourceFile(str(path), path, number=0)
    refs = [item.ref for item in read(source)]
    assert set(refs_of_handles([source], [refs[1].handle])) == {refs[1].handle}  # the control: unchanged
    path.write_text(as_json(make_invoice(invoice_id="F-9")) + "\n" + as_json(make_invoice(invoice_id="F-8")) + "\n")
    assert refs_of_handles([source], [refs[0].handle, refs[1].handle]) == {}
    path.unlink()
    assert refs_of_handles([source], [refs[0].handle]) == {}


def test_the_twin_keeps_its_own_patient_data_masked(tmp_path):
    """The twin read again is masked with its own patient's values: its id holds its patient's birth date, which
    the invoice of the finding (another patient) would not mask. The control: an id without it is named."""
    first = make_invoice([session(1), session(2, on="2026-01-14")], invoice_id="F-19690207", birth_date="1969-02-07")
    second = make_invoice([session(2, on="2026-01-14")], invoice_id="F-2", birth_date="1980-03-04")
    (tmp_path / "a.jsonl").write_text(as_json(first) + "\n")
    (tmp_path / "b.jsonl").write_text(as_json(second) + "\n")
    for fmt in ("json", "text", "sarif", "junit", "github"):
        result = run_cli("check", "--format", fmt, "--select", "CON009", "a.jsonl", "b.jsonl", cwd=tmp_path)
        output = result.stdout.decode()
        assert result.returncode == 1 and "CON009" in output, output + result.stderr.decode()
        assert "a.jsonl:1" in output and "19690207" not in output and "1969" not in output, (fmt, output)
    first["invoice_id"] = "F-1"
    (tmp_path / "a.jsonl").write_text(as_json(first) + "\n")
    (finding,) = con("a.jsonl", "b.jsonl", cwd=tmp_path)
    assert finding["message"].endswith("(earlier invoice: F-1, a.jsonl:1)")
