"""French: every message of the code and every rule summary translated, none falling back silently;
``--lang fr``, ``LANG`` and the English default; values written the French way."""

from __future__ import annotations

import gettext
import json
import pickle
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import REPO, install_fake_plugin, run_cli
from invoice_factory import act, bdk, dumps, fee, make_invoice, session

from kinelint import __version__, i18n
from kinelint.nomenclature.rulesets import load_rulesets
from kinelint.i18n import Joined, Money, Term, all_of, any_of, language_from_environment, msg, nmsg, render

PO = REPO / "kinelint" / "locale" / "fr" / "LC_MESSAGES" / "kinelint.po"
HOW_TO = "run the README's Translations commands (extract, update), translate in the .po, then compile"


def _catalog():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="fr", domain=i18n.DOMAIN)


def _method_map():
    """babel.cfg, the mapping the README's extract command uses."""
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(REPO / "babel.cfg", encoding="utf-8") as handle:
        return parse(handle)


def _code_messages():
    """(where, msgid, plural) of every message the code marks, as ``pybabel extract`` finds them."""
    method_map, options_map = _method_map()
    for filename, lineno, message, _, _ in extract_from_dir(str(REPO), method_map, options_map,
                                                             keywords=i18n.KEYWORDS):
        singular, plural = (message, None) if isinstance(message, str) else message[:2]
        yield f"{filename}:{lineno}", singular, plural


def _data_terms():
    """The acts' labels, as the babel.cfg extraction finds them."""
    with open(REPO / "kinelint" / "nomenclature" / "data" / "acts.toml", "rb") as handle:
        return list(i18n.extract_data_terms(handle, None, None, {"keys": "label"}))


def _strings(entry) -> list[str]:
    return [entry.string] if isinstance(entry.string, str) else list(entry.string)


def _untranslated(entry) -> bool:
    return entry is None or entry.fuzzy or not all(_strings(entry))


# -- the catalog is complete ---------------------------------------------------------------------------


def test_the_extraction_finds_the_messages_of_the_core_and_of_every_plugin():
    found = {where.split(":")[0].split("/")[0] for where, _, _ in _code_messages()}
    files = {where.split(":")[0] for where, _, _ in _code_messages()}
    assert found == {"kinelint", "plugins"}
    assert {"kinelint/report/reporters.py", "kinelint/check/schema.py", "plugins/kinelint_tariffs/__init__.py"} <= files
    assert len(list(_code_messages())) > 150


def test_every_message_of_the_code_has_a_french_translation():
    """The list printed is exactly what is left to translate (msgid and where the code uses it)."""
    catalog = _catalog()
    missing = sorted({f"{where}: {singular!r}" for where, singular, plural in _code_messages()
                      if _untranslated(catalog.get(singular))
                      or (plural is not None and (not isinstance(catalog.get(singular).id, tuple)
                                                  or catalog.get(singular).id[1] != plural))})
    assert not missing, f"{len(missing)} message(s) with no French translation ({HOW_TO}):\n" + "\n".join(missing)


def test_every_rule_summary_has_a_french_translation():
    from kinelint.report.docs import builtin_rules
    from kinelint.check.host import PluginHost

    catalog = _catalog()
    rules = builtin_rules(PluginHost.from_entry_points())
    assert len(rules) >= 40
    missing = sorted(f"{rule.code}: {rule.summary!r}" for rule in rules if _untranslated(catalog.get(rule.summary)))
    assert not missing, (f"{len(missing)} rule summary(ies) with no French translation (mark the summary "
                         f"N_(...) and {HOW_TO}):\n" + "\n".join(missing))
    same = [rule.code for rule in rules if i18n.translate(rule.summary, "fr") == rule.summary]
    assert not same, f"summaries shown in English under --lang fr: {same}"


def test_every_translation_uses_the_fields_of_its_message():
    """A translation that drops or invents a {field} would lose a value or fall back to English."""
    wrong = []
    for entry in _catalog():
        if not entry.id or _untranslated(entry):
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        expected = set().union(*(i18n.fields(text) for text in ids))
        wrong += [f"{ids[0]!r} -> {text!r}" for text in _strings(entry) if i18n.fields(text) != expected]
    assert not wrong, "\n".join(wrong)


