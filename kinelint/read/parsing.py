"""Bytes to an exact JSON value, or a located parse problem (the PRS family).

The standard library's C scanner reads every number straight into an exact
``Decimal`` (or ``int``) and, through ``object_pairs_hook``, refuses a
duplicate key as it reads it: exact and strict by construction, in one pass
(about 2.5 times orjson's float parse; orjson would need a second pass to
turn floats back into decimals and to find duplicate keys, which costs more).
Nesting is bounded where it matters: absurd depth stops the scanner
(PRS005 here); a document the schema rejects is measured by the runner
(``too_deep``) before its errors are worded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

from kinelint.i18n import N_, Message, msg

BOM = b"\xef\xbb\xbf"

# Containers an invoice may nest: invoice > sessions > session > acts > act is 5;
# the rest is slack for schema errors to be worded rather than refused.
MAX_DEPTH = 8

# Python refuses to convert integers longer than this (sys.get_int_max_str_digits).
_INT_DIGITS = 4000


@dataclass(frozen=True, slots=True)
class ParseProblem(Exception):
    """Why a text is not a usable JSON document, and where (0-based char offset)."""

    code: str
    message: str
    offset: int = 0
    pointer: str = ""


class _DuplicateKey(Exception):
    pass


class _NotANumber(Exception):
    pass


def _unique_keys(pairs: list) -> dict:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _DuplicateKey
    return mapping


def _reject_constant(name: str) -> object:
    raise _NotANumber(name)


def _exact_int(text: str) -> int | Decimal:
    """An integer; one too long for ``int`` stays an exact Decimal (the schema then bounds it)."""
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
_LONG_INT_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=_exact_int, parse_constant=_reject_constant,
                                     object_pairs_hook=_unique_keys)


# Deeper than this, a text is refused before it is parsed. The parser's own limit is the interpreter's
# recursion limit minus the frames already on the stack, which differ between the main process and a
# worker; near it, the validators' recursion failed too. A fixed limit far from both gives one verdict.
PARSE_DEPTH_LIMIT = 512
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def nests_deeper_than(text: str, limit: int = PARSE_DEPTH_LIMIT) -> bool:
    """Whether containers nest deeper than ``limit`` (strings skipped); only texts with that many brackets
    are scanned, so an invoice costs two counts in C."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        mark = text[match.start()]
        if mark == "[" or mark == "{":
            depth += 1
            if depth > limit:
                return True
        elif mark == "]" or mark == "}":
            depth -= 1
    return False


def parse(data: bytes) -> object:
    """Parse one JSON text into Python values, every number exact. Raises ``ParseProblem``."""
    if not data.strip():
        raise ParseProblem("PRS006", msg("the file (or line) is empty: expected an invoice"))
    text = decode(data)
    if nests_deeper_than(text):
        raise ParseProblem("PRS005", msg("nesting far deeper than the invoice format allows"))
    return parse_text(text)


def parse_text(text: str) -> object:
    """``parse`` of text already decoded. Raises ``ParseProblem`` (its offset counts characters)."""
    return _decoded(text, 0, whole=True)[0]


def parse_at(text: str, start: int) -> tuple[object, int]:
    """The value that starts at ``start`` in ``text`` and where it ends (for a text read in blocks).

    Raises ``ParseProblem`` (offset from the start of ``text``); a bare
    ``json.JSONDecodeError`` escapes only for the caller to tell a value cut
    by the end of its buffer from a broken one (``is_cut_short``).
    """
    value, end = _decoded(text, start, whole=False)
    # An element of an array nests one level less than its file: the limit a whole-file parse would apply.
    limit = PARSE_DEPTH_LIMIT - 1
    if text.count("[", start, end) + text.count("{", start, end) > limit and nests_deeper_than(text[start:end], limit):
        raise ParseProblem("PRS005", msg("nesting far deeper than the invoice format allows"), start)
    return value, end


