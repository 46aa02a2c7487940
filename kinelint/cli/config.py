"""Configuration: find it, read it, check every key and code, merge the command line.

``[tool.kinelint]`` in ``pyproject.toml`` or the top level of ``kinelint.toml``,
in the current directory or the nearest parent up to the repository root or the
home directory (``kinelint.toml`` wins in one directory), or the file named by
``--config``. Command-line options override
the file. Anything unknown or malformed is a ``ConfigError`` with a message
that names the file and the key: a typo must never be silently ignored.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from kinelint.read.adapted import AdapterChoice, AdapterSelection
from kinelint import __version__
from kinelint.nomenclature.rulesets import load_rulesets
from kinelint.read.exclusion import DEFAULT_EXCLUDE, Exclusions
from kinelint.i18n import Joined, msg
from kinelint.findings import SEVERITIES, Rule
from kinelint.read.globs import Glob, GlobError
from kinelint.read.tomltext import TooDeep, parse_toml, toml_string
from kinelint.read.smallfiles import CONFIG_MAX_BYTES, SmallFileError, read_capped

KEYS = ("select", "ignore", "per-file-ignores", "severity", "fail-on", "today",
        "exclude", "extend-exclude", "force-exclude", "respect-gitignore", "thresholds", "adapters", "ruleset",
        "preview")
FAIL_ON = ("error", "warning")
FILE_NAMES = ("kinelint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration that cannot be used as written (exit status 2)."""


@dataclass(frozen=True)
class Overrides:
    """What the command line says; ``None`` means: not given, keep the file's value."""

    config: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    today: date | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] | None = None
    force_exclude: bool | None = None
    respect_gitignore: bool | None = None
    ruleset: str | None = None
    preview: bool | None = None


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one run, and where each value came from."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    fail_on: str = "error"
    today: date = field(default_factory=date.today)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # what a directory walk leaves out (replaces the defaults)
    extend_exclude: tuple[str, ...] = ()  # ... on top of ``exclude``
    force_exclude: bool = False  # the patterns apply to the files named on the command line too
    respect_gitignore: bool = True
    thresholds: tuple[tuple[str, int], ...] = ()  # limits no text sets, changed from kinelint's defaults
    adapters: tuple[tuple[str, AdapterChoice], ...] = ()  # file pattern -> the input adapter that reads those files
    ruleset: str = field(default_factory=lambda: load_rulesets().newest.name)  # the rule set checked against
    preview: bool = False  # the rules of the sets after ``ruleset`` run too
    off: frozenset[str] = frozenset()  # codes of later rule sets, off under the pinned one (never reported)
    source: Path | None = None  # the file read, if any
    root: Path = field(default_factory=Path.cwd)  # per-file-ignores globs are relative to it
    origins: Mapping[str, str] = field(default_factory=dict)  # key -> "file", "command line" or "default"

    def exclusions(self) -> Exclusions:
        """What the directory walk leaves out; globs with ``/`` are relative to the configuration's folder."""
        return Exclusions(self.exclude + self.extend_exclude, self.root, self.respect_gitignore, self.force_exclude,
                          AdapterSelection(self.adapters, self.root) if self.adapters else None)


def load_settings(rules: Mapping[str, Rule], overrides: Overrides = Overrides(), cwd: Path | None = None,
                  adapters: Collection[str] | None = None) -> Settings:
    """The configuration in force: the file found (or named), then the command line over it. ``adapters``:
    the names of the installed input adapters (None: not checked)."""
    cwd = Path.cwd() if cwd is None else cwd
    source = overrides.config if overrides.config is not None else find_config(cwd)
    raw, where = ({}, "") if source is None else read_config(source)
    values, origins = _file_values(raw, where, rules, adapters), {}
    for key in KEYS:
        origins[key] = "file" if key in raw else "default"
    cli = {"select": overrides.select, "ignore": overrides.ignore, "fail-on": overrides.fail_on, "today": overrides.today,
           "exclude": overrides.exclude, "extend-exclude": overrides.extend_exclude,
           "force-exclude": overrides.force_exclude, "respect-gitignore": overrides.respect_gitignore,
           "ruleset": overrides.ruleset, "preview": overrides.preview}
    for key, value in cli.items():
        if value is not None:
            origins[key] = "command line"
            if key in ("select", "ignore"):
                value = _codes(value, f"--{key}", rules)
            elif key in ("exclude", "extend-exclude"):
                value = _patterns(list(value), f"--{key}")  # a bad bracket is a usage error, not a crash mid-walk
            elif key == "ruleset":
                value = _ruleset(value, "--ruleset")
            values[key] = value
    ruleset = values.get("ruleset", load_rulesets().newest.name)
    preview = values.get("preview", False)
    return Settings(
        select=values.get("select", ()),
        ignore=values.get("ignore", ()),
        per_file_ignores=values.get("per-file-ignores", ()),
        severity=values.get("severity", ()),
        fail_on=values.get("fail-on", "error"),
        today=values.get("today") or date.today(),
        exclude=values.get("exclude", DEFAULT_EXCLUDE),
        extend_exclude=values.get("extend-exclude", ()),
        force_exclude=values.get("force-exclude", False),
        respect_gitignore=values.get("respect-gitignore", True),
        thresholds=values.get("thresholds", ()),
        adapters=tuple((pattern, AdapterChoice(name, options, str(source.resolve().parent if source is not None else cwd)))
                       for pattern, name, options in values.get("adapters", ())),
        ruleset=ruleset,
        preview=preview,
        off=frozenset() if preview else later_rules(rules, ruleset),
        source=None if source is None else source.resolve(),
        root=(source.resolve().parent if source is not None else cwd),
        origins=origins,
    )


