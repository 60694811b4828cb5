# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_sanitize

from .crisis_message import _TEXT_WRITTEN, CONTENT_FIELDS


class CrisisMessage(models.Model):
    """The texts of content in German and English side by side: each
    language is written on its own, never overwriting the other, through the
    same versioning as a plain write."""

    _inherit = "crisis.message"  # pylint: disable=consider-merging-classes-inherited

    name_de = fields.Char(
        string="Title (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    name_en = fields.Char(
        string="Title (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    question_de = fields.Text(
        string="Question (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    question_en = fields.Text(
        string="Question (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    body_de = fields.Html(
        string="Text (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
        sanitize=True,
    )
    body_en = fields.Html(
        string="Text (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
        sanitize=True,
    )
    sms_text_de = fields.Text(
        string="SMS Text (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    sms_text_en = fields.Text(
        string="SMS Text (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )

    @api.depends_context("lang")
    @api.depends(*CONTENT_FIELDS)
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    def _write_text(self, fname, lang, value):
        """Write the text of one language only, leaving the other alone (a
        plain write in German also overwrites English while English is not
        an active language), with the same versioning as :meth:`write`."""
        self.ensure_one()
        if fname == "body" and value:
            value = html_sanitize(value)
        self.check_access("write")
        frozen = self._prepare_content_change()
        if lang == "en_US":
            value = value or ""
        # (the private method: the public one comes back here)
        token = _TEXT_WRITTEN.set(True)
        try:
            self._update_field_translations(fname, {lang: value or False})
        finally:
            _TEXT_WRITTEN.reset(token)
        self.sudo().write(
            {"last_editor_id": self.env.uid, "date_last_edit": fields.Datetime.now()}
        )
        frozen._reopen_for_review()

    def update_field_translations(self, field_name, translations, source_lang=None):
        """Odoo's translation dialog and RPC: the texts of content go through
        the same sanitising and versioning as the form."""
        if field_name not in CONTENT_FIELDS:
            return super().update_field_translations(
                field_name, translations, source_lang=source_lang
            )
        self.ensure_one()
        installed = self._installed_text_langs()
        for lang, value in translations.items():
            if lang not in installed:
                raise UserError(
                    _(
                        "The language %(lang)s is not active. Activate it under "
                        "Settings > Languages to write the text in it.",
                        lang=lang,
                    )
                )
            if value is not False and not isinstance(value, str):
                raise UserError(_("A text must be a string."))
            self._write_text(field_name, lang, value)
        return True

    @api.model
    def _installed_text_langs(self):
        """The languages a text can be written in (the active ones and
        English)."""
        return self._bilingual_langs()

    @api.model
    def _load_text_translations(self, record_id, translations, model=None):
        """Set translated values of text fields, skipping languages that are
        not installed (used by demo data).

        :param dict translations: ``{lang: {field: value}}``
        """
        if not self.env.su:
            raise AccessError(_("Demo texts are loaded by the installation only."))
        record = self.env[model or self._name].browse(record_id)
        installed = self._installed_text_langs()
        for lang, values in translations.items():
            if lang not in installed:
                continue
            for fname, value in values.items():
                if fname == "body":
                    value = html_sanitize(value)
                token = _TEXT_WRITTEN.set(True)
                try:
                    record._update_field_translations(fname, {lang: value})
                finally:
                    _TEXT_WRITTEN.reset(token)
        return True
