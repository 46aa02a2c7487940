"""An example kinelint plugin: a vendor's own rule, written from outside kinelint.

It declares its rule once (code, name, severity, summary, rationale, source,
examples) and checks each schema-valid invoice. Codes are a three-letter
prefix of your own and three digits; never reuse a built-in family prefix.
"""

from kinelint.findings import Rule, Violation
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


@hookimpl
def kinelint_rules():
    return [UNLABELLED_ACT]


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