def test_the_installed_catalog_is_compiled_from_the_current_po():
    compiled = i18n.translations("fr")
    assert isinstance(compiled, gettext.GNUTranslations), \
        "no compiled French catalog: reinstall (pip install -e .) or run pybabel compile (README, Translations)"
    stale = []
    for entry in _catalog():
        if not entry.id or _untranslated(entry):
            continue
        if isinstance(entry.id, str):
            ok = compiled._catalog.get(entry.id) == entry.string
        else:
            ok = all(compiled._catalog.get((entry.id[0], index)) == text for index, text in enumerate(entry.string))
        if not ok:
            stale.append(entry.id)
    assert not stale, f"the .mo is older than the .po ({len(stale)} entries): recompile (README, Translations)"


def test_compiled_catalogs_are_not_committed():
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git work tree")
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=REPO, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""
    assert PO.exists()


# -- values written the French way ----------------------------------------------------------------------


def test_a_message_is_its_english_text_and_renders_in_french():
    message = msg("session {number} ({date})", number=3, date=date(2026, 1, 5))
    assert message == "session 3 (2026-01-05)" and isinstance(message, str)
    assert message.render("fr") == "séance 3 (05/01/2026)"
    assert render(message, "en") == "session 3 (2026-01-05)"


def test_numbers_and_money_use_the_decimal_comma_and_the_euro_sign_in_french():
    message = msg("{where}: {act} × {price} = {product}, billed {billed}; expected {expected} {when}",
                  where=msg("session {number} ({date})", number=1, date=date(2026, 1, 12)),
                  act=msg("{letter} {coefficient} ({label})", letter="RIC", coefficient=Decimal("8.120"),
                          label=Term("total knee arthroplasty")),
                  price=Money(Decimal("2.21")), product=Money(Decimal("17.9452")),
                  billed=Money(Decimal("17.94")), expected=Money(Decimal("17.95")),
                  when=msg("on {date} ({territory})", date=date(2026, 1, 12), territory=Term("metropole")))
    assert message == ("session 1 (2026-01-12): RIC 8.12 (total knee arthroplasty) × 2.21 = 17.9452, billed 17.94; "
                       "expected 17.95 on 2026-01-12 (metropole)")
    assert message.render("fr") == ("séance 1 (12/01/2026) : RIC 8,12 (prothèse totale de genou) × 2,21 € = 17,9452 €, "
                                    "facturé 17,94 € ; attendu 17,95 € le 12/01/2026 (métropole)")
    assert str(Money(Decimal("6"))) == "6.00"


def test_a_data_term_the_catalog_does_not_know_stays_as_written():
    assert msg("{letter} {coefficient} ({label})", letter="XYZ", coefficient=Decimal("1"),
               label=Term("a label no catalog has")).render("fr") == "XYZ 1 (a label no catalog has)"


