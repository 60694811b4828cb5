# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The CRM link of inquiries: an inquiry from a customer reaches the
salesperson who knows them, as an activity due at the answer deadline.

A real concern of its own, kept beside ``crisis_inquiry.py`` as the CRM
extensions of the incident (``crisis_incident_crm.py``) and the task are:
the hotline works without any salesperson.
"""

from markupsafe import Markup

from odoo import _, api, fields, models


class CrisisInquiry(models.Model):
    # The CRM link is its own concern (see the module docstring).
    _inherit = "crisis.inquiry"  # pylint: disable=consider-merging-classes-inherited

    salesperson_id = fields.Many2one(
        "res.users",
        compute="_compute_salesperson_id",
        help="The salesperson of the caller or of the caller's company.",
    )

    @api.depends("partner_id.user_id", "partner_id.commercial_partner_id.user_id")
    def _compute_salesperson_id(self):
        for inquiry in self:
            inquiry.salesperson_id = inquiry.partner_id._crisis_salesperson()

    @api.model_create_multi
    def create(self, vals_list):
        inquiries = super().create(vals_list)
        inquiries._schedule_salesperson_activity()
        return inquiries

    def write(self, vals):
        result = super().write(vals)
        if vals.get("partner_id"):
            self._schedule_salesperson_activity()
        return result

    def action_answer(self):
        result = super().action_answer()
        self._close_salesperson_activity(_("Answered."))
        return result

    def action_close(self):
        result = super().action_close()
        self._close_salesperson_activity(_("Inquiry closed."))
        return result

    # ------------------------------------------------------------------
    # The salesperson's activity
    # ------------------------------------------------------------------
    @api.model
    def _salesperson_activity_type(self):
        return self.env.ref(
            "crisis_management.mail_activity_type_crisis_inquiry",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")

    def _schedule_salesperson_activity(self):
        """One activity per open inquiry for the caller's salesperson, due at
        the inquiry's answer deadline; only for a salesperson who may read
        the inquiry (a confidential incident stays with its team)."""
        activity_type = self._salesperson_activity_type()
        for inquiry in self.sudo():
            salesperson = inquiry.partner_id._crisis_salesperson()
            if not salesperson or inquiry.state not in ("new", "in_progress"):
                continue
            existing = inquiry.activity_ids.filtered(
                lambda a, s=salesperson: (
                    a.activity_type_id == activity_type and a.user_id == s
                )
            )
            if existing:
                continue
            if not inquiry.with_user(salesperson).has_access("read"):
                inquiry.message_post(
                    body=_(
                        "%(user)s, the salesperson of %(partner)s, cannot see crisis "
                        "inquiries and was not notified.",
                        user=salesperson.name,
                        partner=inquiry.partner_id.commercial_partner_id.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            due = inquiry.date_due or fields.Datetime.now()
            local_due = fields.Datetime.context_timestamp(
                inquiry.with_context(tz=salesperson.tz or "UTC"), due
            )
            inquiry = inquiry.with_context(lang=salesperson.lang)
            inquiry.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=local_due.date(),
                summary=inquiry.env._(
                    "Your customer asks: %(subject)s (answer due %(due)s)",
                    subject=inquiry.name,
                    due=local_due.strftime("%Y-%m-%d %H:%M"),
                ),
                note=Markup("<p>%s</p>") % (inquiry.question or inquiry.name),
                user_id=salesperson.id,
            )

    def _close_salesperson_activity(self, feedback):
        activity_type = self._salesperson_activity_type()
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if activities:
            activities.action_feedback(feedback=feedback)
