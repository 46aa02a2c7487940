"""`kinelint acts`: the acts in force on a date, from the same catalogue the rules judge with."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import run_cli

from kinelint.cli.commands import main
from kinelint.nomenclature import load_nomenclature


def acts(*args: str):
    return CliRunner().invoke(main, ["acts", *args])


def listed(*args: str) -> list[dict]:
    result = acts(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["acts"]


def test_json_lists_every_act_of_the_catalogue_on_that_day():
    on = date(2026, 6, 21)
    rows = listed("--on", on.isoformat())
    catalogue = load_nomenclature().acts_on(on)
    assert [(r["letter"], Decimal(r["coefficient"]), r["label"]) for r in rows] == \
        [(a.letter, a.coefficient, a.label) for a in catalogue]
    assert len(rows) == len(catalogue) > 80


def test_one_act_in_full():
    [ric] = [r for r in listed("RIC", "--on", "2026-01-12") if r["coefficient"] == "8.12"]
    assert ric == {
        "letter": "RIC", "coefficient": "8.12", "price": "17.95", "label": "total knee arthroplasty",
        "article": "II-1-C", "kind": "rehabilitation", "home_indemnities": ["IFD", "IFS"], "prior_approval": 25,
        "two_a_day": False, "valid_from": "2026-01-01", "valid_until": "2027-06-30", "source": ric["source"],
        "confidence": "M", "uncertain": False, "why_uncertain": None,
    }
    assert "NGAP-21062026.pdf" in ric["source"] and "art. 1 C" in ric["source"]


def test_json_gives_the_official_meaning_of_each_letter_listed():
    result = json.loads(acts("TER", "--on", "2026-06-21", "--format", "json").output)
    assert result["letters"] == {"TER": "orthopaedic and rheumatologic affections of at least two territories "
                                        "(limbs, or spine and limbs)"}
    everything = json.loads(acts("--on", "2026-06-21", "--format", "json").output)["letters"]
    assert len(everything) == 21 and all(everything.values())  # AMK and the twenty letters of 2024


def test_a_letter_filters_and_is_case_insensitive():
    rows = listed("ric", "--on", "2026-01-12")
    assert {r["letter"] for r in rows} == {"RIC"}
    assert [r["coefficient"] for r in rows] == ["8.08", "8.09", "8.1", "8.11", "8.12"]


def test_the_day_before_and_the_day_of_a_step():
    assert [r["coefficient"] for r in listed("RIC", "--on", "2025-12-31")] == ["7.48", "7.49", "7.5", "7.51", "7.52"]
    assert [r["coefficient"] for r in listed("TER", "--on", "2026-05-27")] == ["9.49", "9.51", "16"]
    assert [r["coefficient"] for r in listed("TER", "--on", "2026-05-28")] == ["9.79", "9.81", "16"]


def test_dom_prices_use_the_dom_letter_value():
    [ric] = [r for r in listed("RIC", "--on", "2026-01-12", "--territory", "dom") if r["coefficient"] == "8.12"]
    assert ric["price"] == "19.73"  # 8.12 x 2.43


def test_home_indemnities_by_period():
    def home(letter, coefficient, on):
        [row] = [r for r in listed(letter, "--on", on) if r["coefficient"] == coefficient]
        return row["home_indemnities"]
    assert home("TER", "9.49", "2025-12-31") == ["IFD", "IFO", "IFS"]
    assert home("TER", "9.49", "2026-01-01") == ["IFD", "IFS"]
    assert home("NMI", "9", "2025-12-31") == ["IFD", "IFN"]
    assert home("ARL", "8.49", "2026-01-01") == ["IFD"]
    assert home("RPE", "8.5", "2025-12-31") == ["IFD"] and home("RPE", "8.5", "2026-01-01") == ["IFD", "IFS"]
    assert home("AMK", "2.5", "2026-01-01") is None  # a supplement: the session's act decides


def test_announced_acts_say_why_they_are_uncertain():
    rows = [r for r in listed("NMI", "--on", "2026-09-01") if r["uncertain"]]
    assert sorted(r["coefficient"] for r in rows) == ["11", "11.01", "11.99", "12", "12.01"]
    assert all("announced" in r["why_uncertain"] for r in rows)


def test_text_format_is_a_table_with_numbered_sources():
    result = acts("RIC", "--on", "2026-01-12")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "RIC acts in force on 2026-01-12 (metropole), NGAP Titre XIV:"
    assert lines[1] == "RIC: lower limb, operated, under a reference situation"
    assert lines[2] == "Priced with the letter values: RIC 2.21"
    assert lines[3].split() == ["act", "price", "article", "label", "home", "visit", "prior", "approval", "conf.",
                                "source"]
    [knee] = [line for line in lines if line.startswith("RIC 8.12")]
    assert "17.95" in knee and "total knee arthroplasty" in knee and "IFD or IFS" in knee
    assert "from session 26" in knee and knee.endswith("[1]")
    assert "[1] NGAP, version en vigueur du 21/06/2026 (https://www.ameli.fr/" in result.output


def test_text_marks_uncertain_acts_and_two_a_day():
    result = acts("NMI", "--on", "2026-09-01").output
    assert "M*" in result and "announced step" in result
    assert "two sessions a day allowed" in acts("ARL", "--on", "2026-01-12").output
    assert "before session 1" in acts("RSC", "--on", "2026-01-12").output  # carpal tunnel


def test_a_letter_with_no_act_that_day():
    result = acts("RIC", "--on", "2024-02-21")
    assert result.exit_code == 0 and result.output.strip() == \
        "No RIC act of kinelint's table is in force on 2024-02-21."
    assert listed("AMS", "--on", "2025-01-01") == []


@pytest.mark.parametrize("args, words", [(["XYZ", "--on", "2026-01-12"], "no key letter 'XYZ'"),
                                         (["--on", "2026-13-01"], "not a date")])
def test_bad_input_is_a_clear_message(args, words):
    result = CliRunner().invoke(main, ["acts", *args])
    assert result.exit_code == 2 and words in result.output


def test_end_to_end_through_the_installed_command():
    done = run_cli("acts", "PLL", "--on", "2026-06-21", "--format", "json")
    assert done.returncode == 0, done.stderr
    [pll] = json.loads(done.stdout)["acts"]
    assert (pll["coefficient"], pll["price"], pll["article"]) == ("12", "26.52", "II-11")


def test_the_readme_example_is_what_kinelint_prints():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ kinelint acts TER --on 2026-06-21\n", 1)[1].split("```", 1)[0]
    assert acts("TER", "--on", "2026-06-21").output == block


def test_without_on_the_date_is_today():
    assert listed("PLL") == listed("PLL", "--on", date.today().isoformat())
    result = acts("PLL", "--format", "json")
    assert json.loads(result.output)["date"] == date.today().isoformat()


def test_date_is_the_same_option_as_on():
    assert listed("RIC", "--date", "2025-06-01") == listed("RIC", "--on", "2025-06-01")
    assert listed("RIC", "--date", "2025-06-01") != listed("RIC", "--on", "2026-01-12")
    assert acts("--date", "2026-13-01").exit_code == 2


def test_the_listing_names_the_letter_values_it_priced_with():
    nomenclature = load_nomenclature()
    on = date(2026, 1, 12)
    for territory in ("metropole", "dom"):
        result = json.loads(acts("RIC", "--date", on.isoformat(), "--territory", territory, "--format", "json").output)
        value = nomenclature.letter_value("RIC", on, territory).amount
        assert result["letter_values"] == {"RIC": f"{value:f}"}
        [ric] = [r for r in result["acts"] if r["coefficient"] == "8.12"]
        assert Decimal(ric["price"]) == (Decimal("8.12") * value).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        text = acts("RIC", "--date", on.isoformat(), "--territory", territory).output
        assert f"Priced with the letter values: RIC {value:f}\n" in text
    everything = json.loads(acts("--on", "2026-01-12", "--format", "json").output)
    assert set(everything["letter_values"]) == set(everything["letters"]) >= {"AMK", "RIC", "TER"}
