"""GitLab Code Quality: a JSON array of issues, shown in merge requests.

Each issue has a description, a check_name (the code), a severity on GitLab's
scale, location.path and location.lines.begin, and a fingerprint that stays
the same across runs and reformatting (file, invoice id, code, pointer), so
GitLab can tell new issues from old ones.
"""

from __future__ import annotations

import json

from kinelint.baseline import Fingerprints, relative_path
from kinelint.findings import Finding, Summary
from kinelint.reporters import Reporter

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._issues: list[dict] = []
        self._fingerprints = Fingerprints(self.context.root)

    def finding(self, finding: Finding) -> None:
        self._issues.append({
            "type": "issue",
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "categories": ["Bug Risk"],
            "fingerprint": self._fingerprints.of(finding),
            "severity": SEVERITIES[finding.severity],
            "location": {"path": relative_path(finding.file, self.context.root), "lines": {"begin": finding.line}},
        })

    def finish(self, summary: Summary) -> None:
        json.dump(self._issues, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
