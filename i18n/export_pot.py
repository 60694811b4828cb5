"""Regenerate each addon's .pot from the code (through Odoo's own exporter) and
bring its de.po in step: existing translations kept, new strings taken from
JSON drafts ({"English": "Deutsch"}), obsolete ones dropped.

    .venv/bin/python i18n/export_pot.py --db DB [--drafts DIR] [--todo FILE]

DB must have the three addons installed. Strings still without German are listed
(and written to --todo as JSON for translators).
"""

import argparse
import configparser
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from po_tools import ADDONS, ROOT, addon_files

HEADER = {
    "Project-Id-Version": "Odoo Server 18.0",
    "Language": "de",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def export_pot(db, addon, target, lang=None):
    """Odoo's exporter: the template, or with ``lang`` the terms the database
    already knows in that language (Odoo's own translations of inherited fields)."""
    odoo_src = (ROOT / ".odoo-src-path").read_text().strip()
    done = subprocess.run(
        [
            sys.executable,
            f"{odoo_src}/odoo-bin",
            "-c",
            str(ROOT / ".odoo.conf"),
            "-d",
            db,
            f"--i18n-export={target}",
            f"--modules={addon}",
            *([f"--language={lang}"] if lang else []),
            "--log-level=warn",
            "--stop-after-init",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    # A module that does not load (an import error in the code) still lets
    # Odoo export something: strings would be dropped without a word.
    if "Traceback" in done.stderr or " ERROR " in done.stderr:
        sys.exit(f"export of {addon} failed, nothing written:\n{done.stderr}")


STANDARD_ADDONS = (
    "mail",
    "sms",
    "portal",
    "calendar",
    "contacts",
    "web",
    "base_import",
    "mass_mailing",
)


def odoo_terms():
    """German of strings Odoo itself already translates (inherited mail fields...)."""
    odoo_src = Path((ROOT / ".odoo-src-path").read_text().strip())
    files = [odoo_src / "odoo/addons/base/i18n/de.po"] + [
        odoo_src / "addons" / name / "i18n/de.po" for name in STANDARD_ADDONS
    ]
    terms = {}
    for path in files:
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr and entry.msgid not in terms:
                    terms[entry.msgid] = entry.msgstr
    return terms


def load_drafts(folder):
    drafts = {}
    for path in sorted(Path(folder).glob("*.json")) if folder else []:
        drafts.update(json.loads(path.read_text(encoding="utf-8")))
    return drafts


def merge(addon, pot_file, drafts, db_terms):
    pot_path, po_path = addon_files(addon)
    pot = polib.pofile(str(pot_file))
    pot.metadata.update({"Project-Id-Version": "Odoo Server 18.0"})
    pot_path.parent.mkdir(exist_ok=True)
    pot.save(str(pot_path))
    known = {}
    if po_path.exists():
        known = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(HEADER)
    missing = []
    for entry in pot:
        msgstr = (
            known.get(entry.msgid)
            or drafts.get(entry.msgid)
            or db_terms.get(entry.msgid, "")
        )
        if not msgstr:
            missing.append(entry.msgid)
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=[f for f in entry.flags if f != "fuzzy"],
            )
        )
    po.save(str(po_path))
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--drafts")
    parser.add_argument("--todo")
    args = parser.parse_args()
    conf = configparser.ConfigParser()
    conf.read(ROOT / ".odoo.conf")
    drafts = load_drafts(args.drafts)
    todo = {}
    standard = odoo_terms()
    with tempfile.TemporaryDirectory() as tmp:
        for addon in ADDONS:
            target = Path(tmp) / f"{addon}.pot"
            export_pot(args.db, addon, target)
            german = Path(tmp) / f"{addon}.de.po"
            export_pot(args.db, addon, german, lang="de_DE")
            db_terms = dict(standard)
            db_terms.update(
                {e.msgid: e.msgstr for e in polib.pofile(str(german)) if e.msgstr}
            )
            missing = merge(addon, target, drafts, db_terms)
            todo.update({m: "" for m in missing})
            print(f"{addon}: {len(missing)} string(s) without German")
    if args.todo:
        Path(args.todo).write_text(json.dumps(todo, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
