"""Keep patient data out of every output.

The core never writes a NIR or a birth date into a message itself; this is the
second line of defence for text it does not control (plugin messages,
exception text shown with --verbose, echoed values): the values of the invoice
at hand are replaced, and anything shaped like a NIR is masked. Values shown
whole rather than as text (an invoice id, a key in a JSON pointer, a duplicate
key) are dropped when they hold patient data: ``shows_patient_data``,
``safe_pointer``.

Patient data is matched by its digits, whatever separates them: the NIR as
printed on the carte Vitale (``2 69 02 75 123 987 34``), with dots, dashes or
underscores, or cut by a decimal point (``2690275123.98734``); the birth date
as ``1969-02-07``, ``07/02/1969`` or ``19690207``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

REDACTED = "[redacted]"
_NIR_FORM = r"[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?"
# Bounded by digits only: a NIR glued to letters ("PAT185057800608436") is still a NIR.
_NIR_SHAPED = re.compile(rf"(?<![0-9]){_NIR_FORM}(?![0-9])")
_NIR_WHOLE = re.compile(_NIR_FORM)
# Digits in groups, one separator between groups: a NIR written as on the carte Vitale, or with
# dots, dashes, underscores. Each step consumes a digit, so the match is linear.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[ ._\-]?(?:[0-9]|(?<=2)[AB])){12,}(?![0-9])")
_SEPARATORS = re.compile(r"[ ._\-]")
_DATE_SHAPED = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{4}[-/._ ][0-9]{1,2}[-/._ ][0-9]{1,2}"  # 1969-02-07, 1969/2/7, 1969_02_07
    r"|[0-9]{1,2}[-/._ ][0-9]{1,2}[-/._ ][0-9]{4}"  # 07/02/1969, 7.2.1969
    r"|(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"  # 19690207
    r"|(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])(?:18|19|20)[0-9]{2}"  # 07021969
    r")(?![0-9])")
_NOT_DIGIT = re.compile(r"[^0-9]+")
_NOT_ALNUM = re.compile(r"[\W_]+")
_MIN_DIGITS = 8  # a value with fewer digits is matched as written only (too short to tell apart)
_KEY_DIGITS = 6  # a key with this many digits is a number, not a name
# An invoice id is shown only in the identifier's form (invoice format: 1-64 of A-Z a-z 0-9 . _ / -).
_IDENTIFIER = re.compile(r"[A-Za-z0-9._/-]{1,64}")


def patient_values(value: object) -> tuple[str, ...]:
    """The patient's own values in an invoice (even a schema-invalid one), longest first.

    Each is matched as written and, when it has eight digits or more, by its
    digits; a birth date also in the other order (day first or year first),
    a NIR also without its two-digit key.
    """
    if not isinstance(value, (dict, Mapping)):  # a dict, or the plugins' read-only view of one
        return ()
    patient = value.get("patient")
    if not isinstance(patient, (dict, Mapping)):
        return ()
    return patient_secrets(patient.get("nir"), patient.get("birth_date"))


def patient_secrets(nir: object, birth: object) -> tuple[str, ...]:
    """``patient_values`` from the two values themselves (as a ``DocRef`` keeps them)."""
    found: list[str] = []
    if type(nir) is str and len(nir) >= 4:
        alnum = nir if nir.isalnum() else _NOT_ALNUM.sub("", nir)
        found += (nir, alnum.upper(), alnum[:13].upper()) if len(alnum) >= 13 else (nir,)
    if type(birth) is str and len(birth) >= 4:
        digits = _NOT_DIGIT.sub("", birth)
        found.append(birth)
        if len(digits) == 8:
            year_first = digits[:2] in ("18", "19", "20")
            found += (digits, digits[6:] + digits[4:6] + digits[:4] if year_first else digits[4:] + digits[2:4] + digits[:2])
    return tuple(sorted(dict.fromkeys(found), key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with the patient's values (``secrets``, in any spelling) and NIR-shaped numbers masked."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for secret in _digit_secrets_in(text, secrets):
        text = _spelled(secret).sub(REDACTED, text)
    return mask_nir_shaped(text)


def mask_nir_shaped(text: str) -> str:
    """Numbers shaped like a NIR masked, written whole or in groups (also for file names)."""
    text = _NIR_SHAPED.sub(REDACTED, text)
    if len(text) >= 13 and _DIGIT_RUN.search(text) is not None:
        text = _DIGIT_RUN.sub(_mask_run, text)
    return text


def scrub_all(text: str) -> str:
    """For text about no invoice in particular (tracebacks): mask NIR- and date-shaped values too."""
    return _DATE_SHAPED.sub(REDACTED, mask_nir_shaped(text))


def shows_patient_data(text: str, secrets: tuple[str, ...] = (), *, dates: bool = False) -> bool:
    """Whether ``text`` holds one of the patient's values (in any spelling), a NIR-shaped number,
    or (``dates``) a date.

    For values shown whole rather than scrubbed: an invoice id, a key in a
    pointer. Keys are never dates in the format, ids may well be.
    """
    return (any(secret in text for secret in secrets) or bool(_digit_secrets_in(text, secrets))
            or _holds_nir_shaped(text) or (dates and _DATE_SHAPED.search(text) is not None))


def _holds_nir_shaped(text: str) -> bool:
    if _NIR_SHAPED.search(text) is not None:
        return True
    return len(text) >= 13 and any(_mask_run(run) == REDACTED for run in _DIGIT_RUN.finditer(text))


def showable_id(invoice_id: object, secrets: tuple[str, ...] = ()) -> str | None:
    """The invoice id, when it has the identifier's form and holds none of the patient's values."""
    if isinstance(invoice_id, str) and _IDENTIFIER.fullmatch(invoice_id) \
            and not shows_patient_data(invoice_id, secrets):
        return invoice_id
    return None


def shows_key(key: str, secrets: tuple[str, ...] = ()) -> bool:
    """Whether a key may be shown (in a message or a pointer): a name, not data.

    The format's keys are words; one holding six digits or more is a number
    written as a key, which may be the patient's in a spelling no pattern
    foresees (``18 - 505 - 78 - 0060 - 84``): not shown.
    """
    return (len(_NOT_DIGIT.sub("", key)) < _KEY_DIGITS and key not in secrets
            and not shows_patient_data(key, secrets, dates=True))


def safe_pointer(pointer: str, secrets: tuple[str, ...] = ()) -> str:
    """The pointer, cut before the first token that holds patient data (a NIR or a date written as a key,
    a key that is one of the patient's values, a key made of a number).

    The cut pointer still resolves: it names the object that holds the key.
    Array indices (digits only, at most six) are kept.
    """
    tokens = pointer.split("/")
    for index, token in enumerate(tokens[1:], start=1):
        if token.isdigit() and len(token) <= _KEY_DIGITS:
            continue
        if not shows_key(token.replace("~1", "/").replace("~0", "~"), secrets):
            return "/".join(tokens[:index])
    return pointer


def _digit_secrets_in(text: str, secrets: tuple[str, ...]) -> list[str]:
    """The secrets whose digits occur in ``text`` in any spelling (a cheap test on the digits first).

    Only secrets written as letters and digits alone are matched this way:
    ``patient_values`` gives each value in that form too.
    """
    if not secrets:
        return []
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < _MIN_DIGITS:
        return []
    found = []
    for secret in secrets:
        if len(secret) < _MIN_DIGITS or not secret.isalnum():
            continue
        wanted = secret if secret.isdigit() else _NOT_DIGIT.sub("", secret)
        if len(wanted) >= _MIN_DIGITS and wanted in digits and _spelled(secret).search(text) is not None:
            found.append(secret)
    return found


@lru_cache(maxsize=256)
def _spelled(secret: str) -> re.Pattern:
    """The secret's letters and digits, in order, with up to three other characters between each two."""
    characters = [re.escape(c) for c in secret if c.isalnum()]
    return re.compile("[^0-9A-Za-z]{0,3}".join(characters), re.IGNORECASE)


def _mask_run(match: re.Match) -> str:
    run = match.group()
    return REDACTED if _NIR_WHOLE.fullmatch(_SEPARATORS.sub("", run)) else run


def masked_value(value: object, secrets: tuple[str, ...] = ()) -> object:
    """A message's value with the patient's data masked, before it is written in another language
    (where the birth date 1969-02-07 would read 07/02/1969 and escape ``scrub``)."""
    if isinstance(value, str):
        return scrub(value, secrets)
    text = value.isoformat() if hasattr(value, "isoformat") else str(getattr(value, "value", value))
    return REDACTED if shows_patient_data(text, secrets) else value
