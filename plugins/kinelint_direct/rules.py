"""The DIR rules: direct access past its number of sessions, or where it is not allowed."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_

_SOURCE = ("Code de la santé publique, art. L4321-1, as amended by loi n° 2023-379 du 19 mai 2023, art. 3; figures "
           "as stated by the ARS (kinelint/nomenclature/data/direct_access.toml, confidence M, an official "
           "secondary source)")

SESSIONS_PAST_LIMIT = Rule(
    code="DIR001",
    name="direct-access-past-its-sessions",
    severity="warning",
    summary=N_("A session in direct access, for a patient with no prior medical diagnosis, is numbered past the "
               "sessions direct access allows (8)."),
    rationale=(
        "Without a medical prescription, a physiotherapist practising in a structure of coordinated care may "
        "treat a patient who has no prior medical diagnosis for a limited number of sessions (eight); beyond "
        "them the care needs a medical diagnosis and prescription, and sessions billed past the limit are "
        "recovered. Reads prescription.direct_access.prior_diagnosis and sessions[].number; a warning because "
        "kinelint's figure comes from the ARS pages, not from the consolidated article read in full."
    ),
    source=_SOURCE,
    bad_example='"direct_access": {"prior_diagnosis": false}, session 9',
    good_example="sessions 1 to 8, or a medical prescription from the ninth",
    reads=("prescription.direct_access",),
)

OUTSIDE_ALLOWED_STRUCTURE = Rule(
    code="DIR002",
    name="direct-access-outside-coordinated-care",
    severity="warning",
    summary=N_("Care in direct access is billed by a practitioner whose structure does not allow it (a practice "
               "outside coordinated care), or before direct access was in force."),
    rationale=(
        "Direct access is allowed in établissements de santé, établissements et services médico-sociaux, "
        "maisons and centres de santé and équipes de soins primaires or spécialisés, since 22 August 2023; in a "
        "CPTS only in the departments of an experiment (not judged). Care given in direct access elsewhere is "
        "care without the prescription the Assurance Maladie requires. Reads prescription.direct_access, "
        "practitioner.structure and sessions[].date; says nothing without practitioner.structure."
    ),
    source=_SOURCE,
    bad_example='"structure": "cabinet" with "direct_access": {"prior_diagnosis": true}',
    good_example='"structure": "msp" (a maison de santé pluriprofessionnelle)',
    reads=("prescription.direct_access", "practitioner.structure"),
    judges=lambda invoice: invoice.direct_access is None or invoice.structure is not None,
)

RULES = (SESSIONS_PAST_LIMIT, OUTSIDE_ALLOWED_STRUCTURE)
