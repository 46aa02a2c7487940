"""How a finding is recognised across runs, and the baseline of accepted findings.

A finding's identity is its file (relative to a base directory), invoice id,
code and JSON pointer: never its line or column, which move when a file is
reformatted. The baseline is a TOML file (not a ``.json``, so that neither a
directory walk nor the pre-commit hook takes it for an invoice) listing the
identities of the findings a vendor accepts for now; a later run hides those
and reports only new ones, and says which entries no longer occur (stale).
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kinelint.i18n import Joined, msg
from kinelint.findings import Finding
from kinelint.read.tomltext import TooDeep, parse_toml, toml_string

FORMAT_VERSION = 1
FIELDS = ("file", "invoice_id", "code", "pointer")


class BaselineError(Exception):
    """A baseline that cannot be read or written (exit status 2)."""


@dataclass(frozen=True, order=True, slots=True)
class Identity:
    file: str
    invoice_id: str
    code: str
    pointer: str

    def describe(self) -> str:
        from kinelint.report.display import escape_controls, shown_path

        invoice = f" invoice {self.invoice_id}" if self.invoice_id else ""
        return escape_controls(f"{shown_path(self.file)}{invoice} {self.code} at {self.pointer or 'the document root'}")


def relative_path(file: str, base: Path) -> str:
    """``file`` as a POSIX path relative to ``base`` when it lies under it, else absolute; ``-`` stays."""
    if file == "-":
        return file
    absolute = os.path.abspath(file)
    relative = os.path.relpath(absolute, os.path.abspath(base))
    chosen = absolute if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative
    return Path(chosen).as_posix()


def identity(finding: Finding, base: Path) -> Identity:
    return Identity(relative_path(finding.file, base), finding.invoice_id or "", finding.code, finding.pointer)


class Fingerprints:
    """Fingerprints stable across runs (a hash of the identity), numbered when one identity repeats."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._seen: Counter = Counter()

    def of(self, finding: Finding) -> str:
        key = identity(finding, self.base)
        digest = hashlib.sha256("\0".join((key.file, key.invoice_id, key.code, key.pointer)).encode()).hexdigest()
        self._seen[digest] += 1
        return digest if self._seen[digest] == 1 else f"{digest}-{self._seen[digest]}"


@dataclass
class Baseline:
    """The accepted findings; each entry hides one matching finding of this run."""

    path: Path
    entries: Counter = field(default_factory=Counter)
    hidden: int = 0

    def __post_init__(self) -> None:
        self._remaining = Counter(self.entries)

    def absorbs(self, finding: Finding) -> bool:
        key = identity(finding, self.path.parent)
        if self._remaining[key] <= 0:
            return False
        self._remaining[key] -= 1
        self.hidden += 1
        return True

    def stale(self, paths: Iterable[str]) -> list[Identity]:
        """The entries of the files this run checked (``paths`` and under) that no finding matched.

        Entries of files outside ``paths`` are not stale: they were not looked at
        (pre-commit passes only the changed files).
        """
        base = os.path.abspath(self.path.parent)
        roots = [given if given == "-" else os.path.abspath(given) for given in paths]

        def checked(file: str) -> bool:
            where = file if file == "-" else os.path.join(base, file)
            return any(where == root or where.startswith(root.rstrip(os.sep) + os.sep) for root in roots)

        return sorted(key for key in self._remaining.elements() if checked(key.file))


def load(path: Path) -> Baseline:
    from kinelint.read.smallfiles import BASELINE_MAX_BYTES, SmallFileError, read_capped

    try:
        data = parse_toml(read_capped(path, BASELINE_MAX_BYTES))
    except OSError as error:
        raise BaselineError(msg("cannot read the baseline {path}: {reason}", path=str(path),
                                reason=error.strerror or str(error))) from None
    except SmallFileError as error:
        raise BaselineError(msg("the baseline {path} is {reason}: not read", path=str(path), reason=error.reason)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, TooDeep) as error:
        raise BaselineError(msg("the baseline {path} is not valid TOML: {reason}", path=str(path),
                                reason=str(error))) from None
    if data.get("version") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(msg("{path} is not a kinelint baseline (version = {version} and a findings list); "
                                "write one with --write-baseline", path=str(path), version=FORMAT_VERSION))
    entries: Counter = Counter()
    for number, entry in enumerate(data["findings"], start=1):
        if not isinstance(entry, dict) or set(entry) - set(FIELDS) or not {"file", "code"} <= set(entry) \
                or not all(isinstance(value, str) for value in entry.values()):
            raise BaselineError(msg("{path}: entry {number} of findings is malformed; expected string keys {keys}",
                                    path=str(path), number=number, keys=Joined(FIELDS)))
        entries[Identity(entry["file"], entry.get("invoice_id", ""), entry["code"], entry.get("pointer", ""))] += 1
    return Baseline(path, entries)


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Record the identities of ``findings`` (paths relative to the baseline's directory)."""
    keys = sorted(identity(finding, path.parent) for finding in findings)
    lines = [
        "# kinelint baseline: findings accepted for now. `kinelint check --baseline` hides them",
        "# and reports only new ones. Written by `kinelint check --write-baseline`; do not edit by hand.",
        f"version = {FORMAT_VERSION}",
        "findings = [",
    ]
    for key in keys:
        pairs = [(name, getattr(key, name)) for name in FIELDS if getattr(key, name) or name in ("file", "code")]
        lines.append("  { " + ", ".join(f"{name} = {toml_string(value)}" for name, value in pairs) + " },")
    lines.append("]")
    from kinelint.report.outputs import AtomicWriter

    try:  # written beside and renamed: a failure (even to encode) leaves the previous baseline whole
        with AtomicWriter(path) as stream:
            stream.write("\n".join(lines) + "\n")
    except OSError as error:
        raise BaselineError(msg("cannot write the baseline {path}: {reason}", path=str(path),
                                reason=error.strerror or str(error))) from None
    except UnicodeError:  # e.g. a lone surrogate in a key: the previous baseline is kept whole
        raise BaselineError(msg("cannot write the baseline {path}: a value cannot be written as UTF-8",
                                path=str(path))) from None
    return len(keys)
