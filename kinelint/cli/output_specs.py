"""``--output FORMAT:PATH``: several reports from one run, each spec checked before anything is read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kinelint.i18n import msg


class BadOutputSpec(Exception):
    """A spec that names no known format, no path, or a path already taken; the message says which."""


@dataclass(frozen=True)
class OutputSpec:
    """One report file of the run: its format and where it goes."""

    format: str
    path: Path


def parse_output_specs(specs, formats, taken: Path | None = None) -> list[OutputSpec]:
    """The specs in order; ``taken`` is the ``-o`` file, which no spec may write again."""
    parsed: list[OutputSpec] = []
    seen = {_identity(taken)} if taken is not None else set()
    for spec in specs:
        name, colon, path = spec.partition(":")
        if not colon:
            raise BadOutputSpec(msg("--output {spec}: expected FORMAT:PATH (for example sarif:reports/kinelint.sarif)",
                                    spec=spec))
        if name not in formats:
            raise BadOutputSpec(msg("--output {spec}: unknown format {format}; one of {formats}", spec=spec,
                                    format=name, formats=", ".join(formats)))
        if not path:
            raise BadOutputSpec(msg("--output {spec}: the path is empty", spec=spec))
        identity = _identity(Path(path))
        if identity in seen:
            raise BadOutputSpec(msg("--output {spec}: {path} is written by another output already", spec=spec,
                                    path=path))
        seen.add(identity)
        parsed.append(OutputSpec(name, Path(path)))
    return parsed


def _identity(path: Path) -> str:
    """Two spellings of one file (``a/../k.xml``, a link) are one output."""
    return os.path.realpath(path)
