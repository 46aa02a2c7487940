"""The invoice schema: the compiled and the Python validator agree, and messages keep patient data out."""

import copy
import json
from decimal import Decimal

import pytest

from kinelint.read.parsing import parse
from kinelint.check.schema import SchemaChecker

CHECKER = SchemaChecker()

VALID = parse(json.dumps({
    "version": 1, "invoice_id": "F-2026-000042", "issued_on": "2026-02-03",
    "practitioner": {"rpps": "10101234563", "territory": "metropole"},
    "patient": {"nir": "185057800608436", "birth_date": "1985-05-17"},
    "prescription": {"id": "RX-7781", "date": "2025-12-20", "prescriber_rpps": "10003456784", "sessions_prescribed": 15},
    "sessions": [{"number": 1, "date": "2026-01-12", "place": "domicile",
                  "acts": [{"letter": "AMK", "coefficient": 10.7, "amount": 23.65, "bdk": True},
                           {"letter": "RIC", "coefficient": 8.12, "amount": 17.95, "label": "genou"}],
                  "fees": [{"code": "IFD", "amount": 2.50}, {"code": "IK", "quantity": 6, "amount": 2.28}]}],
    "total": 46.38,
}).encode())


def mutated(path, value):
    invoice = copy.deepcopy(VALID)
    node = invoice
    for token in path[:-1]:
        node = node[token]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return invoice


DELETE = object()

# (path, new value, expected code, expected pointer)
INVALID = [
    (["total"], DELETE, "SCH001", ""),
    (["patient", "birth_date"], DELETE, "SCH001", "/patient"),
    (["extra"], 1, "SCH002", "/extra"),
    (["sessions", 0, "acts", 0, "coef"], 1, "SCH002", "/sessions/0/acts/0/coef"),
    (["total"], "46.38", "SCH003", "/total"),
    (["sessions", 0, "number"], Decimal("1.5"), "SCH003", "/sessions/0/number"),
    (["sessions", 0, "acts", 0, "bdk"], "yes", "SCH003", "/sessions/0/acts/0/bdk"),
    (["sessions", 0, "date"], "2025-02-30", "SCH004", "/sessions/0/date"),
    (["issued_on"], "2026-2-3", "SCH004", "/issued_on"),
    (["practitioner", "rpps"], "1010123456", "SCH004", "/practitioner/rpps"),
    (["practitioner", "rpps"], "10101234563\n", "SCH004", "/practitioner/rpps"),
    (["patient", "nir"], "18505780060843", "SCH004", "/patient/nir"),
    (["sessions", 0, "acts", 1, "letter"], "ric", "SCH004", "/sessions/0/acts/1/letter"),
    (["invoice_id"], "", "SCH004", "/invoice_id"),
    (["invoice_id"], "F 1", "SCH004", "/invoice_id"),
    (["sessions", 0, "place"], "home", "SCH005", "/sessions/0/place"),
    (["version"], 2, "SCH005", "/version"),
    (["practitioner", "territory"], "reunion", "SCH005", "/practitioner/territory"),
    (["sessions", 0, "acts", 1, "amount"], Decimal("17.951"), "SCH006", "/sessions/0/acts/1/amount"),
    (["sessions", 0, "acts", 1, "amount"], Decimal("-0.01"), "SCH006", "/sessions/0/acts/1/amount"),
    (["sessions", 0, "acts", 1, "coefficient"], Decimal("0"), "SCH006", "/sessions/0/acts/1/coefficient"),
    (["total"], Decimal("1e999999"), "SCH006", "/total"),
    (["total"], Decimal("100000000.00"), "SCH006", "/total"),
    (["sessions", 0, "fees", 1, "quantity"], 0, "SCH006", "/sessions/0/fees/1/quantity"),
    (["prescription", "sessions_prescribed"], 0, "SCH006", "/prescription/sessions_prescribed"),
    (["sessions"], [], "SCH007", "/sessions"),
    (["prescription", "prior_approval"], {"granted_on": "2026-01-05"}, "SCH001", "/prescription/prior_approval"),
    (["prescription", "prior_approval"], {"requested_on": "2026-01-05", "answer": "yes"}, "SCH002",
     "/prescription/prior_approval/answer"),
    (["prescription", "prior_approval"], {"requested_on": "2026-1-5"}, "SCH004",
     "/prescription/prior_approval/requested_on"),
    (["prescription", "prior_approval"], {"requested_on": "2026-01-05", "granted_on": "2026-02-30"}, "SCH004",
     "/prescription/prior_approval/granted_on"),
    (["prescription", "prior_approval"], "2026-01-05", "SCH003", "/prescription/prior_approval"),
    (["sessions", 0, "acts"], [], "SCH007", "/sessions/0/acts"),
]

