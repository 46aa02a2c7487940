"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

The rules travel with the results (short description = summary, full
description = rationale, help = rationale, examples and source), so a viewer
can explain a finding without kinelint installed. Columns are counted in
Unicode code points, as kinelint counts them, and the run says so. A finding's
correction is a SARIF fix (each value's region and its new text); the money
at stake is in the result's properties, as an exact number.
"""

from __future__ import annotations

from urllib.parse import quote

from kinelint.report.baseline import Fingerprints, relative_path
from kinelint.report.corrections import describe
from kinelint.report.docs import rule_page, rule_url
from kinelint.findings import UNSAFE, Finding, Rule, Summary
from kinelint.report.reporters import Reporter
from kinelint.report.spool import FindingSpool, write_json_list

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT = "%SRCROOT%"


class SarifReporter(Reporter):
    """The log is one JSON document: findings wait in a spool on disk, not in memory, until it is written."""

    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._spool = FindingSpool()
        self._fingerprints = Fingerprints(self.context.root)

    def finding(self, finding: Finding) -> None:
        self._spool.add(finding)

    def finish(self, summary: Summary) -> None:
        rules = sorted(self.context.rules.values(), key=lambda rule: rule.code)
        index = {rule.code: number for number, rule in enumerate(rules)}

        def results():
            for finding in self._spool:
                result = self._result(finding)
                if result["ruleId"] in index:
                    result["ruleIndex"] = index[result["ruleId"]]
                yield result

        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "kinelint",
                    "version": self.context.provenance.version,
                    "semanticVersion": self.context.provenance.version,
                    "rules": [_rule(rule) for rule in rules],
                    # The rule set checked against (and whether later sets ran, --preview): what the run promises.
                    "properties": {"ruleset": self.context.provenance.ruleset,
                                   "preview": self.context.provenance.preview},
                }},
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {ROOT: {"uri": self.context.root.resolve().as_uri().rstrip("/") + "/"}},
                "results": [],
                "properties": {"summary": summary.as_dict()},
            }],
        }
        write_json_list(self.stream, log, ("runs", 0, "results"), results(), empty=not self._spool.count)
        self.stream.write("\n")
        self._spool.close()

    def _result(self, finding: Finding) -> dict:
        location = {
            "physicalLocation": {
                "artifactLocation": _artifact(relative_path(finding.file, self.context.root)),
                "region": {"startLine": finding.line, "startColumn": finding.column},
            },
        }
        if finding.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "element"}]
        related = {"relatedLocations": [self._related(number, twin) for number, twin in enumerate(finding.related, 1)]}
        result = {
            "ruleId": finding.code,
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [location],
            **(related if finding.related else {}),
            # Stable across runs and reformatting: file, invoice id, code, pointer (not the line).
            "partialFingerprints": {"kinelintIdentity/v1": self._fingerprints.of(finding)},
            "properties": {"pointer": finding.pointer, "invoice_id": finding.invoice_id,
                           "rule": finding.rule, "plugin": finding.plugin},
        }
        if finding.money is not None:
            result["properties"]["money"] = finding.money
        if finding.fix_offered:
            result["fixes"] = [_fix(finding, location["physicalLocation"]["artifactLocation"])]
        return result


    def _related(self, number: int, twin) -> dict:
        """The twin of a repeated invoice id or session (CON008, CON009), where the viewer can open it."""
        return {
            "id": number,
            "physicalLocation": {
                "artifactLocation": _artifact(relative_path(twin.file, self.context.root)),
                "region": {"startLine": twin.line, "startColumn": twin.column},
            },
            "logicalLocations": [{"fullyQualifiedName": twin.pointer, "kind": "element"}],
            "message": {"text": twin.describe(self.context.lang)},
        }


def _fix(finding: Finding, artifact: dict) -> dict:
    """The correction as one SARIF fix: each value's region in the file and the text that replaces it."""
    replacements = [{
        "deletedRegion": {"startLine": region.line, "startColumn": region.column,
                          "endLine": region.end_line, "endColumn": region.end_column},
        "insertedContent": {"text": text},
    } for edit in finding.fix for region, text in edit.replacements()]
    return {"description": {"text": describe(finding.fix)},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
            "properties": {"applicability": finding.applicability or UNSAFE}}  # safe: a viewer may apply it blindly


def _artifact(path: str) -> dict:
    """Relative to the run's root when the file lies under it; standard input is ``-``."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path)}
    if path == "-":
        return {"uri": "-"}
    return {"uri": quote(path), "uriBaseId": ROOT}


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": _help_text(rule), "markdown": rule_page(rule)},
        "helpUri": rule_url(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family, rule.plugin], **({"ruleset": rule.ruleset} if rule.ruleset else {})},
    }


def _help_text(rule: Rule) -> str:
    parts = [rule.rationale]
    if rule.bad_example:
        parts.append(f"Example: {rule.bad_example}")
    if rule.good_example:
        parts.append(f"Use instead: {rule.good_example}")
    parts.append(f"Source: {rule.source}")
    return "\n\n".join(parts)
