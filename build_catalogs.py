"""Build step: compile the translation catalogs (``.po`` -> ``.mo``) with Babel.

The ``.po`` files are the sources kept in the repository; the ``.mo`` files
gettext reads are made here, never committed. ``pip install .`` writes them
into the wheel; an editable install (``pip install -e .``) writes them next
to their ``.po`` in the work tree, as setuptools asks of build steps in
editable mode (PEP 660). A catalog entry that is fuzzy or empty is not
compiled, exactly as ``pybabel compile`` does without ``--use-fuzzy``.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools.command.build_py import build_py

PACKAGE = "kinelint"
LOCALE = Path(PACKAGE, "locale")
DOMAIN = "kinelint"


def catalogs(root: Path) -> list[Path]:
    """The ``.po`` files, relative to the project root."""
    return sorted(path.relative_to(root) for path in (root / LOCALE).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalog(po_path: Path, mo_path: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with open(mo_path, "wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)


class BuildPy(build_py):
    """``build_py``, then the catalogs compiled into the build (or in place, for an editable install)."""

    def run(self) -> None:
        super().run()
        for source, target in self._catalog_targets().items():
            self.announce(f"compiling catalog {source} to {target}", level=2)
            compile_catalog(Path(source), Path(target))

    def _catalog_targets(self) -> dict[str, str]:
        root = Path.cwd()
        targets = {}
        for po in catalogs(root):
            mo = po.with_suffix(".mo")
            targets[str(po)] = str(mo) if self.editable_mode else os.path.join(self.build_lib, mo)
        return targets

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        if self.editable_mode:  # setuptools lists the output mapping's keys, catalogs included
            return super().get_outputs(include_bytecode)
        return super().get_outputs(include_bytecode) + list(self._catalog_targets().values())

    def get_output_mapping(self) -> dict[str, str]:
        mapping = super().get_output_mapping()
        if self.editable_mode:  # the compiled catalog lives in the work tree
            for po, mo in self._catalog_targets().items():
                mapping[os.path.join(self.build_lib, mo)] = mo
        return mapping
