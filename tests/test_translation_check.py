"""The translation check catches false friends planted in a copy of de.po.

Runs without an Odoo server: it only reads the .po files.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "i18n" / "check_translations.py"
PO = ROOT / "crisis_management" / "i18n" / "de.po"


def _check(*po_args):
    args = [f"--po={arg}" for arg in po_args]
    return subprocess.run(
        [sys.executable, str(CHECK), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def _plant(tmp_path, wrong):
    """A copy of crisis_management's de.po with ``wrong`` = {msgid: msgstr}."""
    copy = tmp_path / "de.po"
    shutil.copy(PO, copy)
    po = polib.pofile(str(copy))
    for msgid, msgstr in wrong.items():
        entry = po.find(msgid)
        assert entry is not None, f"{msgid!r} is no longer in de.po"
        entry.msgstr = msgstr
    po.save(str(copy))
    return copy


def test_untouched_copy_passes(tmp_path):
    copy = _plant(tmp_path, {})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "msgid, wrong, named",
    [
        ("Press", "Drücken Sie", "Drücken"),
        ("State", "Bundesland", "Bundesland"),
        ("Medium", "Medium", "Medium"),
        ("Kind", "Kind", "Kind"),
        ("Crisis Inquiry", "Krisenuntersuchung", "Krisenanfrage"),
    ],
)
def test_one_planted_false_friend_fails_the_check(tmp_path, msgid, wrong, named):
    copy = _plant(tmp_path, {msgid: wrong})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stdout.splitlines() if f"{msgid!r}" in line]
    assert lines, result.stdout
    assert any(named in line for line in lines), lines


def test_check_names_press_and_status_label(tmp_path):
    """Odoo's translation memory: "Press" -> "Drücken Sie" (the verb) and the
    status label "State" -> "Bundesland" (the federal state)."""
    copy = _plant(tmp_path, {"Press": "Drücken Sie", "State": "Bundesland"})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 1
    out = result.stdout
    assert "msgid 'Press': false friend 'Drücken'" in out, out
    assert "write 'Presse'" in out, out
    assert "msgid 'State': false friend 'Bundesland'" in out, out
    assert "write 'Status'" in out, out


def test_false_friend_inside_a_sentence(tmp_path):
    msgid = "Prepare statement for press and customers"
    copy = _plant(tmp_path, {msgid: "Aussage für Presse und Kunden vorbereiten"})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 1
    assert "false friend 'Aussage'" in result.stdout, result.stdout


def test_unknown_addon_is_refused():
    result = _check("crisis_nothing=/tmp/de.po")
    assert result.returncode == 2
    assert "unknown addon" in result.stderr


def test_alias_of_the_translation_function_is_reported(tmp_path):
    """``_t = comm.env._`` hid the safety-check mail's button text from the
    .pot: German recipients got it in English."""
    sys.path.insert(0, str(ROOT / "i18n"))
    try:
        import check_translations
    finally:
        sys.path.pop(0)
    addon = tmp_path / "crisis_example"
    addon.mkdir()
    (addon / "model.py").write_text(
        "def render(comm):\n"
        "    _t = comm.env._\n"
        '    return _t("Answer now")\n'
        "def fine(comm):\n"
        '    return comm.env._("Answer now")\n',
        encoding="utf-8",
    )
    problems = check_translations.check_aliases(addon)
    assert len(problems) == 1, problems
    assert "model.py:2: '_t' aliases the translation function" in problems[0]


@pytest.mark.parametrize(
    "msgid, wrong, named",
    [
        # One German word per concept (i18n/glossary.csv, column "variants"):
        # the spellings and synonyms the German review found side by side.
        ("Crisis Inquiry", "Krisen-Anfrage", "Krisen-Anfrage"),
        ("Incident Page Subscription", "Abonnement der Vorfallseite", "Vorfallseite"),
        ("Message-ID", "Message-Id", "Message-Id"),
        ("Inquiry closed.", "Anfrage abgeschlossen.", "abgeschlossen"),
        ("Social Media", "Soziale Medien", "soziale Medien"),
        ("Broadcasts", "Aussendungen", "Aussendung"),
    ],
)
def test_one_planted_glossary_variant_fails_the_check(tmp_path, msgid, wrong, named):
    copy = _plant(tmp_path, {msgid: wrong})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stdout.splitlines() if f"{msgid!r}" in line]
    assert any(f"variant {named!r}" in line for line in lines), result.stdout


def test_glossary_variant_outside_its_english_term(tmp_path):
    """A variant is wrong in any German text, not only where the English term
    stands: "Page subscriptions" gave "Abonnements von Vorfallseiten"."""
    copy = _plant(tmp_path, {"Page Subscribers": "Abonnenten der Vorfallseite"})
    result = _check(f"crisis_management={copy}")
    assert result.returncode == 1, result.stdout
    assert "msgid 'Page Subscribers': variant 'Vorfallseite'" in result.stdout, (
        result.stdout
    )
    assert "'incident page' -> 'Vorfallsseite'" in result.stdout, result.stdout


def test_variant_differing_only_by_case_is_matched_exactly():
    """Message-ID is the chosen spelling; its variant Message-Id must not
    flag the chosen word itself."""
    sys.path.insert(0, str(ROOT / "i18n"))
    try:
        import po_tools
    finally:
        sys.path.pop(0)
    pattern = po_tools.variant_pattern("Message-Id", "Message-ID")
    assert pattern.search("Die Message-Id der E-Mail")
    assert not pattern.search("Die Message-ID der E-Mail")
    compound = po_tools.variant_pattern("Vorfallseite", "Vorfallsseite")
    assert compound.search("Abonnements von Vorfallseiten")
    assert not compound.search("Abonnements von Vorfallsseiten")
