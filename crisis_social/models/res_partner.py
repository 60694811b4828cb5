# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import normalize_handle


class ResPartner(models.Model):
    _inherit = "res.partner"

    crisis_social_handle = fields.Char(
        string="Social Media Handle",
        groups="crisis_management.group_crisis_user",
        index="btree_not_null",
        help="The contact's handle on Mastodon or Bluesky, e.g. "
        "@name@mastodon.social or name.bsky.social: their posts are linked to "
        "this contact.",
    )
    crisis_social_post_ids = fields.One2many(
        "crisis.social.post", "author_partner_id", string="Social Media Posts"
    )

    def _crisis_social_normalize(self, vals):
        handle = vals.get("crisis_social_handle")
        if handle:
            vals["crisis_social_handle"] = normalize_handle(handle)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(
            [self._crisis_social_normalize(dict(v)) for v in vals_list]
        )

    def write(self, vals):
        return super().write(self._crisis_social_normalize(dict(vals)))
