"""Rule documentation, made from the rules' metadata only (never written twice)."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import DEFAULT_LANGUAGE, msg

# The built-in families in a few words (a third-party family is shown by its prefix alone).
FAMILY_NAMES = {
    "PRS": "unreadable files",
    "SCH": "schema",
    "CUM": "indemnities that may not go together",
    "BDK": "bilan diagnostic kinésithérapique",
    "OBS": "codes not in force",
    "COE": "coefficients not in force",
    "TAR": "amounts",
    "CON": "consistency",
    "DAP": "prior approval",
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
                   severity=rule.severity, plugin=rule.plugin).render(lang),
    ]
    for heading, text in sections:
        if text or heading.template not in ("Example.", "Use instead."):
            lines += ["", f"**{heading.render(lang)}** {text}"]
    return "\n".join(lines)


def rules_reference(rules: list[Rule]) -> str:
    """The whole rules reference (docs/rules.md), grouped by family, in code order."""
    ordered = sorted(rules, key=lambda r: r.code)
    out = [
        "# kinelint rules",
        "",
        "Generated from the rules' metadata by `python -m kinelint.docs > docs/rules.md`; do not edit by hand.",
        "",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    out += [f"| {r.code} | {r.name} | {r.severity} | {r.summary} |" for r in ordered]
    for rule in ordered:
        out += ["", rule_page(rule)]
    return "\n".join(out) + "\n"


def builtin_rules(host) -> list[Rule]:
    """The core's rules and those of the plugins shipped in kinelint's own distribution."""
    from kinelint.core_rules import CORE_PLUGIN

    builtin = {p.name for p in host.plugins if p.distribution == "kinelint"} | {CORE_PLUGIN}
    return [rule for rule in host.rules.values() if rule.plugin in builtin]


if __name__ == "__main__":
    from kinelint.host import PluginHost

    print(rules_reference(builtin_rules(PluginHost.from_entry_points())), end="")
