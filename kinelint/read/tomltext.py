"""TOML text for the configuration and the baseline: read with a depth guard, strings written back.

Both files are read the same way and both write TOML strings (``kinelint config``
shows the settings in force as TOML, ``--write-baseline`` writes one), so the two
helpers live here, below the command line and the reports that use them.
"""

from __future__ import annotations

import json
import tomllib

from kinelint.findings import printable


class TooDeep(ValueError):
    """TOML nested deeper than the reader's recursion allows."""


def parse_toml(data: bytes) -> dict:
    """TOML text to a table; nesting too deep to read is a ``TooDeep`` error, not a traceback."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except RecursionError:
        raise TooDeep("nested too deeply to be read") from None


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, bar surrogates and DEL: a lone surrogate is written
    as the text of its escape, as every report shows it)."""
    return json.dumps(printable(text), ensure_ascii=False).replace("\x7f", "\\u007f")
