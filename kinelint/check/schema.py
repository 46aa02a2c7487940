"""The invoice schema check: a compiled validator decides, jsonschema words the errors.

``jsonschema_rs`` answers "valid or not" at about the speed of parsing, so the
clean path stays fast. Only an invalid invoice is walked again with Python
``jsonschema``, extended so that ``multipleOf`` is exact on ``Decimal`` (the
stock keyword divides floats and rejects 19.99). The published schema has no
``multipleOf`` for that very reason (vendors' validators divide floats): the
fields limited to two decimals say so in a ``$comment``, and ``exact_schema``
turns that mark back into the keyword for kinelint's own validators. Messages are written here from
the keyword, the path and the schema's own ``description``: the libraries'
messages echo values, and a value may be a patient's NIR or birth date.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Clamped, Context, Decimal, Inexact, Rounded, Subnormal, Underflow, localcontext
from functools import cached_property
from importlib import resources

from kinelint.findings import Violation, join_pointer
from kinelint.i18n import N_, FieldName, Joined, Message, any_of, msg, nmsg
from kinelint.privacy import patient_values, safe_pointer, shows_key, shows_patient_data

SCHEMA_FILE = "invoice-1.schema.json"

# Fields whose values may be echoed in a message: codes and enums, never patient data.
_ECHOABLE = frozenset({"letter", "code", "place", "territory", "version", "coefficient", "amount", "total", "quantity", "number", "sessions_prescribed"})

_CODES = {
    "required": "SCH001",
    "additionalProperties": "SCH002",
    "type": "SCH003",
    "pattern": "SCH004", "format": "SCH004", "minLength": "SCH004", "maxLength": "SCH004",
    "enum": "SCH005", "const": "SCH005",
    "minimum": "SCH006", "maximum": "SCH006", "exclusiveMinimum": "SCH006",
    "exclusiveMaximum": "SCH006", "multipleOf": "SCH006",
    "minItems": "SCH007", "maxItems": "SCH007",
}
OTHER_SCHEMA_CODE = "SCH099"
NOT_AN_INVOICE = "SCH008"
PIECEWISE_FROM = 50  # sessions: from this many, an invalid invoice's errors are listed session by session


def load_schema() -> dict:
    """The published schema, as vendors' validators read it (no ``multipleOf``)."""
    text = resources.files("kinelint").joinpath("schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


# The published schema marks the fields with at most N decimals in a ``$comment`` (a keyword every
# validator accepts, ajv's strict mode included, which refuses unknown keywords such as ``x-...``).
_DECIMALS_MARK = re.compile(r"^x-kinelint-decimals: ([0-9])\b")


def exact_schema(schema: object) -> object:
    """The schema kinelint checks with: each field marked ``x-kinelint-decimals: N`` gets ``multipleOf: 10**-N``.

    ``multipleOf`` is left out of the published schema because validators
    compute it on binary floats (17.95 / 0.01 is not whole there); kinelint
    computes it on exact decimals, so it can keep the rule as a keyword.
    """
    if isinstance(schema, list):
        return [exact_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: exact_schema(value) for key, value in schema.items()}
    mark = _DECIMALS_MARK.match(schema.get("$comment", "")) if isinstance(schema.get("$comment"), str) else None
    if mark is not None and "multipleOf" not in copy:
        copy["multipleOf"] = float(f"1e-{mark.group(1)}")
    return copy


def _exact_multiple_of(validator, divisor, instance, schema):
    """``multipleOf`` on exact decimals; bools and non-numbers are left to ``type``."""
    if not validator.is_type(instance, "number"):
        return
    value = instance if isinstance(instance, Decimal) else Decimal(str(instance))
    step = Decimal(str(divisor))
    if not value.is_finite() or not _is_multiple(value, step):
        from jsonschema import ValidationError

        yield ValidationError(f"not a multiple of {divisor}")


def _exact_bound(keyword: str, holds):
    """A bound keyword compared on exact decimals: the schema's 99999999.99 is read as written,
    not as the float just below it (which would refuse an amount of exactly 99999999.99)."""

    def check(validator, bound, instance, schema):
        if not validator.is_type(instance, "number"):
            return
        value = instance if isinstance(instance, Decimal) else Decimal(str(instance))
        if not holds(value, Decimal(str(bound))):
            from jsonschema import ValidationError

            yield ValidationError(f"breaks {keyword} {bound}")

    return check


_EXACT_BOUNDS = {
    "minimum": _exact_bound("minimum", lambda value, bound: value >= bound),
    "maximum": _exact_bound("maximum", lambda value, bound: value <= bound),
    "exclusiveMinimum": _exact_bound("exclusiveMinimum", lambda value, bound: value > bound),
    "exclusiveMaximum": _exact_bound("exclusiveMaximum", lambda value, bound: value < bound),
}


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    try:
        with localcontext(_STRICT):
            return value % step == 0
    except ArithmeticError:  # too large or too small for the context: fall back on the written decimals
        # (1e-9999999999 % 0.01 underflows to zero: a rounded answer is no answer)
        # (context-free: ``normalize`` itself overflows on 1E+999999999999)
        return _last_digit_exponent(value) >= _last_digit_exponent(step)


# Any rounding of the remainder raises: the arithmetic must be exact or not used.
_STRICT = Context(traps=[Clamped, Inexact, Rounded, Subnormal, Underflow])
_STRICT.traps.update({signal: True for signal in Context().traps if Context().traps[signal]})


def _last_digit_exponent(number: Decimal) -> int:
    """The exponent of the last non-zero digit as written (0.01 -> -2, 1E+5 -> 5, 1200 -> 2)."""
    _, digits, exponent = number.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")
    return exponent + len(digits) - len(significant) if significant else 0


def _required_at_once(validator, required, instance, schema):
    """One error per object for every field it lacks (the stock keyword raises one per field).

    The wording names them all; one error per field was worded once per
    field, and the de-duplication then kept only the first missing name.
    """
    if validator.is_type(instance, "object") and any(name not in instance for name in required):
        from jsonschema import ValidationError

        yield ValidationError("required fields are missing")


# A number written with three decimals or more, or with a negative exponent, may break
# ``multipleOf``; a text without one cannot (a false alarm only costs the exact check).
_THREE_DECIMALS = re.compile(rb"\.[0-9]{3}")


def _may_break_multiple_of(raw: bytes) -> bool:
    return b"e-" in raw or b"E-" in raw or _THREE_DECIMALS.search(raw) is not None


_CONDITIONAL = frozenset({"anyOf", "oneOf", "not", "if", "then", "else", "contains", "dependentSchemas"})


class SchemaChecker:
    """Checks one invoice (a value with Decimal numbers) against the invoice schema.

    The compiled validator runs on a copy of the schema without ``multipleOf``
    (it alone took half the compiled validator's time); ``multipleOf`` is then
    checked exactly, by the Python validator, only for documents whose text
    holds a number that could break it.
    """

    def __init__(self, schema: dict | None = None) -> None:
        self.schema = exact_schema(schema if schema is not None else load_schema())
        self._last_text: bytes | None = None  # the elements of an array file share its whole text:
        self._last_text_may_break = False  # scan it once, not once per element

    def _may_break_multiple_of(self, raw: bytes) -> bool:
        if raw is not self._last_text:
            self._last_text, self._last_text_may_break = raw, _may_break_multiple_of(raw)
        return self._last_text_may_break

    @cached_property
    def _fast(self):
        import jsonschema_rs

        return jsonschema_rs.validator_for(_without(self.schema, "multipleOf"), validate_formats=True)

    @cached_property
    def _detailed(self):
        import jsonschema
        from jsonschema import validators

        base = jsonschema.Draft202012Validator
        checker = base.TYPE_CHECKER.redefine(
            "integer",
            lambda _, x: (isinstance(x, int) and not isinstance(x, bool))
            or (isinstance(x, Decimal) and x.is_finite() and x == x.to_integral_value()),
        )
        exact = validators.extend(base, {"multipleOf": _exact_multiple_of, "required": _required_at_once,
                                         **_EXACT_BOUNDS}, type_checker=checker)
        return exact(self.schema, format_checker=base.FORMAT_CHECKER)

    def is_valid(self, invoice: object, raw: bytes | None = None) -> bool:
        """Valid or not; ``raw`` (the text it was read from) lets most documents skip the exact check."""
        try:
            if not self._fast.is_valid(invoice):
                return False
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") the compiled validator cannot take
            return self._detailed.is_valid(invoice)
        if raw is not None and not self._may_break_multiple_of(raw):
            return True
        if self._confirmed_multiple_of_break(invoice):
            return False
        return self._detailed.is_valid(invoice)

    def _confirmed_multiple_of_break(self, invoice: object) -> bool:
        """A ``multipleOf`` error of the compiled validator that exact arithmetic confirms.

        Three decimals where two are allowed is the usual reason a text is
        flagged: decided here in microseconds, where the Python validator
        took over half a millisecond. Anything unconfirmed goes to it.
        """
        try:
            errors = self._complete.iter_errors(invoice)
            for error in errors:
                if error.schema_path[-1] != "multipleOf" or _CONDITIONAL.intersection(error.schema_path):
                    continue  # an error inside anyOf/oneOf/not/if… need not make the invoice invalid
                found = _CompiledError(error, self.schema, invoice)
                value, divisor = found.instance, found.validator_value
                if type(value) is Decimal and value.is_finite() and isinstance(divisor, (int, float)) \
                        and not _is_multiple(value, Decimal(str(divisor))):
                    return True
        except (ValueError, LookupError, TypeError):  # a number it cannot hand back: the Python validator decides
            return False
        return False

    def is_valid_detailed(self, invoice: object) -> bool:
        """The Python validator's verdict: for the agreement test and the exact path."""
        return self._detailed.is_valid(invoice)

    def check(self, invoice: object, raw: bytes | None = None) -> list[Violation]:
        """Every schema violation of the invoice; [] when valid.

        An object with keys but no ``invoice_id`` and no ``version`` of 1 is
        some other JSON file (a settings file, a package.json and its
        ``"version": "1.0.0"``): one finding says so, rather than one per key
        that the invoice format does not define. (An empty object says nothing
        of what it is: it lacks every field, SCH001.)
        """
        if self.is_valid(invoice, raw):
            return []
        if _plainly_not_an_invoice(invoice):
            return [Violation(NOT_AN_INVOICE, msg("not an invoice: the object has no 'invoice_id' and no 'version': 1 "
                                                  "(leave such files out with `extend-exclude`)"))]
        return self.explain(invoice, raw=raw)

    @cached_property
    def _complete(self):
        """The compiled validator on the whole schema: it finds the errors of an invalid invoice."""
        import jsonschema_rs

        return jsonschema_rs.validator_for(self.schema, validate_formats=True)

    @cached_property
    def _bounds(self):
        """The compiled validator on the schema's size bounds only (``maxItems``, ``maxLength``)."""
        import jsonschema_rs

        return jsonschema_rs.validator_for(_bounds_only(self.schema))

    def _listed(self, invoice: object, exact: bool) -> list[_CompiledError]:
        """The compiled validator's errors; for an invoice of many sessions, listed session by session.

        The compiled validator gathers every error of a document before handing
        back the first (about 2 KiB each): 1000 sessions of 20 broken acts held
        140 MiB at once, one session at a time holds a few.
        """
        sessions = invoice.get("sessions") if isinstance(invoice, dict) else None
        whole, head, session = self._listers[exact]
        if not isinstance(sessions, list) or len(sessions) < PIECEWISE_FROM:
            return [_CompiledError(error, self.schema, invoice) for error in whole.iter_errors(invoice)]
        errors = [_CompiledError(error, self.schema, invoice) for error in head.iter_errors(invoice)]
        for index, item in enumerate(sessions):
            errors.extend(_CompiledError(error, self.schema, invoice, ("sessions", index))
                          for error in session.iter_errors(item))
        return errors

    @cached_property
    def _listers(self) -> dict[bool, tuple]:
        """(whole invoice, invoice but its sessions' items, one session) validators, exact or without
        ``multipleOf``; compiled on first use."""
        import jsonschema_rs

        def three(whole, schema):
            head = dict(schema, properties=dict(schema["properties"], sessions={"type": "array", "minItems": 1}))
            session = {"$schema": schema.get("$schema"), "$defs": schema["$defs"], "$ref": "#/$defs/session"}
            return (whole, jsonschema_rs.validator_for(head, validate_formats=True),
                    jsonschema_rs.validator_for(session, validate_formats=True))

        return {True: three(self._complete, self.schema), False: three(self._fast, _without(self.schema, "multipleOf"))}

    def explain(self, invoice: object, compiled: bool = True, raw: bytes | None = None) -> list[Violation]:
        """Worded violations, one per field and code (a date can break pattern, length and format at once).

        An invoice over a size bound (200,000 acts in a session) gets the
        violations of its bounds only: it is refused at once, its items are
        not judged one by one.

        The compiled validator lists the errors (each with its keyword, instance
        path and schema location), about twenty times faster than Python
        ``jsonschema``, which takes over should it find none where the exact
        check found one. A text with no number that could break ``multipleOf``
        is listed without it (a third faster).
        """
        exact = raw is None or self._may_break_multiple_of(raw)
        try:
            errors = [_CompiledError(error, self.schema, invoice) for error in self._bounds.iter_errors(invoice)]
            if not errors and compiled:
                errors = self._listed(invoice, exact)
        except ValueError:  # a number of thousands of digits it cannot hand back: the Python validator words it
            errors = []
        if not errors:
            errors = list(self._detailed.iter_errors(invoice))
        unique: dict[tuple[str, str], Violation] = {}
        secrets = patient_values(invoice)
        objects_missing: set[tuple] = set()
        for error in errors:
            if error.validator == "required":  # the compiled validator says it once per missing field:
                where = tuple(error.absolute_path)  # one wording names them all
                if where in objects_missing:
                    continue
                objects_missing.add(where)
            for violation in _violations_of(error, secrets):
                safe = safe_pointer(violation.pointer, secrets)  # a key may be a NIR: never in a pointer
                if safe != violation.pointer:
                    violation = replace(violation, pointer=safe)
                unique.setdefault((violation.pointer, violation.code), violation)
        return sorted(unique.values(), key=lambda v: (v.pointer, v.code))


def _plainly_not_an_invoice(value: object) -> bool:
    return (isinstance(value, dict) and bool(value) and "invoice_id" not in value
            and not (type(value.get("version")) is int and value["version"] == 1))


class _CompiledError:
    """A ``jsonschema_rs`` error seen through the attributes of a ``jsonschema`` one, for the wording."""

    __slots__ = ("validator", "validator_value", "instance", "schema", "absolute_path")

    def __init__(self, error, root: dict, document: object, prefix: tuple = ()) -> None:
        *where, keyword = error.schema_path
        node = root
        for token in where:
            node = node[token]
        self.validator = keyword
        self.validator_value = node.get(keyword) if isinstance(node, dict) else None
        self.schema = node
        self.absolute_path = [*prefix, *error.instance_path]  # ``prefix``: where the validated part lies
        self.instance = document  # the value as read (exact), not the validator's converted copy
        for token in self.absolute_path:
            self.instance = self.instance[token]


_STRUCTURE = frozenset({"$schema", "$id", "$defs", "$ref", "properties", "items", "maxItems", "maxLength"})


def _bounds_only(schema: object) -> object:
    """A copy of the schema that checks the size bounds of lists and free text, nothing else.

    The paths stay those of the schema, so errors are worded alike. A string
    with a pattern (a date, a NIR) is not free text: its length is an
    ordinary error, worded with the invoice's other errors.
    """
    if not isinstance(schema, dict):
        return schema
    kept = {}
    for key, value in schema.items():
        if key not in _STRUCTURE or (key == "maxLength" and "pattern" in schema):
            continue
        if key in ("$defs", "properties"):
            value = {name: _bounds_only(sub) for name, sub in value.items()}
        elif key == "items":
            value = _bounds_only(value)
        kept[key] = value
    return kept


def _without(schema: object, keyword: str) -> object:
    """A copy of the schema with every ``keyword`` left out."""
    if isinstance(schema, dict):
        return {key: _without(value, keyword) for key, value in schema.items() if key != keyword}
    if isinstance(schema, list):
        return [_without(item, keyword) for item in schema]
    return schema


def _violations_of(error, secrets: tuple[str, ...] = ()) -> list[Violation]:
    path = list(error.absolute_path)
    keyword = error.validator
    code = _CODES.get(keyword, OTHER_SCHEMA_CODE)
    where = _field_name(path)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    note = f" ({description})" if description else ""
    if keyword == "required":
        missing = [name for name in error.validator_value if isinstance(error.instance, dict) and name not in error.instance]
        if not missing:
            return []
        names = ", ".join(repr(name) for name in missing)
        message = (nmsg("missing required field {names} in {where}", "missing required fields {names} in {where}",
                        len(missing), names=names, where=where) if path else
                   nmsg("missing required field {names}", "missing required fields {names}", len(missing), names=names))
        return [Violation(code, message, join_pointer(*path))]
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []
        return [
            Violation(code, (msg("unknown field {name} in {where}: objects in the invoice format are closed",
                                 name=repr(_short(k)), where=where) if path else
                             msg("unknown field {name}: objects in the invoice format are closed", name=repr(_short(k)))),
                      join_pointer(*path, k))
            if shows_key(k, secrets) else
            Violation(code, msg("unknown field in {where} (its name is not shown: it looks like patient data): "
                                "objects in the invoice format are closed", where=where), join_pointer(*path))
            for k in extras
        ]
    if keyword == "type":  # the type says it all; descriptions are notes for vendors' developers
        return [Violation(code, msg("{where} must be {expected}, not {found}", where=where,
                                    expected=_a(error.validator_value), found=_json_type(error.instance)),
                          join_pointer(*path))]
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        shown = ", ".join(json.dumps(o) for o in options)
        got = f" {_echo(path, error.instance, secrets, free_text=False)}" if _echo(path, error.instance, secrets, free_text=False) else ""
        return [Violation(code, msg("{where}{value} is not allowed: expected {options}", where=where, value=got,
                                    options=shown), join_pointer(*path))]
    if keyword == "format":
        return [Violation(code, msg("{where} is not a real calendar date (YYYY-MM-DD)", where=where), join_pointer(*path))]
    if keyword in ("pattern", "minLength", "maxLength"):
        message = (msg("{where} does not have the expected form: {form}", where=where, form=description) if description
                   else msg("{where} does not have the expected form", where=where))
        return [Violation(code, message, join_pointer(*path))]
    got = f" {_echo(path, error.instance, secrets)}" if _echo(path, error.instance, secrets) else ""
    if keyword == "multipleOf":
        return [Violation(code, msg("{where}{value} has more than two decimals; amounts and coefficients are written "
                                    "to the cent", where=where, value=got), join_pointer(*path))]
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        limit = str(error.validator_value)
        bound = {"minimum": lambda: msg("at least {limit}", limit=limit),
                 "maximum": lambda: msg("at most {limit}", limit=limit),
                 "exclusiveMinimum": lambda: msg("more than {limit}", limit=limit),
                 "exclusiveMaximum": lambda: msg("less than {limit}", limit=limit)}[keyword]()
        return [Violation(code, msg("{where}{value} must be {bound}", where=where, value=got, bound=bound),
                          join_pointer(*path))]
    if keyword in ("minItems", "maxItems"):
        limit = str(error.validator_value)
        message = (msg("{where} must hold at least {limit} item(s){note}", where=where, limit=limit, note=note)
                   if keyword == "minItems" else
                   msg("{where} must hold at most {limit} item(s){note}", where=where, limit=limit, note=note))
        return [Violation(code, message, join_pointer(*path))]
    return [Violation(code, msg("{where} breaks the invoice schema (keyword {keyword})", where=where,
                                keyword=repr(keyword)), join_pointer(*path))]


# Array items named as the rules name them, counted from 1: "session 4, act 2: amount", not sessions[3].acts[1].
_ITEM_NAMES = {"sessions": N_("session {number}"), "acts": N_("act {number}"), "fees": N_("fee {number}")}


def _field_name(path: list) -> object:
    """Where a schema error lies, in words (a message: "session 4, act 2: amount" in the run's language)."""
    if not path:
        return msg("the invoice")
    items: list = []
    keys: list[str] = []
    for token in path:
        if isinstance(token, int):
            container = keys.pop() if keys else "item"
            template = _ITEM_NAMES.get(container)
            items.append(Message(template, {"number": token + 1}) if template else
                         msg("{field} item {number}", field=".".join([*keys, container]), number=token + 1))
            keys = []
        else:
            keys.append(str(token))
    field = FieldName(".".join(keys)) if keys else ""
    if not items:
        return field
    where = items[0] if len(items) == 1 else Joined(items)
    return msg("{items}: {field}", items=where, field=field) if field else where


# A string echoed where a code or an enum value belongs looks like one: letters, no digits, no spaces.
_CODE_LIKE = re.compile(r"[A-Za-z][A-Za-z_-]{0,23}")


def _echo(path: list, value: object, secrets: tuple[str, ...] = (), free_text: bool = True) -> str:
    """The value, only for fields that can never hold patient data, and only when it holds none.

    Where only a code may stand (``free_text=False``: enums), a string is
    echoed only if it looks like a code: free text there may be anything,
    a NIR with spaces or a birth date with slashes included.
    """
    field = next((t for t in reversed(path) if isinstance(t, str)), None)
    if field in _ECHOABLE and isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        if isinstance(value, str) and not free_text and not _CODE_LIKE.fullmatch(value):
            return ""
        text = json.dumps(value) if isinstance(value, str) else str(value)
        # A date or a NIR where a code belongs is the patient's, or may be: not echoed.
        return text if len(text) <= 24 and not shows_patient_data(text, secrets, dates=True) else ""
    return ""


def _short(key: str) -> str:
    return key if len(key) <= 40 else key[:37] + "..."


def _a(type_name) -> str:
    if isinstance(type_name, list):
        return any_of([_a(t) for t in type_name])
    return {"object": msg("an object"), "array": msg("an array"), "integer": msg("a whole number"),
            "number": msg("a number"), "string": msg("a string"), "boolean": msg("true or false"),
            "null": "null"}.get(type_name, type_name)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return msg("true or false")
    if isinstance(value, (int, Decimal, float)):
        return msg("a number")
    return _a({dict: "object", list: "array", str: "string", type(None): "null"}.get(type(value), "value"))
