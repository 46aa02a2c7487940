"""JUnit XML, as GitLab, Jenkins and Azure Pipelines show it.

A testsuite per file, a testcase per invoice (named by its id; by its line
when the id is unknown), clean invoices included as passing cases; a
``<failure>`` per failing testcase (the JUnit schema allows one), its text
listing every finding of that invoice that fails the run (errors, and
warnings under ``fail-on = "warning"``), so ``failures`` counts failing
invoices; the other findings go to the testcase's ``system-out``. A file
that cannot be read is a case named by its line.
The findings wait in a spool on disk (``kinelint.report.spool``), not in memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kinelint.report.display import escape_controls
from kinelint.findings import Finding, Summary
from kinelint.i18n import nmsg
from kinelint.report.reporters import Reporter, at_pointer, summary_line
from kinelint.report.spool import FindingSpool


class _Case:
    """A testcase while the run goes on: where its findings wait in the spool, and whether one fails."""

    __slots__ = ("offsets", "fails")

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.fails = False


class JunitReporter(Reporter):
    """Findings wait in a spool on disk; the XML is written at the end one testcase at a time, never built whole."""

    wants_documents = True

    def __init__(self, stream, context=None) -> None:
        super().__init__(stream, context)
        self._files: dict[str, dict[str, _Case]] = {}
        self._spool = FindingSpool()

    def document(self, ref) -> None:
        if ref.invoice_id is not None:  # one without a usable id is named by its findings' line
            cases = self._files.setdefault(ref.source.display, {})
            if ref.invoice_id not in cases:
                cases[ref.invoice_id] = _Case()

    def finding(self, finding: Finding) -> None:
        name = finding.invoice_id or f"line {finding.line}"
        cases = self._files.setdefault(finding.file, {})
        case = cases.get(name)
        if case is None:
            case = cases[name] = _Case()
        case.offsets.append(self._spool.add(finding))
        case.fails = case.fails or self.context.fails(finding)

    def finish(self, summary: Summary) -> None:
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not self._files:
            root = ET.Element("testsuites", name="kinelint")
            suite = ET.SubElement(root, "testsuite", name="kinelint", tests="1", failures="0", errors="0", skipped="0")
            suite.append(self._properties())
            ET.SubElement(ET.SubElement(suite, "testcase", name="no findings", classname="kinelint"),
                          "system-out").text = summary_line(summary, self.context.lang)
            root.set("tests", "1")
            root.set("failures", "0")
            ET.indent(root)
            self.stream.write(ET.tostring(root, encoding="unicode") + "\n")
            return
        failed = {file: sum(case.fails for case in cases.values()) for file, cases in self._files.items()}
        tests = sum(len(cases) for cases in self._files.values())
        self.stream.write(_open_tag("testsuites", name="kinelint", tests=str(tests), failures=str(sum(failed.values()))))
        for file, cases in self._files.items():
            self.stream.write("\n  " + _open_tag("testsuite", name=escape_controls(file), tests=str(len(cases)), errors="0", skipped="0",
                                                  failures=str(failed[file])))
            self.stream.write("\n    " + self._properties_text())
            for name, case in cases.items():
                self.stream.write("\n    " + self._case(file, name, case))
            self.stream.write("\n  </testsuite>")
        self.stream.write("\n</testsuites>\n")
        self._spool.close()

    def _properties(self) -> ET.Element:
        """The version and rule set of the run, as each test suite's properties (the JUnit schema's place)."""
        provenance = self.context.provenance
        properties = ET.Element("properties")
        for name, value in (("kinelint.version", provenance.version), ("kinelint.ruleset", provenance.ruleset),
                            ("kinelint.preview", str(provenance.preview).lower())):
            ET.SubElement(properties, "property", name=name, value=value)
        return properties

    def _properties_text(self) -> str:
        properties = self._properties()
        ET.indent(properties, level=2)
        return ET.tostring(properties, encoding="unicode")

    def _case(self, file: str, name: str, found: _Case) -> str:
        # Every name and message with its control characters escaped: XML 1.0 cannot write most of them.
        file = escape_controls(file)
        case = ET.Element("testcase", name=escape_controls(name), classname=file, file=file)
        failing: list[Finding] = []  # this case's failing findings, to word its one <failure>
        others = []
        for finding in map(self._spool.at, found.offsets):
            if self.context.fails(finding):
                failing.append(finding)
            else:
                others.append(_line(finding, self.context.lang))
        if failing:  # one <failure> a case (the schema allows no more), every failing finding in its text
            first = failing[0]
            more = " " + nmsg("(and {count} more)", "(and {count} more)", len(failing) - 1).render(self.context.lang) \
                if len(failing) > 1 else ""
            failure = ET.SubElement(case, "failure", message=escape_controls(f"{first.code} {first.message}{more}"),
                                    type=escape_controls(" ".join(dict.fromkeys(f.code for f in failing))))
            failure.text = "\n".join(_line(finding, self.context.lang) for finding in failing)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(others)
        ET.indent(case, level=2)
        return ET.tostring(case, encoding="unicode")


def _line(finding: Finding, lang: str) -> str:
    """One finding in a failure's text or system-out, its control characters escaped (XML 1.0 cannot hold them)."""
    where = f"{finding.file}:{finding.line}:{finding.column} " + at_pointer(finding.pointer, lang)
    return escape_controls(f"{finding.severity} {finding.code} ({finding.rule}) {where}: {finding.message}")


def _open_tag(tag: str, **attributes: str) -> str:
    """The opening tag of an element, escaped as ElementTree escapes it."""
    element = ET.Element(tag, attributes)
    ET.SubElement(element, "x")
    text = ET.tostring(element, encoding="unicode")
    return text[:text.index("<x />")]
