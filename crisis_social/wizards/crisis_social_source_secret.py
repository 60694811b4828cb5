# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisSocialSourceSecret(models.TransientModel):
    """Shows a freshly generated webhook secret once."""

    _name = "crisis.social.source.secret"
    _description = "Webhook Secret"

    source_id = fields.Many2one("crisis.social.source", required=True, readonly=True)
    secret = fields.Char(readonly=True)
    webhook_url = fields.Char(related="source_id.webhook_url", string="Webhook URL")
