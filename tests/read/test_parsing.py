"""Bytes to exact values, and every way a text can fail to be an invoice (PRS)."""

from decimal import Decimal

import pytest

from kinelint.read.parsing import MAX_DEPTH, ParseProblem, parse, too_deep


def problem(data: bytes) -> ParseProblem:
    with pytest.raises(ParseProblem) as caught:
        parse(data)
    return caught.value


@pytest.mark.parametrize("written", ["19.99", "0.07", "18.785", "2.21", "8.5", "0.1", "99999999.99", "-0.0", "18.790"])
def test_numbers_come_back_as_the_written_decimal(written):
    value = parse(f'{{"amount": {written}}}'.encode())["amount"]
    assert isinstance(value, Decimal)
    assert value == Decimal(written)


def test_long_numbers_take_the_exact_path():
    # 0.1000000000000000055 is 0.1 as a double: the fast path would lose it.
    value = parse(b'{"a": 0.1000000000000000055, "b": 123456789012345678901234567890}')
    assert value["a"] == Decimal("0.1000000000000000055")
    assert value["b"] == 123456789012345678901234567890


def test_huge_exponent_is_read_exactly_not_as_infinity():
    assert parse(b'{"a": 1e999999}')["a"] == Decimal("1e999999")


def test_integers_stay_integers():
    assert parse(b'{"n": 15}') == {"n": 15}
    assert type(parse(b'{"n": 15}')["n"]) is int


def test_top_level_float_is_exact():
    assert parse(b"19.99") == Decimal("19.99")


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty_text(data):
    assert problem(data).code == "PRS006"


def test_invalid_utf8_is_located_at_the_bad_byte():
    found = problem(b'{"label": "s\xe9ance"}')
    assert found.code == "PRS001"
    assert found.offset == len('{"label": "s')
    assert "0xe9" in found.message


def test_invalid_json_says_where():
    found = problem(b'{"a": 1,\n "b": }')
    assert found.code == "PRS002"
    assert found.offset == len('{"a": 1,\n "b": ')


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(constant):
    found = problem(f'{{"amount": {constant}}}'.encode())
    assert found.code == "PRS004"
    assert constant.lstrip("-") in found.message


def test_duplicate_key_is_named_and_pointed_at():
    found = problem(b'{"sessions": [{"acts": [{"amount": 1, "amount": 2}]}]}')
    assert found.code == "PRS003"
    assert found.pointer == "/sessions/0/acts/0/amount"
    assert "'amount'" in found.message


def test_same_key_in_sibling_objects_is_not_a_duplicate():
    assert parse(b'[{"a": 1}, {"a": 2}]') == [{"a": 1}, {"a": 2}]


def test_a_key_inside_a_string_is_not_a_duplicate():
    assert parse(b'{"a": "x\\": y, \\"a\\": 1", "b": {"a": ":"}}')["b"] == {"a": ":"}


def test_nesting_beyond_the_format_is_measured():
    # Parsed (the schema rejects it first); the runner then reports PRS005 instead of schema errors.
    deep = parse(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert too_deep(deep)
    assert not too_deep(parse(b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)))
    assert not too_deep({"sessions": [{"acts": [{"amount": 1}]}]})


def test_hundred_thousand_levels_do_not_crash():
    assert problem(b"[" * 100_000 + b"]" * 100_000).code == "PRS005"


def test_inner_bom_is_invalid():
    assert problem("\ufeff{}".encode()).code == "PRS002"
