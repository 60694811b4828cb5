# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from textwrap import shorten

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)


class CrisisIncidentUpdate(models.Model):
    """A dated, bilingual update shown on the public incident page."""

    _name = "crisis.incident.update"
    _description = "Public Incident Update"
    _order = "date desc, id desc"
    _check_company_auto = True

    incident_id = fields.Many2one(
        "crisis.incident",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="incident_id.company_id", store=True, index=True
    )
    name = fields.Char(
        string="Headline",
        translate=True,
        help="Short title shown above the update and in the news feed.",
    )
    body = fields.Html(
        translate=True,
        required=True,
        sanitize=True,
        help="Text for the public, in German and in English.",
    )
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="Time shown on the public page. Set when the update is published.",
    )
    is_published = fields.Boolean(
        string="Published", readonly=True, copy=False, index=True
    )
    date_published = fields.Datetime(
        string="First Published", readonly=True, copy=False
    )
    date_notified = fields.Datetime(
        string="Subscribers Notified",
        readonly=True,
        copy=False,
        help="When the subscribers of the page received this update by e-mail.",
    )
    author_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        ondelete="restrict",
    )

    @api.depends("name", "date")
    def _compute_display_name(self):
        for update in self:
            update.display_name = update.name or _(
                "Update of %(date)s",
                date=fields.Datetime.to_string(update.date) if update.date else "",
            )

    def write(self, vals):
        corrected = self.filtered("is_published") if "body" in vals else self.browse()
        res = super().write(vals)
        for update in corrected:
            update.incident_id._log(
                "communication",
                _(
                    "Published update corrected: %(title)s",
                    title=update._log_title(),
                ),
            )
        return res

    def unlink(self):
        if any(update.is_published for update in self):
            raise UserError(
                _(
                    "A published update cannot be deleted. Take it off the public "
                    "page first (Unpublish)."
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_publish(self):
        now = fields.Datetime.now()
        to_publish = self.filtered(lambda u: not u.is_published)
        for update in to_publish:
            update.write(
                {
                    "is_published": True,
                    "date": now,
                    "date_published": update.date_published or now,
                }
            )
            update.incident_id._log(
                "communication",
                _(
                    "Update published on the public page: %(title)s",
                    title=update._log_title(),
                ),
            )
        to_publish.incident_id.sudo()._touch_page()
        to_publish.filtered(lambda u: not u.date_notified)._notify_subscribers()
        return True

    def action_unpublish(self):
        to_unpublish = self.filtered("is_published")
        for update in to_unpublish:
            update.is_published = False
            update.incident_id._log(
                "communication",
                _(
                    "Update taken off the public page: %(title)s",
                    title=update._log_title(),
                ),
            )
        to_unpublish.incident_id.sudo()._touch_page()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _log_title(self):
        self.ensure_one()
        return self.name or shorten(html2plaintext(self.body or ""), 120)

    def _notify_subscribers(self):
        """E-mail each published update to the confirmed subscribers of its page.

        Interim sending path: once ``crisis.communication`` is available it
        should take over (audience: the subscribers' partners, purpose
        ``crisis_info``). Consent is checked per partner with
        ``res.partner.crisis_can_contact``; each subscriber gets the update in
        their own language with a signed one-click unsubscribe link.
        """
        Mail = self.env["mail.mail"].sudo()
        now = fields.Datetime.now()
        for update in self.sudo():
            incident = update.incident_id
            if not (update.is_published and incident.page_published):
                continue
            subscriptions = incident.page_subscription_ids.filtered(
                lambda s: s.state == "confirmed"
            )
            vals_list = []
            for subscription in subscriptions:
                partner = subscription.partner_id
                if not partner.email or not partner.crisis_can_contact(
                    "crisis_info", "email"
                ):
                    continue
                vals_list.append(subscription._prepare_update_mail(update))
            if vals_list:
                Mail.create(vals_list)
                self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
            update.date_notified = now
            _logger.info(
                "Update %s of incident %s queued for %s subscriber(s)",
                update.id,
                incident.id,
                len(vals_list),
            )
