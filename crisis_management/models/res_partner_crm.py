# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contact in the CRM during a crisis: which customers are affected,
the banner that tells sales staff what the customer was told, and the
customer's crisis inquiries and messages. A concern of its own, beside the
stakeholder data of ``res_partner.py``, as ``crisis_incident_crm.py`` is
beside the incident.
"""

from textwrap import shorten

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext

OPEN_INCIDENT_STATES = ("active", "contained", "resolved")


class ResPartner(models.Model):
    # The CRM side is its own concern (see the module docstring).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crisis_affected = fields.Boolean(
        string="Affected by the Crisis",
        compute="_compute_crisis_affected",
        search="_search_crisis_affected",
        help="This customer (or their company) was addressed by a communication "
        "of an open incident, sent or skipped, or asked about one.",
    )
    crisis_banner = fields.Html(compute="_compute_crisis_banner", sanitize=False)
    crisis_inquiry_count = fields.Integer(
        compute="_compute_crisis_counts", string="Crisis Inquiries"
    )
    crisis_recipient_count = fields.Integer(
        compute="_compute_crisis_counts", string="Crisis Messages"
    )

    @api.depends_context("uid")
    @api.depends("commercial_partner_id")
    def _compute_crisis_affected(self):
        affected = self._crisis_affected_commercial_ids(
            self._crisis_visible_incidents(), self.commercial_partner_id.ids
        )
        for partner in self:
            partner.crisis_affected = partner.commercial_partner_id.id in affected

    def _search_crisis_affected(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on affected customers."))
        ids = list(
            self._crisis_affected_commercial_ids(self._crisis_visible_incidents())
        )
        positive = (operator == "=") == value
        return [("commercial_partner_id", "in" if positive else "not in", ids)]

    @api.depends_context("uid", "lang")
    @api.depends("commercial_partner_id")
    def _compute_crisis_banner(self):
        incidents = self._crisis_visible_incidents()
        affected = self._crisis_affected_commercial_ids(
            incidents, self.commercial_partner_id.ids
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.crisis_banner = (
                partner._crisis_banner_html(incidents)
                if commercial.id in affected
                else False
            )

    @api.depends_context("uid")
    def _compute_crisis_counts(self):
        Inquiry = self.env["crisis.inquiry"]
        Recipient = self.env["crisis.communication.recipient"]
        can_read = Inquiry.has_access("read") and Recipient.has_access("read")
        for partner in self:
            if not can_read or not partner.id:
                partner.crisis_inquiry_count = partner.crisis_recipient_count = 0
                continue
            domain = partner._crisis_family_domain()
            partner.crisis_inquiry_count = Inquiry.search_count(domain)
            partner.crisis_recipient_count = Recipient.search_count(domain)

    # ------------------------------------------------------------------
    # Crisis mode in the CRM: affected customers
    # ------------------------------------------------------------------
    @api.model
    def _crisis_visible_incidents(self):
        """The open incidents the current user may read: confidential ones
        only for their team (record rules apply, no sudo)."""
        Incident = self.env["crisis.incident"]
        if not Incident.has_access("read"):
            return Incident.browse()
        return Incident.search([("state", "in", OPEN_INCIDENT_STATES)])

    @api.model
    def _crisis_affected_commercial_ids(self, incidents, commercial_ids=None):
        """Commercial partners of everybody addressed by a communication of
        ``incidents`` (sent or skipped) or asking about one of them.

        :param commercial_ids: restrict the answer to these commercial
            partners (``None``: all)
        :rtype: set
        """
        if not incidents:
            return set()
        for model, fnames in (
            ("crisis.communication.recipient", ["partner_id", "incident_id"]),
            ("crisis.inquiry", ["partner_id", "incident_id"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        restrict = SQL()
        if commercial_ids is not None:
            restrict = SQL(
                "AND p.commercial_partner_id = ANY(%s)", list(commercial_ids)
            )
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id
                     FROM crisis_communication_recipient r
                     JOIN res_partner p ON p.id = r.partner_id
                    WHERE r.incident_id = ANY(%(incidents)s) %(restrict)s
                    UNION
                   SELECT p.commercial_partner_id
                     FROM crisis_inquiry i
                     JOIN res_partner p ON p.id = i.partner_id
                    WHERE i.incident_id = ANY(%(incidents)s) %(restrict)s""",
                incidents=incidents.ids,
                restrict=restrict,
            )
        )
        return {row[0] for row in self.env.cr.fetchall() if row[0]}

    def _crisis_salesperson(self):
        """The salesperson of this contact, else of its company: an active
        internal user, or an empty recordset."""
        partner = self[:1].sudo()
        salesperson = partner.user_id or partner.commercial_partner_id.user_id
        if salesperson and salesperson.active and not salesperson.share:
            return salesperson.sudo(False)
        return self.env["res.users"]

    def _crisis_family_domain(self):
        """Domain over records with a ``partner_id``: this partner's company
        and all its contacts."""
        self.ensure_one()
        return [
            ("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id)
        ]

    def _crisis_banner_html(self, incidents):
        """What sales staff need to know about this customer in the crisis:
        per visible incident affecting them, the incident, the current
        approved key message and what the customer was told (or why not)."""
        self.ensure_one()
        domain = self._crisis_family_domain() + [("incident_id", "in", incidents.ids)]
        recipients = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .search(domain, order="id desc", limit=50)
        )
        inquiries = (
            self.env["crisis.inquiry"]
            .sudo()
            .search(domain, order="date_received desc", limit=20)
        )
        touched = (recipients.incident_id | inquiries.incident_id).sorted(
            lambda i: i.date_activated or i.create_date, reverse=True
        )
        if not touched:
            return False
        banners = [
            self._crisis_banner_values(
                incident,
                recipients.filtered(lambda r, i=incident: r.incident_id == i),
                inquiries.filtered(lambda q, i=incident: q.incident_id == i),
            )
            for incident in touched
        ]
        return self.env["ir.qweb"]._render(
            "crisis_management.res_partner_crisis_banner", {"banners": banners}
        )

    def _crisis_key_message(self, incident, recipients):
        """The current approved key message for customers of ``incident``:
        the one this customer was sent last, else the incident's most
        recently approved one that is not a safety question, else content
        for any incident."""
        messages = (
            self.env["crisis.message"]
            .sudo()
            .search(
                [
                    ("kind", "=", "key_message"),
                    ("state", "in", ("approved", "published")),
                    ("company_id", "=", incident.company_id.id),
                    "|",
                    ("incident_id", "=", incident.id),
                    ("incident_id", "=", False),
                ],
            )
        )
        sent = recipients.sudo().communication_id.sorted("id", reverse=True)
        for message in sent.filtered(lambda c: c.kind == "notice").message_id:
            if message in messages:
                return message
        safety = (
            self.env["crisis.communication"]
            .sudo()
            .search([("kind", "=", "safety_check"), ("message_id", "in", messages.ids)])
            .message_id
        )
        return (messages - safety).sorted(
            lambda m: (
                not m.incident_id,
                -(m.date_approved.timestamp() if m.date_approved else 0),
                -m.id,
            )
        )[:1]

    def _crisis_banner_values(self, incident, recipients, inquiries):
        """The values of one incident in the banner (template
        ``res_partner_crisis_banner``): the incident, its key message and
        one line per message sent or skipped and per inquiry."""
        _ = self.env._
        incident = incident.sudo()
        fmt = self._crisis_format_datetime
        states = dict(incident._fields["state"]._description_selection(self.env))
        channels = dict(recipients._fields["channel"]._description_selection(self.env))
        rstates = dict(recipients._fields["state"]._description_selection(self.env))
        ichannels = dict(inquiries._fields["channel"]._description_selection(self.env))
        istates = dict(inquiries._fields["state"]._description_selection(self.env))
        key = self._crisis_key_message(incident, recipients)
        lines = []
        for line in recipients:
            what = line.communication_id.sudo().name
            who = line.partner_id.name
            channel = channels.get(line.channel, line.channel)
            if line.state == "sent":
                lines.append(
                    _(
                        "%(date)s: told by %(channel)s (%(what)s) to %(who)s.",
                        date=fmt(line.date_sent),
                        channel=channel,
                        what=what,
                        who=who,
                    )
                )
            elif line.state in ("skipped_consent", "skipped_address"):
                lines.append(
                    _(
                        "%(date)s: not told by %(channel)s (%(what)s) to %(who)s: "
                        "%(reason)s",
                        date=fmt(line.communication_id.date_queued or line.create_date),
                        channel=channel,
                        what=what,
                        who=who,
                        reason=line.skip_reason or rstates.get(line.state),
                    )
                )
            else:
                lines.append(
                    _(
                        "%(date)s: %(state)s by %(channel)s (%(what)s) to %(who)s.",
                        date=fmt(
                            line.date_sent
                            or line.communication_id.date_queued
                            or line.create_date
                        ),
                        state=rstates.get(line.state, line.state),
                        channel=channel,
                        what=what,
                        who=who,
                    )
                )
        for inquiry in inquiries:
            lines.append(
                _(
                    "%(date)s: %(who)s asked by %(channel)s: %(subject)s (%(state)s).",
                    date=fmt(inquiry.date_received),
                    who=inquiry.partner_id.name,
                    channel=ichannels.get(inquiry.channel, inquiry.channel),
                    subject=inquiry.name,
                    state=istates.get(inquiry.state, inquiry.state),
                )
            )
        return {
            "incident": incident.display_name,
            "state": states.get(incident.state, incident.state),
            "key_name": key.name,
            "key_text": key
            and shorten(html2plaintext(key.body or ""), 400, placeholder="…"),
            "lines": lines,
        }

    def _crisis_format_datetime(self, value):
        if not value:
            return ""
        tz = self.env.user.tz or "UTC"
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), value
        ).strftime("%Y-%m-%d %H:%M")

    def action_crisis_inquiries(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_action"
        )
        action["domain"] = self._crisis_family_domain()
        action["context"] = {"default_partner_id": self.id}
        # The list first: the action's own order opens a form.
        action["views"] = sorted(action["views"], key=lambda v: v[1] != "list")
        return action

    def action_crisis_recipients(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_communication_recipient_action"
        )
        action["domain"] = self._crisis_family_domain()
        action["context"] = {}
        return action
