"""The dated nomenclature: every fact and every boundary (the day before, the day of)."""

import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import kinelint.nomenclature
from kinelint.nomenclature import (
    BdkRule,
    CodeStatus,
    CoefficientStatus,
    Fact,
    Price,
    load_nomenclature,
)
from kinelint.nomenclature.model import ONE_DAY, DateEpochs

D = Decimal
N = load_nomenclature()
DATA = Path(kinelint.nomenclature.__file__).parent / "data"

NEW_LETTERS = (
    "APM ARL DRA NMI PLL RAB RAM RAO RAV RIC RIM RPB RPE RSC RSM TER VIC VIM VSC VSM".split()
)
ORTHO = "RAM RAO RSC RSM RIC RIM VIC VIM VSC VSM".split()
BOUNDARIES = [
    date(2012, 7, 15), date(2018, 6, 30), date(2018, 7, 1), date(2024, 2, 21), date(2024, 2, 22),
    date(2024, 5, 31), date(2024, 6, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 5, 27),
    date(2026, 5, 28), date(2026, 8, 31), date(2026, 9, 1), date(2027, 6, 30), date(2027, 7, 1),
]


def cents(coefficient: str, price: Price) -> Decimal:
    return (D(coefficient) * price.amount).quantize(D("0.01"), rounding=ROUND_HALF_UP)


# ---- loading ---------------------------------------------------------------


def test_default_load_is_cached():
    assert load_nomenclature() is load_nomenclature() is N


def test_known_codes():
    assert set(N.known_letters()) == {"AMK", "AMS", "AMC", "TMK", *NEW_LETTERS}
    assert len(N.known_letters()) == 24
    assert set(N.known_fees()) == set("IFD IFO IFR IFN IFP IFS FRD FAD IK IKM IKS MN MD".split())
    assert "IFV" not in N.known_fees() and "IFK" not in N.known_fees()  # not physiotherapists' codes


