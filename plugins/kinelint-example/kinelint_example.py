"""An example kinelint plugin: a vendor's own rule, written from outside kinelint.

It declares its rules once (code, name, severity, summary, rationale, source,
examples) and checks each schema-valid invoice. Codes are a three-letter
prefix of your own and three digits; never reuse a built-in family prefix.
A finding with a single correct value carries it as a fix (``Edit``): the JSON
and SARIF reports and ``kinelint check --diff`` show it; nothing is rewritten.
"""

from kinelint.findings import Edit, Rule, Violation
from kinelint.hookspecs import hookimpl
from kinelint.i18n import msg

UNLABELLED_ACT = Rule(
    code="EXA001",
    name="act-without-label",
    severity="warning",
    summary="An act has no label.",
    rationale="This vendor prints the label on the patient's receipt; an act without one prints a bare code.",
    source="Example vendor policy (not an NGAP rule)",
    bad_example='{"letter": "RIC", "coefficient": 8.12, "amount": 17.95}',
    good_example='{"letter": "RIC", "coefficient": 8.12, "amount": 17.95, "label": "Rééducation genou opéré"}',
)


PADDED_LABEL = Rule(
    code="EXA002",
    name="label-with-spaces-around",
    severity="warning",
    summary="An act's label starts or ends with spaces.",
    rationale="The receipt printer of this vendor aligns labels; spaces around one shift the line.",
    source="Example vendor policy (not an NGAP rule)",
    bad_example='"label": " Rééducation genou opéré "',
    good_example='"label": "Rééducation genou opéré"',
)


@hookimpl
def kinelint_rules():
    return [UNLABELLED_ACT, PADDED_LABEL]


@hookimpl
def kinelint_check_invoice(invoice):
    for session in invoice.sessions:
        for act in session.acts:
            if not act.label:
                # A template and its values (not an f-string): numbers and dates are then written the
                # way the user's language writes them (--lang fr: "8,12").
                yield Violation("EXA001", msg("act {letter} {coefficient} of session {number} has no label",
                                              letter=act.letter, coefficient=act.coefficient, number=session.number),
                                act.pointer)
            elif act.label != act.label.strip():
                # One correct value: the label without the spaces. The pointer is relative to the invoice.
                yield Violation("EXA002", f"the label of act {act.letter} {act.coefficient} of session {session.number} "
                                f"has spaces around it", act.pointer + "/label",
                                fix=[Edit(act.pointer + "/label", act.label.strip())])


# -- an input adapter: a toy vendor format -------------------------------------------------------------
# This vendor wraps each kinelint invoice in an envelope: [{"envelope": {...}, "invoice": {...}}, ...].
# The adapter hands kinelint the invoices and, for each, the spot of its "invoice" key: every finding of
# that invoice stands there (an adapter that knows where each value is written gives a spot per pointer,
# with offsets and a Writer, and its corrections then show in --diff: see kinelint's own "mapping").
# Selected in the configuration:  [adapters]  "outbox/*.json" = { adapter = "envelope" }

import json
import re
from decimal import Decimal

from kinelint.adapters import Adapted, Adapter, Spot, Unadapted

_INVOICE_KEY = re.compile(r'"invoice"\s*:')


def adapt_envelopes(text, options, base):
    try:
        envelopes = json.loads(text, parse_float=Decimal)
    except ValueError as error:
        yield Unadapted(f"not JSON: {error.msg}", getattr(error, "lineno", 1), getattr(error, "colno", 1))
        return
    if not isinstance(envelopes, list):
        yield Unadapted("an envelope file holds a list of envelopes")
        return
    keys = iter(_INVOICE_KEY.finditer(text))  # the "invoice" keys, in the order of the envelopes
    for index, envelope in enumerate(envelopes):
        if not isinstance(envelope, dict) or not isinstance(envelope.get("invoice"), dict):
            yield Unadapted(f"envelope {index + 1} has no invoice", pointer=f"/{index}")
            continue
        key = next(keys, None)
        offset = key.start() if key else 0
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        # The invoice is the vendor's own JSON, so each of its pointers has a pointer in the file; all stand
        # at the "invoice" key's line here (this toy adapter does not look for each value's offsets).
        spots = {pointer: Spot(line, column, f"/{index}/invoice{pointer}")
                 for pointer in _pointers(envelope["invoice"])}
        yield Adapted(envelope["invoice"], spots)


def _pointers(value, pointer=""):
    yield pointer
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _pointers(item, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")


@hookimpl
def kinelint_adapters():
    return [Adapter("envelope", adapt_envelopes, "invoices wrapped in envelopes (an example)")]
