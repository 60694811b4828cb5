# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisInquiry(models.Model):
    _inherit = "crisis.inquiry"

    social_post_ids = fields.One2many(
        "crisis.social.post", "inquiry_id", string="Social Media Posts"
    )

    def action_answer(self):
        """An answered inquiry answers the posts it came from."""
        result = super().action_answer()
        posts = self.sudo().social_post_ids.filtered(
            lambda p: p.state in ("new", "to_answer")
        )
        if posts:
            posts.write({"state": "answered", "date_answered": fields.Datetime.now()})
        return result
