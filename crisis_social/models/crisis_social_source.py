# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import fields, models


class CrisisSocialSource(models.Model):
    _name = "crisis.social.source"
    _description = "Social Media Source"
    _order = "name"

    name = fields.Char(required=True)
    kind = fields.Selection(
        [
            ("rss", "RSS / Atom Feed"),
            ("mastodon", "Mastodon"),
            ("bluesky", "Bluesky"),
            ("webhook", "Webhook"),
            ("manual", "Manual Entry"),
        ],
        required=True,
        default="manual",
    )
    active = fields.Boolean(default=True)
    url = fields.Char(string="URL")
    secret = fields.Char(
        default=lambda self: secrets.token_hex(32),
        copy=False,
        groups="crisis_management.group_crisis_admin",
        help="Shared secret that signs posts delivered to the webhook.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
