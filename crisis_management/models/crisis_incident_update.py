# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from textwrap import shorten

from odoo import Command, _, _lt, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import (
    public_ref,
    public_uuid,
    rfc3339,
)
from ..tools.fields import incident_fields
from .crisis_bilingual_mixin import bilingual_fields
from .crisis_incident_component import STATUSES

# Publication is an act of the crisis team, done by the actions only.
WORKFLOW_FIELDS = {
    "is_published",
    "date",
    "date_published",
    "date_notified",
    "author_id",
    "communication_ids",
}


class CrisisIncidentUpdate(models.Model):
    """A dated, bilingual update shown on the public incident page."""

    _name = "crisis.incident.update"
    _inherit = ["crisis.bilingual.mixin", "crisis.workflow.mixin"]
    _description = "Public Incident Update"
    _order = "date desc, id desc"
    _check_company_auto = True
    _bilingual_fields = ("name", "body")
    # Publishing is the crisis team's approval of the text
    # (crisis.workflow.mixin): a copy is unpublished, a published update is
    # never moved to another incident, a draft only by someone who may write
    # to both.
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_state_field = "is_published"
    _workflow_transitions = {"published": (False,), "unpublished": (True,)}
    _workflow_frozen_states = (True,)

    incident_id, company_id = incident_fields()
    name = fields.Char(
        string="Headline",
        translate=True,
        help="Short title shown above the update and in the news feed.",
    )
    # One complete text per language (see crisis.bilingual.mixin): sanitised
    # by the mixin, edited in German and English side by side.
    body = fields.Html(
        translate=True,
        required=True,
        sanitize=False,
        help="Text for the public, in German and in English.",
    )
    name_de, name_en = bilingual_fields(fields.Char, "Headline")
    body_de, body_en = bilingual_fields(fields.Html, "Text", sanitize=True)
    date = fields.Datetime(
        required=True,
        readonly=True,
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
        help="When the update was handed to the communication that e-mails it "
        "to the subscribers of the page.",
    )
    communication_ids = fields.One2many(
        "crisis.communication",
        "update_id",
        string="Sent To Subscribers",
        readonly=True,
        copy=False,
    )
    author_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        ondelete="restrict",
    )
    component_ids = fields.Many2many(
        "crisis.component",
        "crisis_incident_update_component_rel",
        "update_id",
        "component_id",
        string="Components",
        check_company=True,
        help="The components this update is about: it is mailed only to the "
        "subscribers of one of them and to those who chose no component.",
    )
    component_status = fields.Selection(
        STATUSES,
        string="New Status",
        help="Publishing the update sets this status on the components named.",
    )
    component_eta = fields.Datetime(
        string="New Expected Resolution",
        help="Publishing the update sets this expected resolution on the "
        "components named.",
    )
    component_change_ids = fields.One2many(
        "crisis.incident.component.change",
        "update_id",
        string="Status Changes",
        readonly=True,
    )

    @api.depends_context("lang")
    @api.depends("name", "body")
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    @api.depends("name", "date")
    def _compute_display_name(self):
        for update in self:
            update.display_name = update.name or _(
                "Update of %(date)s",
                date=fields.Datetime.to_string(update.date) if update.date else "",
            )

    def write(self, vals):
        texts = {"body", "body_de", "body_en"}
        corrected = (
            self.filtered("is_published") if texts & set(vals) else self.browse()
        )
        res = super().write(vals)
        for update in corrected:
            update.incident_id._log(
                "communication",
                _lt("Published update corrected: %(title)s"),
                {"title": update._log_title()},
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
        self.check_access("write")
        now = fields.Datetime.now()
        to_publish = self.filtered(lambda u: not u.is_published)
        for update in to_publish:
            update._workflow_apply(
                "published",
                {"date": now, "date_published": update.date_published or now},
                state=True,
            )
        to_publish._apply_component_status()
        to_publish.incident_id.sudo()._touch_page()
        # Published again after a correction: subscribers who got it (or are
        # getting it) are not mailed twice.
        to_publish.filtered(
            lambda u: (
                not u.sudo().communication_ids.filtered(
                    lambda c: c.state in ("scheduled", "queued", "sending", "done")
                )
            )
        )._notify_subscribers()
        return True

    def action_unpublish(self):
        self.check_access("write")
        to_unpublish = self.filtered("is_published")
        to_unpublish._workflow_apply("unpublished", state=False)
        to_unpublish.incident_id.sudo()._touch_page()
        return True

    def _workflow_log_transition(self, old_states, new_state):
        for update in self:
            if new_state:
                body = _lt("Update published on the public page: %(title)s")
            else:
                body = _lt("Update taken off the public page: %(title)s")
            update.incident_id._log(
                "communication", body, {"title": update._log_title()}
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _apply_component_status(self):
        """Set the new status and expected resolution of an update on the
        components it names (added to the incident when missing); each
        change is kept in the page's history with the update."""
        Line = self.env["crisis.incident.component"].sudo()
        for update in self.sudo():
            if not update.component_ids or not (
                update.component_status or update.component_eta
            ):
                continue
            lines = update.incident_id.component_status_ids
            vals = {}
            if update.component_status:
                vals["status"] = update.component_status
            if update.component_eta:
                vals["eta"] = update.component_eta
            for component in update.component_ids:
                line = lines.filtered(lambda ln, c=component: ln.component_id == c)
                if line:
                    if all(line[f] == v for f, v in vals.items()):
                        continue
                    # Written as the update: the history names it.
                    line.write(vals)
                else:
                    line = Line.create(
                        dict(
                            vals,
                            incident_id=update.incident_id.id,
                            component_id=component.id,
                        )
                    )
                line.change_ids.sorted("id", reverse=True)[:1].update_id = update

    def _log_title(self):
        self.ensure_one()
        return self.name or shorten(html2plaintext(self.body or ""), 120)

    def _page_entry(self, lang):
        """This update as the public page and its feed show it to a reader
        in ``lang`` (de/en); ids are opaque (see ``utils.public_ref``)."""
        self.ensure_one()
        date = self.incident_id._page_format_date(self.date, lang)
        return {
            "id": public_ref(self),
            "uuid": public_uuid(self),
            "name": self.name,
            "title": self.name or date,
            "body": self.body,
            # A plain string: the feed template escapes the html.
            "content": str(self.body or ""),
            "date": date,
            "iso": rfc3339(self.date),
        }

    def _notify_subscribers(self):
        """Send each published update to the confirmed subscribers of its page
        through a ``crisis.communication`` (e-mail, purpose ``crisis_info``).

        Publishing the update was the crisis team's approval of its text.
        The communication applies the consent rule, picks each recipient's
        language, records a skip reason for everyone it may not contact and
        is sent in batches by its cron job; each e-mail to a subscriber
        carries the page's one-click unsubscribe link.
        """
        Communication = self.env["crisis.communication"].sudo()
        communications = Communication
        for update in self.sudo():
            incident = update.incident_id
            # Nothing is sent for a closed incident (see
            # crisis.communication._check_can_send): the update is only shown.
            if not (
                update.is_published
                and incident.page_published
                and incident.state != "closed"
            ):
                continue
            # An update that names components reaches the subscribers of one
            # of them and those who chose none.
            partners = incident.page_subscription_ids.filtered(
                lambda s, u=update: (
                    s.state == "confirmed"
                    and s.partner_id.active
                    and (
                        not u.component_ids
                        or not s.component_ids
                        or s.component_ids & u.component_ids
                    )
                )
            ).partner_id
            if not partners:
                continue
            communications |= Communication.create(
                {
                    "incident_id": incident.id,
                    "update_id": update.id,
                    "kind": "notice",
                    "purpose_id": self.env.ref(
                        "crisis_management.consent_purpose_crisis_info"
                    ).id,
                    "channel_email": True,
                    "channel_sms": False,
                    "channel_letter": False,
                    "audience_partner_ids": [Command.set(partners.ids)],
                }
            )
            update.sudo().date_notified = fields.Datetime.now()
        communications.action_send()
        return communications
