# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a German user reads: every label and selection value of the crisis
models, taken from the running registry in German, is free of the false
friends Odoo's translation memory fills in ("Press" -> "Drücken Sie",
"State" -> "Bundesland", "Medium" left in English)."""

import os
import re

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationImporter

ADDONS = ["crisis_management", "crisis_social", "crisis_reports"]
# German word -> why it is wrong in this suite (kept in step with
# i18n/false_friends.csv, which the .po check uses).
FALSE_FRIENDS = {
    "Drücken": "the verb 'to press': the stakeholder type is 'Presse'",
    "Bundesland": "the federal state: a record's state is its 'Status'",
    "Staat": "the nation: a record's state is its 'Status'",
    "Medium": "the level between low and high is 'Mittel'",
    "Kind": "a child: the sort of thing is 'Art'",
    "Untersuchung": "an investigation: a question asked is an 'Anfrage'",
    "Ermittlung": "an investigation: a question asked is an 'Anfrage'",
    "Zwischenfall": "one word per concept: 'Vorfall'",
    "Krisenteam": "one word per concept: 'Krisenstab'",
    "Situationsbild": "one word per concept: 'Lagebild'",
    "Schlüsselnachricht": "one word per concept: 'Kernbotschaft'",
    "Zustimmung": "one word per concept: 'Einwilligung'",
    "Nachverfolgung": "one word per concept: 'Wiedervorlage'",
    "Logbuch": "one word per concept: 'Krisenprotokoll'",
    "Ausübung": "exercising a right: an exercise is an 'Übung'",
    "Subjekt": "a mail has a 'Betreff'",
    "Neuigkeit": "one word per concept: an update is a 'Meldung'",
    "Neuigkeiten": "one word per concept: updates are 'Meldungen'",
}
PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, FALSE_FRIENDS)) + r")(?![\w-])"
)
# English words that must not be left untranslated as a whole label.
ENGLISH_LEFT = {"Medium", "Press", "State", "Low", "High", "Withdrawn", "Draft"}


@tagged("post_install", "-at_install")
class TestGermanLabels(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        # The German of our own .po files as they are now, data records
        # (noupdate) included, as a fresh installation with German has it.
        importer = TranslationImporter(cls.env.cr, verbose=False)
        for addon in ADDONS:
            importer.load_file(
                os.path.join(get_module_path(addon), "i18n", "de.po"), "de_DE"
            )
        importer.save(overwrite=True, force_overwrite=True)
        cls.env.invalidate_all()
        cls.de = cls.env(context=dict(cls.env.context, lang="de_DE"))

    def _crisis_models(self):
        """Our models and the models we add fields to."""
        modules = self.env["ir.model.data"].search(
            [("module", "in", ADDONS), ("model", "=", "ir.model")]
        )
        models = self.env["ir.model"].browse(modules.mapped("res_id")).exists()
        return [name for name in models.mapped("model") if name in self.env]

    def _german_texts(self):
        """(where, German text) of every label, help and selection value of
        the fields our addons define, model names included."""
        field_ids = (
            self.env["ir.model.data"]
            .search([("module", "in", ADDONS), ("model", "=", "ir.model.fields")])
            .mapped("res_id")
        )
        ours = self.env["ir.model.fields"].browse(field_ids).exists()
        ours = ours.filtered(lambda f: f.model in self.env)
        texts = []
        for model_name in set(ours.mapped("model")):
            names = ours.filtered(lambda f, m=model_name: f.model == m).mapped("name")
            described = self.de[model_name].fields_get(
                names, attributes=["string", "help", "selection"]
            )
            for fname, attrs in described.items():
                where = f"{model_name}.{fname}"
                texts.append((where, attrs.get("string") or ""))
                texts.append((f"{where} (help)", attrs.get("help") or ""))
                for value, label in attrs.get("selection") or []:
                    texts.append((f"{where} = {value!r}", label or ""))
        for model in self.de["ir.model"].search(
            [("model", "in", self._crisis_models())]
        ):  # model names (shown in breadcrumbs, logs, chatter)
            texts.append((f"model {model.model}", model.name))
        return texts

    def test_german_interface_has_no_false_friend(self):
        texts = self._german_texts()
        # Not vacuous: the German is loaded and covers our models.
        self.assertGreater(len(texts), 300)
        found = [
            f"{where}: {text!r} ({FALSE_FRIENDS[match.group(1)]})"
            for where, text in texts
            for match in [PATTERN.search(text)]
            if match
        ]
        found += [
            f"{where}: {text!r} left in English"
            for where, text in texts
            if text in ENGLISH_LEFT
        ]
        self.assertFalse(found, "\n".join(found))

    def test_the_words_of_the_issue_read_right_in_german(self):
        """The three errors issue 11 reported, read from the registry."""
        described = self.de["crisis.incident"].fields_get(["state"], ["string"])
        self.assertEqual(described["state"]["string"], "Status")
        for model in ("crisis.task", "crisis.consent"):
            described = self.de[model].fields_get(["state"], ["string"])
            self.assertEqual(described["state"]["string"], "Status", model)
        press = self.de.ref("crisis_management.stakeholder_type_press")
        self.assertEqual(press.name, "Presse")
        influence = dict(
            self.de["res.partner"].fields_get(["crisis_influence"], ["selection"])[
                "crisis_influence"
            ]["selection"]
        )
        self.assertEqual(influence["medium"], "Mittel")
        # Content is withdrawn (zurückgezogen), a consent is revoked
        # (widerrufen): two words, because they are two acts.
        content = dict(
            self.de["crisis.message"].fields_get(["state"], ["selection"])["state"][
                "selection"
            ]
        )
        consent = dict(
            self.de["crisis.consent"].fields_get(["state"], ["selection"])["state"][
                "selection"
            ]
        )
        self.assertEqual(content["withdrawn"], "Zurückgezogen")
        self.assertIn("widerrufen", consent["withdrawn"])

    def test_data_records_read_right_in_german(self):
        """Stakeholder types and consent purposes: their German names are the
        words German users type into an import."""
        expected = {
            "stakeholder_type_press": "Presse",
            "stakeholder_type_authority": "Behörde",
            "stakeholder_type_neighbor": "Nachbar",
            "stakeholder_type_customer": "Kunde",
            "stakeholder_type_employee": "Mitarbeitende",
            "stakeholder_type_supplier": "Lieferant",
            "stakeholder_type_subcontractor": "Subunternehmer",
            "stakeholder_type_insurer": "Versicherer",
            "stakeholder_type_lawyer": "Rechtsanwalt",
            "stakeholder_type_citizen_initiative": "Bürgerinitiative",
            "consent_purpose_crisis_info": "Kriseninformation",
            "consent_purpose_press_distribution": "Presseverteiler",
        }
        german = {
            xmlid: self.de.ref(f"crisis_management.{xmlid}").name for xmlid in expected
        }
        self.assertEqual(german, expected)
        names = []
        for model in (
            "crisis.stakeholder.type",
            "crisis.consent.purpose",
            "crisis.incident.type",
            "crisis.playbook",
        ):
            records = self.de[model].with_context(active_test=False).search([])
            names += records.mapped("name")
        bad = [name for name in names if PATTERN.search(name or "")]
        self.assertFalse(bad)
