# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import json
import os
import pathlib
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from odoo.addons.crisis_management.models import (
    crisis_incident as crisis_incident_dashboard,
)

from .common import SocialCommon


class TestSocialOnTheWall(SocialCommon):
    """crisis_social adds its figures to the wall through the extension
    point of crisis_management, which knows nothing of social media."""

    def _sections(self, incident=None, **context):
        incident = (incident or self.incident).with_context(**context)
        return {
            section["key"]: section
            for section in incident.get_situation_dashboard()["sections"]
        }

    def test_social_section_with_the_situation_figures(self):
        now = fields.Datetime.now()
        self._ingest(
            [
                self._post("w1", "Fabrikbrand: eine Schande, die lügen doch!"),
                self._post("w2", "Fabrikbrand: eine Schande, die lügen doch!"),
                self._post("w3", "Fabrikbrand: Straße gesperrt, Bus fährt um."),
            ]
        )
        social = self.incident.get_situation_kpis()["social"]
        section = self._sections(lang="en_US")["social"]
        self.assertEqual(section["title"], "Social Media")
        figures = {figure["key"]: figure for figure in section["figures"]}
        self.assertEqual(figures["posts_24h"]["value"], social["posts_24h"])
        self.assertEqual(figures["posts_24h"]["value"], 3)
        self.assertEqual(
            figures["unanswered_negative"]["value"], social["unanswered_negative"]
        )
        self.assertEqual(figures["alerts_open"]["value"], 0)
        german = self._sections(lang="de_DE")["social"]["figures"]
        self.assertEqual(german[0]["label"], "Beiträge (24 h)")
        self.assertLessEqual(
            fields.Datetime.from_string(
                self.incident.get_situation_dashboard()["date"]
            ),
            now + timedelta(minutes=1),
        )

    def test_crisis_management_alone_has_no_social_section(self):
        """The section comes from crisis_social's override only: the base
        implementation (what runs without crisis_social) adds none."""
        base = crisis_incident_dashboard.CrisisIncident._situation_dashboard_sections
        kpis = self.incident.get_situation_kpis()
        self.assertNotIn("social", [s["key"] for s in base(self.incident, kpis)])
        self.assertIn("social", self._sections())
        folder = pathlib.Path(crisis_incident_dashboard.__file__).parents[1]
        for path in [
            folder / "models" / "crisis_incident.py",
            *(folder / "static" / "src" / "situation_dashboard").iterdir(),
        ]:
            self.assertNotIn("social", path.read_text().lower(), path)

    def test_new_posts_notify_the_wall(self):
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self._ingest([self._post("n1", "Fabrikbrand: Halle 2 brennt")])
        self.env.cr.precommit.run()
        messages = [
            json.loads(note.message) for note in self.env["bus.bus"].sudo().search([])
        ]
        self.assertIn(
            {
                "type": "crisis_management/situation_changed",
                "payload": {"incident_id": self.incident.id},
            },
            messages,
        )


@tagged("post_install", "-at_install")
class TestWallScreenshots(HttpCase):
    """Screenshots of the wall in German and English for the documentation:
    run with CRISIS_WALL_SHOTS=<folder> (skipped otherwise)."""

    browser_size = "1920x1080"

    def test_screenshots(self):
        folder = os.environ.get("CRISIS_WALL_SHOTS")
        if not folder:
            self.skipTest("CRISIS_WALL_SHOTS is not set")
        env = self.env
        env["res.lang"]._activate_lang("de_DE")
        company = env["res.company"].create({"name": "Muster Chemie GmbH"})
        lead = new_test_user(
            env,
            login="shot_lead",
            name="Sabine Krause",
            groups="crisis_management.group_crisis_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        colleague = new_test_user(
            env,
            login="shot_member",
            name="Jan Vogel",
            groups="crisis_management.group_crisis_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        incident = env["crisis.incident"].create(
            {
                "name": "Brand in Fabrikhalle 2",
                "severity": "critical",
                "company_id": company.id,
                "lead_id": lead.id,
            }
        )
        incident.with_user(lead).action_activate()
        now = fields.Datetime.now()
        for name, user, hours in [
            ("Feuerwehr-Lagebericht anfordern", lead, -2),
            ("Pressemitteilung freigeben", colleague, -1),
            ("Anwohner informieren", colleague, -0.5),
            ("Versicherung melden", lead, 3),
            ("Notunterkunft klären", colleague, 5),
        ]:
            env["crisis.task"].create(
                {
                    "incident_id": incident.id,
                    "name": name,
                    "user_id": user.id,
                    "date_deadline": now + timedelta(hours=hours),
                }
            )
        press = env["crisis.stakeholder.type"].search([("code", "=", "press")])
        neighbor = env["crisis.stakeholder.type"].search([("code", "=", "neighbor")])
        for name, stype in [
            ("Lokalzeitung", press),
            ("Radio Mitte", press),
            ("Helga Berger", neighbor),
            ("Otto Klein", neighbor),
        ]:
            partner = env["res.partner"].create(
                {"name": name, "crisis_stakeholder_type_ids": [(6, 0, stype.ids)]}
            )
            env["crisis.inquiry"].create(
                {"incident_id": incident.id, "partner_id": partner.id}
            )
        for kind, body in [
            ("fact", "Feuerwehr vor Ort, Halle 2 geräumt."),
            ("decision", "Werkstor 3 für Anlieferungen gesperrt."),
            ("fact", "Rauchwolke zieht Richtung Nordosten."),
        ]:
            incident._log(kind, body)
        source = env["crisis.social.source"].create(
            {"name": "Monitoring", "kind": "webhook", "company_id": company.id}
        )
        env["crisis.social.query"].create(
            {
                "name": "Brand",
                "keywords": "fabrikbrand",
                "incident_id": incident.id,
                "company_id": company.id,
            }
        )
        env["crisis.social.post"].ingest(
            source.id,
            [
                {
                    "external_id": f"s{n}",
                    "body": text,
                    "lang": "de",
                    "date_posted": (now - timedelta(minutes=n)).isoformat(),
                }
                for n, text in enumerate(
                    ["Fabrikbrand: eine Schande, die lügen doch!"] * 6
                    + ["Fabrikbrand: Straße gesperrt, Bus fährt um."] * 4
                )
            ],
        )
        stop = ChromeBrowser.stop

        for lang, suffix in [("de_DE", "de"), ("en_US", "en")]:
            lead.lang = lang
            target = pathlib.Path(folder) / f"situation_wall_{suffix}.png"

            def stop_after_screenshot(browser, target=target):
                shot = browser._websocket_request("Page.captureScreenshot")
                target.write_bytes(base64.b64decode(shot["data"]))
                return stop(browser)

            with patch.object(ChromeBrowser, "stop", stop_after_screenshot):
                self.start_tour(
                    "/odoo/crisis-situation",
                    "crisis_management_situation_dashboard_shot_tour",
                    login="shot_lead",
                )
