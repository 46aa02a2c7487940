"""Build the conformance kit (kinelint/conformance/): the valid and invalid invoices of every rule and of every
nomenclature step, with what kinelint must say of each, for `kinelint selftest`.

    python tools/build_conformance.py      # from the repository root, in the test environment

Where the cases come from:

- **rules**: the invoices the rule tests (``tests/rules``, ``tests/check/test_schema.py``) hand to
  ``lint_invoice``, recorded while those tests run, with the codes kinelint reported (a test asserted them);
  per rule, the invoices that raise it (fewest other codes first) and one of its family's invoices that does
  not; the examples (``examples/``), and raw files for the PRS rules no invoice object can show;
- **steps**: every window of the NGAP Titre XIV table typed from the primary text (``tests/ngap_titre14.py``,
  independent of kinelint's data), billed on its first day (no finding) and the day before it starts or
  after it ends (a finding on that act, an error, or a warning where the fact is uncertain).

The kit is rebuilt when rules or data change; ``tests/cli/test_selftest.py`` checks that every rule has its
cases and that selftest passes on them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KIT = REPO / "kinelint" / "conformance"
CASES = KIT / "cases"
TODAY = "2030-01-01"  # the reference date of every case: none of their dates is "in the future"
PER_RULE = 2  # invalid invoices kept per rule
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "rules")]

HARVEST_PLUGIN = '''
import json, os
from kinelint import api
from kinelint.report.jsontext import dumps

_real = api.lint_invoice
OUT = open(os.environ["KINELINT_HARVEST"], "a", encoding="utf-8")

def recording(invoice, *, plugins=(), nomenclature=None, today=None, lang="en"):
    findings = _real(invoice, plugins=plugins, nomenclature=nomenclature, today=today, lang=lang)
    if isinstance(invoice, dict) and not plugins and nomenclature is None:
        try:
            text = dumps(invoice)
            json.loads(text)
        except (TypeError, ValueError):
            return findings
        OUT.write(json.dumps({"test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
                              "today": str(today or __import__("datetime").date.today()), "invoice": text,
                              "codes": sorted({f.code for f in findings})}) + "\\n")
        OUT.flush()
    return findings

api.lint_invoice = recording
'''


def harvest(work: Path) -> list[dict]:
    """Run the rule tests with ``lint_invoice`` recording what it was given and what it said."""
    (work / "kinelint_harvest.py").write_text(HARVEST_PLUGIN, encoding="utf-8")
    out = work / "harvest.jsonl"
    environment = {"KINELINT_HARVEST": str(out), "PYTHONPATH": str(work), "PATH": "/usr/bin:/bin"}
    import os

    environment = {**os.environ, **environment}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "kinelint_harvest", "tests/rules",
                    "tests/check/test_schema.py", "-x", "-k", "not acceptance"], cwd=REPO, env=environment,
                   check=True, capture_output=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def rule_cases(records: list[dict], codes: list[str]) -> list[dict]:
    """Per rule, up to PER_RULE invoices that raise it and one of its family's tests that does not."""
    cases, seen = [], set()
    for code in codes:
        raising = sorted((r for r in records if code in r["codes"]), key=lambda r: (len(r["codes"]), len(r["invoice"])))
        for record in raising:
            if len([c for c in cases if c["rule"] == code and c["kind"] == "invalid"]) >= PER_RULE:
                break
            if (code, record["invoice"]) in seen:
                continue
            seen.add((code, record["invoice"]))
            cases.append(_case(code, "invalid", record))
        family = [r for r in records if code not in r["codes"] and not any(c[:3] == code[:3] for c in r["codes"])
                  and f"rules_{_module(code)}" in r["test"]]
        valid = sorted(family, key=lambda r: (len(r["codes"]), len(r["invoice"])))
        if valid:
            cases.append(_case(code, "valid", valid[0]))
    return cases


MODULES = {"CUM": "cumul", "BDK": "bdk", "OBS": "obsolete", "COE": "coefficients", "TAR": "tariffs",
           "CON": "consistency", "DAP": "approval", "PRE": "prescription", "DAY": "day", "DIR": "direct",
           "SCH": "schema", "PRS": "parsing"}


