"""Messages in the user's language: English templates with named values, rendered when a finding is made.

A message is written ``msg("{where}: {code} is retired since {since}", where=..., code=..., since=day)``
instead of an f-string. The English template is the gettext msgid: it is looked up in
the chosen language's catalog (``kinelint/locale/LANG/LC_MESSAGES/kinelint.mo``,
compiled from the ``.po`` at build time) when the finding is located, and each value is
written the way that language writes it (dates, decimals, money: ``18.79`` in English,
``18,79 €`` in French). A ``Message`` is a ``str`` holding its English text, so code and
plugins that treat messages as text keep working; a plain string (a third-party
plugin's message) is shown as written, in any language.

``N_`` marks text translated later by its msgid (rule summaries). The catalog is
maintained with Babel; the commands are in the README ("Translations").
"""

from __future__ import annotations

import gettext
import os
import string
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DOMAIN = "kinelint"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "fr")  # the templates are English; fr has a catalog
# The extraction keywords, for Babel (README "Translations") and the catalog test.
KEYWORDS = {"msg": None, "nmsg": (1, 2), "N_": None}


def N_(text: str) -> str:
    """Mark ``text`` for extraction; it is translated where it is shown (``translate``)."""
    return text


class Message(str):
    """A translatable message: its English rendering as a ``str``, plus its template and values.

    ``plural``/``count`` make it a plural message (``nmsg``). Values may be
    messages themselves (rendered in the same language), dates, ``Decimal``
    numbers, ``Money``, ``Joined`` lists, ints and strings.
    """

    template: str
    plural: str | None
    count: int | None
    params: dict

    def __new__(cls, template: str, params: Mapping | None = None, plural: str | None = None,
                count: int | None = None) -> Message:
        params = params if type(params) is dict else dict(params or {})
        english = _render(template, plural, count, params, DEFAULT_LANGUAGE, None)
        self = super().__new__(cls, english)
        self.template, self.plural, self.count, self.params = template, plural, count, params
        return self

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (English when the catalog has no translation: see the catalog test)."""
        if lang == DEFAULT_LANGUAGE:
            return str.__str__(self)
        return _render(self.template, self.plural, self.count, self.params, lang, translations(lang))

    def map_values(self, change) -> Message:
        """A copy whose every value (nested messages included) is passed through ``change`` (masking)."""
        def mapped(value):
            if isinstance(value, Message):
                return value.map_values(change)
            if isinstance(value, Joined):
                return Joined([mapped(item) for item in value.items], value.separator)
            changed = change(value)
            return value if changed == value else changed  # an unchanged value keeps its type (a Term)

        return Message(self.template, {name: mapped(value) for name, value in self.params.items()},
                       self.plural, self.count)

    def __reduce__(self):  # pickled to and from --jobs workers by its parts, not by its English text
        return (Message, (self.template, self.params, self.plural, self.count))


class Term(str):
    """A fixed text kept in the data (an act's label): written as it is, translated when the catalog
    has it (``extract_data_terms`` puts the data's terms in the catalog)."""

    __slots__ = ()

    def __reduce__(self):
        return (Term, (str(self),))


def msg(template: str, **params) -> Message:
    """A message from an English template with ``{name}`` fields and their values."""
    return Message(template, params)


def nmsg(singular: str, plural: str, n: int, /, **params) -> Message:
    """A message with a singular and a plural form chosen by ``n``, which is the value of ``{count}``
    unless ``count`` is given (a number written another way, 12,500)."""
    return Message(singular, {"count": n, **params}, plural, n)


class Money:
    """An amount in euros, written with at least two decimals (never rounded here: round first)."""

    __slots__ = ("value",)

    def __init__(self, value: Decimal) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Money({self.value!r})"

    def __str__(self) -> str:
        return _money(self.value, DEFAULT_LANGUAGE)

    def __reduce__(self):
        return (Money, (self.value,))


class FieldName(str):
    """A JSON key named in a sentence: as written in English (``date``); in French as a billing office reads
    it: a key that is a French word too with its article ("la date n'est pas une date réelle"), any other
    quoted as the key it is (« place » "home" n'est pas permis)."""

    __slots__ = ()

    def __reduce__(self):
        return (FieldName, (str(self),))

    def french(self) -> str:
        return _FRENCH_FIELD_WORDS.get(str(self)) or f"« {self} »"


# The invoice keys that are French words of the same meaning, with their article (the gender the sentences
# agree with: none of them is an enumerated field, whose "n'est pas permis" is masculine).
_FRENCH_FIELD_WORDS = {"date": "la date", "total": "le total", "coefficient": "le coefficient", "code": "le code"}


class Euros(Money):
    """An amount read apart from any invoice (the summary's money at stake): the currency named in every
    language, €1.33 in English as 1,33 € in French."""

    __slots__ = ()

    def __str__(self) -> str:
        return _money(self.value, DEFAULT_LANGUAGE, currency=True)

    def __reduce__(self):
        return (Euros, (self.value,))


class Joined:
    """Items written one after the other with ``separator`` ("8.08, 8.09"); see ``all_of``/``any_of`` for "and"/"or"."""

    __slots__ = ("items", "separator")

    def __init__(self, items: Iterable, separator: str = ", ") -> None:
        self.items = tuple(items)
        self.separator = separator

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (other.items, other.separator) == (self.items, self.separator)

    def __hash__(self) -> int:
        return hash((self.items, self.separator))

    def __reduce__(self):
        return (Joined, (self.items, self.separator))


def all_of(items: Iterable) -> object:
    """ "A", "A and B", "A, B and C" in the chosen language."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return msg("{first} and {last}", first=Joined(items[:-1]), last=items[-1])


def any_of(items: Iterable) -> object:
    """ "A", "A or B", "A, B or C" in the chosen language."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return msg("{first} or {last}", first=Joined(items[:-1]), last=items[-1])


def render(message: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A message (or an amount, a list of messages) as text in ``lang``; plain strings (third-party plugins)
    stay as written."""
    if isinstance(message, Message):
        return message.render(lang)
    if isinstance(message, (Money, Joined)):
        return _value(message, lang)
    return str(message)


def translate(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Text marked with ``N_`` (a rule summary) in ``lang``, or as written when not translated."""
    if lang == DEFAULT_LANGUAGE or not text:
        return text
    return translations(lang).gettext(text)


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (an empty one for English, or if it is not installed)."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for, as gettext reads it: ``LANGUAGE`` (a list),
    then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; the first one set decides. English when it
    names a language kinelint does not speak, or the C/POSIX locale."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for item in value.split(":"):
            code = item.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            if code in ("c", "posix"):
                return DEFAULT_LANGUAGE
            if code in LANGUAGES:
                return code
        return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


# -- rendering ----------------------------------------------------------------


def _render(template: str, plural: str | None, count: int | None, params: dict, lang: str,
            catalog: gettext.NullTranslations | None) -> str:
    english = template if plural is None or count == 1 else plural
    if catalog is None:
        text = english
    elif plural is None:
        text = catalog.gettext(template)
    else:
        text = catalog.ngettext(template, plural, count)
    values = {name: _value(value, lang) for name, value in params.items()}
    try:
        return text.format_map(values)
    except (KeyError, IndexError, ValueError):  # a translation that names another field: never a crash
        return english.format_map(values)


def _value(value: object, lang: str) -> str:
    if type(value) is str:  # the most common value: a code, a field name
        return value
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, FieldName):
        return value.french() if lang == "fr" else str(value)
    if isinstance(value, Term):
        return translate(str(value), lang)
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, Money):
        return _money(value.value, lang, currency=isinstance(value, Euros))
    if isinstance(value, Decimal):
        return _number(value, lang)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
    if isinstance(value, Joined):
        separator = _SEPARATORS.get(lang, {}).get(value.separator, value.separator)
        return separator.join(_value(item, lang) for item in value.items)
    return str(value)


# French typography puts a space before the semicolon.
_SEPARATORS = {"fr": {"; ": " ; "}}


def _number(value: Decimal, lang: str) -> str:
    """As people write it: 8.5, 6, 7.52 (never 8.50 or 6E+0); a decimal comma in French."""
    text = format(value.normalize(), "f") if value.is_finite() else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def _money(value: Decimal, lang: str, currency: bool = False) -> str:
    """18.79 in English (as the invoices write it; €18.79 with ``currency``), 18,79 € in French; 18.785 keeps
    its digits."""
    if value.is_finite() and value.as_tuple().exponent > -2:
        value = value.quantize(Decimal("0.01"))
    text = format(value, "f")
    if lang == "fr":
        return text.replace(".", ",") + " €"
    if currency:
        return f"-€{text[1:]}" if text.startswith("-") else f"€{text}"
    return text


def fields(template: str) -> set[str]:
    """The ``{names}`` a template uses (the catalog test checks a translation uses the same)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def localized_rules(rules: Mapping[str, object], lang: str = DEFAULT_LANGUAGE) -> dict:
    """The rules with their summaries in ``lang`` (for ``kinelint rules`` and the reports that show them)."""
    from dataclasses import replace

    if lang == DEFAULT_LANGUAGE:
        return dict(rules)
    return {code: replace(rule, summary=translate(rule.summary, lang)) for code, rule in rules.items()}


def extract_data_terms(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for the texts of the data files shown in messages (``babel.cfg``):
    every string value of the keys named in the ``keys`` option (``keys = label``), and every value
    of the tables named in ``tables``. Read line by line, so that each term keeps its line number."""
    import re
    import tomllib

    keys = options.get("keys", "").split()
    tables = options.get("tables", "").split()
    in_table = False
    key_pattern = re.compile(r'(?:^|[{,\s])(?:%s)\s*=\s*("(?:[^"\\]|\\.)*")' % "|".join(map(re.escape, keys))) \
        if keys else None
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[]").strip() in tables
            continue
        found = [match.group(1) for match in key_pattern.finditer(line)] if key_pattern else []
        if in_table and re.match(r'^[A-Za-z0-9_-]+\s*=\s*"', stripped):
            found.append(stripped.split("=", 1)[1].strip())
        for text in found:
            yield lineno, None, tomllib.loads(f"v = {text}")["v"], []
