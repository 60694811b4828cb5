"""Check that every addon's German translation is complete, not fuzzy, in step
with its .pot, faithful to the suite's DE/EN glossary and free of the false
friends in i18n/false_friends.csv ("Press" -> "Drücken Sie", "State" ->
"Bundesland", ...) and of the other words for a concept that the glossary's
``variants`` column names (one German word per concept: "Krisen-Anfrage"
where the glossary says "Krisenanfrage").

    check_translations.py [--po ADDON=PATH ...]

``--po`` checks another German file for an addon (e.g. a copy under review).
Exit code 0 when all is well; otherwise every problem is listed.
"""

import argparse
import re
import sys
from pathlib import Path

import polib
from po_tools import (
    ADDONS,
    ROOT,
    addon_files,
    false_friends,
    glossary,
    term_pattern,
    variant_pattern,
    variants,
    word_pattern,
)

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# ``_t = self.env._`` then ``_t("...")``: Odoo's exporter only extracts calls
# named ``_`` / ``_lt``, so such strings never reach the .pot (nor German).
ALIAS = re.compile(r"^\s*(\w+)\s*=\s*(?:[\w.]*\.)?(?:_|_lt)\s*(?:#.*)?$")


def check_aliases(folder):
    """Aliases of the translation function in the Python files of ``folder``."""
    problems = []
    for path in sorted(Path(folder).rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            match = ALIAS.match(line)
            if match and match.group(1) not in ("_", "_lt"):
                problems.append(
                    f"{path.relative_to(folder.parent)}:{number}: "
                    f"{match.group(1)!r} aliases the translation function, so its "
                    "strings are not exported: call env._(...) or _(...) directly"
                )
    return problems


def check_false_friends(where, msgid, msgstr, friends):
    """The wrong German words of ``friends`` found in a translation."""
    prose = PLACEHOLDER.sub(" ", msgid)
    problems = []
    for term, wrong_words, right, note in friends:
        if not term_pattern(term).search(prose):
            continue
        for wrong in wrong_words:
            if word_pattern(wrong).search(msgstr):
                problems.append(
                    f"{where}: false friend {wrong!r} in {msgstr[:60]!r} "
                    f"({note}); write {right!r}"
                )
    return problems


def check_variants(where, msgstr, concepts):
    """Other words for a glossary concept found in a translation."""
    problems = []
    for term, chosen, others in concepts:
        for other in others:
            if variant_pattern(other, chosen).search(msgstr):
                problems.append(
                    f"{where}: variant {other!r} in {msgstr[:60]!r}; the glossary "
                    f"says {term!r} -> {chosen!r} (one word per concept)"
                )
    return problems


def check_addon(addon, terms, friends=(), po_path=None, concepts=()):
    pot_path, default_po = addon_files(addon)
    po_path = Path(po_path) if po_path else default_po
    problems = []
    if not pot_path.exists():
        return [f"{addon}: {pot_path.name} is missing (run `make i18n`)"]
    if not po_path.exists():
        return [f"{addon}: i18n/de.po is missing"]
    pot, po = polib.pofile(str(pot_path)), polib.pofile(str(po_path))
    translated = {entry.msgid: entry for entry in po if not entry.obsolete}
    for entry in pot:
        where = f"{addon}: msgid {entry.msgid[:70]!r}"
        target = translated.get(entry.msgid)
        if target is None:
            problems.append(f"{where} is not in de.po")
            continue
        if "fuzzy" in target.flags:
            problems.append(f"{where} is fuzzy")
        if not target.msgstr.strip():
            problems.append(f"{where} has no German translation")
            continue
        problems += check_false_friends(where, entry.msgid, target.msgstr, friends)
        problems += check_variants(where, target.msgstr, concepts)
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(
            PLACEHOLDER.findall(target.msgstr)
        ):
            problems.append(f"{where}: placeholders differ in German")
        # Placeholders are code, not prose; longer glossary phrases win.
        prose = PLACEHOLDER.sub(" ", entry.msgid)
        for term, german_forms in sorted(terms, key=lambda t: -len(t[0])):
            found = term_pattern(term).search(prose)
            prose = term_pattern(term).sub(" ", prose)
            if found and not any(
                form.lower() in target.msgstr.lower() for form in german_forms
            ):
                problems.append(
                    f"{where}: glossary says {term!r} -> {' / '.join(german_forms)}"
                )
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--po",
        action="append",
        default=[],
        metavar="ADDON=PATH",
        help="check PATH as the German file of ADDON",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.po)
    unknown = set(overrides) - set(ADDONS)
    if unknown:
        parser.error(f"unknown addon(s): {', '.join(sorted(unknown))}")
    terms, friends, concepts = glossary(), false_friends(), variants()
    problems = [p for addon in ADDONS for p in check_aliases(ROOT / addon)]
    problems += [
        p
        for addon in ADDONS
        for p in check_addon(addon, terms, friends, overrides.get(addon), concepts)
    ]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