def test_plurals_follow_french_rules_zero_is_singular():
    counts = {n: nmsg("{count} error", "{count} errors", n) for n in (0, 1, 2)}
    assert [counts[n] for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert [counts[n].render("fr") for n in (0, 1, 2)] == ["0 erreur", "1 erreur", "2 erreurs"]


def test_lists_are_joined_with_the_language_s_words():
    assert all_of(["IFO", "IFR", "IFN"]) == "IFO, IFR and IFN"
    assert all_of(["IFO", "IFR", "IFN"]).render("fr") == "IFO, IFR et IFN"
    assert any_of(["RIC", "RIK"]).render("fr") == "RIC ou RIK"
    assert any_of(["RIC"]) == "RIC"
    assert Joined([Decimal("8.08"), Decimal("8.1")]).items == (Decimal("8.08"), Decimal("8.1"))


def test_plain_strings_stay_as_written():
    assert render("act RIC has no label", "fr") == "act RIC has no label"


def test_a_message_the_catalog_does_not_know_is_shown_in_english():
    assert msg("a template {x} no catalog has", x=Decimal("1.5")).render("fr") == "a template 1,5 no catalog has"


def test_a_translation_naming_another_field_falls_back_to_english_instead_of_failing(monkeypatch):
    class Broken(gettext.NullTranslations):
        def gettext(self, message):
            return "{nope}"

    monkeypatch.setattr(i18n, "translations", lambda lang: Broken())
    assert msg("session {number}", number=2).render("fr") == "session 2"


def test_messages_travel_to_worker_processes_intact():
    message = msg("{where}: {text}", where=msg("session {number} ({date})", number=1, date=date(2026, 1, 12)),
                  text=Joined([Money(Decimal("1.50")), Decimal("8.5")], "; "))
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and copy.render("fr") == message.render("fr") == "séance 1 (12/01/2026) : 1,50 € ; 8,5"


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr"}, "fr"),
    ({"LANG": "C.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANGUAGE": "de:fr", "LANG": "de_DE.UTF-8"}, "fr"),
    ({"LANG": "fr_CA@euro"}, "fr"),
    ({"LANG": "POSIX"}, "en"),
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(environment, expected):
    assert language_from_environment(environment) == expected


# -- the command line -----------------------------------------------------------------------------------

TAR = "examples/faulty/tar-one-cent-off.json"
TAR_FR = 'examples/faulty/tar-one-cent-off.json:34:21: error TAR001 séance 1 (12/01/2026) : RPE 8,5 (membres inférieurs, posture et équilibre de la personne âgée) × 2,21 € = 18,785 €, facturé 18,78 € ; attendu 18,79 € le 12/01/2026 (métropole) [correction sûre]'
NEWEST = load_rulesets().newest.name
TAR_EN = 'examples/faulty/tar-one-cent-off.json:34:21: error TAR001 session 1 (2026-01-12): RPE 8.5 (lower limbs, posture and balance of the elderly) × 2.21 = 18.785, billed 18.78; expected 18.79 on 2026-01-12 (metropole) [safe fix]'


def test_lang_fr_writes_messages_and_the_summary_line_in_french():
    result = run_cli("check", "--lang", "fr", TAR)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        TAR_FR, f"kinelint {__version__}, jeu de règles {NEWEST}.",
        "1 fichier et 1 facture vérifiés : 1 erreur, 0 avertissement ; facturé à tort : TAR 0,01 € en moins."]


def test_statistics_and_money_at_stake_in_french():
    result = run_cli("check", "--lang", "fr", "--statistics", TAR)
    lines = [line.split() for line in result.stdout.decode().splitlines()]
    assert lines[0] == ["1", "TAR", "(montants)", "0,01", "€", "en", "moins"]
    assert lines[1] == ["1", "TAR001", "act-amount-mismatch", "0,01", "€", "en", "moins"]
    assert result.stdout.decode().splitlines()[-1] == (
        "1 fichier et 1 facture vérifiés : 1 erreur, 0 avertissement ; facturé à tort : TAR 0,01 € en moins.")


def test_english_is_the_default():
    result = run_cli("check", TAR)
    assert result.stdout.decode().splitlines() == [TAR_EN, f"kinelint {__version__}, rule set {NEWEST}.",
                                                   "1 file, 1 invoice checked: 1 error, 0 warnings; billed in error: TAR €0.01 too little."]


@pytest.mark.parametrize("environment", [{"LANG": "fr_FR.UTF-8"}, {"LC_MESSAGES": "fr_FR.UTF-8"}, {"LANGUAGE": "fr"}])
def test_the_environment_chooses_french(environment):
    result = run_cli("check", TAR, env=environment)
    assert result.stdout.decode().splitlines()[0] == TAR_FR


def test_lang_en_wins_over_a_french_environment():
    result = run_cli("check", "--lang", "en", TAR, env={"LANG": "fr_FR.UTF-8"})
    assert result.stdout.decode().splitlines()[0] == TAR_EN


def test_an_unknown_language_is_a_usage_error():
    result = run_cli("check", "--lang", "de", TAR)
    assert result.returncode == 2 and b"--lang" in result.stderr