STILL_VALID = [
    (["total"], Decimal("19.99")),
    (["total"], Decimal("0.07")),
    (["total"], Decimal("18.790")),
    (["total"], Decimal("0")),
    (["total"], Decimal("99999999.99")),  # the bound itself, compared exactly
    (["total"], 46),
    (["sessions", 0, "acts", 1, "coefficient"], Decimal("8.5")),
    (["patient", "nir"], "1850520A00608436"[:7].replace("20", "2A") + "00608436"),
    (["prescription", "prescriber_rpps"], DELETE),
    (["sessions", 0, "fees"], DELETE),
    (["sessions", 0, "fees"], []),
    # the optional prior approval (VALID itself, without it, is a file written before it existed)
    (["prescription", "prior_approval"], {"requested_on": "2026-01-05"}),
    (["prescription", "prior_approval"], {"requested_on": "2026-01-05", "granted_on": "2026-01-09"}),
]


@pytest.mark.parametrize("path, value, code, pointer", INVALID)
def test_each_invalid_invoice_gets_its_code_and_pointer(path, value, code, pointer):
    violations = CHECKER.check(mutated(path, value))
    assert [(v.code, v.pointer) for v in violations] == [(code, pointer)]


@pytest.mark.parametrize("path, value", STILL_VALID)
def test_valid_variants_pass(path, value):
    assert CHECKER.check(mutated(path, value)) == []


@pytest.mark.parametrize("path, value, code, pointer", INVALID)
def test_errors_listed_by_either_validator_are_worded_alike(path, value, code, pointer):
    invoice = mutated(path, value)
    text = json.dumps(invoice, default=str).encode()  # with its text, a short decimal is listed without multipleOf
    assert CHECKER.explain(invoice) == CHECKER.explain(invoice, compiled=False) == CHECKER.explain(invoice, raw=text)


def test_the_reference_invoice_is_valid():
    assert CHECKER.check(copy.deepcopy(VALID)) == []


@pytest.mark.parametrize("case", [mutated(p, v) for p, v, *_ in INVALID] + [mutated(p, v) for p, v in STILL_VALID] + [VALID])
def test_compiled_and_python_validators_agree(case):
    text = json.dumps(case, default=str).encode()  # the shortcut only reads the text for long decimals
    assert CHECKER.is_valid(case) == CHECKER.is_valid(case, text) == CHECKER.is_valid_detailed(case)


def test_the_fast_path_leaves_multiple_of_to_the_exact_check():
    three_decimals = mutated(["total"], Decimal("46.385"))
    assert CHECKER._fast.is_valid(three_decimals)  # the compiled validator runs without multipleOf
    assert not CHECKER.is_valid(three_decimals, b'{"total": 46.385}')
    assert not CHECKER.is_valid(mutated(["total"], Decimal("4638.5E-2")), b'{"total": 4638.5E-2}')


def test_messages_never_echo_patient_values():
    nir = "18505780060843X"
    birth = "1985-02-30"
    invoice = mutated(["patient", "nir"], nir)
    invoice["patient"]["birth_date"] = birth
    messages = " ".join(v.message for v in CHECKER.check(invoice))
    assert nir not in messages and birth not in messages
    assert "patient.nir" in messages and "patient.birth_date" in messages


def test_messages_say_what_is_expected():
    (violation,) = CHECKER.check(mutated(["sessions", 0, "place"], "home"))
    assert '"domicile"' in violation.message and '"home"' in violation.message
    (violation,) = CHECKER.check(mutated(["sessions", 0, "acts", 1, "amount"], Decimal("17.951")))
    assert "17.951" in violation.message and "two decimals" in violation.message


def test_an_invoice_that_is_not_an_object():
    (violation,) = CHECKER.check([1, 2])
    assert violation.code == "SCH003" and violation.pointer == ""


TRICKY_DECIMALS = ["46.385", "0.07", "0.070", "18.790", "5.0000000000000001", "5.0000000000000000", "1000.001",
                   "99999999.990", "99999999.991", "4638.5E-2", "4638E-2", "0.105", "1E-30"]


@pytest.mark.parametrize("written", TRICKY_DECIMALS)
@pytest.mark.parametrize("field", [["total"], ["sessions", 0, "acts", 1, "coefficient"]])
def test_a_flagged_text_gets_the_exact_verdict(field, written):
    case = mutated(field, Decimal(written))
    text = json.dumps(case, default=str).encode()
    assert CHECKER.is_valid(case, text) == CHECKER.is_valid_detailed(case)


class _NoPythonValidator:
    def is_valid(self, instance):
        raise AssertionError("the Python validator was asked")


def test_three_decimals_are_refused_without_the_python_validator():
    checker = SchemaChecker()
    checker.__dict__["_detailed"] = _NoPythonValidator()
    assert not checker.is_valid(mutated(["total"], Decimal("46.385")), b'{"total": 46.385}')
    with pytest.raises(AssertionError):  # a multiple of 0.01 written with three decimals: only the exact check can say
        checker.is_valid(mutated(["total"], Decimal("46.380")), b'{"total": 46.380}')


