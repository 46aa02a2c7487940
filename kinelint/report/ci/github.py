"""GitHub Actions workflow commands: one annotation per finding, on the file and line.

``::error file=F,line=L,col=C,title=kinelint CODE rule-name::message``; warnings are ``::warning``,
infos ``::notice``. Values are escaped as the runner expects (``%``, CR, LF,
and in properties ``:`` and ``,``), and every other control character is
written as an escape, so no file name or message can inject a command.
"""

from __future__ import annotations

from kinelint.report.baseline import relative_path
from kinelint.report.display import escape_controls
from kinelint.findings import Finding, Summary
from kinelint.i18n import msg, render
from kinelint.report.reporters import Reporter, at_pointer, summary_line

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


class GithubReporter(Reporter):
    def finding(self, finding: Finding) -> None:
        path = escape_controls(relative_path(finding.file, self.context.root))
        title = escape_controls(f"kinelint {finding.code} {finding.rule}".rstrip())  # what the annotation shows in bold
        properties = f"file={_property(path)},line={finding.line},col={finding.column},title={_property(title)}"
        where = msg("invoice {invoice_id}, ", invoice_id=finding.invoice_id) if finding.invoice_id else ""
        place = at_pointer(finding.pointer, self.context.lang)
        message = f"{finding.message} ({render(where, self.context.lang)}{place})"
        self.stream.write(f"::{COMMANDS[finding.severity]} {properties}::{_data(escape_controls(message))}\n")

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary_line(summary, self.context.lang) + "\n")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
