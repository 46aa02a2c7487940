"""JUnit XML, as GitLab, Jenkins and Azure Pipelines show it.

A testsuite per file, a testcase per invoice (named by its id; by its line
when the id is unknown), clean invoices included as passing cases; a
``<failure>`` per failing testcase (the JUnit schema allows one), its text
listing every finding of that invoice that fails the run (errors, and
warnings under ``fail-on = "warning"``), so ``failures`` counts failing
invoices; the other findings go to the testcase's ``system-out``. A file that cannot be read is a case named by its line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kinelint.findings import Finding, Summary
from kinelint.reporters import Reporter, summary_line


class JunitReporter(Reporter):
    wants_documents = True

    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._files: dict[str, dict[str, list[Finding]]] = {}

    def document(self, ref) -> None:
        if ref.invoice_id is not None:  # one without a usable id is named by its findings' line
            self._files.setdefault(ref.source.display, {}).setdefault(ref.invoice_id, [])

    def finding(self, finding: Finding) -> None:
        case = finding.invoice_id or f"line {finding.line}"
        self._files.setdefault(finding.file, {}).setdefault(case, []).append(finding)

    def finish(self, summary: Summary) -> None:
        root = ET.Element("testsuites", name="kinelint")
        if not self._files:
            suite = ET.SubElement(root, "testsuite", name="kinelint", tests="1", failures="0", errors="0", skipped="0")
            ET.SubElement(ET.SubElement(suite, "testcase", name="no findings", classname="kinelint"),
                          "system-out").text = summary_line(summary)
        for file, cases in self._files.items():
            self._suite(root, file, cases)
        root.set("tests", str(sum(int(s.get("tests")) for s in root)))
        root.set("failures", str(sum(int(s.get("failures")) for s in root)))
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(root, encoding="unicode") + "\n")

    def _suite(self, root: ET.Element, file: str, cases: dict[str, list[Finding]]) -> None:
        suite = ET.SubElement(root, "testsuite", name=file, tests=str(len(cases)), errors="0", skipped="0")
        failed = 0
        for name, findings in cases.items():
            case = ET.SubElement(suite, "testcase", name=name, classname=file, file=file)
            failing = [finding for finding in findings if self.context.fails(finding)]
            others = [_line(finding) for finding in findings if not self.context.fails(finding)]
            if failing:  # one <failure> a case (the schema allows no more), every failing finding in its text
                first = failing[0]
                more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
                failure = ET.SubElement(case, "failure", message=f"{first.code} {first.message}{more}",
                                        type=" ".join(dict.fromkeys(f.code for f in failing)))
                failure.text = "\n".join(_line(finding) for finding in failing)
                failed += 1
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(others)
        suite.set("failures", str(failed))


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column} at {finding.pointer or 'the document root'}"
    return f"{finding.severity} {finding.code} ({finding.rule}) {where}: {finding.message}"