def test_the_text_of_an_array_file_is_scanned_once_not_once_per_element(monkeypatch):
    import kinelint.check.schema as schema_module

    scanned = []
    original = schema_module._may_break_multiple_of
    monkeypatch.setattr(schema_module, "_may_break_multiple_of", lambda raw: scanned.append(raw) or original(raw))
    checker = SchemaChecker()
    whole_file = json.dumps([{}] * 50 + [VALID] * 50, default=str).encode()  # invalid and valid elements
    for element in [{}] * 50 + [copy.deepcopy(VALID)] * 50:
        checker.check(element, whole_file)
    assert len(scanned) == 1


def test_files_written_before_the_prior_approval_field_stay_valid():
    assert "prior_approval" not in VALID["prescription"]
    assert CHECKER.check(copy.deepcopy(VALID)) == []


def test_the_view_reads_the_prior_approval():
    from datetime import date

    from kinelint.invoice import Invoice

    assert Invoice.from_dict(copy.deepcopy(VALID)).prior_approval is None
    approved = Invoice.from_dict(mutated(["prescription", "prior_approval"],
                                         {"requested_on": "2026-01-05", "granted_on": "2026-01-09"}))
    assert approved.prior_approval == (date(2026, 1, 5), date(2026, 1, 9))
    assert approved.prior_approval.pointer == "/prescription/prior_approval"
    asked = Invoice.from_dict(mutated(["prescription", "prior_approval"], {"requested_on": "2026-01-05"}))
    assert asked.prior_approval.granted_on is None


# -- size bounds: values no real invoice reaches, so that an absurd one is refused at once --------------

def _times(path, count):
    """VALID with the list at ``path`` made of ``count`` copies of its first item."""
    invoice = copy.deepcopy(VALID)
    node = invoice
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = [copy.deepcopy(node[path[-1]][0]) for _ in range(count)]
    return invoice


@pytest.mark.parametrize("path, bound", [(["sessions"], 1000), (["sessions", 0, "acts"], 20),
                                         (["sessions", 0, "fees"], 20)])
def test_lists_are_bounded(path, bound):
    assert CHECKER.check(_times(path, bound)) == []
    [violation] = CHECKER.check(_times(path, bound + 1))
    assert (violation.code, violation.pointer) == ("SCH007", "/" + "/".join(map(str, path)))
    assert f"at most {bound} item(s)" in violation.message


def test_a_label_is_bounded():
    assert CHECKER.check(mutated(["sessions", 0, "acts", 1, "label"], "é" * 500)) == []
    [violation] = CHECKER.check(mutated(["sessions", 0, "acts", 1, "label"], "é" * 501))
    assert (violation.code, violation.pointer) == ("SCH004", "/sessions/0/acts/1/label")
    assert "é" not in violation.message  # free text is never echoed


def test_an_invoice_over_a_bound_gets_the_bound_alone():
    invoice = _times(["sessions", 0, "acts"], 5000)
    for item in invoice["sessions"][0]["acts"]:
        del item["letter"]  # 5000 missing fields would be 5000 findings
    invoice["total"] = "not a number"
    assert [(v.code, v.pointer) for v in CHECKER.check(invoice)] == [("SCH007", "/sessions/0/acts")]


def test_a_bounded_invoice_gets_all_its_errors():
    invoice = _times(["sessions", 0, "acts"], 20)
    del invoice["sessions"][0]["acts"][19]["letter"]
    invoice["total"] = "not a number"
    assert [(v.code, v.pointer) for v in CHECKER.check(invoice)] == [("SCH001", "/sessions/0/acts/19"),
                                                                     ("SCH003", "/total")]


@pytest.mark.parametrize("count", [49, 50, 120])
def test_many_sessions_are_worded_alike_session_by_session(count):
    """From 50 sessions the errors are listed one session at a time: the same violations as all at once."""
    from kinelint.check import schema as module

    invoice = _times(["sessions"], count)
    for index in range(0, count, 7):
        del invoice["sessions"][index]["acts"][1]["letter"]
        invoice["sessions"][index]["fees"][0]["amount"] = Decimal("2.501")
    invoice["sessions"][count - 1]["place"] = "home"
    invoice["total"] = "x"
    piecewise = CHECKER.check(invoice)
    saved, module.PIECEWISE_FROM = module.PIECEWISE_FROM, 10 ** 6
    try:
        whole = SchemaChecker().check(invoice)
    finally:
        module.PIECEWISE_FROM = saved
    assert piecewise == whole
    assert {v.code for v in whole} == {"SCH001", "SCH003", "SCH005", "SCH006"}
