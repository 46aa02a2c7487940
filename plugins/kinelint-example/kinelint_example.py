"""An example kinelint plugin: a vendor's own rule, written from outside kinelint.

It declares its rule once (code, name, severity, summary, rationale, source,
examples) and checks each schema-valid invoice. Codes are a three-letter
prefix of your own and three digits; never reuse a built-in family prefix.
"""

from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

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
                yield Violation("EXA001", f"act {act.letter} {act.coefficient} of session {session.number} has no label",
                                act.pointer)
