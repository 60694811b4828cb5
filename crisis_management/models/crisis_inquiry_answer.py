# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import html2plaintext


class CrisisInquiry(models.Model):
    """The hotline offers the approved Q&A that match the caller's question."""

    _inherit = "crisis.inquiry"

    suggested_message_ids = fields.Many2many(
        "crisis.message",
        string="Approved Answers",
        compute="_compute_suggested_message_ids",
        help="Approved or published Q&A whose words match the caller's question.",
    )
    answer_message_id = fields.Many2one(
        "crisis.message",
        string="Q&A Used",
        domain="[('kind', '=', 'qa'), ('state', 'in', ('approved', 'published'))]",
        tracking=True,
        help="The approved answer given to the caller; its text is copied into "
        "the answer in the caller's language.",
    )

    @api.depends("question", "incident_id")
    def _compute_suggested_message_ids(self):
        Message = self.env["crisis.message"]
        for inquiry in self:
            inquiry.suggested_message_ids = Message.search_answers(
                inquiry.incident_id.id, inquiry.question or "", limit=5
            )

    def _caller_lang(self):
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        for lang in (self.partner_id.lang, self.company_id.partner_id.lang):
            if lang in installed:
                return lang
        return self.env.lang or "en_US"

    @api.onchange("answer_message_id")
    def _onchange_answer_message_id(self):
        message = self.answer_message_id.with_context(lang=self._caller_lang())
        if message:
            self.answer = html2plaintext(message.body or "")