def is_cut_short(error: json.JSONDecodeError, length: int) -> bool:
    """Whether a decoding error may only mean that the text stops too early (more text may mend it).

    The C scanner fails at the end of the text for a value cut anywhere but
    inside a string (which it reports at the string's start); a token cut short
    (``-Infinit``, ``\\u12``, ``tru``) fails a few characters before the end.
    """
    return error.pos >= length - 16 or error.msg.startswith("Unterminated string")


def _decoded(text: str, start: int, whole: bool) -> tuple[object, int]:
    try:
        try:
            if whole:
                return _DECODER.decode(text), len(text)
            return _DECODER.raw_decode(text, start)
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError) or "digits" not in str(error):
                raise
            # an integer of thousands of digits: rare, kept exact
            return (_LONG_INT_DECODER.decode(text), len(text)) if whole else _LONG_INT_DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        if not whole:
            raise
        raise problem_of(error, text, start) from None
    except (_DuplicateKey, _NotANumber, RecursionError) as error:
        raise problem_of(error, text, start) from None


def problem_of(error: BaseException, text: str, start: int = 0) -> ParseProblem:
    """What a decoding error of the value at ``start`` means for the user, located in ``text``."""
    if isinstance(error, _DuplicateKey):
        return _duplicate_key_problem(text, start)
    if isinstance(error, _NotANumber):
        name = str(error)
        return ParseProblem("PRS004", msg("{name} is not a JSON number (NaN and Infinity are not allowed)", name=name),
                            _bare_token_offset(text, name, start))
    if isinstance(error, json.JSONDecodeError):
        if text.startswith("\ufeff", error.pos):
            return ParseProblem("PRS002", msg("a byte order mark inside the text (only one, at the very start, "
                                    "is tolerated)"), error.pos)
        return ParseProblem("PRS002", msg("invalid JSON: {reason}", reason=_json_reason(error.msg)), error.pos)
    return ParseProblem("PRS005", msg("nesting far deeper than the invoice format allows"), start)


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """True if containers nest deeper than ``limit`` (checked only for documents the schema rejects)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= limit:
            return True
        if isinstance(node, dict):
            stack.extend((item, depth + 1) for item in node.values() if isinstance(item, (dict, list)))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node if isinstance(item, (dict, list)))
    return False


# The reasons Python's JSON reader gives, marked for translation (an unknown one is shown as it is).
_JSON_REASONS = frozenset({
    N_("Expecting value"), N_("Expecting ',' delimiter"), N_("Expecting ':' delimiter"),
    N_("Expecting property name enclosed in double quotes"), N_("Extra data"),
    N_("Unterminated string starting at"), N_("Invalid control character at"), N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"), N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
})


def _json_reason(reason: str) -> str:
    return Message(reason) if reason in _JSON_REASONS else reason


def decode(data: bytes) -> str:
    """UTF-8 text of the data, or a PRS001 problem at the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        raise ParseProblem(
            "PRS001",
            msg("not valid UTF-8 (byte {byte}); invoices must be UTF-8 text", byte=format(data[error.start], "#04x")),
            len(good),
        ) from None


def _bare_token_offset(text: str, name: str, start: int = 0) -> int:
    from kinelint.read.positions import bare_token_offset

    return bare_token_offset(text, name, start)


def _duplicate_key_problem(text: str, start: int = 0) -> ParseProblem:
    from kinelint.read.positions import find_duplicate_key
    from kinelint.privacy import safe_pointer, shows_key

    found = find_duplicate_key(text, start)
    if found is None:  # the reader said so; be safe rather than silent
        return ParseProblem("PRS003", msg("an object repeats a key"), start)
    pointer, offset, key = found
    if not shows_key(key):  # a NIR, a date or a number written as a key: say where, not what
        return ParseProblem("PRS003", msg("duplicate key (not shown: it looks like patient data): "
                                          "JSON readers disagree on which value wins"), offset, safe_pointer(pointer))
    return ParseProblem("PRS003", msg("duplicate key {key}: JSON readers disagree on which value wins", key=repr(key)),
                        offset, safe_pointer(pointer))