def find_config(start: Path, home: Path | None = None) -> Path | None:
    """The nearest ``kinelint.toml``, or ``pyproject.toml`` with a ``[tool.kinelint]`` table.

    The search climbs from ``start`` and stops at the repository's root (a
    directory holding ``.git``) or at the home directory, as ruff's does: a
    configuration in a directory above the repository or the home directory
    (``/home``, ``/``), which someone else may have left, is not read.
    """
    home = _home() if home is None else home.resolve()
    for directory in (start.resolve(), *start.resolve().parents):
        found = _config_in(directory)
        if found is not None:
            return found
        if (directory / ".git").exists() or directory == home:
            return None
    return None


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, OSError, KeyError):  # no home directory known
        return None


def _config_in(directory: Path) -> Path | None:
    for name in FILE_NAMES:
        candidate = directory / name
        if not candidate.exists():
            continue
        if not candidate.is_file():  # a link to /dev/zero, a pipe: never read, never silently skipped
            raise ConfigError(f"the configuration {candidate} is not a regular file: not read")
        tool = {} if name == "kinelint.toml" else _parse(candidate).get("tool", {})
        if name == "kinelint.toml" or not isinstance(tool, dict) or "kinelint" in tool:
            return candidate  # a malformed [tool] table is reported by read_config
    return None


