# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public texts are written in German and English side by side: writing one
language never changes the other, whichever language the session runs in."""

from odoo.tests import Form, HttpCase, tagged

from .common import CrisisCommon, CrisisPageCommon

EN = "<p>The fire is under control.</p>"
DE = "<p>Der Brand ist unter Kontrolle.</p>"


@tagged("post_install", "-at_install")
class TestBilingualTexts(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.incident = cls._create_incident()

    def _session(self, lang, user=None):
        """The environment of a user whose interface speaks ``lang``."""
        user = user or self.user_manager
        user.lang = lang
        return self.env(user=user, context=dict(self.env.context, lang=lang))

    def _texts(self, record, fname):
        return (
            record.with_context(lang="de_DE")[fname],
            record.with_context(lang="en_US")[fname],
        )

    def _update(self):
        german = self._session("de_DE")
        return german["crisis.incident.update"].create(
            {
                "incident_id": self.incident.id,
                "name_en": "Fire under control",
                "body_en": EN,
                "name_de": "Brand unter Kontrolle",
                "body_de": DE,
            }
        )

    def test_created_in_both_languages(self):
        update = self._update()
        self.assertEqual(self._texts(update, "body"), (DE, EN))
        self.assertEqual(
            self._texts(update, "name"), ("Brand unter Kontrolle", "Fire under control")
        )
        # The form shows both columns, in either interface language.
        for lang in ("de_DE", "en_US"):
            shown = update.with_env(self._session(lang))
            self.assertEqual((shown.body_de, shown.body_en), (DE, EN))

    def test_german_session_edit_keeps_english(self):
        """The bug of issue 11: an English update edited in German lost its
        English text."""
        english = self._session("en_US")
        update = english["crisis.incident.update"].create(
            {"incident_id": self.incident.id, "name": "Fire", "body": EN}
        )
        german = update.with_env(self._session("de_DE", self.user_manager2))
        german.write({"body_de": DE})
        self.assertEqual(self._texts(update, "body"), (DE, EN))
        # Writing the stored field itself in a German session: German only.
        german.body = "<p>Die Feuerwehr ist abgerückt.</p>"
        self.assertEqual(
            self._texts(update, "body"), ("<p>Die Feuerwehr ist abgerückt.</p>", EN)
        )

    def test_english_session_edit_keeps_german(self):
        update = self._update()
        english = update.with_env(self._session("en_US"))
        english.write({"body_en": "<p>The fire is out.</p>", "name_en": "Fire out"})
        self.assertEqual(self._texts(update, "body"), (DE, "<p>The fire is out.</p>"))
        self.assertEqual(
            self._texts(update, "name"), ("Brand unter Kontrolle", "Fire out")
        )

    def test_form_edits_one_column(self):
        update = self._update()
        with Form(update.with_env(self._session("de_DE"))) as form:
            form.body_en = "<p>Residents may open their windows again.</p>"
        self.assertEqual(
            self._texts(update, "body"),
            (DE, "<p>Residents may open their windows again.</p>"),
        )

    def test_correction_of_a_published_update_is_logged(self):
        update = self._update()
        update.action_publish()
        update.with_env(self._session("de_DE")).body_de = "<p>Korrigiert</p>"
        self.assertTrue(
            any(
                body.startswith(
                    ("Published update corrected", "Veröffentlichte Meldung korrigiert")
                )
                for body in self.incident.log_ids.mapped("body")
            )
        )
        self.assertEqual(self._texts(update, "body")[1], EN)

    def test_public_summary_side_by_side(self):
        german = self.incident.with_env(self._session("de_DE"))
        german.write({"public_summary_de": DE})
        english = self.incident.with_env(self._session("en_US", self.user_manager2))
        english.write({"public_summary_en": EN})
        self.assertEqual(self._texts(self.incident, "public_summary"), (DE, EN))
        german.public_summary_de = "<p>Neue Lage</p>"
        self.assertEqual(
            self._texts(self.incident, "public_summary"), ("<p>Neue Lage</p>", EN)
        )
        self.assertTrue(self.incident.page_date_updated)

    def test_public_html_is_sanitised_on_every_path(self):
        update = self._update()
        update.body_de = '<p>Text</p><script>alert("de")</script>'
        update.update_field_translations(
            "body", {"en_US": '<p>Text</p><script>alert("en")</script>'}
        )
        self.incident.public_summary_en = '<p onclick="alert(1)">Summary</p>'
        for text in (
            *self._texts(update, "body"),
            *self._texts(self.incident, "public_summary"),
        ):
            self.assertNotIn("<script", text or "")
            self.assertNotIn("onclick", text or "")

    def test_public_title_per_language_falls_back_to_name(self):
        self.assertEqual(
            self.incident.with_context(lang="en_US").page_title, self.incident.name
        )
        german = self.incident.with_env(self._session("de_DE"))
        german.write(
            {"public_name_de": "Brand in Halle 2", "public_name_en": "Fire in hall 2"}
        )
        self.assertEqual(
            (
                self.incident.with_context(lang="de_DE").page_title,
                self.incident.with_context(lang="en_US").page_title,
            ),
            ("Brand in Halle 2", "Fire in hall 2"),
        )


@tagged("post_install", "-at_install")
class TestBilingualPage(CrisisPageCommon, HttpCase):
    """The page and the feed pick the visitor's language for every text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident.write(
            {
                "public_name_en": "Fire in factory hall 2",
                "public_name_de": "Brand in Fabrikhalle 2",
            }
        )

    def test_page_and_feed_in_each_language(self):
        expected = {
            "en": ("Fire in factory hall 2", "EN-4711", "EN-8812", "EN-H2"),
            "de": ("Brand in Fabrikhalle 2", "DE-4711", "DE-8812", "DE-H2"),
        }
        for lang, texts in expected.items():
            other = expected["de" if lang == "en" else "en"]
            for path in (f"/crisis/{self.token}", f"/crisis/{self.token}/feed.atom"):
                response = self.url_open(f"{path}?lang={lang}")
                self.assertEqual(response.status_code, 200)
                for text in texts:
                    self.assertIn(text, response.text, (lang, path))
                for text in other:
                    self.assertNotIn(text, response.text, (lang, path))
