"""GitLab Code Quality: a JSON array of issues, shown in merge requests.

Each issue has a description, a check_name (the code), a severity on GitLab's
scale, location.path and location.lines.begin, and a fingerprint that stays
the same across runs and reformatting (file, invoice id, code, pointer), so
GitLab can tell new issues from old ones.
"""

from __future__ import annotations

from kinelint.report.baseline import Fingerprints, relative_path
from kinelint.findings import Finding, Summary
from kinelint.report.reporters import Reporter
from kinelint.report.spool import FindingSpool, write_json_list

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    """The report is one JSON array: findings wait in a spool on disk, not in memory, until it is written."""

    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._spool = FindingSpool()
        self._fingerprints = Fingerprints(self.context.root)

    def finding(self, finding: Finding) -> None:
        self._spool.add(finding)

    def _issue(self, finding: Finding) -> dict:
        return {
            "type": "issue",
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "categories": ["Bug Risk"],
            "fingerprint": self._fingerprints.of(finding),
            "severity": SEVERITIES[finding.severity],
            "location": {"path": relative_path(finding.file, self.context.root), "lines": {"begin": finding.line}},
        }

    def finish(self, summary: Summary) -> None:
        issues = (self._issue(finding) for finding in self._spool)
        write_json_list(self.stream, [], (), issues, empty=not self._spool.count)
        self.stream.write("\n")
        self._spool.close()
