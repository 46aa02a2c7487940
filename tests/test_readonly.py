"""kinelint only reads: every input file, link and directory listing is the same, bytes and mtime, after any run.

The formats and options are read from the ``check`` command itself: every
format, every flag, every choice, and every option that takes a value (which
needs a recipe here: an option added later without one fails the test, so that
it is not silently left out). Reports and baselines go outside the checked
tree; pointing them at an input is refused and leaves the input alone.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import click
import pytest
from conftest import run_cli
from invoice_factory import make_invoice
from test_cli import dumps

from kinelint.cli import check as check_command

HOSTILE = Path(__file__).parent / "data" / "hostile"


def faulty(invoice_id: str) -> dict:
    invoice = make_invoice(invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}")
    invoice["total"] += 1
    return invoice


def build_tree(root: Path) -> None:
    (root / "sub" / ".hidden").mkdir(parents=True)
    (root / "a.json").write_text(dumps(faulty("F-A"), indent=2))
    (root / "b.jsonl").write_text(dumps(faulty("F-B1")) + "\n{broken\n" + dumps(faulty("F-B2")) + "\n")
    (root / "sub" / "c.ndjson").write_text(dumps(faulty("F-C")) + "\n")
    (root / "sub" / ".hidden" / "skipped.json").write_text("{")
    (root / "notes.txt").write_text("not an invoice")
    (root / "kinelint.toml").write_text('fail-on = "error"\n')
    (root / "link.json").symlink_to(root / "a.json")
    (root / "dangling.json").symlink_to(root / "nowhere.json")
    (root / "sub" / "up").symlink_to(root)
    os.mkfifo(root / "sub" / "pipe.json")
    shutil.copytree(HOSTILE, root / "hostile")
    old = 1_000_000_000  # 2001: a run that touched anything would move it
    for directory, dirs, files in os.walk(root, topdown=False):
        for name in files + dirs:
            os.utime(Path(directory, name), ns=(old, old), follow_symlinks=False)
        os.utime(directory, ns=(old, old))


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root: its type, mode, size, mtime, and bytes (files) or target (links)."""
    state: dict[str, tuple] = {}
    for directory, dirs, files in os.walk(root):  # links to directories are not followed
        here = Path(directory)
        info = here.lstat()
        state[str(here.relative_to(root))] = ("dir", info.st_mode, info.st_mtime_ns, tuple(sorted(dirs + files)))
        for name in files + dirs:
            path = here / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                state[str(path.relative_to(root))] = ("link", info.st_mode, info.st_mtime_ns, os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                state[str(path.relative_to(root))] = ("file", info.st_mode, info.st_mtime_ns, path.read_bytes())
            elif not stat.S_ISDIR(info.st_mode):
                state[str(path.relative_to(root))] = ("other", info.st_mode, info.st_mtime_ns, info.st_size)
    return state


def _option(name: str) -> click.Option:
    (option,) = [p for p in check_command.params if p.name == name]
    return option


def option_runs(out: Path) -> list[list[str]]:
    """One run per flag, per choice and per value option of ``check``; formats are spread over them below."""
    recipes = {  # options that take a value: what to give them (outputs go to ``out``, outside the tree)
        "output_format": None,  # every choice, below
        "output_file": lambda: ["--output-file", str(out / "report.out")],
        "write_baseline": lambda: ["--write-baseline", str(out / "baseline.toml")],
        "baseline": lambda: ["--baseline", str(out / "baseline.toml")],  # after write_baseline: see the order
        "config_path": lambda: ["--config", "kinelint.toml"],
        "select": lambda: ["--select", "SCH,TAR,PRS"],
        "ignore": lambda: ["--ignore", "CON"],
        "today": lambda: ["--today", "2026-02-01"],
        "jobs": lambda: ["--jobs", "2"],  # worker processes read too, and only read
        "exclude": lambda: ["--exclude", "node_modules,archive/"],
        "extend_exclude": lambda: ["--extend-exclude", "*.draft.json"],
        "plugin_timeout": lambda: ["--plugin-timeout", "30"],
    }
    runs: list[list[str]] = [[]]
    for param in check_command.params:
        if not isinstance(param, click.Option) or param.name in ("help", "version"):
            continue
        if param.is_flag:
            runs.append([param.opts[0]])
        elif isinstance(param.type, click.Choice) and param.name != "output_format":
            runs.extend([param.opts[0], choice] for choice in param.type.choices)
        elif param.name not in recipes and isinstance(param.type, click.types.IntParamType):
            runs.append([param.opts[0], "2"])  # a count (--jobs and the like)
        elif param.name not in recipes:
            pytest.fail(f"kinelint check gained the option {param.opts[0]}: add a recipe to tests/test_readonly.py")
        elif recipes[param.name] is not None:
            runs.append(recipes[param.name]())
    runs.sort(key=lambda run: run[:1] == ["--baseline"])  # read the baseline once it is written
    return runs


def test_no_run_changes_any_input(tmp_path):
    root, out = tmp_path / "tree", tmp_path / "out"
    build_tree(root)
    out.mkdir()
    before = snapshot(root)
    assert {"a.json", "link.json", "dangling.json", "sub/pipe.json", "hostile/empty.jsonl"} <= set(before)
    formats = list(_option("output_format").type.choices)
    runs = option_runs(out)
    runs += [[]] * max(0, len(formats) - len(runs))
    targets = [["."], ["a.json", "b.jsonl", "link.json", "sub"], [str(root)]]
    done = []
    for index, options in enumerate(runs):
        arguments = ["--format", formats[index % len(formats)], *options, *targets[index % len(targets)]]
        result = run_cli("check", *arguments, cwd=root)
        assert result.returncode in (0, 1), (arguments, result.stderr.decode()[-2000:])
        assert snapshot(root) == before, f"kinelint check {' '.join(arguments)} changed an input"
        done.append(arguments)
    assert {a[1] for a in done} == set(formats)
    assert (out / "baseline.toml").exists() and (out / "report.out").exists()
    os.utime(root / "a.json", ns=(2_000_000_000, 2_000_000_000))  # the control: a touch is seen
    assert snapshot(root) != before


@pytest.mark.parametrize("option", ["--output-file", "--write-baseline"])
@pytest.mark.parametrize("target", ["a.json", "b.jsonl", "sub/new.json"])
def test_writing_onto_an_input_is_refused_and_the_input_kept(tmp_path, option, target):
    root = tmp_path / "tree"
    build_tree(root)
    before = snapshot(root)
    result = run_cli("check", option, target, ".", cwd=root)
    assert result.returncode == 2, result.stderr.decode()
    assert b"is among the files checked" in result.stderr
    assert snapshot(root) == before


def test_standard_input_leaves_the_tree_alone(tmp_path):
    root = tmp_path / "tree"
    build_tree(root)
    before = snapshot(root)
    result = run_cli("check", "-", "sub", cwd=root, stdin=(root / "a.json").read_bytes())
    assert result.returncode == 1
    assert snapshot(root) == before
