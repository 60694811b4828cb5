# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import openpyxl

from odoo.tests import tagged

from .common import CrisisCommon

GERMAN = {
    "press": "Presse",
    "authority": "Behörde",
    "neighbor": "Nachbar",
    "citizen_initiative": "Bürgerinitiative",
}
CSV = """Name;E-Mail;Telefon;Stakeholder-Typ;Einfluss
Tobias Eilig;t.eilig@abendpost.example;+49 170 5550111;Presse;high
Ordnungsamt Musterstadt;amt@musterstadt.example;+49 30 5550120;Presse, Behörde;Medium
Ilse Brandt;;+49 30 5550114;neighbor;low
Bürgerinitiative Grüne Aue;kontakt@gruene-aue.example;;Bürgerinitiative,NACHBAR;
Redaktion Stadtanzeiger;redaktion@stadtanzeiger.example;;press, Authority;high
"""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ["name", "email", "phone", "crisis_stakeholder_type_ids", "crisis_influence"]
OPTIONS = {
    "quoting": '"',
    "separator": ";",
    "has_headers": True,
    "encoding": "utf-8",
}


@tagged("post_install", "-at_install")
class TestStakeholderImport(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        # What de.po provides for the data records.
        for code, name in GERMAN.items():
            cls._stakeholder_type(code).update_field_translations(
                "name", {"de_DE": name}
            )
        cls.importer = cls.env.ref("base.user_admin")

    def _import(self, csv, dryrun=False, xlsx=None):
        env = self.env(user=self.importer, context=dict(self.env.context, lang="de_DE"))
        wizard = env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": xlsx or csv.encode(),
                "file_name": "Stakeholder.xlsx" if xlsx else "Stakeholder.csv",
                "file_type": XLSX_MIME if xlsx else "text/csv",
            }
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        self.assertEqual(
            preview["headers"],
            ["Name", "E-Mail", "Telefon", "Stakeholder-Typ", "Einfluss"],
        )
        return wizard.execute_import(
            FIELDS, preview["headers"], dict(OPTIONS), dryrun=dryrun
        )

    def _partner(self, name):
        return self.env["res.partner"].search([("name", "=", name)])

    def _codes(self, name):
        return set(self._partner(name).crisis_stakeholder_type_ids.mapped("code"))

    def test_german_stakeholder_list_imports_with_its_types(self):
        result = self._import(CSV)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(len(result["ids"]), 5)
        self.assertEqual(self._codes("Tobias Eilig"), {"press"})
        self.assertEqual(self._partner("Tobias Eilig").crisis_influence, "high")
        self.assertEqual(self._codes("Ordnungsamt Musterstadt"), {"press", "authority"})
        self.assertEqual(
            self._partner("Ordnungsamt Musterstadt").crisis_influence, "medium"
        )
        self.assertEqual(self._codes("Ilse Brandt"), {"neighbor"})
        self.assertEqual(
            self._codes("Bürgerinitiative Grüne Aue"),
            {"citizen_initiative", "neighbor"},
        )
        self.assertEqual(self._codes("Redaktion Stadtanzeiger"), {"press", "authority"})
        self.assertEqual(self._partner("Ilse Brandt").phone, "+49 30 5550114")

    def test_excel_address_list_imports_with_its_types(self):
        book = openpyxl.Workbook()
        sheet = book.active
        for line in CSV.splitlines():
            sheet.append(line.split(";"))
        stream = io.BytesIO()
        book.save(stream)
        result = self._import(None, xlsx=stream.getvalue())
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(len(result["ids"]), 5)
        self.assertEqual(self._codes("Ordnungsamt Musterstadt"), {"press", "authority"})
        self.assertEqual(
            self._codes("Bürgerinitiative Grüne Aue"),
            {"citizen_initiative", "neighbor"},
        )

    def test_unknown_type_is_reported_and_nothing_imported(self):
        csv = (
            "Name;E-Mail;Telefon;Stakeholder-Typ;Einfluss\n"
            "Erika Muster;erika@example.com;;Presse;low\n"
            "Hans Unbekannt;hans@example.com;;Marsmenschen;low\n"
        )
        result = self._import(csv)
        self.assertTrue(result["messages"])
        self.assertIn("Marsmenschen", result["messages"][0]["message"])
        self.assertFalse(self._partner("Erika Muster"))
        self.assertFalse(self._partner("Hans Unbekannt"))

    def test_type_search_by_code_and_name_in_any_language(self):
        Type = self.env["crisis.stakeholder.type"]
        authority = self._stakeholder_type("authority")
        for lang in ("de_DE", "en_US"):
            Type = Type.with_context(lang=lang)
            for value in ("authority", "Authority", "Behörde", " behörde "):
                self.assertEqual(
                    [r[0] for r in Type.name_search(value, operator="=")],
                    [authority.id],
                    f"{value!r} in {lang}",
                )
        self.assertIn(authority.id, [r[0] for r in Type.name_search("Behö")])
        self.assertFalse(Type.name_search("Marsmenschen", operator="="))
        self.assertNotIn(
            authority.id, Type.search([("display_name", "!=", "Authority")]).ids
        )
