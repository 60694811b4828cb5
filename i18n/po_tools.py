"""Shared helpers of the suite's translation tooling."""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crisis_management", "crisis_social", "crisis_reports", "crisis_mass_mailing")


def glossary():
    """[(english term, [accepted German forms])] from i18n/glossary.csv."""
    with open(ROOT / "i18n" / "glossary.csv", newline="", encoding="utf-8") as handle:
        return [
            (row["en"].strip().lower(), [f.strip() for f in row["de"].split("|")])
            for row in csv.DictReader(handle)
        ]


def false_friends():
    """[(english term, [wrong German words], right German, why)] from
    i18n/false_friends.csv: words Odoo's translation memory or a hasty
    translator puts where the crisis vocabulary has another word."""
    with open(
        ROOT / "i18n" / "false_friends.csv", newline="", encoding="utf-8"
    ) as handle:
        return [
            (
                row["en"].strip().lower(),
                [w.strip() for w in row["wrong"].split("|")],
                row["right"].strip(),
                row["note"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def word_pattern(word):
    """A German word on its own (not inside a longer compound)."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)


def term_pattern(term):
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def addon_files(addon):
    folder = ROOT / addon / "i18n"
    return folder / f"{addon}.pot", folder / "de.po"
