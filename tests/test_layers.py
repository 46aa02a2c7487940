"""The house by stage: imports run one way (cli -> report -> check -> read -> shared), no circle,
and the plugin API stays where plugin authors import it.

Every import counts: at the top of a module, inside a function (lazy, for start-up) and under
``TYPE_CHECKING``, since a reader follows all of them.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "kinelint"
STAGES = {"read": 1, "check": 2, "report": 3, "cli": 4}
FRONT_DOORS = {"kinelint.api", "kinelint.__main__"}  # the Python API and ``python -m kinelint``: above everything
# What a plugin may import of kinelint (README, "Writing a plugin"): everything else may move.
PLUGIN_API = {"kinelint.adapters", "kinelint.hookspecs", "kinelint.rulekit", "kinelint.findings", "kinelint.invoice", "kinelint.i18n",
              "kinelint.keystore", "kinelint.nomenclature", "kinelint"}


def rank(module: str) -> int:
    """0 for the shared modules at the top of the package and the nomenclature, then stage by stage."""
    if module in FRONT_DOORS:
        return 5
    parts = module.split(".")
    return STAGES.get(parts[1], 0) if len(parts) > 1 else 0


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")


def imported(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every kinelint module ``source`` imports, anywhere in it; ``from kinelint.x import y`` counts
    ``kinelint.x.y`` when y is a module, else ``kinelint.x``."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return {name for name in found if name == "kinelint" or name.startswith("kinelint.")}


def _is_module(name: str) -> bool:
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def upward(module: str, targets: set[str]) -> set[str]:
    """The imports of ``module`` that run back up a stage."""
    allowed = {"kinelint.api"} if module == "kinelint" else set()  # the package re-exports lint_invoice, lazily
    return {target for target in targets - allowed if rank(target) > rank(module)}


def package_modules() -> dict[str, set[str]]:
    return {module_name(path): imported(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_checker_sees_an_import_back_up_a_stage_lazy_or_not():
    lazy = "def f():\n    from kinelint.cli.config import Settings\n"
    assert upward("kinelint.report.filtering", imported(lazy, "kinelint.report.filtering")) == {"kinelint.cli.config"}
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kinelint.report import corrections\n"
    assert upward("kinelint.check.runner", imported(typed, "kinelint.check.runner")) == {"kinelint.report.corrections"}
    relative = "from ..check.host import PluginHost\n"
    assert upward("kinelint.read.sources", imported(relative, "kinelint.read.sources")) == {"kinelint.check.host"}
    down = "from kinelint.read.sources import read\nfrom kinelint.findings import Finding\n"
    assert upward("kinelint.check.runner", imported(down, "kinelint.check.runner")) == set()


def test_no_import_runs_back_up_a_stage():
    back = {module: sorted(targets) for module, targets in
            ((module, upward(module, targets)) for module, targets in package_modules().items()) if targets}
    assert back == {}


def test_the_stages_are_folders_and_every_module_has_a_home():
    modules = package_modules()
    assert {m.split(".")[1] for m in modules if m.count(".") >= 2} == set(STAGES) | {"nomenclature"}
    shared = sorted(m for m in modules if m.count(".") == 1 and m.split(".")[1] not in set(STAGES) | {"nomenclature"})
    assert shared == ["kinelint.__main__", "kinelint.adapters", "kinelint.api", "kinelint.findings", "kinelint.frozen", "kinelint.hookspecs",
                      "kinelint.i18n", "kinelint.invoice", "kinelint.keystore", "kinelint.privacy", "kinelint.rulekit"]


def test_no_circle_of_imports():
    graph = package_modules()
    cycles, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            if target != module:
                visit(target, path + [module])
        done.add(module)

    for module in graph:
        visit(module, [])
    assert cycles == []


def test_the_configuration_and_the_baseline_no_longer_import_each_other():
    modules = package_modules()
    assert "kinelint.report.baseline" not in modules["kinelint.cli.config"]
    assert "kinelint.cli.config" not in modules["kinelint.report.baseline"]
    assert "kinelint.read.tomltext" in modules["kinelint.report.baseline"] & modules["kinelint.cli.config"]


@pytest.mark.parametrize("path, names", [
    ("kinelint.hookspecs", ["hookimpl", "hookspec", "kinelint_adapters"]),
    ("kinelint.adapters", ["Adapter", "Adapted", "Unadapted", "Spot", "Writer", "cents_to_euros", "parse_date"]),
    ("kinelint.rulekit", ["NGAP", "billed", "session_label", "named_act", "ruling", "euros", "cents", "settled",
                          "with_total", "coefficient_fix", "act_name", "Verdicts"]),
    ("kinelint.findings", ["Violation", "Edit", "Rule"]),
    ("kinelint.invoice", ["Invoice", "Session", "Act", "Fee"]),
    ("kinelint.i18n", ["msg"]),
    ("kinelint.keystore", ["KeyStore", "fingerprint"]),
    ("kinelint.nomenclature", ["load_nomenclature"]),
    ("kinelint", ["lint_invoice", "lint_paths", "__version__"]),
])
def test_the_old_public_import_paths_still_work(path, names):
    module = importlib.import_module(path)
    assert all(hasattr(module, name) for name in names), [n for n in names if not hasattr(module, n)]


def test_lint_invoice_runs_from_its_old_path():
    from invoice_factory import make_invoice
    from kinelint import lint_invoice

    assert list(lint_invoice(make_invoice())) == []


def test_plugins_import_only_the_plugin_api():
    outside = {}
    for path in sorted((REPO / "plugins").rglob("*.py")):
        targets = imported(path.read_text(encoding="utf-8"), "plugin")
        internal = {t for t in targets if not any(t == api or t.startswith(api + ".") for api in PLUGIN_API - {"kinelint"})
                    and t != "kinelint"}
        if internal:
            outside[str(path.relative_to(REPO))] = sorted(internal)
    assert outside == {}