def _module(code: str) -> str:
    return MODULES.get(code[:3], code[:3].lower())


def _case(code: str, kind: str, record: dict) -> dict:
    return {"rule": code, "kind": kind, "text": record["invoice"], "today": record["today"] or TODAY,
            "codes": record["codes"], "origin": record["test"]}


RAW_PRS = {  # files no invoice object can be: (bytes, codes)
    "PRS001": (b'{"version": 1, "invoice_id": "F-\xe9"}', ["PRS001"]),
    "PRS002": (b'{"version": 1, "invoice_id": "F-1",}', ["PRS002"]),
    "PRS003": (b'{"version": 1, "version": 1, "invoice_id": "F-1"}', ["PRS003"]),
    "PRS004": (b'{"version": 1, "invoice_id": "F-1", "total": NaN}', ["PRS004"]),
    "PRS005": (b"[" * 600 + b"]" * 600, ["PRS005"]),
    "PRS006": (b"", ["PRS006"]),
}
NOT_IN_A_FILE = {  # rules a file cannot show, and why
    "PRS007": "a device or a socket: no file of the kit can be one",
    "PRS008": "kinelint itself failing on a document: no valid input shows it",
    "SCH099": "the catch-all for schema keywords without a code of their own: no keyword of the schema falls to it",
    "PRS010": "an input adapter's mapping that cannot be used: it needs a vendor's configuration, not an invoice "
              "file (tests/check/test_adapters.py)",
    "PRS011": "a vendor file that does not fit its mapping: it needs a vendor's configuration, not an invoice file "
              "(tests/check/test_adapters.py)",
}


def made_cases() -> list[tuple[str, str, bytes]]:
    """(rule, file suffix, text) for what the tests check without ``lint_invoice``: the schema's codes, the
    findings cap, a practitioner's day over a batch."""
    from invoice_factory import clean, dumps
    from test_rules_day import patient_invoice

    def changed(edit) -> bytes:
        invoice = clean("F-MADE")
        edit(invoice)
        return dumps(invoice, indent=2).encode()

    made = [
        ("SCH001", ".json", changed(lambda i: i.pop("total"))),
        ("SCH002", ".json", changed(lambda i: i["sessions"][0].update(note="x"))),
        ("SCH003", ".json", changed(lambda i: i["sessions"][0]["acts"][0].update(amount="17.95"))),
        ("SCH004", ".json", changed(lambda i: i["sessions"][0].update(date="2025-02-30"))),
        ("SCH005", ".json", changed(lambda i: i["sessions"][0].update(place="home"))),
        ("SCH006", ".json", changed(lambda i: i.update(total="@"))
         .replace(b'"total": "@"', b'"total": 17.951')),
        ("SCH007", ".json", changed(lambda i: i.update(sessions=[]))),
        ("SCH008", ".json", b'{"name": "settings", "theme": "dark"}\n'),
        ("PRS009", ".json", changed(lambda i: i.update(sessions=[dict(i["sessions"][0], number=n + 1, place="home")
                                                                 for n in range(101)]))),
        ("DAY001", ".jsonl", "".join(dumps(patient_invoice(n)) + "\n" for n in range(41)).encode()),
        ("CON009", ".jsonl", _pair(clean, dumps, same_number=True)),
        ("CON012", ".jsonl", _pair(clean, dumps, same_number=False)),
    ]
    for example in sorted((REPO / "examples").rglob("*.json*")):
        made.append(("", example.suffix, example.read_bytes()))
    return made


def _pair(clean, dumps, same_number: bool) -> bytes:
    """Two invoices of one prescription: the same session billed twice (CON009), or two sessions on one day
    (CON012)."""
    first, second = clean("F-PAIR-1"), clean("F-PAIR-2")
    second["prescription"] = first["prescription"]
    if not same_number:
        second["sessions"][0]["number"] = first["sessions"][0]["number"] + 1
    return (dumps(first) + "\n" + dumps(second) + "\n").encode()


def codes_of(path: Path) -> list[str]:
    from kinelint.api import lint_paths

    findings, _ = lint_paths([str(path)], today=date.fromisoformat(TODAY))
    return sorted({finding.code for finding in findings})


