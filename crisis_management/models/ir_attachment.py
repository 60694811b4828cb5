# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.osv import expression

# Attachments of a field of a crisis model that not every reader of the
# record may read: ``{(model, field)}``.
PROTECTED_FIELD_ATTACHMENTS = {("crisis.communication", "letter_pdf")}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Attachments of a protected field (the letter PDFs of a safety
        check) are found only by who may read that field: Odoo filters
        attachments by the record they belong to, not by its field, when they
        are searched by id or by field (which is also how a read finds
        them)."""
        if not self.env.su and any(
            isinstance(leaf, (list, tuple)) and leaf[0] in ("id", "res_field")
            for leaf in domain
        ):
            for model, field in PROTECTED_FIELD_ATTACHMENTS:
                if not self.env[model]._fields[field].is_accessible(self.env):
                    domain = expression.AND(
                        [
                            domain,
                            [
                                "|",
                                "|",
                                ("res_field", "=", False),
                                ("res_field", "!=", field),
                                ("res_model", "!=", model),
                            ],
                        ]
                    )
        return super()._search(domain, offset=offset, limit=limit, order=order)
