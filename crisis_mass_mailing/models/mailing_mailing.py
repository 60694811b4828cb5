# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from odoo.addons.crisis_management.tools import require_group
from odoo.addons.crisis_management.tools.log_texts import (
    MARKETING_FREEZE_HELD,
    MARKETING_FREEZE_RELEASE,
)

# Mailings that are on their way out: scheduled (a date to come) or queued.
OUTGOING_STATES = ("in_queue", "sending")


class MailingMailing(models.Model):
    """The marketing freeze: while the company is in crisis mode, a mailing
    that is not crisis communication is held instead of sent."""

    _name = "mailing.mailing"
    _inherit = ["mailing.mailing", "crisis.workflow.mixin"]

    # Holding and releasing are done by crisis mode and the crisis admin's
    # actions only (crisis.workflow.mixin guards them in create/write).
    _workflow_fields = frozenset(
        {"crisis_frozen", "crisis_date_frozen", "crisis_company_id"}
    )
    _workflow_incident_field = False

    crisis_frozen = fields.Boolean(
        string="Held by Crisis Mode",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Crisis mode holds this mailing: nothing is sent until the "
        "crisis admin releases it.",
    )
    crisis_date_frozen = fields.Datetime(string="Held Since", readonly=True, copy=False)
    crisis_company_id = fields.Many2one(
        "res.company",
        string="Held for",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The company whose crisis mode holds this mailing: its crisis "
        "admins release or cancel it.",
    )
    crisis_incident_id = fields.Many2one(
        "crisis.incident",
        ondelete="set null",
        copy=False,
        groups="crisis_management.group_crisis_manager",
        help="A mailing about this incident is crisis communication: the "
        "marketing freeze does not hold it.",
    )

    crisis_frozen_reason = fields.Char(
        string="Why Held",
        compute="_compute_crisis_frozen_reason",
        help="Why this mailing is not sent, in the reader's language.",
    )

    @api.depends("crisis_frozen", "crisis_date_frozen", "user_id")
    def _compute_crisis_frozen_reason(self):
        for mailing in self:
            if not mailing.crisis_frozen:
                mailing.crisis_frozen_reason = False
                continue
            mailing.crisis_frozen_reason = _(
                "Held since %(date)s because %(company)s is in crisis mode: "
                "marketing mailings are not sent during a crisis. When crisis "
                "mode ends, the crisis admin releases or cancels this mailing.",
                date=format_datetime(self.env, mailing.crisis_date_frozen),
                company=mailing._crisis_company().name,
            )

    # ------------------------------------------------------------------
    # Search
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, *args, **kwargs):
        # Odoo's mailing queue job never sees held mailings (the context key
        # is set by the job below; it only ever narrows a search).
        if self.env.context.get("crisis_skip_frozen"):
            domain = [*domain, ("crisis_frozen", "=", False)]
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------
    # Sending, as mass_mailing does it
    # ------------------------------------------------------------------
    def action_put_in_queue(self):
        result = super().action_put_in_queue()
        self._crisis_hold()
        return result

    def _action_send_mail(self, res_ids=None):
        # mass_mailing's action_send_mail sends a mailing at once, whatever its
        # state; during crisis mode only the queue, which holds it, may send.
        direct = self._crisis_to_hold(outgoing_only=False).filtered(
            lambda mailing: mailing.state not in OUTGOING_STATES
        )
        if direct:
            raise UserError(
                _(
                    "%(company)s is in crisis mode: marketing mailings are not "
                    "sent during a crisis, “%(name)s” was not sent. Send or "
                    "schedule it: crisis mode holds it until the crisis admin "
                    "releases it.",
                    company=direct[0]._crisis_company().name,
                    name=direct[0].subject,
                )
            )
        held = self._crisis_hold() | self.filtered("crisis_frozen")
        return super(MailingMailing, self - held)._action_send_mail(res_ids=res_ids)

    @api.model
    def _process_mass_mailing_queue(self):
        self.search([("state", "in", OUTGOING_STATES)])._crisis_hold()
        return super(
            MailingMailing, self.with_context(crisis_skip_frozen=True)
        )._process_mass_mailing_queue()

    # ------------------------------------------------------------------
    # The freeze
    # ------------------------------------------------------------------
    def _crisis_company(self):
        """The company a mailing speaks for (mailings have no company of
        their own): the one whose crisis mode held it; else the first in
        crisis mode of those of its responsible, its author and whoever
        changed it last (naming a responsible of a calm company does not lift
        the freeze; the system, which writes in sudo, is nobody); else its
        responsible's, else the current one."""
        self.ensure_one()
        mailing = self.sudo()
        if mailing.crisis_company_id:
            return mailing.crisis_company_id
        people = (mailing.user_id | mailing.create_uid | mailing.write_uid).filtered(
            lambda user: not user._is_superuser()
        )
        return (
            people.company_id.filtered("crisis_mode")[:1]
            or mailing.user_id.company_id
            or self.env.company
        )

    def _crisis_to_hold(self, outgoing_only=True):
        """Those of these mailings that crisis mode holds now: on their way
        out (any of them with ``outgoing_only=False``), not held yet, of a
        company in crisis mode, and not crisis communication of that company
        (an incident of another company does not lift its freeze)."""

        def held(mailing):
            company = mailing._crisis_company()
            return (
                not mailing.crisis_frozen
                and (mailing.state in OUTGOING_STATES or not outgoing_only)
                and company.crisis_mode
                and mailing.crisis_incident_id.company_id != company
            )

        return self.sudo().filtered(held)

    def _crisis_hold(self):
        """Hold the mailings that crisis mode freezes, with the reason on
        each; returns them."""
        held = self._crisis_to_hold()
        now = fields.Datetime.now()
        for company, mailings in held.grouped(lambda m: m._crisis_company()).items():
            mailings.write(
                {
                    "crisis_frozen": True,
                    "crisis_date_frozen": now,
                    "crisis_company_id": company.id,
                }
            )
            incident = company.crisis_incident_id
            if incident:
                # Read in each reader's language (the text is crisis_management's).
                incident._log(
                    "communication",
                    MARKETING_FREEZE_HELD,
                    {"count": len(mailings), "names": mailings.mapped("subject")},
                )
        return held.with_env(self.env)

    @api.model
    def _crisis_offer_release(self, company, incident):
        """Crisis mode of ``company`` ended: ask its crisis admins, on the
        incident, to release or cancel the mailings held meanwhile."""
        held = (
            self.sudo()
            .search([("crisis_frozen", "=", True)])
            .filtered(lambda m: m._crisis_company() == company)
        )
        if not held or not incident:
            return held
        admins = (
            self.env.ref("crisis_management.group_crisis_admin")
            .sudo()
            .users.filtered(lambda u: not u.share and company in u.company_ids)
        )
        names = ", ".join(held.mapped("subject"))
        for user in admins:
            # Each admin reads it in their own language.
            env = self.with_context(lang=user.lang or self.env.lang).env
            incident.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=env._("Release or cancel held marketing mailings"),
                note=env._(
                    "%(count)s marketing mailing(s) were held during crisis mode: "
                    "%(names)s. Release or cancel each under Crisis › "
                    "Communication › Held Mailings.",
                    count=len(held),
                    names=names,
                ),
                user_id=user.id,
            )
        incident._log(
            "communication",
            MARKETING_FREEZE_RELEASE,
            {"count": len(held), "names": held.mapped("subject")},
        )
        return held

    # ------------------------------------------------------------------
    # The crisis admin's actions
    # ------------------------------------------------------------------
    def _crisis_check_admin(self):
        require_group(
            self.env,
            "crisis_management.group_crisis_admin",
            _("Only a crisis admin can release or cancel held mailings."),
        )
        self.check_access("read")
        for mailing in self:
            if mailing._crisis_company() not in self.env.user.company_ids:
                raise AccessError(
                    _(
                        "“%(name)s” is held for another company: only its own "
                        "crisis admins release or cancel it.",
                        name=mailing.subject,
                    )
                )
            if not mailing.crisis_frozen:
                raise UserError(
                    _("“%(name)s” is not held by crisis mode.", name=mailing.subject)
                )

    def action_crisis_release(self):
        """Let held mailings go out again as they were scheduled (or at once
        when their date has passed). Refused while their company is still in
        crisis mode."""
        self._crisis_check_admin()
        for mailing in self:
            if mailing._crisis_company().crisis_mode:
                raise UserError(
                    _(
                        "%(company)s is still in crisis mode: “%(name)s” can be "
                        "released when crisis mode has ended.",
                        company=mailing._crisis_company().name,
                        name=mailing.subject,
                    )
                )
        mailings = self.sudo()
        mailings._crisis_unhold(
            _("Released after crisis mode by %(user)s.", user=self.env.user.name)
        )
        queued = mailings.filtered(lambda m: m.state in OUTGOING_STATES)
        if queued:
            self.env.ref("mass_mailing.ir_cron_mass_mailing_queue")._trigger(
                sorted({m.schedule_date or fields.Datetime.now() for m in queued})
            )
        return True

    def action_crisis_cancel(self):
        """Cancel held mailings: back to draft, unscheduled, nothing sent."""
        self._crisis_check_admin()
        mailings = self.sudo()
        mailings.action_cancel()
        mailings._crisis_unhold(
            _("Cancelled after crisis mode by %(user)s.", user=self.env.user.name)
        )
        return True

    def _crisis_unhold(self, note):
        """No longer held (the crisis admin decided, see the actions), with
        ``note`` in each mailing's chatter."""
        self.write(
            {
                "crisis_frozen": False,
                "crisis_date_frozen": False,
                "crisis_company_id": False,
            }
        )
        for mailing in self:
            mailing._message_log(body=note)
