"""Keep patient data out of every output.

The core never writes a NIR or a birth date into a message itself; this is the
second line of defence for text it does not control (plugin messages,
exception text shown with --verbose): the values of the invoice at hand are
replaced, and anything shaped like a NIR is masked. Values shown whole rather
than as text (an invoice id, a key in a JSON pointer, a duplicate key) are
dropped when they hold patient data: ``shows_patient_data``, ``safe_pointer``.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# Bounded by digits only: a NIR glued to letters ("PAT185057800608436") is still a NIR.
_NIR_SHAPED = re.compile(r"(?<![0-9])[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?(?![0-9])")
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


def shows_patient_data(text: str, secrets: tuple[str, ...] = (), *, dates: bool = False) -> bool:
    """Whether ``text`` holds one of the patient's values, a NIR-shaped run, or (``dates``) a date.

    For values shown whole rather than scrubbed: an invoice id, a key in a
    pointer. Keys are never dates in the format, ids may well be.
    """
    return (any(secret in text for secret in secrets) or _NIR_SHAPED.search(text) is not None
            or (dates and _DATE_SHAPED.search(text) is not None))


def safe_pointer(pointer: str, secrets: tuple[str, ...] = ()) -> str:
    """The pointer, cut before the first token that holds patient data (a NIR or a date written as a key,
    or a key that is one of the patient's values).

    The cut pointer still resolves: it names the object that holds the key.
    """
    tokens = pointer.split("/")
    for index, token in enumerate(tokens[1:], start=1):
        key = token.replace("~1", "/").replace("~0", "~")
        if key in secrets or shows_patient_data(key, dates=True):
            return "/".join(tokens[:index])
    return pointer


def masked_value(value: object, secrets: tuple[str, ...] = ()) -> object:
    """A message's value with the patient's data masked, before it is written in another language
    (where the birth date 1969-02-07 would read 07/02/1969 and escape ``scrub``)."""
    if isinstance(value, str):
        return scrub(value, secrets)
    text = value.isoformat() if hasattr(value, "isoformat") else str(getattr(value, "value", value))
    return REDACTED if shows_patient_data(text, secrets) else value