def test_explicit_directory_loads_the_same_facts(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    other = load_nomenclature(tmp_path)
    assert other is not N
    assert other.letter_value("RIC", date(2026, 1, 5), "dom").amount == D("2.43")


AVENANT_99 = """
[[letter]]
codes = {codes}
from = 2030-01-01
metropole = "2.50"
dom = "2.70"
source = "avenant 99"
confidence = "H"
"""


def test_a_new_avenant_is_a_data_change_only(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    letters = tmp_path / "letters.toml"
    text = letters.read_text(encoding="utf-8")
    closed = 'from = 2024-02-22\nuntil = 2029-12-31\nmetropole = "2.21"'
    text = text.replace('from = 2024-02-22\nmetropole = "2.21"', closed)
    codes = "[" + ", ".join(f'"{x}"' for x in ["AMK", *NEW_LETTERS]) + "]"
    letters.write_text(text + AVENANT_99.format(codes=codes), encoding="utf-8")
    n = load_nomenclature(tmp_path)
    assert n.letter_value("RIC", date(2029, 12, 31), "metropole").amount == D("2.21")
    assert n.letter_value("RIC", date(2030, 1, 1), "metropole").amount == D("2.50")
    assert n.letter_value("AMK", date(2030, 1, 1), "dom").fact.source == "avenant 99"
    assert N.letter_value("RIC", date(2030, 1, 1), "metropole").amount == D("2.21")


# ---- malformed data -> ValueError naming file and entry ----------------------


def _broken(tmp_path, name, old, new):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_nomenclature(tmp_path)
    return str(raised.value)


def test_float_money_is_rejected(tmp_path):
    message = _broken(tmp_path, "letters.toml", 'metropole = "2.15"', "metropole = 2.15")
    assert "letters.toml" in message and "[[letter]] entry 1 (AMK, AMS, AMC)" in message and "string" in message


def test_unknown_key_is_rejected(tmp_path):
    message = _broken(tmp_path, "fees.toml", "until = 2025-12-31", "untill = 2025-12-31")
    assert "fees.toml" in message and "(IFO)" in message and "untill" in message


def test_bad_confidence_is_rejected(tmp_path):
    message = _broken(tmp_path, "bdk.toml", 'confidence = "H"', 'confidence = "high"')
    assert "bdk.toml" in message and "[[bdk]] entry 1" in message and "confidence" in message


def test_until_before_from_is_rejected(tmp_path):
    message = _broken(tmp_path, "acts.toml", "until = 2025-12-31, coefficient", "until = 2020-12-31, coefficient")
    assert "acts.toml" in message and "[[act]] entry 1 (RAM), window 1" in message and "before" in message


def test_unknown_letter_in_acts_is_rejected(tmp_path):
    message = _broken(tmp_path, "acts.toml", 'letter = "RPB"', 'letter = "XYZ"')
    assert "acts.toml" in message and "XYZ" in message and "letters.toml" in message


def test_act_windows_out_of_order_are_rejected(tmp_path):
    message = _broken(tmp_path, "acts.toml", "from = 2026-01-01, until = 2027-06-30", "from = 2025-12-01, until = 2027-06-30")
    assert "acts.toml" in message and "(RAM)" in message and "overlap" in message


def test_act_kind_and_home_group_are_checked(tmp_path):
    message = _broken(tmp_path, "acts.toml", 'kind = "bandage"', 'kind = "supplement"')
    assert "acts.toml" in message and "'kind'" in message and "(RAV)" in message
    message = _broken(tmp_path / "b", "acts.toml", 'home = "II-4"', 'home = "II-44"')
    assert "II-44" in message and "[[home]]" in message


def test_home_indemnity_must_be_a_specific_fee(tmp_path):
    message = _broken(tmp_path, "acts.toml", 'indemnities = ["IFR"]', 'indemnities = ["IFK"]')
    assert "acts.toml" in message and "[[home]]" in message and "IFK" in message and "specific" in message


def test_prior_approval_must_be_a_whole_number(tmp_path):
    message = _broken(tmp_path, "acts.toml", "prior_approval = 25", 'prior_approval = "25"')
    assert "acts.toml" in message and "prior_approval" in message


def test_overlapping_windows_are_rejected(tmp_path):
    message = _broken(tmp_path, "letters.toml", "until = 2024-02-21", "until = 2024-03-01")
    assert "letters.toml" in message and "AMK" in message and "overlaps" in message


def test_fee_without_group_is_rejected(tmp_path):
    message = _broken(tmp_path, "fees.toml", 'flat = ["FRD", "FAD"]', 'flat = ["FRD"]')
    assert "fees.toml" in message and "FAD" in message


def test_invalid_toml_is_rejected(tmp_path):
    message = _broken(tmp_path, "fees.toml", "\n[groups]\n", "\n[groups\n")
    assert "fees.toml" in message and "TOML" in message


def test_a_deletion_needs_what_the_care_is_billed_as(tmp_path):
    message = _broken(tmp_path, "acts.toml", 'billed_as = "8.5", ', "")
    assert "acts.toml" in message and "(RPE), deleted" in message and "billed_as" in message


def test_missing_file_is_rejected(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    (tmp_path / "bdk.toml").unlink()
    with pytest.raises(ValueError, match="bdk.toml"):
        load_nomenclature(tmp_path)


# ---- Fact ----------------------------------------------------------------------


def test_fact_uncertainty():
    assert not Fact("s", "H").uncertain and Fact("s", "H").why_uncertain() == ""
    assert not Fact("s", "M").uncertain
    low = Fact("s", "L", "per-act table")
    assert low.uncertain and "single unofficial source" in low.why_uncertain()
    assert "per-act table" in low.why_uncertain()
    announced = Fact("s", "M", "announced, may slip", flagged=True)
    assert announced.uncertain and announced.why_uncertain().startswith("announced, may slip")


def test_every_uncertain_fact_can_say_why():
    facts = [N.letter_status(x, d).fact for x in N.known_letters() for d in BOUNDARIES]
    facts += [N.fee_status(x, d).fact for x in N.known_fees() for d in BOUNDARIES]
    for fact in facts:
        assert fact.confidence in ("H", "M", "L") and fact.source
        assert bool(fact.why_uncertain()) == fact.uncertain


# ---- letters in force --------------------------------------------------------


@pytest.mark.parametrize("letter", NEW_LETTERS + ["TMK"])
def test_2024_letters_start_on_2024_02_22(letter):
    before = N.letter_status(letter, date(2024, 2, 21))
    assert before == CodeStatus("not_yet", letter, date(2024, 2, 22), None, before.fact)
    assert before.fact is not None
    assert N.letter_status(letter, date(2024, 2, 22)).state == "in_force"
    assert N.letter_status(letter, date(2026, 1, 1)).state == "in_force"


def test_amk_in_force_throughout():
    for day in BOUNDARIES:
        assert N.letter_status("AMK", day).state == "in_force"


@pytest.mark.parametrize("letter", ["AMS", "AMC"])
def test_ams_amc_retired_on_2024_02_22(letter):
    assert N.letter_status(letter, date(2024, 2, 21)).state == "in_force"
    retired = N.letter_status(letter, date(2024, 2, 22))
    assert retired.state == "retired" and retired.since == date(2024, 2, 22)
    assert "RIC" in retired.replaced_by
    # Deleted by the 14 Dec 2023 decision (H); no transitional acceptance was found.
    assert not retired.fact.uncertain and "14 Dec 2023" in retired.fact.source
    assert N.letter_status(letter, date(2026, 1, 1)) == retired


def test_unknown_letter_and_data_start():
    assert N.letter_status("XYZ", date(2025, 1, 1)) == CodeStatus("unknown", "XYZ", None, None, None)
    assert N.letter_status("AMK", date(2012, 7, 14)).state == "not_yet"  # outside kinelint's data


# ---- letter values -------------------------------------------------------------


@pytest.mark.parametrize("letter", ["AMK", "AMS", "AMC"])
def test_old_values_until_2024_02_21(letter):
    assert N.letter_value(letter, date(2024, 2, 21), "metropole").amount == D("2.15")
    assert N.letter_value(letter, date(2024, 2, 21), "dom").amount == D("2.36")
    assert N.letter_value(letter, date(2012, 7, 15), "dom").amount == D("2.36")
    assert N.letter_value(letter, date(2012, 7, 14), "metropole") is None


@pytest.mark.parametrize("letter", ["AMK"] + NEW_LETTERS)
def test_values_from_2024_02_22(letter):
    metro = N.letter_value(letter, date(2024, 2, 22), "metropole")
    assert metro.amount == D("2.21") and str(metro.amount) == "2.21" and metro.fact.confidence == "H"
    assert N.letter_value(letter, date(2024, 2, 22), "dom").amount == D("2.43")
    assert N.letter_value(letter, date(2026, 1, 1), "dom").amount == D("2.43")


@pytest.mark.parametrize("letter", NEW_LETTERS)
def test_new_letters_have_no_value_before_creation(letter):
    assert N.letter_value(letter, date(2024, 2, 21), "metropole") is None


def test_retired_letters_have_no_value():
    assert N.letter_value("AMS", date(2024, 2, 22), "metropole") is None
    assert N.letter_value("AMC", date(2025, 1, 1), "dom") is None


def test_tmk_value_metropole_only():
    assert N.letter_value("TMK", date(2024, 2, 21), "metropole") is None
    price = N.letter_value("TMK", date(2024, 2, 22), "metropole")
    assert price.amount == D("2.15") and price.fact.confidence == "M"
    assert N.letter_value("TMK", date(2024, 2, 22), "dom") is None


def test_unknown_letter_and_territory():
    assert N.letter_value("XYZ", date(2025, 1, 1), "metropole") is None
    with pytest.raises(ValueError, match="territory"):
        N.letter_value("AMK", date(2025, 1, 1), "guyane")


def test_amount_vectors_are_exact():
    at_221 = N.letter_value("RIC", date(2025, 1, 1), "metropole")
    for coefficient, euros in [("10.7", "23.65"), ("10.8", "23.87"), ("8.5", "18.79"),
                               ("3.5", "7.74"), ("2.5", "5.53"), ("9.5", "21.00")]:
        assert cents(coefficient, at_221) == D(euros)
    at_215 = N.letter_value("AMS", date(2023, 1, 1), "metropole")
    for coefficient, euros in [("7.5", "16.13"), ("9.5", "20.43"), ("8.5", "18.28")]:
        assert cents(coefficient, at_215) == D(euros)


def test_values_are_in_force_only_when_the_letter_is():
    for letter in N.known_letters():
        for day in BOUNDARIES:
            for territory in ("metropole", "dom"):
                if N.letter_value(letter, day, territory) is not None:
                    assert N.letter_status(letter, day).state == "in_force"


# ---- fees -------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["IFO", "IFR", "IFN", "IFP"])
def test_specific_indemnities_merge_into_ifs(code):
    assert N.fee_status(code, date(2025, 12, 31)).state == "in_force"
    assert N.fee_price(code, date(2025, 12, 31), "dom").amount == D("4.00")
    status = N.fee_status(code, date(2026, 1, 1))
    assert (status.state, status.since) == ("retired", date(2026, 1, 1))
    assert status.replaced_by == "IFS"
    assert not status.fact.uncertain
    assert N.fee_price(code, date(2026, 1, 1), "metropole") is None


def test_ifs_in_force_throughout():
    for day in BOUNDARIES:
        assert N.fee_status("IFS", day).state == "in_force"
        assert N.fee_price("IFS", day, "metropole").amount == D("4.00")


def test_ifs_is_two_indemnities_before_and_from_2026():
    assert "sortie" in N.fee_label("IFS", date(2025, 12, 31))
    assert "single specific" in N.fee_label("IFS", date(2026, 1, 1))
    assert N.fee_price("IFS", date(2025, 12, 31), "metropole").fact != N.fee_price("IFS", date(2026, 1, 1), "metropole").fact
    assert N.fee_label("IFO", date(2026, 1, 1)) is None and N.fee_label("ZZ", date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    "code, metro, dom",
    [("IFD", "2.50", "2.50"), ("IFS", "4.00", "4.00"),
     ("FRD", "100.00", "100.00"), ("FAD", "20.00", "20.00"), ("IK", "0.38", "0.43"),
     ("IKM", "0.61", "0.66"), ("IKS", "3.35", "3.35"), ("MN", "9.15", "9.15"), ("MD", "7.62", "7.62")],
)
def test_fee_prices(code, metro, dom):
    for day in (date(2012, 7, 15), date(2024, 2, 22), date(2026, 1, 1)):
        assert N.fee_price(code, day, "metropole").amount == D(metro)
        assert N.fee_price(code, day, "dom").amount == D(dom)
    assert N.fee_price(code, date(2012, 7, 14), "metropole") is None


def test_ifv_ifk_do_not_exist_for_physiotherapists():
    for code in ("IFV", "IFK"):
        assert N.fee_status(code, date(2025, 1, 1)).state == "unknown"
        assert N.fee_group(code) is None
    assert not N.fee_price("IFD", date(2025, 1, 1), "dom").fact.uncertain


def test_fee_groups_and_per_km():
    groups = {code: N.fee_group(code) for code in N.known_fees()}
    assert groups == {
        "IFO": "specific", "IFR": "specific", "IFN": "specific", "IFP": "specific", "IFS": "specific",
        "IFD": "travel", "IK": "km", "IKM": "km", "IKS": "km",
        "MN": "night", "MD": "sunday", "FRD": "flat", "FAD": "flat",
    }
    assert N.fee_group("XX") is None
    assert [c for c in N.known_fees() if N.is_per_km(c)] == ["IK", "IKM", "IKS"]
    assert not N.is_per_km("IFD") and not N.is_per_km("XX")


def test_unknown_fee():
    assert N.fee_status("ZZ", date(2025, 1, 1)).state == "unknown"
    assert N.fee_price("ZZ", date(2025, 1, 1), "metropole") is None


# ---- coefficients ------------------------------------------------------------------


def status(letter, coefficient, day) -> CoefficientStatus:
    return N.coefficient_status(letter, D(coefficient), day)


def test_ric_752_superseded_from_2026():
    s = status("RIC", "7.52", date(2026, 1, 5))
    assert (s.state, s.valid_until, s.replacement) == ("superseded", date(2025, 12, 31), D("8.12"))
    assert not s.fact.uncertain  # the +0.60 step is H, whatever the per-act list
    assert D("8.12") in s.valid_now and D("7.52") not in s.valid_now
    assert status("RIC", "7.52", date(2025, 12, 31)).state == "valid"


def test_ric_812_early_before_2026():
    s = status("RIC", "8.12", date(2025, 12, 31))
    assert (s.state, s.valid_from) == ("early", date(2026, 1, 1))
    assert not s.fact.uncertain
    assert status("RIC", "8.12", date(2026, 1, 1)).state == "valid"


@pytest.mark.parametrize("letter", ORTHO)
def test_every_orthopaedic_coefficient_moves_by_060(letter):
    old = status(letter, "0", date(2025, 12, 31)).valid_now
    new = status(letter, "0", date(2026, 1, 1)).valid_now
    assert old and new == tuple(c + D("0.60") for c in old)
    for c in old:
        moved = N.coefficient_status(letter, c, date(2026, 1, 1))
        assert moved.state == "superseded" and moved.replacement == c + D("0.60")
        assert all(D("7.47") <= c <= D("7.53") for c in old)


def test_announced_2027_step_is_uncertain():
    assert status("RIC", "8.12", date(2027, 6, 30)).state == "valid"
    s = status("RIC", "8.12", date(2027, 7, 1))
    assert (s.state, s.replacement, s.valid_until) == ("superseded", D("8.42"), date(2027, 6, 30))
    assert s.fact.uncertain and "announced" in s.fact.why_uncertain()
    early = status("RIC", "8.42", date(2027, 6, 30))
    assert early.state == "early" and early.valid_from == date(2027, 7, 1) and early.fact.uncertain
    chained = status("RIC", "7.52", date(2027, 7, 1))
    assert chained.replacement == D("8.42") and chained.valid_until == date(2025, 12, 31) and chained.fact.uncertain


@pytest.mark.parametrize("letter, old, new", [("DRA", "7.50", "8.10"), ("APM", "7.50", "8.10"), ("APM", "7.51", "8.11")])
def test_dra_and_single_limb_apm_got_the_2026_step(letter, old, new):
    s = status(letter, old, date(2026, 1, 1))
    assert s.state == "superseded" and s.replacement == D(new) and not s.fact.uncertain


def test_in_range_but_no_act_is_never_and_certain_since_2024_02_22():
    s = status("RIC", "7.47", date(2025, 1, 1))
    assert s.state == "never" and not s.fact.uncertain and s.fact.confidence == "H"
    assert status("RIM", "7.49", date(2025, 1, 1)).state == "never"


def test_rpe_6_deleted_on_2026_01_01():
    assert status("RPE", "6", date(2025, 12, 31)).state == "valid"
    s = status("RPE", "6", date(2026, 1, 1))
    assert (s.state, s.valid_until, s.replacement) == ("act_deleted", date(2025, 12, 31), D("8.5"))
    assert not s.fact.uncertain and s.valid_now == (D("8.5"),)
    for day in (date(2024, 2, 22), date(2025, 12, 31), date(2026, 1, 1)):
        assert status("RPE", "8.5", day).state == "valid"
    early = status("RPE", "8.5", date(2024, 2, 21))
    assert early.state == "early" and early.valid_from == date(2024, 2, 22)


@pytest.mark.parametrize("old, new", [("1.2", "2.5"), ("2.2", "3.5")])
def test_balneotherapy_supplements(old, new):
    assert status("AMK", old, date(2025, 12, 31)).state == "valid"
    s = status("AMK", old, date(2026, 1, 1))
    assert (s.state, s.valid_until, s.replacement) == ("superseded", date(2025, 12, 31), D(new))
    early = status("AMK", new, date(2025, 12, 31))
    assert early.state == "early" and early.valid_from == date(2026, 1, 1) and not early.fact.uncertain
    assert status("AMK", new, date(2026, 1, 1)).state == "valid"


@pytest.mark.parametrize(
    "letter, old, new", [("TER", "9.49", "9.79"), ("TER", "9.51", "9.81"), ("APM", "9.50", "9.80")]
)
def test_ter_and_apm_step_on_2026_05_28(letter, old, new):
    assert status(letter, old, date(2026, 5, 27)).state == "valid"
    s = status(letter, old, date(2026, 5, 28))
    assert (s.state, s.valid_until, s.replacement) == ("superseded", date(2026, 5, 27), D(new))
    assert s.fact.confidence == "M" and not s.fact.uncertain
    assert status(letter, new, date(2026, 5, 27)).state == "early"
    assert status(letter, new, date(2026, 5, 28)).state == "valid"
    assert status(letter, old, date(2026, 1, 1)).state == "valid"  # not moved by the 2026-01-01 step


def test_nmi_neurological_step_is_announced():
    assert status("NMI", "10", date(2026, 8, 31)).state == "valid"
    s = status("NMI", "10", date(2026, 9, 1))
    assert (s.state, s.replacement) == ("superseded", D("11"))  # not chained to 12: one change, one step
    assert s.fact.uncertain and "announced" in s.fact.why_uncertain()
    assert status("NMI", "11", date(2026, 9, 1)).state == "valid"
    early = status("NMI", "12", date(2026, 8, 31))
    assert early.state == "early" and early.valid_from == date(2026, 9, 1) and early.fact.uncertain
    # Five acts move: 10.01 -> 11.01, 11.01 -> 12.01, 10 -> 11, 10.99 -> 11.99, 11 -> 12; the others stay.
    for old, new in [("10.01", "11.01"), ("10.99", "11.99")]:
        moved = status("NMI", old, date(2026, 9, 1))
        assert moved.replacement == D(new) and moved.fact.uncertain, old
    # 11.01 and 11 stay billable but name other acts: the pair changes meaning on that day.
    before, after = N.on(date(2026, 8, 31), "metropole"), N.on(date(2026, 9, 1), "metropole")
    for old, new in [("11.01", "12.01"), ("11", "12")]:
        was, now = before.act("NMI", D(old)), after.act("NMI", D(old))
        assert was.label != now.label and now.fact.uncertain
        assert N.same_act_on(was, date(2026, 9, 1)).coefficient == D(new)
    for kept in ("8.5", "9", "8.51", "8", "9.01"):
        assert status("NMI", kept, date(2026, 9, 1)).state == "valid"
    assert status("NMI", "11.99", date(2026, 8, 31)).state == "early"


def test_bdk_coefficients_of_amk():
    assert status("AMK", "8.1", date(2018, 6, 30)).state == "valid"
    assert not status("AMK", "8.1", date(2018, 6, 30)).fact.uncertain
    s = status("AMK", "8.1", date(2018, 7, 1))
    assert (s.state, s.valid_until, s.replacement) == ("superseded", date(2018, 6, 30), D("10.7"))
    assert status("AMK", "10.1", date(2018, 7, 1)).replacement == D("10.8")
    for day in (date(2018, 7, 1), date(2024, 2, 22), date(2026, 1, 1)):
        assert status("AMK", "10.7", day).state == "valid"
        assert status("AMK", "10.8", day).state == "valid"
    assert status("AMS", "10.7", date(2024, 2, 21)).state == "valid"
    assert status("AMS", "10.7", date(2024, 2, 22)).state == "superseded"


def test_unknown_coverage_before_2024_is_valid_but_uncertain():
    s = status("AMK", "6", date(2024, 2, 21))
    assert s.state == "valid" and s.fact.uncertain and "not checked" in s.fact.why_uncertain()
    assert status("AMK", "2.5", date(2023, 1, 1)).state == "valid"  # never "early" without a list
    after = status("AMK", "6", date(2024, 2, 22))
    assert after.state == "never" and not after.fact.uncertain
    assert status("AMK", "5", date(2024, 2, 21)).fact.confidence == "M"  # an isolated bilan (AMK or AMC)
    assert status("AMS", "7.5", date(2023, 1, 1)).fact.confidence == "M"


def test_tmk_coefficients_are_not_checked():
    s = status("TMK", "8.12", date(2026, 1, 1))
    assert s.state == "valid" and s.fact.uncertain


def test_frailty_bilan_is_announced_for_2026_09_01_and_shares_amk_10():
    def frailty(day):
        return [a for a in N.acts_on(day) if "frailty" in a.label]
    assert frailty(date(2026, 8, 31)) == []
    (act,) = frailty(date(2026, 9, 1))
    assert (act.letter, act.coefficient, act.kind) == ("AMK", D("10"), "isolated_bilan") and act.fact.uncertain
    # The pair is also a certain isolated bilan: billing AMK 10 is certain, whatever the step.
    assert status("AMK", "10", date(2026, 9, 1)).state == "valid"
    assert not N.on(date(2026, 9, 1), "metropole").act("AMK", D("10")).fact.uncertain


def test_never_and_unknown_letter():
    s = status("PLL", "13", date(2025, 1, 1))
    assert s.state == "never" and not s.fact.uncertain and s.valid_now == (D("12"),)
    assert status("PLL", "12", date(2025, 1, 1)).fact.confidence == "M"
    u = status("XYZ", "1", date(2025, 1, 1))
    assert u == CoefficientStatus("unknown_letter", "XYZ", D("1"), None, None, None, (), None)


def test_coefficient_equality_ignores_trailing_zeros():
    assert status("RIM", "7.5", date(2025, 1, 1)).state == "valid"
    assert status("RPE", "6.00", date(2026, 1, 1)).state == "act_deleted"


def _listed(letter, day):
    return [str(c) for c in N.coefficient_status(letter, D("0"), day).valid_now]


def test_per_act_lists_2024_2025():
    day = date(2025, 12, 31)
    assert _listed("RAM", day) == ["7.47", "7.48", "7.49", "7.50", "7.51", "7.52", "7.53"]
    assert _listed("RAM", date(2024, 7, 12)) == ["7.48", "7.49", "7.50", "7.51", "7.52", "7.53"]
    assert status("RAM", "7.47", date(2024, 7, 13)).fact.confidence == "L"  # its start date was not found
    for letter in ("RAO", "VSM", "DRA"):
        assert _listed(letter, day) == ["7.48", "7.49", "7.50", "7.51"]
    for letter in ("RSC", "RSM", "VSC", "VIM", "VIC"):
        assert _listed(letter, day) == ["7.49", "7.50", "7.51", "7.52"]
    assert _listed("RIC", day) == ["7.48", "7.49", "7.50", "7.51", "7.52"]
    assert _listed("RIM", day) == ["7.50"]
    assert _listed("RIC", date(2024, 2, 22)) == _listed("RIC", day)
    assert status("RIC", "7.50", day).fact.confidence == "M"  # derived from the 2026 values


def test_other_coefficients_seen():
    day = date(2025, 1, 1)
    assert _listed("ARL", day) == ["7.99", "8", "8.01", "8.49", "8.5", "8.51", "10", "20", "28"]
    assert _listed("NMI", day) == ["8", "8.5", "8.51", "9", "9.01", "10", "10.01", "10.99", "11", "11.01"]
    assert _listed("PLL", day) == ["12"]
    assert _listed("RAB", day) == ["8", "8.01", "8.5"]
    assert _listed("RAV", day) == ["1", "2", "7.99", "8", "8.01", "9", "15.5"]
    assert _listed("RPB", day) == ["8", "9"]
    assert _listed("TER", day) == ["9.49", "9.51", "16"]
    assert _listed("APM", day) == ["7.50", "7.51", "9.50"]
    assert _listed("RPE", day) == ["6", "8.5"]
    assert _listed("AMK", day) == ["1.2", "2.2", "5", "8.5", "10", "10.7", "10.8", "20"]
    assert status("ARL", "28", day).fact.confidence == "M"
    assert status("ARL", "8.49", day).fact.confidence == "M"
    assert status("TER", "16", day).state == "valid"


def test_complete_list_makes_never_certain(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "acts.toml"
    text = path.read_text(encoding="utf-8")
    text += '\n[[coverage]]\nletters = ["TMK"]\nfrom = 2030-01-01\nlist = "complete"\nsource = "s"\nconfidence = "H"\n'
    tmk = 'letters = ["TMK"]\nfrom = 2024-02-22\n'
    text = text.replace(tmk, tmk + "until = 2029-12-31\n")
    path.write_text(text, encoding="utf-8")
    n = load_nomenclature(tmp_path)
    assert n.coefficient_status("TMK", D("8"), date(2029, 12, 31)).state == "valid"
    never = n.coefficient_status("TMK", D("8"), date(2030, 1, 1))
    assert never.state == "never" and not never.fact.uncertain and never.valid_now == ()


def test_every_in_force_letter_has_a_coverage_entry():
    for letter in N.known_letters():
        for day in BOUNDARIES:
            if N.letter_status(letter, day).state == "in_force":
                s = N.coefficient_status(letter, D("999"), day)
                assert s.fact is not None and s.fact.source != "kinelint nomenclature data", (letter, day)


def test_every_replacement_is_valid_on_its_date():
    """A change's target must be listed the day it applies (the data agrees with itself)."""
    for letter in N.known_letters():
        for day in BOUNDARIES:
            before = date.fromordinal(day.toordinal() - 1)
            for c in N.coefficient_status(letter, D("0"), before).valid_now:
                s = N.coefficient_status(letter, c, day)
                if s.state in ("superseded", "act_deleted") and s.replacement is not None:
                    assert s.replacement in s.valid_now, (letter, c, day)


# ---- BDK -----------------------------------------------------------------------


def test_bdk_before_2018():
    rule = N.bdk_rule(date(2018, 6, 30))
    assert rule.letters == ("AMK", "AMS", "AMC")
    assert rule.coefficients == {"general": D("8.1"), "neurological": D("10.1")}
    assert rule.min_series == 10 and not rule.required_at_first_session
    assert rule.kind_of(D("8.1")) == "general" and rule.kind_of(D("10.7")) is None
    assert rule.is_bilan_point(1, "general") and not rule.is_bilan_point(30, "general")


def test_bdk_from_2018_07_01():
    rule = N.bdk_rule(date(2018, 7, 1))
    assert isinstance(rule, BdkRule)
    assert rule.letters == ("AMK", "AMS", "AMC")
    assert rule.coefficients == {"general": D("10.7"), "neurological": D("10.8")}
    assert rule.first_renewal == {"general": 30, "neurological": 60}
    assert rule.renewal_every == {"general": 20, "neurological": 50}
    assert rule.min_series is None and rule.required_at_first_session
    assert not rule.telecare_first_session_allowed
    assert rule.kind_of(D("10.80")) == "neurological" and rule.kind_of(D("8.1")) is None
    assert "16 Apr 2018" in rule.fact.source


def test_bdk_letters_from_2024_02_22():
    assert N.bdk_rule(date(2024, 2, 21)).letters == ("AMK", "AMS", "AMC")
    rule = N.bdk_rule(date(2024, 2, 22))
    assert rule.letters == ("AMK",) and rule.coefficients["general"] == D("10.7")
    assert N.bdk_rule(date(2026, 1, 1)) == rule
    assert N.bdk_rule(date(2012, 7, 14)) is None


def test_bdk_bilan_points():
    rule = N.bdk_rule(date(2025, 1, 1))
    general = [n for n in range(1, 120) if rule.is_bilan_point(n, "general")]
    assert general == [1, 30, 50, 70, 90, 110]
    neuro = [n for n in range(1, 220) if rule.is_bilan_point(n, "neurological")]
    assert neuro == [1, 60, 110, 160, 210]
    assert not rule.is_bilan_point(0, "general") and not rule.is_bilan_point(31, "general")
    with pytest.raises(ValueError):
        rule.is_bilan_point(1, "cardiac")


# ---- exactness -----------------------------------------------------------------------


def test_no_floats_anywhere():
    for letter in N.known_letters():
        for day in BOUNDARIES:
            s = N.coefficient_status(letter, D("0"), day)
            assert all(type(c) is Decimal for c in s.valid_now)
            for territory in ("metropole", "dom"):
                price = N.letter_value(letter, day, territory)
                assert price is None or type(price.amount) is Decimal
    for code in N.known_fees():
        assert type(N.fee_price(code, date(2025, 1, 1), "dom").amount) is Decimal


def test_bdk_rule_knows_the_run_of_its_coefficients():
    nomenclature = load_nomenclature()
    before = nomenclature.bdk_rule(date(2018, 6, 30))
    since_2018 = nomenclature.bdk_rule(date(2024, 3, 1))  # a later window, same coefficients
    assert before.coefficients_until == date(2018, 6, 30)
    assert since_2018.coefficients_since == date(2018, 7, 1)
    assert since_2018.coefficients_until is None


# ---- remembered answers: by date, then by epoch ------------------------------


def _dates_around_the_data():
    """Each date of the data, the day before and after, and the first of every month 2011–2028."""
    days = set()
    for day in N._data_dates():
        days.update((day - ONE_DAY, day, day + ONE_DAY))
    days.update(date(year, month, 1) for year in range(2011, 2029) for month in range(1, 13))
    return sorted(days)


def _coefficients_to_ask(letter):
    """Every listed value, a cent either side, and what the changes turn them into."""
    book = N._coefficients[letter]
    values = {v for s in book.sets for v in s.values}
    values |= {v + step for v in values for step in (D("0.01"), D("-0.01"))}
    values |= {c.apply(v) for c in book.changes for v in list(values)} - {None}
    return sorted(values)


def test_remembered_code_answers_are_the_computed_ones_on_every_date():
    days = _dates_around_the_data()
    for table, status, price in ((N._letters, N.letter_status, N.letter_value), (N._fees, N.fee_status, N.fee_price)):
        for code in table.codes + ("XXX",):
            for on in days:
                assert status(code, on) == table.status(code, on), (code, on)
                for territory in ("metropole", "dom"):
                    assert price(code, on, territory) == table.price(code, on, territory), (code, on, territory)
    for on in days:
        assert N.bdk_rule(on) == next((w.rule for w in N._bdk if w.covers(on)), None), on


def test_remembered_coefficient_answers_are_the_computed_ones_on_every_date():
    days = _dates_around_the_data()
    asked = 0
    for letter, book in N._coefficients.items():
        for coefficient in _coefficients_to_ask(letter):
            for on in days:
                assert N.coefficient_status(letter, coefficient, on) == book.status(coefficient, on), \
                    (letter, coefficient, on)
                asked += 1
    assert asked > 10_000  # the sweep really ran


def test_an_epoch_is_bounded_by_the_data_dates():
    epochs = DateEpochs([date(2026, 1, 1), date(2026, 5, 27)])
    assert epochs.representative(date(2025, 12, 31)) == date.min
    assert epochs.representative(date(2026, 1, 1)) == date(2026, 1, 1)
    assert epochs.representative(date(2026, 1, 2)) == date(2026, 1, 2)  # the day after a date is a boundary
    assert epochs.representative(date(2026, 3, 15)) == date(2026, 1, 2)
    assert epochs.representative(date(2026, 5, 28)) == date(2026, 5, 28)
    assert epochs.representative(date(2030, 1, 1)) == date(2026, 5, 28)


def test_a_day_answers_as_the_nomenclature_does_on_that_date():
    for on in _dates_around_the_data():
        for territory in ("metropole", "dom"):
            day = N.on(on, territory)
            assert day.bdk_rule == N.bdk_rule(on)
            for letter in N.known_letters() + ("XXX",):
                assert day.letter_status(letter) == N.letter_status(letter, on), (letter, on)
                assert day.letter_value(letter) == N.letter_value(letter, on, territory), (letter, on, territory)
            for code in N.known_fees() + ("XXX",):
                assert day.fee_status(code) == N.fee_status(code, on), (code, on)
                assert day.fee_price(code) == N.fee_price(code, on, territory), (code, on, territory)
    for letter in N._coefficients:
        for coefficient in _coefficients_to_ask(letter):
            for on in BOUNDARIES:
                assert N.on(on, "metropole").coefficient_status(letter, coefficient) == \
                    N.coefficient_status(letter, coefficient, on), (letter, coefficient, on)


def test_dates_of_one_epoch_share_one_day_and_a_day_keeps_only_known_codes():
    assert N.on(date(2026, 3, 2), "dom") is N.on(date(2026, 3, 3), "dom")
    assert N.on(date(2025, 12, 31), "dom") is not N.on(date(2026, 1, 1), "dom")
    day = N.on(date(2026, 3, 2), "metropole")
    for n in range(100):
        assert day.letter_status(f"Z{n}").state == "unknown"
    assert not any(code.startswith("Z") for code in day.letter_status.__self__)  # a hostile file cannot grow it


def test_a_day_refuses_an_unknown_territory():
    with pytest.raises(ValueError, match="territory"):
        N.on(date(2026, 3, 2), "mars")


def test_queries_take_keyword_arguments_as_plugins_may_write_them():
    on = date(2026, 1, 5)
    assert N.letter_value("RIC", on=on, territory="dom") == N.letter_value("RIC", on, "dom")
    assert N.coefficient_status(letter="RIC", coefficient=D("8.12"), on=on) == N.coefficient_status("RIC", D("8.12"), on)
    assert N.letter_status("RIC", on=date(2024, 2, 21)).state == "not_yet"


# ---- the package's imports go one way -------------------------------------------------------

def test_nomenclature_modules_import_in_one_direction():
    """records <- tables <- day <- model <- loader: no module imports one that imports it back
    (TYPE_CHECKING imports count: a circle there is a circle for readers and type checkers)."""
    import ast

    modules = ("records", "tables", "day", "model", "loader")
    imports = {}
    for name in modules:
        tree = ast.parse((DATA.parent / f"{name}.py").read_text(encoding="utf-8"))
        imports[name] = {node.module for node in ast.walk(tree)
                         if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in modules}
    order = {name: rank for rank, name in enumerate(modules)}
    for name, imported in imports.items():
        assert all(order[other] < order[name] for other in imported), (name, imported)


# ---- the act catalogue --------------------------------------------------------------------

def test_act_names_and_the_same_act_on_another_date():
    day = N.on(date(2026, 1, 12), "metropole")
    knee = day.act("RIC", D("8.12"))
    assert knee.name == "RIC 8.12 (total knee arthroplasty)"
    assert (knee.article, knee.kind, knee.prior_approval, knee.two_a_day) == ("II-1-C", "rehabilitation", 25, False)
    assert knee.valid_from == date(2026, 1, 1) and knee.valid_until == date(2027, 6, 30)
    before = N.same_act_on(knee, date(2025, 12, 31))
    assert before.coefficient == D("7.52") and before.label == knee.label
    assert N.same_act_on(knee, date(2024, 2, 21)) is None
    assert day.act("RIC", D("8.120")) == knee and day.act("RIC", D("9")) is None and day.act("XYZ", D("1")) is None


def test_specific_indemnities_are_resolved_for_the_day_asked():
    for on, expected in [(date(2025, 12, 31), {"IFN"}), (date(2026, 1, 1), {"IFS"})]:
        assert N.on(on, "dom").act("TER", D("16")).specific_indemnities == expected
    assert N.on(date(2026, 1, 1), "metropole").act("ARL", D("8.49")).specific_indemnities == frozenset()
    assert N.on(date(2023, 1, 1), "metropole").act("AMS", D("9.5")).specific_indemnities == {"IFO"}


def test_prior_approval_and_two_a_day_from_the_text():
    day = N.on(date(2026, 6, 21), "metropole")
    assert day.act("RSC", D("8.09")).prior_approval == 0  # carpal tunnel: before starting
    assert day.act("RAM", D("8.08")).prior_approval == 15  # the approval sentence, not "1 to 10"
    assert {(a.letter, a.coefficient) for a in N.acts_on(date(2026, 6, 21)) if a.two_a_day} == {
        ("ARL", D("8.49")), ("ARL", D("10")), ("RPB", D("8")), ("RPB", D("9"))}
    kinds = {a.kind for a in N.acts_on(date(2026, 6, 21))}
    assert kinds == {"rehabilitation", "isolated_bilan", "bdk", "balneotherapy", "bandage"}


def test_letters_have_their_official_meanings():
    assert N.letter_meaning("RIC") == "lower limb, operated, under a reference situation"
    assert all(N.letter_meaning(letter) for letter in N.known_letters())
    assert N.letter_meaning("XYZ") is None


def test_every_shipped_fact_cites_its_source_and_the_ngap_where_it_prints_it():
    for on in BOUNDARIES:
        for act in N.acts_on(on):
            assert act.fact.source and act.fact.confidence in "HML"
            if act.letter in NEW_LETTERS and not act.fact.uncertain and act.valid_from >= date(2026, 1, 1):
                assert "NGAP-21062026.pdf" in act.fact.source, act
    for path in DATA.glob("*.toml"):
        assert "ngap-kine" not in path.read_text(encoding="utf-8"), path  # users do not have the notes


def test_an_act_may_include_a_supplement_kind():
    lymphoedema = N.on(date(2026, 1, 5), "metropole").act("RAV", D("15.5"))
    assert lymphoedema.includes == {"bandage"}
    assert N.on(date(2026, 1, 5), "metropole").act("RAV", D("8")).includes == frozenset()


def test_includes_must_name_supplement_kinds(tmp_path):
    message = _broken(tmp_path, "acts.toml", 'includes = ["bandage"]', 'includes = ["massage"]')
    assert "acts.toml" in message and "(RAV)" in message and "includes" in message


def test_meanings_must_name_known_letters(tmp_path):
    message = _broken(tmp_path, "letters.toml", 'RIC = "lower limb', 'RIX = "lower limb')
    assert "letters.toml" in message and "[meanings]" in message and "RIX" in message


def test_bdk_labels_must_be_text(tmp_path):
    message = _broken(tmp_path, "bdk.toml", 'general = "bilan diagnostic kinésithérapique (BDK)"', "general = 1")
    assert "bdk.toml" in message and "[labels]" in message
