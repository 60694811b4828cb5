"""Shared helpers of the suite's translation tooling."""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crisis_management", "crisis_social", "crisis_reports")


def glossary():
    """[(english term, [accepted German forms])] from i18n/glossary.csv."""
    with open(ROOT / "i18n" / "glossary.csv", newline="", encoding="utf-8") as handle:
        return [
            (row["en"].strip().lower(), [f.strip() for f in row["de"].split("|")])
            for row in csv.DictReader(handle)
        ]


def term_pattern(term):
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def addon_files(addon):
    folder = ROOT / addon / "i18n"
    return folder / f"{addon}.pot", folder / "de.po"
