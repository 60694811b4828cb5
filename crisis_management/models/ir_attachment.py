# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

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

    def _check_access(self, operation):
        """Reading an attachment of a crisis record by its id follows Odoo's
        own rule for attachments (:meth:`check`): the record it belongs to
        must be readable, and the field it belongs to too (the letters of a
        safety check, attached to ``crisis.communication.letter_pdf``, carry
        everyone's personal answer link: for the crisis team only).

        Odoo checks that rule when attachments are searched, written or
        deleted, not when one is read by its id."""
        result = super()._check_access(operation)
        if result or operation != "read" or self.env.su:
            return result
        ids = [id_ for id_ in self._ids if isinstance(id_, int)]
        if not ids:
            return None
        self.flush_model(["res_model"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM ir_attachment WHERE id = ANY(%s) AND res_model LIKE %s",
                ids,
                "crisis.%",
            )
        )
        attachments = self.browse([id_ for (id_,) in rows])
        try:
            attachments.check("read")
            return None
        except AccessError:
            pass
        forbidden = self.browse()
        for attachment in attachments:
            try:
                attachment.check("read")
            except AccessError:
                forbidden |= attachment
        # XML-RPC calls carry no language: speak the user's.
        env = self.env(
            context=dict(self.env.context, lang=self.env.lang or self.env.user.lang)
        )
        return forbidden, functools.partial(
            AccessError,
            env._(
                "This file belongs to a record of the crisis management that you "
                "may not read."
            ),
        )
