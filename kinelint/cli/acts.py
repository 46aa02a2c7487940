"""`kinelint acts`: the acts of the NGAP table in force on a date, as kinelint knows them.

Why: billing vendors check their own tables against kinelint's. The listing is
built from the same catalogue the rules judge with (``Nomenclature.acts_on``),
so it cannot drift from what kinelint checks: one source of truth.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click

TERRITORIES = ("metropole", "dom")
SUPPLEMENT_KINDS = ("bdk", "balneotherapy", "bandage")  # billed beside the session's act: no home visit of their own


def _date(_ctx, _param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2026-01-12") from None


@click.command("acts")
@click.argument("letter", required=False)
@click.option("--on", "--date", "on", callback=_date, metavar="DATE",
              help="The date of care (YYYY-MM-DD); default: today. --date is the same option.")
@click.option("--territory", type=click.Choice(TERRITORIES), default="metropole", show_default=True,
              help="Where the practitioner works: the letter values differ in the DOM.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def acts(letter: str | None, on: date, territory: str, output_format: str) -> None:
    """List the acts of the NGAP table in force on a date (all, or those of one LETTER).

    Each act: letter, coefficient, price, label, article, what a home visit for it
    may add, its prior-approval threshold, source and confidence.
    """
    from kinelint.nomenclature import load_nomenclature

    nomenclature = load_nomenclature()
    if letter is not None:
        letter = letter.upper()
        if letter not in nomenclature.known_letters():
            click.echo(f"kinelint: no key letter {letter!r}; known letters: "
                       f"{', '.join(nomenclature.known_letters())}", err=True)
            sys.exit(2)
    listed = [act for act in nomenclature.acts_on(on) if letter is None or act.letter == letter]
    rows = [_row(nomenclature, act, on, territory) for act in listed]
    meanings = {code: nomenclature.letter_meaning(code) for code in sorted({row["letter"] for row in rows})}
    values = _letter_values(nomenclature, meanings, on, territory)
    if output_format == "json":
        click.echo(json.dumps({"date": on.isoformat(), "territory": territory, "letters": meanings,
                               "letter_values": values, "acts": rows}, ensure_ascii=False, indent=2))
    else:
        click.echo(_text(rows, letter, on, territory, nomenclature.letter_meaning(letter) if letter else None, values))


def _letter_values(nomenclature, letters, on: date, territory: str) -> dict[str, str | None]:
    """The value of each key letter listed, that day and there: what every price of the listing is priced with."""
    values = {}
    for code in letters:
        value = nomenclature.letter_value(code, on, territory)
        values[code] = None if value is None else f"{value.amount:f}"
    return values


def _row(nomenclature, act, on: date, territory: str) -> dict:
    """One act as plain data: what both formats print."""
    from kinelint.rulekit import cents, plain_number

    value = nomenclature.letter_value(act.letter, on, territory)
    home = None if act.kind in SUPPLEMENT_KINDS else ["IFD", *sorted(act.specific_indemnities)]
    return {
        "letter": act.letter,
        "coefficient": plain_number(act.coefficient),
        "price": None if value is None else f"{cents(act.coefficient * value.amount):f}",
        "label": act.label,
        "article": act.article,
        "kind": act.kind,
        "home_indemnities": home,
        "prior_approval": act.prior_approval,
        "two_a_day": act.two_a_day,
        "valid_from": act.valid_from.isoformat(),
        "valid_until": act.valid_until.isoformat() if act.valid_until else None,
        "source": act.fact.source,
        "confidence": act.fact.confidence,
        "uncertain": act.fact.uncertain,
        "why_uncertain": act.fact.why_uncertain() or None,
    }


def _approval(threshold: int | None) -> str:
    if threshold is None:
        return ""
    return "before session 1" if threshold == 0 else f"from session {threshold + 1}"


def _text(rows: list[dict], letter: str | None, on: date, territory: str, meaning: str | None,
          values: dict[str, str | None] | None = None) -> str:
    what = f"{letter} acts" if letter else "Acts"
    if not rows:
        return f"No {letter + ' ' if letter else ''}act of kinelint's table is in force on {on.isoformat()}."
    sources: dict[str, int] = {}
    table = [("act", "price", "article", "label", "home visit", "prior approval", "conf.", "source")]
    for row in rows:
        note = sources.setdefault(row["source"], len(sources) + 1)
        home = "with its act" if row["home_indemnities"] is None else " or ".join(row["home_indemnities"])
        label = row["label"] + (" (two sessions a day allowed)" if row["two_a_day"] else "")
        confidence = row["confidence"] + ("*" if row["uncertain"] else "")
        table.append((f"{row['letter']} {row['coefficient']}", row["price"] or "-", row["article"], label, home,
                      _approval(row["prior_approval"]), confidence, f"[{note}]"))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    lines = [f"{what} in force on {on.isoformat()} ({territory}), NGAP Titre XIV:"]
    if meaning:
        lines.append(f"{letter}: {meaning}")
    if values:
        lines.append("Priced with the letter values: " + ", ".join(f"{code} {value or '-'}" for code, value in values.items()))
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths)]
        lines.append("  ".join(cells + [line[-1]]).rstrip())
    reasons: dict[str, list[str]] = {}
    for row in rows:
        if row["uncertain"]:
            reasons.setdefault(row["why_uncertain"], []).append(f"{row['letter']} {row['coefficient']}")
    for reason, named in reasons.items():
        lines.append(f"* {', '.join(named)}: uncertain, findings about them are warnings: {reason}")
    lines.append("Sources:")
    lines.extend(f"[{number}] {source}" for source, number in sources.items())
    return "\n".join(lines)