def test_machine_formats_carry_the_message_in_the_chosen_language(tmp_path):
    result = run_cli("check", "--lang", "fr", "--format", "json", TAR)
    report = json.loads(result.stdout)
    [finding] = report["findings"]
    assert finding["code"] == "TAR001" and finding["rule"] == "act-amount-mismatch"
    assert finding["message"] == TAR_FR.split(" TAR001 ", 1)[1].removesuffix(" [correction sûre]")  # the mark is the text report's
    out = tmp_path / "report.sarif"
    result = run_cli("check", "--lang", "fr", "--format", "sarif", "-o", str(out), TAR)
    assert result.stdout.decode() == ("1 fichier et 1 facture vérifiés : 1 erreur, 0 avertissement ; "
                                      "facturé à tort : TAR 0,01 € en moins.\n")
    sarif = json.loads(out.read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["message"]["text"] == finding["message"]
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "arrondi au centime" in json.dumps(rules["TAR001"], ensure_ascii=False)


def test_parallel_workers_write_the_same_french():
    one = run_cli("check", "--lang", "fr", "--jobs", "1", "examples/")
    two = run_cli("check", "--lang", "fr", "--jobs", "2", "examples/")
    assert one.stdout == two.stdout and "séance" in one.stdout.decode()


def test_rules_and_rule_pages_in_french():
    listing = run_cli("rules", "--lang", "fr").stdout.decode()
    assert "TAR001  error    act-amount-mismatch" in listing and "Le montant d'un acte n'est pas son coefficient" in listing
    page = run_cli("rule", "TAR001", "--lang", "fr").stdout.decode()
    assert "**Ce que fait la règle.** Le montant d'un acte" in page and "Famille : TAR" in page
    assert "**What it does.** An act's amount" in run_cli("rule", "TAR001").stdout.decode()


def test_kinelint_s_own_notes_on_stderr_in_french(tmp_path):
    baseline = tmp_path / "baseline.toml"
    result = run_cli("check", "--lang", "fr", "--write-baseline", str(baseline), TAR)
    assert f"kinelint: 1 constat(s) enregistré(s) dans la référence {baseline}" in result.stderr.decode()
    result = run_cli("rule", "XYZ999", "--lang", "fr")
    assert result.returncode == 2 and "aucune règle 'XYZ999'" in result.stderr.decode()


def test_a_third_party_plugin_s_plain_message_is_shown_as_written(tmp_path):
    install_fake_plugin(tmp_path, "plainmsg", '''
        from kinelint.findings import Rule, Violation
        from kinelint.hookspecs import hookimpl
        from kinelint.i18n import msg

        @hookimpl
        def kinelint_rules():
            return [Rule("XPL001", "plain", "warning", "Plain.", "r", "s"),
                    Rule("XPL002", "templated", "warning", "Templated.", "r", "s")]

        @hookimpl
        def kinelint_check_invoice(invoice):
            yield Violation("XPL001", f"invoice {invoice.invoice_id}: a plain message", "")
            yield Violation("XPL002", msg("{n} acts seen on {day}", n=2, day=invoice.issued_on), "")
    ''')
    result = run_cli("check", "--lang", "fr", "--format", "json", "examples/clean/home-visit-2026.json",
                     env_path=tmp_path)
    messages = {f["code"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert messages["XPL001"].endswith(": a plain message")
    assert messages["XPL002"].startswith("2 acts seen on ") and "/20" in messages["XPL002"]  # the date, the French way


# -- no finding falls back to English -------------------------------------------------------------------


class _Strict(gettext.NullTranslations):
    """A catalog lookup that fails: the French catalog has no entry for that message."""

    def __init__(self, missing: set) -> None:
        super().__init__()
        self.missing = missing

    def gettext(self, message):
        self.missing.add(message)
        return message

    def ngettext(self, singular, plural, n):
        self.missing.add(singular)
        return singular if n == 1 else plural


def _corpus():
    """Invoices that, between them, break rules of every built-in family (plus the faulty examples)."""
    home = "domicile"
    yield make_invoice([session(1, acts=[act("RIC", "8.12")])])  # BDK001
    yield make_invoice([session(1, acts=[bdk(), bdk("10.8"), act("RIC", "8.12")])])  # BDK004
    yield make_invoice([session(1, acts=[bdk()])])  # BDK005
    yield make_invoice([session(1, acts=[bdk(), act("RIC", "8.12")]),
                        session(7, "2026-01-20", acts=[bdk(), act("RIC", "8.12")])])  # BDK003
    yield make_invoice([session(1, acts=[bdk("9.5"), act("RIC", "8.12")])])  # BDK002
    yield make_invoice([session(2, "2025-12-31", home, fees=[fee("IFO"), fee("IFR"), fee("IFD")])])  # CUM001, CUM002
    yield make_invoice([session(2, "2026-01-12", "cabinet", fees=[fee("IFD"), fee("IFD"), fee("MN"), fee("MD", "2.00")])])
    yield make_invoice([session(2, "2026-01-12", home, fees=[fee("IK", quantity=3), fee("IK", quantity=3)])])  # CUM003
    yield make_invoice([session(2, "2024-07-01", acts=[act("AMS", "7.5", "15.00")])])  # OBS001
    yield make_invoice([session(2, "2026-01-12", acts=[act("RIX", "8.12", "20.00"), act("RPE", "6", "13.26")])])
    yield make_invoice([session(2, "2025-12-31", home, fees=[fee("IFS", "4.00"), fee("IFD", "9.99", 2)])])
    yield make_invoice([session(2, "2024-02-21", acts=[act("RIC", "7.52", "16.62")])])  # OBS004
    yield make_invoice([session(2, "2025-06-12", acts=[act("RIC", "8.12", "17.95")])])  # COE002
    yield make_invoice([session(2, "2026-01-12", acts=[act("RPE", "7", "15.47"), act("RIC", "7.52", "16.62")])])
    yield make_invoice([session(2, "2026-01-12", acts=[act("RIC", "8.12", "1.00")])], total="9.99")  # TAR
    yield make_invoice([session(1), session(1, "2026-01-11"), session(20, "2026-01-14")], sessions_prescribed=15,
                       prescription_date="2026-01-13", issued_on="2026-01-12", nir="185057800608400",
                       rpps="10003456780")  # CON
    yield make_invoice([session(1, "2030-01-02")], issued_on="2030-01-02")  # CON007
    yield {"version": 1, "invoice_id": "F-1", "sessions": [], "extra": True, "total": "1"}  # SCH


def _dump(invoice) -> str:
    """JSON text with the factory's Decimals as numbers (two decimals at most: a float writes them exactly)."""
    def plain(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return json.dumps(plain(invoice))


def test_no_french_finding_falls_back_to_english(monkeypatch, tmp_path):
    """Every finding of the corpus is written in French: its catalog entries exist and no built-in
    plugin passed a plain (untranslatable) string."""
    from kinelint.api import lint_paths

    for index, invoice in enumerate(_corpus()):
        (tmp_path / f"{index:02d}.json").write_text(_dump(invoice), encoding="utf-8")
    (tmp_path / "batch.jsonl").write_text(_dump(make_invoice()) + "\n" + _dump(make_invoice()) + "\n", encoding="utf-8")
    paths = [str(tmp_path), str(REPO / "examples" / "faulty")]
    english, _ = lint_paths(paths, today=date(2026, 6, 1))
    missing: set = set()
    real = i18n.translations("fr")

    class Checked(_Strict):
        def gettext(self, message):
            if message in real._catalog:
                return real.gettext(message)
            return super().gettext(message)

        def ngettext(self, singular, plural, n):
            if (singular, 0) in real._catalog:
                return real.ngettext(singular, plural, n)
            return super().ngettext(singular, plural, n)

    monkeypatch.setattr(i18n, "translations", lambda lang: Checked(missing))
    french, _ = lint_paths(paths, today=date(2026, 6, 1), lang="fr")
    assert not missing, "no French translation for:\n" + "\n".join(sorted(missing))
    codes = {f.code for f in english}
    assert {"BDK001", "BDK002", "BDK003", "BDK004", "BDK005", "CUM001", "CUM002", "CUM003", "CUM004", "CUM005",
            "OBS001", "OBS002", "OBS003", "OBS004", "OBS005", "COE001", "COE002", "COE003", "TAR001", "TAR002",
            "TAR003", "TAR004", "CON001", "CON002", "CON003", "CON005", "CON006", "CON007", "CON008", "CON010",
            "SCH001", "SCH002", "SCH003", "SCH004", "SCH005", "SCH007", "PRS002"} <= codes, sorted(codes)
    assert [(f.code, f.pointer) for f in french] == [(f.code, f.pointer) for f in english]
    same = [f"{f.code} {f.message}" for f, e in zip(french, english) if f.message == e.message]
    assert not same, "written in English under --lang fr:\n" + "\n".join(same)
    labels = {text for _, _, text, _ in _data_terms() if real.gettext(text) != text}
    english_labels = sorted({f"{f.code}: {label!r}" for f in french for label in labels if f"({label})" in f.message})
    assert not english_labels, "act labels left in English under --lang fr:\n" + "\n".join(english_labels)


def test_a_patient_birth_date_in_a_french_message_is_masked_too():
    """The masking sees the value before it is written the French way (07/02/1969 is the same date)."""
    from kinelint.api import lint_invoice

    invoice = make_invoice([session(1, "2026-01-12")], prescription_date="2026-01-13", birth_date="2026-01-12")
    [finding] = [f for f in lint_invoice(invoice, lang="fr") if f.code == "CON001"]
    assert "12/01/2026" not in finding.message and "[redacted]" in finding.message


# -- the build compiles the catalog ---------------------------------------------------------------------


@pytest.mark.network
@pytest.mark.skipif(__import__("os").environ.get("KINELINT_OFFLINE") == "1", reason="KINELINT_OFFLINE=1: no package index")
def test_a_wheel_built_from_a_clean_copy_carries_the_compiled_catalog(tmp_path):
    """``pip install .`` builds a wheel like this one: Babel (a build requirement) compiles the .po into it."""
    import os
    import sys
    import zipfile

    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git work tree")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    source = tmp_path / "src"
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    assert not list(source.rglob("*.mo"))
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, env=environment, timeout=600)
    [wheel] = (tmp_path / "dist").glob("kinelint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("kinelint/locale/fr/LC_MESSAGES/kinelint.mo")
    (tmp_path / "kinelint.mo").write_bytes(data)
    with open(tmp_path / "kinelint.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.gettext("session {number} ({date})") == "séance {number} ({date})"
    assert compiled.ngettext("{count} error", "{count} errors", 2) == "{count} erreurs"


def test_readme_french_example_is_what_kinelint_prints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("In French, with `--lang fr`", 1)[1].split("```", 2)[1].strip().splitlines()
    command, expected = block[0], block[1:]
    assert command.startswith("$ kinelint check --lang fr ")
    result = run_cli(*command.removeprefix("$ kinelint ").split())
    assert result.stdout.decode().splitlines() == expected


def test_configuration_errors_in_french(tmp_path):
    config = tmp_path / "kinelint.toml"
    config.write_text('selct = ["SCH"]\n', encoding="utf-8")
    result = run_cli("check", "--lang", "fr", "--config", str(config), TAR)
    assert result.returncode == 2
    assert result.stderr.decode() == (f"kinelint: clé inconnue 'selct' dans {config} (vouliez-vous dire 'select' ?) ; "
                                      "les clés sont : select, ignore, per-file-ignores, severity, fail-on, today, exclude, "
                                      "extend-exclude, force-exclude, respect-gitignore, thresholds, adapters, ruleset, preview\n")


def test_ci_formats_in_french_keep_their_fingerprints():
    english = json.loads(run_cli("check", "--format", "gitlab", "examples/faulty/").stdout)
    french = json.loads(run_cli("check", "--lang", "fr", "--format", "gitlab", "examples/faulty/").stdout)
    assert [f["fingerprint"] for f in french] == [f["fingerprint"] for f in english]
    assert [f["description"] for f in french] != [f["description"] for f in english]
    annotations = run_cli("check", "--lang", "fr", "--format", "github", TAR).stdout.decode().splitlines()
    assert annotations[0].endswith("(facture F-2026-000105, en /sessions/0/acts/1/amount)")
    assert "::séance 1 (12/01/2026) : RPE 8,5" in annotations[0]
    assert annotations[-1] == ("1 fichier et 1 facture vérifiés : 1 erreur, 0 avertissement ; "
                               "facturé à tort : TAR 0,01 € en moins.")


def test_the_progress_line_in_french():
    import io

    from kinelint.findings import Summary
    from kinelint.cli.progress import Progress

    ticks = iter([0.0, 2.0])
    progress = Progress(Summary(files=3, invoices=12500), io.StringIO(), clock=lambda: next(ticks), lang="fr")
    assert progress.line()[2:] == "3 fichiers et 12\u202f500 factures vérifiés, 6\u202f250 factures/s"


def test_issue_13_messages_in_french(tmp_path):
    """Schema places counted from 1, the not-an-invoice finding and the earlier invoice of a repeated id, in French."""
    missing = make_invoice(invoice_id="F-1")
    del missing["sessions"][0]["date"]
    twins = [make_invoice(invoice_id="F-2", prescription_id=f"RX-{n}") for n in (1, 2)]
    (tmp_path / "missing.json").write_text(dumps(missing), encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "export", "version": "1.0.0"}', encoding="utf-8")
    (tmp_path / "twins.jsonl").write_text("".join(dumps(t) + "\n" for t in twins), encoding="utf-8")
    result = run_cli("check", "--lang", "fr", "--format", "json", ".", cwd=tmp_path)
    messages = {(f["file"], f["code"]): f["message"] for f in json.loads(result.stdout)["findings"]}
    assert messages["missing.json", "SCH001"] == "champ obligatoire manquant dans séance 1 : 'date'"
    assert messages["package.json", "SCH008"].startswith("pas une facture : l'objet n'a ni 'invoice_id'")
    assert messages["twins.jsonl", "CON008"].endswith("(facture antérieure : F-2, twins.jsonl:1)")


def test_zones_are_written_as_a_billing_office_reads_them():
    from kinelint.i18n import msg, render
    from kinelint.rulekit import zone_name

    assert render(msg("on {date} ({territory})", date="x", territory=zone_name("metropole")), "fr").endswith("(métropole)")
    assert render(msg("{zone}", zone=zone_name("dom")), "fr") == "DOM"
    assert render(msg("{zone}", zone=zone_name("metropole")), "en") == "metropole"  # English keeps the invoice's code


def test_a_related_place_has_a_space_before_its_colon_in_french_only():
    from kinelint.findings import Related

    twin = Related("facture antérieure", "a.json", 3, 1, "/invoice_id", "F-1")
    assert twin.describe("fr") == "facture antérieure : F-1, a.json:3"
    assert Related("earlier invoice", "a.json", 3, 1, "/invoice_id", None).describe() == "earlier invoice: a.json:3"


def test_json_field_names_in_french_sentences_are_french_words_with_their_article_or_quoted_keys(tmp_path):
    from invoice_factory import clean, dumps

    invoice = clean("F-1")
    invoice["sessions"][0]["date"] = "2026-02-30"
    invoice["sessions"][0]["place"] = "home"
    (tmp_path / "a.json").write_text(dumps(invoice, indent=2))
    french = run_cli("check", "--lang", "fr", "a.json", cwd=tmp_path).stdout.decode()
    english = run_cli("check", "a.json", cwd=tmp_path).stdout.decode()
    assert "séance 1 : « place » \"home\" n'est pas permis : valeurs attendues" in french
    assert "session 1: place \"home\" is not allowed: expected" in english  # English names the key as written
    assert "séance 1 : la date n'est pas une date réelle du calendrier" in french
    assert "« »" not in french and "« la date »" not in french
