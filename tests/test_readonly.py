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
from invoice_factory import dumps, make_invoice


from kinelint.cli.commands import check as check_command

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
        "ruleset": lambda: ["--ruleset", "2026.1"],
        "outputs": lambda: ["--output", f"sarif:{out / 'k.sarif'}", "--output", f"html:{out / 'k.html'}"],
        "unsafe_fixes": lambda: ["--diff", "--unsafe-fixes"],  # a flag that goes with --diff
    }
    runs: list[list[str]] = [[]]
    for param in check_command.params:
        if not isinstance(param, click.Option) or param.name in ("help", "version"):
            continue
        if param.name in recipes and recipes[param.name] is not None:
            runs.append(recipes[param.name]())
        elif param.is_flag:
            runs.append([param.opts[0]])
        elif isinstance(param.type, click.Choice) and param.name != "output_format":
            runs.extend([param.opts[0], choice] for choice in param.type.choices)
        elif param.name not in recipes and isinstance(param.type, click.types.IntParamType):
            runs.append([param.opts[0], "2"])  # a count (--jobs and the like)
        elif param.name not in recipes:
            pytest.fail(f"kinelint check gained the option {param.opts[0]}: add a recipe to tests/test_readonly.py")
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


@pytest.mark.parametrize("option", ["--output-file", "--write-baseline", "--output"])
@pytest.mark.parametrize("target", ["a.json", "b.jsonl", "sub/new.json"])
def test_writing_onto_an_input_is_refused_and_the_input_kept(tmp_path, option, target):
    root = tmp_path / "tree"
    build_tree(root)
    before = snapshot(root)
    result = run_cli("check", option, ("json:" + target) if option == "--output" else target, ".", cwd=root)
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


# -- outputs that reach a checked file another way (links), and outputs written whole -----------

def _reaching(root: Path, out: Path, how: str) -> Path:
    """A target outside the checked names that reaches the checked ``a.json`` by ``how``."""
    if how == "symlink":
        (out / "report.json").symlink_to(root / "a.json")
        return out / "report.json"
    if how == "hard link":
        os.link(root / "a.json", out / "report.json")
        return out / "report.json"
    if how == "linked directory":
        (out / "linked").symlink_to(root)
        return out / "linked" / "a.json"
    if how == "dotdot":
        return root / "sub" / ".." / "a.json"
    raise AssertionError(how)


@pytest.mark.parametrize("option", ["--output-file", "--write-baseline"])
@pytest.mark.parametrize("how", ["symlink", "hard link", "linked directory", "dotdot"])
@pytest.mark.parametrize("checked", ["a.json", "."])
def test_a_target_that_reaches_a_checked_file_is_refused_before_anything_is_read(tmp_path, option, how, checked):
    root, out = tmp_path / "tree", tmp_path / "out"
    build_tree(root)
    out.mkdir()
    target = _reaching(root, out, how)
    before, invoice = snapshot(root), (root / "a.json").read_bytes()
    result = run_cli("check", option, str(target), checked, cwd=root)
    assert result.returncode == 2, (result.stdout.decode(), result.stderr.decode())
    assert b"is among the files checked" in result.stderr and b"Traceback" not in result.stderr
    assert not result.stdout  # refused before the run: no report, no finding
    assert snapshot(root) == before and (root / "a.json").read_bytes() == invoice


def test_a_new_file_in_a_walked_directory_reached_through_a_link_is_refused(tmp_path):
    root, out = tmp_path / "tree", tmp_path / "out"
    build_tree(root)
    out.mkdir()
    (out / "linked").symlink_to(root / "sub")
    before = snapshot(root)
    result = run_cli("check", "--output-file", str(out / "linked" / "new.json"), ".", cwd=root)
    assert result.returncode == 2 and b"is among the files checked" in result.stderr, result.stderr.decode()
    assert snapshot(root) == before


def test_a_link_to_an_unchecked_file_is_written_through_and_stays_a_link(tmp_path):
    """The control: a link that reaches no checked file is a fine target; its file gets the report."""
    root, out = tmp_path / "tree", tmp_path / "out"
    build_tree(root)
    out.mkdir()
    (out / "real.txt").write_text("old report")
    (out / "report.txt").symlink_to(out / "real.txt")
    result = run_cli("check", "--output-file", str(out / "report.txt"), "a.json", cwd=root)
    assert result.returncode == 1, result.stderr.decode()
    assert (out / "report.txt").is_symlink() and "TAR" in (out / "real.txt").read_text()


def test_reports_and_baselines_are_renamed_into_place_and_a_failed_run_keeps_the_old_ones(tmp_path):
    root, out = tmp_path / "tree", tmp_path / "out"
    build_tree(root)
    out.mkdir()
    baseline, report = out / "baseline.toml", out / "report.json"
    assert run_cli("check", "--write-baseline", str(baseline), "a.json", cwd=root).returncode == 0
    recorded = baseline.read_bytes()
    assert b"TAR" in recorded
    report.write_text("previous report")
    # A plugin that fails after the run began: exit 2, and neither file is truncated nor half written.
    site = tmp_path / "site"
    from conftest import install_fake_plugin
    install_fake_plugin(site, "zz_interrupts", '''
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_check_invoice(invoice):
    raise KeyboardInterrupt
''')
    for option, target in (("--write-baseline", baseline), ("--output-file", report)):
        before = target.read_bytes()
        result = run_cli("check", "--format", "json", option, str(target), "a.json", "b.jsonl", cwd=root,
                         env_path=site)
        assert result.returncode != 0
        assert target.read_bytes() == before, option
    assert sorted(p.name for p in out.iterdir()) == ["baseline.toml", "report.json"]  # no temporary left behind
    assert run_cli("check", "--output-file", str(report), "a.json", cwd=root).returncode == 1
    assert "TAR" in report.read_text() and oct(report.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_output_to_a_device_is_written_in_place(tmp_path):
    """/dev/null cannot be renamed over (and must never be replaced by a file)."""
    root = tmp_path / "tree"
    build_tree(root)
    result = run_cli("check", "--output-file", os.devnull, "a.json", cwd=root)
    assert result.returncode == 1, result.stderr.decode()
    assert Path(os.devnull).is_char_device()
