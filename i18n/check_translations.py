"""Check that every addon's German translation is complete, not fuzzy, in step
with its .pot and faithful to the suite's DE/EN glossary.

Exit code 0 when all is well; otherwise every problem is listed.
"""

import re
import sys

import polib
from po_tools import ADDONS, addon_files, glossary, term_pattern

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def check_addon(addon, terms):
    pot_path, po_path = addon_files(addon)
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


def main():
    terms = glossary()
    problems = [p for addon in ADDONS for p in check_addon(addon, terms)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
