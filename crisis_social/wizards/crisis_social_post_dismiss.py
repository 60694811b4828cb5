# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisSocialPostDismiss(models.TransientModel):
    """Ignore or hide posts, with the reason why."""

    _name = "crisis.social.post.dismiss"
    _description = "Ignore or Hide Posts"

    post_ids = fields.Many2many("crisis.social.post", string="Posts", required=True)
    mode = fields.Selection(
        [("ignore", "Ignore (needs no answer)"), ("hide", "Hide (spam, off topic)")],
        required=True,
        default="ignore",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "hide":
            return self.post_ids.action_hide(reason=self.reason)
        return self.post_ids.action_ignore(reason=self.reason)
