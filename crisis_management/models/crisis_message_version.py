# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from .crisis_message import STATES, TEXT_LANGS


class CrisisMessageVersion(models.Model):
    """An earlier version of a crisis message, in all languages. Read-only
    for everybody (access rights): only the versioning code creates them."""

    _name = "crisis.message.version"
    _description = "Earlier Version of Crisis Content"
    _order = "message_id, version desc"

    message_id = fields.Many2one(
        "crisis.message",
        string="Crisis Content",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    version = fields.Integer(readonly=True)
    state = fields.Selection(STATES, string="State Then", readonly=True)
    name = fields.Char(string="Title", translate=True, readonly=True)
    question = fields.Text(translate=True, readonly=True)
    body = fields.Html(translate=True, readonly=True, sanitize=False)
    sms_text = fields.Text(string="SMS Text", translate=True, readonly=True)
    body_de = fields.Html(
        string="Text (German)", compute="_compute_lang_fields", sanitize=False
    )
    body_en = fields.Html(
        string="Text (English)", compute="_compute_lang_fields", sanitize=False
    )
    approved_by_id = fields.Many2one("res.users", readonly=True)
    date_approved = fields.Datetime(string="Approved On", readonly=True)
    editor_id = fields.Many2one("res.users", string="Written By", readonly=True)
    date_edited = fields.Datetime(string="Written On", readonly=True)

    @api.depends_context("lang")
    @api.depends("body")
    def _compute_lang_fields(self):
        installed = self.env["crisis.message"]._installed_text_langs()
        for lang in TEXT_LANGS:
            records = self.with_context(lang=lang if lang in installed else "en_US")
            for version, version_lang in zip(self, records):
                version[f"body_{lang[:2]}"] = version_lang.body

    @api.depends("message_id", "version")
    def _compute_display_name(self):
        for version in self:
            version.display_name = _(
                "%(name)s, version %(version)s",
                name=version.message_id.name or "",
                version=version.version,
            )
