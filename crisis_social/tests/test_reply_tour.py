# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SocialCommon


@tagged("post_install", "-at_install")
class TestReplyTour(SocialCommon, HttpCase):
    """The spokesperson drafts a reply to a German post from the approved key
    message, posts it and marks the post answered, in Chromium."""

    def test_spokesperson_drafts_and_sends_a_reply(self):
        self.env["res.lang"]._activate_lang("de_DE")
        message = (
            self.env["crisis.message"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": self.incident.id,
                    "kind": "key_message",
                    "name": "Tour key message",
                    "body": "<p>No danger for residents.</p>",
                }
            )
        )
        message.write(
            {
                "name_de": "Tour-Kernbotschaft",
                "body_de": "<p>Tour-Kernbotschaft: Keine Gefahr für Anwohner.</p>",
            }
        )
        message.action_submit()
        message.with_user(self.user_admin).action_approve()
        self._ingest(
            [self._post("tour1", "Fabrikbrand: sind wir in Gefahr?", lang="de")]
        )
        post = self._posts()
        self.assertEqual(post.incident_id, self.incident)
        self.start_tour(
            f"/odoo/crisis.social.post/{post.id}",
            "crisis_social_reply_tour",
            login="crisis_manager2",
        )
        self.assertEqual(post.state, "answered")
        self.assertIn("Keine Gefahr für Anwohner", post.reply_draft)
        self.assertTrue(post.date_answered)
