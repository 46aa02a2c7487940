"""Keep patient data out of every output.

The core never writes a NIR or a birth date into a message itself; this is the
second line of defence for text it does not control (plugin messages,
exception text shown with --verbose): the values of the invoice at hand are
replaced, and anything shaped like a NIR is masked.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
_NIR_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?(?![0-9A-Za-z])")
_DATE_SHAPED = re.compile(r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")


def patient_values(value: object) -> tuple[str, ...]:
    """The patient's own values in an invoice (even a schema-invalid one)."""
    if not isinstance(value, dict):
        return ()
    patient = value.get("patient")
    if not isinstance(patient, dict):
        return ()
    found = [patient.get("nir"), patient.get("birth_date")]
    return tuple(v for v in found if isinstance(v, str) and len(v) >= 4)


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _NIR_SHAPED.sub(REDACTED, text)


def scrub_all(text: str) -> str:
    """For text about no invoice in particular (tracebacks): mask NIR- and date-shaped values too."""
    return _DATE_SHAPED.sub(REDACTED, _NIR_SHAPED.sub(REDACTED, text))
