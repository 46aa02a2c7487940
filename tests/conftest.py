"""Shared fixtures: run the real CLI, and install throw-away plugins through entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


# The long group: whole runs of the command in many processes (hostile corpora, worker processes
# killed, the real pre-commit, memory ceilings, fuzzing). Outside the README's test command, so that
# it stays under 5 minutes on 2 cores; `.ci/run` runs them right after it (`python -m pytest -m long`).
LONG_MODULES = frozenset({
    "tests/test_hostile.py",
    "tests/check/test_hostile_process.py",
    "tests/cli/test_precommit.py",
    "tests/test_memory.py",
    "tests/test_fuzz.py",
})


REPO = Path(__file__).resolve().parent.parent
# Shared helpers live in test modules of other stage folders (test_properties' strategies, test_fuzz's
# seeds): every folder of tests is importable, whichever file pytest is asked to run alone.
for _folder in sorted(p for p in Path(__file__).resolve().parent.iterdir() if p.is_dir() and p.name[0] not in "._"):
    if str(_folder) not in sys.path:
        sys.path.append(str(_folder))


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.path).resolve().relative_to(REPO).as_posix() in LONG_MODULES:
            item.add_marker(pytest.mark.long)


def run_cli(*args: str, cwd: Path | None = None, env_path: Path | None = None, stdin: bytes | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m kinelint ARGS`` in a subprocess; ``env_path`` is put first on PYTHONPATH."""
    environment = dict(os.environ)
    environment.pop("PYTHONPATH", None)
    if env_path is not None:
        environment["PYTHONPATH"] = str(env_path)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "kinelint", *args], cwd=cwd or REPO, input=stdin,
                          capture_output=True, env=environment, timeout=300)  # a hang guard, not a speed limit


def install_fake_plugin(root: Path, name: str, source: str) -> None:
    """A module plus a ``.dist-info`` with a ``kinelint`` entry point: what pip would leave behind."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = root / f"{name}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[kinelint]\n{name} = {name}\n", encoding="utf-8")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True)
def english_environment(monkeypatch):
    """kinelint speaks the language of LANGUAGE, LC_ALL, LC_MESSAGES or LANG: the suite pins English
    (a French developer's shell must not change what the CLI tests read); tests of French set their own."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def sarif_validator():
    import jsonschema

    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)