def step_cases() -> list[dict]:
    """Every window of the text's table, in and just outside it (tests/rules/test_acceptance_ngap.py's way)."""
    import test_acceptance_ngap as acceptance
    from invoice_factory import make_invoice, rpps_with_key

    cases = []
    for number, (window, on, side) in enumerate(
            [(w, w.first, "first day") for w in acceptance.WINDOWS] + acceptance.OUTSIDE):
        built, index = acceptance._session(window, window.coefficient, on, "metropole")
        invoice = make_invoice([built], invoice_id=f"F-STEP-{number:05d}", prescription_id=f"RX-STEP-{number}",
                               prescription_date=on.isoformat())
        invoice["practitioner"]["rpps"] = rpps_with_key(f"1{number:09d}")
        if (window.letter, window.coefficient) in acceptance.APPROVAL_BEFORE_START and window.billed == "act":
            invoice["prescription"]["prior_approval"] = {"requested_on": on.isoformat()}
        valid = side == "first day"
        case = {"step": f"{window.letter} {window.coefficient} from {window.first}"
                        + (f" until {window.last}" if window.last else ""),
                "kind": "valid" if valid else "invalid", "date": on.isoformat(),
                "invoice": invoice, "pointer": f"/sessions/0/acts/{index}"}
        if not valid:
            case["severity"] = "warning" if acceptance._uncertain_side(window, on) else "error"
        cases.append(case)
    return cases


def main() -> None:
    from kinelint.check.host import PluginHost
    from kinelint.report.docs import builtin_rules
    from kinelint.report.jsontext import dumps

    codes = sorted(rule.code for rule in builtin_rules(PluginHost.from_entry_points()))
    work = REPO / "build" / "conformance"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    records = harvest(work)
    shutil.rmtree(CASES, ignore_errors=True)
    CASES.mkdir(parents=True)
    manifest = {"built": date.today().isoformat(), "today": TODAY, "rules": [], "steps": "steps.jsonl",
                "not_in_a_file": NOT_IN_A_FILE}
    for number, case in enumerate(rule_cases(records, codes)):
        name = f"{case['rule']}-{case['kind']}-{number:04d}.json"
        (CASES / name).write_text(case["text"] + "\n", encoding="utf-8")
        manifest["rules"].append({"rule": case["rule"], "kind": case["kind"], "file": f"cases/{name}",
                                  "today": case["today"], "codes": case["codes"], "origin": case["origin"]})
    for code, (raw, expected) in RAW_PRS.items():
        name = f"{code}-invalid-raw.json"
        (CASES / name).write_bytes(raw)
        manifest["rules"].append({"rule": code, "kind": "invalid", "file": f"cases/{name}", "today": TODAY,
                                  "codes": expected, "origin": "tools/build_conformance.py (a raw file)"})
    for number, (code, suffix, raw) in enumerate(made_cases()):
        temporary = work / f"made{suffix}"
        temporary.write_bytes(raw)
        found = codes_of(temporary)
        assert not code or code in found, (code, found)  # the case shows its rule, or the kit is wrong
        kept = [code] if code else [c for c in found
                                    if sum(r["rule"] == c and r["kind"] == "invalid" for r in manifest["rules"]) < PER_RULE]
        for shown in kept or ([] if found else ["*"]):
            name = f"{shown.strip('*') or 'CLEAN'}-{'valid' if shown == '*' else 'invalid'}-made-{number:03d}{suffix}"
            (CASES / name).write_bytes(raw)
            manifest["rules"].append({"rule": shown, "kind": "valid" if shown == "*" else "invalid",
                                      "file": f"cases/{name}", "today": TODAY, "codes": found,
                                      "origin": "examples/" if not code else "tools/build_conformance.py"})
    steps = step_cases()
    (KIT / "steps.jsonl").write_text("".join(dumps({k: v for k, v in case.items() if k != "invoice"}) + "\n"
                                             + dumps(case["invoice"]) + "\n" for case in steps), encoding="utf-8")
    (KIT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    missing = sorted(set(codes) - {c["rule"] for c in manifest["rules"]} - set(NOT_IN_A_FILE))
    print(f"{len(manifest['rules'])} rule cases, {len(steps)} step cases; rules without a case: {missing or 'none'}")


if __name__ == "__main__":
    main()
