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
