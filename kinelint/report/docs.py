"""Rule documentation, made from the rules' metadata only (never written twice)."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import DEFAULT_LANGUAGE, N_, msg

# The built-in families in a few words (a third-party family is shown by its prefix alone).
FAMILY_NAMES = {
    "PRS": N_("unreadable files"),
    "SCH": N_("schema"),
    "CUM": N_("indemnities that may not go together"),
    "BDK": N_("bilan diagnostic kinésithérapique"),
    "OBS": N_("codes not in force"),
    "COE": N_("coefficients not in force"),
    "TAR": N_("amounts"),
    "CON": N_("consistency"),
    "DAP": N_("prior approval"),
    "PRE": N_("what the prescription allows"),
    "DAY": N_("a practitioner's day"),
    "DIR": N_("direct access"),
    "LAT": N_("delays after the care"),
}


def rule_page(rule: Rule, lang: str = DEFAULT_LANGUAGE) -> str:
    """One rule as Markdown: what it does, why, example, use instead, source.

    In another language the headings are translated and the summary is the caller's
    (``localized_rules``); rationale and examples stay as written (English).
    """
    sections = [(msg("What it does."), rule.summary), (msg("Why it matters."), rule.rationale),
                (msg("Example."), rule.bad_example), (msg("Use instead."), rule.good_example),
                (msg("Source."), rule.source)]
    lines = [
        f"## {rule.code} {rule.name}",
        "",
        "- " + msg("Family: {family} · default severity: {severity} · plugin: {plugin}", family=rule.family,
                   severity=rule.severity, plugin=rule.plugin).render(lang)
        + (" · " + msg("rule set: {ruleset}", ruleset=rule.ruleset).render(lang) if rule.ruleset else ""),
    ]
    for heading, text in sections:
        if text or heading.template not in ("Example.", "Use instead."):
            lines += ["", f"**{heading.render(lang)}** {text}"]
    if rule.reads:
        fields = ", ".join(f"`{field}`" for field in rule.reads)
        lines += ["", f"**{msg('Needs.').render(lang)}** " + msg(
            "{fields}: optional fields of the invoice; without them the rule says nothing about it",
            fields=fields).render(lang)]
    return "\n".join(lines)


def find_rule(rules, wanted: str) -> Rule | None:
    """The rule named by its code (any case) or by its name (``retired-fee``, ``retired_fee``)."""
    key = wanted.strip()
    found = rules.get(key.upper())
    if found is None:
        name = key.lower().replace("_", "-")
        found = next((rule for rule in rules.values() if rule.name == name), None)
    return found


def rule_anchor(rule: Rule) -> str:
    """The anchor GitHub gives the rule's heading in docs/rules.md ("## OBS003 retired-fee" -> obs003-retired-fee)."""
    heading = f"{rule.code} {rule.name}".lower()
    return "".join(c for c in heading.replace(" ", "-") if c.isalnum() or c in "-_")


def rule_url(rule: Rule) -> str:
    """The rule's section of the rules reference, in the repository at this release's tag (SARIF ``helpUri``)."""
    from kinelint import __version__

    return f"{_repository()}/blob/v{__version__}/docs/rules.md#{rule_anchor(rule)}"


def _repository() -> str:
    """The ``Repository`` URL of the installed distribution's metadata (pyproject's [project.urls])."""
    from importlib import metadata

    try:
        urls = metadata.metadata("kinelint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip().rstrip("/")
    return REPOSITORY


REPOSITORY = "https://github.com/OWNER/kinelint"  # when kinelint runs from a checkout without metadata


def rules_reference(rules: list[Rule]) -> str:
    """The whole rules reference (docs/rules.md), grouped by family, in code order."""
    ordered = sorted(rules, key=lambda r: r.code)
    out = [
        "# kinelint rules",
        "",
        "Generated from the rules' metadata by `python -m kinelint.report.docs > docs/rules.md`; do not edit by hand.",
        "",
        "| code | name | severity | rule set | summary |",
        "|---|---|---|---|---|",
    ]
    out += [f"| {r.code} | {r.name} | {r.severity} | {r.ruleset} | {r.summary} |" for r in ordered]
    for rule in ordered:
        out += ["", rule_page(rule)]
    return "\n".join(out) + "\n"


def builtin_rules(host) -> list[Rule]:
    """The core's rules and those of the plugins shipped in kinelint's own distribution."""
    from kinelint.check.core_rules import CORE_PLUGIN

    builtin = {p.name for p in host.plugins if p.distribution == "kinelint"} | {CORE_PLUGIN}
    return [rule for rule in host.rules.values() if rule.plugin in builtin]


if __name__ == "__main__":
    from kinelint.check.host import PluginHost

    print(rules_reference(builtin_rules(PluginHost.from_entry_points())), end="")
