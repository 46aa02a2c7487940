"""Which files a directory walk leaves out: ``exclude`` / ``extend-exclude`` globs and ``.gitignore``.

As ruff does: a pattern without ``/`` matches a file or directory name
anywhere (``node_modules``, ``*.bak.json``); a pattern with ``/`` matches the
path relative to the configuration file's directory (``archive/2019/``,
``exports/**/raw-*.json``). An excluded directory is not entered. A file named
on the command line is always checked, unless ``--force-exclude`` (pre-commit
names every file of a commit) makes the patterns apply to it too.

``.gitignore`` files are read from the repository root (the nearest parent
holding ``.git``) down to each walked directory, with ``.git/info/exclude``;
the deepest file that has an opinion on a path decides, as in git.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# Tool and dependency folders that never hold a vendor's invoices (hidden folders are skipped anyway).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
                   "site-packages")
GITIGNORE = ".gitignore"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Exclusions:
    """The exclusion settings of one run (see the module docstring)."""

    patterns: tuple[str, ...] = DEFAULT_EXCLUDE
    root: Path = field(default_factory=Path.cwd)  # patterns with "/" are relative to it
    gitignore: bool = True
    force: bool = False  # apply the patterns to the files named on the command line too
    # Which files are read through an input adapter (``kinelint.read.adapted.AdapterSelection``): a walk
    # takes them whatever their suffix (a vendor's ``.csv``), and each is read with its adapter.
    adapters: object = None

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(p for p in self.patterns if "/" not in p and not _GLOB_CHARS.intersection(p))

    @cached_property
    def _globs(self) -> list:
        from kinelint.read.globs import Glob  # linear-time matching: a walk meets every name of the tree

        return [(Glob(p.rstrip("/")), "/" in p.rstrip("/")) for p in self.patterns if p not in self._names]

    def excludes(self, path: str | os.PathLike, name: str | None = None) -> bool:
        """Whether a walked file or directory matches a pattern (by its name, or its path from the root)."""
        if name is None:
            name = os.path.basename(os.fspath(path).rstrip(os.sep)) or os.fspath(path)
        if name in self._names:
            return True
        if not self._globs:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        inside = relative != ".." and not relative.startswith("../")
        for pattern, anchored in self._globs:
            if pattern.matches(relative) if anchored else pattern.matches(name):
                if inside or not anchored:
                    return True
        return False

    def excludes_given(self, path: str) -> bool:
        """``--force-exclude``: a named file is left out when it, or a folder above it, matches a pattern."""
        if not self.force:
            return False
        absolute = Path(os.path.abspath(path))
        chain = [absolute, *absolute.parents]
        if absolute.is_relative_to(self.root):  # up to the root only: its own parents are not the project's
            chain = chain[:len(absolute.relative_to(self.root).parts)]
        return any(self.excludes(step) for step in chain)

    def ignore_files(self, top: str) -> GitIgnores | None:
        """The ``.gitignore`` rules in force at the walked directory ``top`` (None: not asked for)."""
        return GitIgnores.above(Path(os.path.abspath(top))) if self.gitignore else None


class GitIgnores:
    """The ``.gitignore`` specs met on the way down, each with the directory it is relative to."""

    def __init__(self, specs: list[tuple[str, object]]) -> None:
        self._specs = specs

    @classmethod
    def above(cls, top: Path) -> GitIgnores:
        """The repository's ignore files from its root down to ``top``'s parent (``top`` itself is read by ``enter``)."""
        repository = next((d for d in (top, *top.parents) if (d / ".git").exists()), None)
        specs: list[tuple[str, object]] = []
        if repository is not None:
            specs += _spec_of(repository / ".git" / "info" / "exclude", repository)
            directory = repository
            for part in top.relative_to(repository).parts:  # the folders above top, from the root down
                specs += _spec_of(directory / GITIGNORE, directory)
                directory = directory / part
        return cls(specs)

    def enter(self, directory: str) -> GitIgnores:
        """The rules in force inside ``directory``: ours plus its own ``.gitignore``."""
        own = _spec_of(Path(directory) / GITIGNORE, Path(os.path.abspath(directory)))
        return GitIgnores(self._specs + own) if own else self

    def __bool__(self) -> bool:
        return bool(self._specs)

    def ignores(self, path: str, is_dir: bool) -> bool:
        absolute = os.path.abspath(path)
        for base, spec in reversed(self._specs):  # the deepest file with an opinion decides
            relative = os.path.relpath(absolute, base).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            verdict = spec.check_file(relative + "/" if is_dir else relative).include
            if verdict is not None:
                return verdict
        return False


def _spec_of(path: Path, base: Path) -> list[tuple[str, object]]:
    """``[(base, spec)]`` for an ignore file that exists and can be read, else ``[]``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(1 << 20).splitlines()  # an ignore file is small; a huge one is not read whole
    except OSError:
        return []
    import pathspec

    return [(str(base), pathspec.GitIgnoreSpec.from_lines(lines))]
