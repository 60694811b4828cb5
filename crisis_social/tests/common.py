# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields

from odoo.addons.crisis_management.tests.common import CrisisCommon


class SocialCommon(CrisisCommon):
    """Sources, queries and posts for the social media tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["crisis.social.post"]
        # The demo data's queries would match these tests' posts too.
        cls.env["crisis.social.query"].search([]).write({"active": False})
        cls.source = cls.env["crisis.social.source"].create(
            {"name": "Listening tool", "kind": "webhook"}
        )
        cls.incident = cls._create_incident()
        cls.query = cls.env["crisis.social.query"].create(
            {
                "name": "Fabrikbrand",
                "keywords": 'fabrikbrand\n"Halle 2"',
                "incident_id": cls.incident.id,
            }
        )

    @classmethod
    def _post(cls, external_id, body, **values):
        vals = {"external_id": external_id, "body": body}
        vals.update(values)
        return vals

    @classmethod
    def _ingest(cls, posts, source=None, user=None):
        Post = cls.Post.with_user(user) if user else cls.Post
        return Post.ingest((source or cls.source).id, posts)

    @classmethod
    def _iso(cls, delta_minutes):
        date = fields.Datetime.now() - timedelta(minutes=delta_minutes)
        return date.isoformat() + "Z"

    @classmethod
    def _posts(cls, source=None):
        return cls.Post.search([("source_id", "=", (source or cls.source).id)])