def read_config(path: Path) -> tuple[dict, str]:
    """The kinelint table of one file, and how to name it in messages."""
    data = _parse(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("kinelint") if isinstance(tool, dict) else tool
        if table is None:
            raise ConfigError(msg("{path}: no [tool.kinelint] table", path=str(path)))
        if not isinstance(table, dict):
            raise ConfigError(msg("{path}: tool.kinelint must be a table", path=str(path)))
        return table, f"{path} [tool.kinelint]"
    return data, str(path)


def _parse(path: Path) -> dict:
    try:
        return parse_toml(read_capped(path, CONFIG_MAX_BYTES))
    except OSError as error:
        raise ConfigError(msg("cannot read the configuration {path}: {reason}", path=str(path),
                              reason=error.strerror or str(error))) from None
    except SmallFileError as error:
        raise ConfigError(msg("the configuration {path} is {reason}: not read", path=str(path),
                              reason=error.reason)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, TooDeep) as error:
        raise ConfigError(msg("{path} is not valid TOML: {reason}", path=str(path), reason=str(error))) from None


def _file_values(raw: dict, where: str, rules: Mapping[str, Rule], adapters: Collection[str] | None = None) -> dict:
    values = {}
    for key, value in raw.items():
        if key not in KEYS:
            raise ConfigError(msg("unknown key {key} in {where}{hint}; the keys are: {keys}", key=repr(key), where=where,
                                  hint=_did_you_mean(key, KEYS), keys=Joined(KEYS)))
        label = msg("{key} in {where}", key=repr(key), where=where)
        if key in ("select", "ignore"):
            values[key] = _codes(_string_list(value, label), label, rules)
        elif key == "per-file-ignores":
            values[key] = _per_file_ignores(value, label, rules)
        elif key == "severity":
            values[key] = _severity(value, label, rules)
        elif key == "fail-on":
            values[key] = _choice(value, FAIL_ON, label)
        elif key in ("exclude", "extend-exclude"):
            values[key] = _patterns(value, label)
        elif key == "ruleset":
            values[key] = _ruleset(value, label)
        elif key in ("force-exclude", "respect-gitignore", "preview"):
            values[key] = _boolean(value, label)
        elif key == "thresholds":
            values[key] = _thresholds(value, label)
        elif key == "adapters":
            values[key] = _adapters(value, label, adapters)
        else:
            values[key] = _date(value, label)
    return values


def _thresholds(value: object, label: str) -> tuple[tuple[str, int], ...]:
    """A table of threshold names and whole numbers, each checked against its range (thresholds.toml)."""
    from kinelint.nomenclature.thresholds import configured

    if not isinstance(value, dict):
        raise ConfigError(msg("{label} must be a table such as {{ sessions-per-day = 40 }}", label=label))
    try:
        configured(value)
    except ValueError as error:
        raise ConfigError(msg("{label}: {problem}", label=label, problem=str(error))) from None
    return tuple(sorted(value.items()))


MAPPING_ADAPTER = "mapping"  # the built-in declarative adapter (plugins/kinelint_mapping): a string names its file


def _adapters(value: object, label: str, known: Collection[str] | None) -> tuple[tuple[str, str, dict], ...]:
    """``glob = "mapping.toml"`` (the declarative adapter and its mapping file) or ``glob = { adapter = NAME,
    ... }`` (an installed adapter and its options): (glob, adapter name, options), in the file's order."""
    if not isinstance(value, dict):
        raise ConfigError(msg("{label} must be a table of glob = mapping file, like {{\"exports/*.json\" = "
                              "\"kinelint-mapping.toml\"}}", label=label))
    chosen = []
    for glob, spec in value.items():
        try:
            Glob(glob)
        except GlobError as error:
            raise ConfigError(msg("{label}: {reason}", label=label, reason=error.args[0])) from None
        if isinstance(spec, str) and spec.strip():
            name, options = MAPPING_ADAPTER, {"mapping": spec}
        elif isinstance(spec, dict) and isinstance(spec.get("adapter"), str):
            name, options = spec["adapter"], {k: v for k, v in spec.items() if k != "adapter"}
        else:
            raise ConfigError(msg("{label} is {value}: expected a mapping file (\"kinelint-mapping.toml\") or a "
                                  "table naming an adapter ({{ adapter = \"NAME\" }})", label=_for(label, glob),
                                  value=repr(spec)))
        if known is not None and name not in known:
            raise ConfigError(msg("{label}: no input adapter named {name} is installed{hint}; the adapters are: "
                                  "{names}", label=_for(label, glob), name=repr(name), hint=_did_you_mean(name, known),
                                  names=Joined(sorted(known)) if known else msg("none")))
        chosen.append((glob, name, options))
    return tuple(chosen)
def _ruleset(value: object, label: str) -> str:
    """The name of a rule set of this kinelint; anything else is a usage error listing the names."""
    known = load_rulesets().names
    if value not in known:
        raise ConfigError(msg("unknown rule set {value} in {label}{hint}; the rule sets of kinelint {version} are: {names}",
                              value=repr(value), label=label, hint=_did_you_mean(str(value), known),
                              version=__version__, names=Joined(known)))
    return value


ALWAYS_ON = frozenset({"PRS"})  # findings on what could not be read, whatever rule set is pinned


def later_rules(rules: Mapping[str, Rule], pinned: str) -> frozenset[str]:
    """The codes of the built-in rules that came in a rule set after ``pinned``: off under that pin. A file that
    could not be read (PRS, an input adapter's mapping among them) is always said: a pin never hides that
    invoices went unchecked."""
    sets = load_rulesets()
    return frozenset(code for code, rule in rules.items()
                     if rule.ruleset and rule.family not in ALWAYS_ON and sets.after(pinned, rule.ruleset))


def _string_list(value: object, label: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(msg("{label} must be a list of rule codes or prefixes, like [\"TAR\", \"OBS001\"]", label=label))
    return tuple(value)


def _patterns(value: object, label: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(msg("{label} must be a list of glob patterns, like [\"archive/\", \"*.draft.json\"]", label=label))
    for item in value:
        try:
            Glob(item.strip().rstrip("/"))
        except GlobError as error:
            raise ConfigError(msg("{label}: {reason}", label=label, reason=error.args[0])) from None
    return tuple(item.strip() for item in value)


def _boolean(value: object, label: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(msg("{label} is {value}: expected true or false", label=label, value=repr(value)))
    return value


def _codes(values: Iterable[str], label: str, rules: Mapping[str, Rule]) -> tuple[str, ...]:
    """Codes or prefixes, upper-cased; each must name at least one loaded rule."""
    codes = []
    for value in values:
        code = value.strip().upper()
        if not code or not any(known.startswith(code) for known in rules):
            choices = sorted(set(rules) | {known[:3] for known in rules})
            raise ConfigError(msg("unknown rule code or prefix {value} in {label}{hint}; `kinelint rules` lists the codes",
                                  value=repr(value), label=label, hint=_did_you_mean(code, choices)))
        codes.append(code)
    return tuple(codes)


def _per_file_ignores(value: object, label: str, rules: Mapping[str, Rule]) -> tuple:
    if not isinstance(value, dict):
        raise ConfigError(msg("{label} must be a table of glob = [codes], like {{\"legacy/*.jsonl\" = [\"OBS\"]}}",
                              label=label))
    for glob in value:
        try:
            Glob(glob)
        except GlobError as error:
            raise ConfigError(msg("{label}: {reason}", label=label, reason=error.args[0])) from None
    return tuple((glob, _codes(_string_list(codes, _for(label, glob)), _for(label, glob), rules))
                 for glob, codes in value.items())


def _for(label, key: str):
    return msg("{label} for {key}", label=label, key=repr(key))


def _severity(value: object, label: str, rules: Mapping[str, Rule]) -> tuple:
    if not isinstance(value, dict):
        raise ConfigError(msg("{label} must be a table of code = severity, like {{\"CON005\" = \"warning\"}}",
                              label=label))
    pairs = []
    for code, severity in value.items():
        (code,) = _codes([code], label, rules)
        pairs.append((code, _choice(severity, SEVERITIES, _for(label, code))))
    return tuple(pairs)


def _choice(value: object, choices: tuple[str, ...], label: str) -> str:
    if value not in choices:
        raise ConfigError(msg("{label} is {value}: expected one of {choices}", label=label, value=repr(value),
                              choices=Joined(repr(c) for c in choices)))
    return value


def _date(value: object, label: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(msg("{label} is {value}: expected a date, YYYY-MM-DD", label=label, value=repr(value)))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return msg(" (did you mean {word}?)", word=repr(close[0])) if close else ""


def describe(settings: Settings) -> str:
    """The resolved configuration as TOML, each key with where its value came from."""
    head = f"# configuration file: {settings.source}" if settings.source else "# no configuration file found"
    values = {
        "select": _toml_list(settings.select),
        "ignore": _toml_list(settings.ignore),
        "per-file-ignores": "{" + ", ".join(f"{toml_string(g)} = {_toml_list(c)}" for g, c in settings.per_file_ignores) + "}",
        "severity": "{" + ", ".join(f"{toml_string(c)} = {toml_string(s)}" for c, s in settings.severity) + "}",
        "fail-on": toml_string(settings.fail_on),
        "today": settings.today.isoformat(),
        "exclude": _toml_list(settings.exclude),
        "extend-exclude": _toml_list(settings.extend_exclude),
        "force-exclude": str(settings.force_exclude).lower(),
        "respect-gitignore": str(settings.respect_gitignore).lower(),
        "thresholds": _threshold_table(settings.thresholds),
        "adapters": "{" + ", ".join(f"{toml_string(glob)} = {_adapter_spec(choice)}" for glob, choice in settings.adapters) + "}",
        "ruleset": toml_string(settings.ruleset),
        "preview": str(settings.preview).lower(),
    }
    width = max(len(f"{k} = {v}") for k, v in values.items())
    lines = [head]
    for key, value in values.items():
        text = f"{key} = {value}"
        lines.append(f"{text:<{width}}  # {settings.origins.get(key, 'default')}")
    if not settings.select:
        lines.append("# select = [] means every rule")
    if settings.off:
        lines.append(f"# off under rule set {settings.ruleset} (later rule sets; preview = true runs them): "
                     + ", ".join(sorted(settings.off)))
    return "\n".join(lines)


def _adapter_spec(choice: AdapterChoice) -> str:
    if choice.name == MAPPING_ADAPTER and set(choice.options) == {"mapping"}:
        return toml_string(str(choice.options["mapping"]))
    return "{ adapter = " + toml_string(choice.name) + "".join(
        f", {toml_string(k)} = {toml_string(str(v))}" for k, v in choice.options.items()) + " }"


def _threshold_table(chosen: tuple[tuple[str, int], ...]) -> str:
    """Every threshold with the value in force (kinelint's default unless the configuration sets it)."""
    from kinelint.nomenclature.thresholds import configured

    return "{" + ", ".join(f"{name} = {item.value}" for name, item in sorted(configured(dict(chosen)).items())) + "}"


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(item) for item in items) + "]"
