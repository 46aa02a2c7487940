"""The LAT rules: an invoice issued too long after the care."""

from __future__ import annotations

from kinelint.findings import Rule
from kinelint.i18n import N_

LATE_ISSUE = Rule(
    code="LAT001",
    name="issued-past-the-transmission-delay",
    severity="warning",
    summary=N_("The invoice is issued more than 8 working days after its last session: past the delay within "
               "which a feuille de soins électronique must reach the Assurance Maladie (CSS art. R161-47)."),
    rationale=(
        "Code de la sécurité sociale, art. R161-47, I, 1°: the feuille de soins électronique is sent within three "
        "jours ouvrés when the patient pays, eight when the patient is dispensed from paying (tiers payant). An "
        "invoice cannot be sent before it is issued, so one issued more than eight working days after its last "
        "session was sent late whatever the way of payment (three days after its last session already is, when "
        "the patient paid). Working days are Monday to Friday without the public holidays of the Code du "
        "travail, art. L3133-1; the local holidays of Alsace-Moselle and overseas are not counted out. A "
        "warning: kinelint has not read the article's current consolidated text, nor R161-42, which sets the day "
        "the delay runs from (kinelint counts from the last session, the latest it can be)."
    ),
    source="Code de la sécurité sociale, art. R161-47, I, 1° (décret n° 98-275 du 9 avril 1998); "
           "kinelint/nomenclature/data/delays.toml (confidence M, uncertain)",
    bad_example='last session on 2026-03-02 (a Monday), "issued_on": "2026-03-13" (the ninth working day after)',
    good_example='"issued_on": "2026-03-12" (the eighth working day) or earlier',
)

RULES = (LATE_ISSUE,)
