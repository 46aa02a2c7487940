"""The rules the core itself reports: files that cannot be read (PRS) and schema errors (SCH)."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_

CORE_PLUGIN = "kinelint"
_CONTRACT = "kinelint invoice format, version 1 (docs: the invoice format and findings contract)"
_RFC8259 = "RFC 8259 (JSON) and the kinelint invoice format, version 1"


def _prs(code, name, summary, rationale, bad, good, source=_RFC8259):
    return Rule(code, name, "error", summary, rationale, source, bad, good, CORE_PLUGIN)


def _sch(code, name, summary, bad, good):
    rationale = ("An invoice that breaks the schema cannot be trusted by the rules, and the "
                 "Assurance Maladie rejects it anyway; it is not handed to the rule plugins.")
    return Rule(code, name, "error", summary, rationale, _CONTRACT, bad, good, CORE_PLUGIN)


CORE_RULES: tuple[Rule, ...] = (
    _prs("PRS001", "not-utf8", N_("The file is not UTF-8 text."),
         "Invoices are exchanged as UTF-8; a Latin-1 export garbles labels and may hide other errors.",
         'a file saved as Latin-1 ("séance" as byte 0xe9)', "the same file saved as UTF-8"),
    _prs("PRS002", "invalid-json", N_("The text is not valid JSON."),
         "A file no reader can parse is lost in the billing chain; the finding says where it breaks.",
         '{"invoice_id": "F-1",}', '{"invoice_id": "F-1"}'),
    _prs("PRS003", "duplicate-key", N_("An object repeats a key."),
         "JSON readers disagree on which value wins, so two systems may bill two different amounts.",
         '{"amount": 17.95, "amount": 1.95}', '{"amount": 17.95}'),
    _prs("PRS004", "not-a-number", N_("NaN or Infinity stands where a number is expected."),
         "They are not JSON numbers and have no meaning as money.",
         '{"amount": NaN}', '{"amount": 17.95}'),
    _prs("PRS005", "too-deep", N_("The document nests deeper than the invoice format allows."),
         "The format needs five levels; deeper nesting is an error of the export or an attack on the reader.",
         "[[[[[[[[[[[]]]]]]]]]]]", "an invoice object with its sessions, acts and fees"),
    _prs("PRS006", "empty", N_("The file, or a JSON Lines line, is empty."),
         "An empty export usually means the exporting program failed.",
         "a zero-byte invoices.json, or a blank line in a .jsonl batch", "one invoice object per file or per line"),
    _prs("PRS007", "unreadable", N_("The file cannot be read (permissions, a dangling link, an I/O error)."),
         "A file kinelint cannot read is a file nobody checked; it must not pass silently.",
         "a .json file with mode 000", "a readable file", source="kinelint"),
    _prs("PRS008", "not-checked", N_("kinelint failed while checking this document (an internal failure)."),
         "A document kinelint could not judge is a document nobody checked; it must not pass silently, "
         "nor stop the other files from being checked. The message names the failure; please report it.",
         "a document that makes the checker fail", "the same document once the failure is fixed", source="kinelint"),
    _prs("PRS009", "too-many-findings", N_("The invoice has more findings than are shown (the first 100 are)."),
         "An invoice with hundreds of findings is broken as a whole (an export gone wrong, or an attack on the "
         "checker): the first findings say what to fix, and listing every one would cost the run its memory "
         "and time. This finding counts the others and carries the worst severity among them.",
         "an invoice with 200,000 empty acts", "an invoice with a few findings, each shown", source="kinelint"),
    _prs("PRS010", "adapter-mapping", N_("The input adapter chosen for the file cannot be used as configured (its "
                                         "mapping is missing, not TOML, or names an unknown field or conversion)."),
         "A vendor's export is read through the mapping its configuration names; a mapping that cannot be read "
         "would check nothing, so each file it should read says why, and the other files are checked.",
         'a kinelint-mapping.toml that maps "invoice_number" (kinelint calls it invoice_id)',
         'the same mapping with invoice_id = "/number"', source="kinelint (input adapters)"),
    _prs("PRS011", "not-adaptable", N_("The file, or one invoice of it, does not fit its input adapter (a path that "
                                       "matches nothing, a value that does not convert)."),
         "What the mapping expects is not in the file (a renamed field, a date written another way): the "
         "invoice cannot be built, so the finding points at the vendor's value and names the mapping's entry; "
         "the other invoices of the file are checked.",
         '"date": "2026-01-12" where the mapping reads DD/MM/YYYY', '"date": "12/01/2026"',
         source="kinelint (input adapters)"),
    _sch("SCH001", "missing-field", N_("A required field is missing."),
         '{"version": 1, "invoice_id": "F-1", ...} without "total"', "the same invoice with its total"),
    _sch("SCH002", "unknown-field", N_("A field that the format does not define (objects are closed)."),
         '{"letter": "RIC", "coef": 8.12, ...}', '{"letter": "RIC", "coefficient": 8.12, ...}'),
    _sch("SCH003", "wrong-type", N_("A value of the wrong JSON type."),
         '{"amount": "17.95"}', '{"amount": 17.95}'),
    _sch("SCH004", "bad-form", N_("A string that does not have the required form (pattern, length, calendar date)."),
         '{"date": "2025-02-30"}', '{"date": "2025-02-28"}'),
    _sch("SCH005", "not-allowed", N_("A value outside the allowed set (enum, constant)."),
         '{"place": "home"}', '{"place": "domicile"}'),
    _sch("SCH006", "bad-number", N_("A number out of range or with more than two decimals."),
         '{"amount": 17.951}', '{"amount": 17.95}'),
    _sch("SCH007", "bad-count", N_("An array with too few or too many items (the bounds are far above any real invoice)."),
         '{"sessions": []}', '{"sessions": [{...}]}'),
    Rule("SCH008", "not-an-invoice", "error",
         N_("A JSON object that is not an invoice at all: no 'invoice_id', no 'version': 1."),
         "A settings file or a package manifest among the invoices is not checked field by field (one finding per "
         "key would bury the real ones): it is reported once, so that it is either moved or excluded "
         "(`extend-exclude` in the configuration).", _CONTRACT,
         '{"name": "billing-export", "version": "1.0.0"}', 'an invoice ({"version": 1, "invoice_id": "F-1", ...}), or '
         'the file listed in extend-exclude', CORE_PLUGIN),
    _sch("SCH099", "schema", N_("Another schema error."), "", ""),
)
