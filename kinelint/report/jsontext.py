"""JSON text with exact decimals: money and coefficients written as the numbers they are (18.80, not 18.8).

Why: the standard encoder knows no ``Decimal``, and turning one into a float
would lose the exactness the whole project keeps. Each Decimal goes through
the (fast, C) encoder as a string holding a marker no real text can hold (a
NUL and a random token, made once per process), which is then replaced by the
number itself.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal

_TOKEN = secrets.token_hex(16)
# How the encoder writes the marker string: the NUL is always escaped as \u0000.
_MARKED = re.compile('"\\\\u0000' + _TOKEN + ':(-?[0-9]+(?:\\.[0-9]+)?)"')


def _mark(value: object) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return f"\x00{_TOKEN}:{value:f}"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: object, *, indent: int | None = None) -> str:
    """``json.dumps`` that writes finite ``Decimal``s as exact JSON numbers (non-ASCII text kept as is)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=_mark)
    return _MARKED.sub(r"\1", text) if "\\u0000" in text else text
