# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The webhook signatures already accepted: one use each."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Longer than the 300 s a timestamp may be off in either direction.
KEEP = timedelta(hours=1)


class CrisisSocialWebhookSignature(models.Model):
    _name = "crisis.social.webhook.signature"
    _description = "Used Webhook Signature"
    _log_access = False

    digest = fields.Char(required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, index=True)

    _sql_constraints = [
        (
            "digest_unique",
            "unique(digest)",
            "This webhook signature was already used.",
        ),
    ]

    @api.model
    def _use(self, digest):
        """Record ``digest`` as used; ``False`` if it was used before. The
        unique index decides, also between two workers at the same moment
        (the second waits for the first and then finds the row)."""
        now = fields.Datetime.now()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM crisis_social_webhook_signature WHERE date < %s",
                now - KEEP,
            )
        )
        cr.execute(
            SQL(
                "INSERT INTO crisis_social_webhook_signature (digest, date) "
                "VALUES (%s, %s) ON CONFLICT (digest) DO NOTHING RETURNING id",
                digest,
                now,
            )
        )
        return bool(cr.fetchone())
