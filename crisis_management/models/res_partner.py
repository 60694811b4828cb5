# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contact as a stakeholder: types, influence, consents and the one rule
that says whether a contact may be reached (``crisis_can_contact``); and the
contact in the CRM during a crisis: which customers are affected, the banner
that tells sales staff what the customer was told, and the customer's crisis
inquiries and messages.
"""

from textwrap import shorten

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext

from ..tools import reader_tz, require_group
from .crisis_consent import CHANNELS, ONE_CLICK_SOURCE

# Legal bases that carry a purpose on their own, for any kind of message.
ORDINARY_BASES = ("consent", "contract", "legal_obligation", "legitimate_interest")
# Stakeholder types whose physical safety is at stake in an incident on site.
VITAL_INTEREST_TYPES = ("employee", "neighbor")
VITAL_INTEREST_PURPOSE = "crisis_info"
NEVER_VITAL_PURPOSES = ("marketing",)
PHONE_CHANNELS = ("sms", "phone")
CONSENT_CHANNELS = tuple(code for code, _label in CHANNELS)
# The basis a message goes out on when several are recorded: the strongest.
BASIS_RANK = (
    "legal_obligation",
    "vital_interest",
    "contract",
    "legitimate_interest",
    "consent",
)
OPEN_INCIDENT_STATES = ("active", "contained", "resolved")


def _commercial_restrict(commercial_ids):
    """The condition on ``p.commercial_partner_id`` where ``commercial_ids``
    is given (else none)."""
    if commercial_ids is None:
        return SQL()
    return SQL("AND p.commercial_partner_id = ANY(%s)", list(commercial_ids))


class ResPartner(models.Model):
    _inherit = "res.partner"

    crisis_stakeholder_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_stakeholder_type_res_partner_rel",
        "partner_id",
        "type_id",
        string="Stakeholder Types",
    )
    crisis_influence = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Influence",
        groups="crisis_management.group_crisis_user",
        help="How strongly this stakeholder shapes public opinion in a crisis.",
    )
    crisis_consent_ids = fields.One2many(
        "crisis.consent", "partner_id", string="Consents"
    )
    crisis_consent_count = fields.Integer(
        compute="_compute_crisis_consent_count", string="Consent Count"
    )
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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_crisis_consent_count(self):
        counts = dict(
            self.env["crisis.consent"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "given")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crisis_consent_count = counts.get(partner, 0)

    @api.depends_context("uid")
    @api.depends("commercial_partner_id", "user_id", "commercial_partner_id.user_id")
    def _compute_crisis_affected(self):
        affected = self._crisis_affected_commercial_ids(
            self._crisis_visible_incidents(), self.commercial_partner_id.ids
        )
        marked = self._crisis_marked_commercial_ids(self.commercial_partner_id.ids)
        uid = self.env.uid
        for partner in self:
            commercial = partner.commercial_partner_id
            own = uid in (partner.user_id.id, commercial.user_id.id)
            partner.crisis_affected = commercial.id in affected or (
                own and commercial.id in marked
            )

    def _search_crisis_affected(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on affected customers."))
        ids = list(
            self._crisis_affected_commercial_ids(self._crisis_visible_incidents())
        )
        marked = list(self._crisis_marked_commercial_ids())
        uid = self.env.uid
        domain = [
            "|",
            ("commercial_partner_id", "in", ids),
            "&",
            ("commercial_partner_id", "in", marked),
            "|",
            ("user_id", "=", uid),
            ("commercial_partner_id.user_id", "=", uid),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.model
    def _crisis_marked_commercial_ids(self, commercial_ids=None):
        """Commercial partners marked affected by any open incident
        (``crisis.incident.action_mark_affected``). A salesperson sees this
        flag on their own customers without crisis rights: the flag, not the
        incident."""
        self.env["crisis.incident"].flush_model(["affected_partner_ids", "state"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        restrict = _commercial_restrict(commercial_ids)
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT p.commercial_partner_id
                     FROM crisis_incident_affected_partner_rel r
                     JOIN crisis_incident i ON i.id = r.incident_id
                     JOIN res_partner p ON p.id = r.partner_id
                    WHERE i.state IN %s %s""",
                OPEN_INCIDENT_STATES,
                restrict,
            )
        )
        return {row[0] for row in self.env.cr.fetchall() if row[0]}

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
    # Actions
    # ------------------------------------------------------------------
    def action_crisis_consents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_consent_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "active_test": False}
        return action

    def action_crisis_report_incident(self):
        """Open the form to report an incident heard of from this contact."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_incident_report_action"
        )
        action["context"] = {"default_partner_id": self.id}
        return action

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

    # ------------------------------------------------------------------
    # Whether a contact may be reached
    # ------------------------------------------------------------------
    def crisis_can_contact(self, purpose_code, channel, kind="notice"):
        """Whether this partner may be contacted for ``purpose_code`` on
        ``channel``: the one rule every sending path obeys.

        See :meth:`_crisis_contact_refusals` for the precise rule.

        :param str purpose_code: code of a ``crisis.consent.purpose``
        :param str channel: ``email``, ``sms``, ``letter`` or ``phone``
        :param str kind: ``notice`` or ``safety_check``
        :rtype: bool
        """
        self.ensure_one()
        if channel not in CONSENT_CHANNELS or not isinstance(kind, str):
            raise UserError(_("Contacts are reached by e-mail, SMS, letter or phone."))
        # A partner's consent state is personal data: crisis staff only.
        require_group(
            self.env,
            "crisis_management.group_crisis_user",
            _("Only crisis staff may look up whether a contact may be reached."),
        )
        self.check_access("read")
        return bool(self._crisis_contactable(self, purpose_code, channel, kind))

    @api.model
    def _crisis_contactable(self, partners, purpose_code, channel, kind="notice"):
        """Batched :meth:`crisis_can_contact`: the ids among ``partners`` (a
        recordset or a list of ids) that may be contacted. A few queries,
        whatever the number of partners."""
        ids = partners.ids if isinstance(partners, models.BaseModel) else list(partners)
        refused = self._crisis_contact_refusals(ids, purpose_code, channel, kind)
        return {pid for pid in ids if pid not in refused}

    @api.model
    def _crisis_contact_refusals(
        self, partner_ids, purpose_code, channel, kind="notice"
    ):
        """Why partners may *not* be contacted for a purpose on a channel
        (see :meth:`_crisis_contact_check`)."""
        return self._crisis_contact_check(partner_ids, purpose_code, channel, kind)[0]

    @api.model
    def _crisis_contact_check(self, partner_ids, purpose_code, channel, kind="notice"):
        """Why partners may *not* be contacted for a purpose on a channel,
        and on which legal basis the others are.

        The rule, in order:

        1. **Blacklist** (absolute): on ``email`` a partner whose normalised
           e-mail is on Odoo's active ``mail.blacklist`` is refused; on
           ``sms`` and ``phone`` a partner whose sanitised number
           (``phone_sanitized``: the mobile, else the phone) is on the active
           ``phone.blacklist`` is refused. This holds even for safety checks:
           the person asked never to be contacted on that channel, other
           channels stay open. Letters have no blacklist.
        2. **A basis for this purpose on this channel** is needed. A
           ``crisis.consent`` record counts when it is for the same purpose
           (consent for one purpose never carries another: crisis consent
           never allows marketing) and the same channel, in state ``given``,
           with legal basis ``consent``, ``contract``, ``legal_obligation``
           or ``legitimate_interest``.
        3. **Withdrawn** records never count: withdrawing a consent (which
           withdraws every consent-based record of that partner, purpose and
           channel) removes the basis; a later consent is a new record.
        4. **Vital interest** only carries safety messages
           (``kind == "safety_check"``) and never marketing: a ``given``
           record with legal basis ``vital_interest`` counts for its purpose
           and channel; and employees and neighbours (stakeholder types
           ``employee`` and ``neighbor``) may receive a safety check for
           ``crisis_info`` without any record, even after withdrawing consent
           (GDPR Art. 6(1)(d): their safety does not rest on consent).
        5. An unknown purpose code gives nobody a basis.

        Addresses are not checked here (a missing address is a different
        reason to skip, see ``crisis.communication``).

        The basis a message goes out on is the strongest one recorded:
        legal obligation, vital interest, contract, legitimate interest,
        consent (a mail on a legal obligation offers no withdrawal).

        :return: ``(refusals, bases)``: ``{partner_id: "blacklisted" |
            "unsubscribed" | "no_basis"}`` for the refused partners only
            (partners absent from it may be contacted; "unsubscribed": they
            withdrew with the one-click link of an e-mail) and ``{partner_id:
            legal basis}`` of those with a basis.
        """
        partner_ids = list(partner_ids)
        if not partner_ids:
            return {}, {}
        cr = self.env.cr
        refusals = {}
        # 1. Blacklists, through the fields of Odoo's blacklist mixins
        # (mail.thread.blacklist, mail.thread.phone) and their searches.
        blacklisted = {
            "email": "is_blacklisted",
            **dict.fromkeys(PHONE_CHANNELS, "phone_sanitized_blacklisted"),
        }.get(channel)
        if blacklisted:
            refused = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [("id", "in", partner_ids), (blacklisted, "=", True)], order="id"
                )
                .ids
            )
            refusals.update(dict.fromkeys(refused, "blacklisted"))
        # 2.-5. Basis
        purpose = (
            self.env["crisis.consent.purpose"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "=", purpose_code)], limit=1)
        )
        bases = {}
        unsubscribed = set()
        if purpose:
            safety = kind == "safety_check" and purpose_code not in NEVER_VITAL_PURPOSES
            allowed = ORDINARY_BASES + (("vital_interest",) if safety else ())
            self.env["crisis.consent"].flush_model(
                [
                    "partner_id",
                    "purpose_id",
                    "channel",
                    "state",
                    "legal_basis",
                    "withdrawal_source",
                ]
            )
            # The bases, and in the same query who withdrew with the
            # one-click link of an e-mail (the reason they are skipped).
            cr.execute(
                SQL(
                    """SELECT DISTINCT partner_id, state, legal_basis
                         FROM crisis_consent
                        WHERE partner_id = ANY(%s) AND purpose_id = %s
                          AND channel = %s
                          AND ((state = 'given' AND legal_basis IN %s)
                               OR (state = 'withdrawn'
                                   AND withdrawal_source = %s))""",
                    partner_ids,
                    purpose.id,
                    channel,
                    allowed,
                    ONE_CLICK_SOURCE,
                )
            )
            for pid, state, basis in cr.fetchall():
                if state == "withdrawn":
                    unsubscribed.add(pid)
                elif pid not in bases or BASIS_RANK.index(basis) < BASIS_RANK.index(
                    bases[pid]
                ):
                    bases[pid] = basis
            if safety and purpose_code == VITAL_INTEREST_PURPOSE:
                self.env["res.partner"].flush_model(["crisis_stakeholder_type_ids"])
                cr.execute(
                    SQL(
                        """SELECT DISTINCT rel.partner_id
                             FROM crisis_stakeholder_type_res_partner_rel rel
                             JOIN crisis_stakeholder_type st ON st.id = rel.type_id
                            WHERE rel.partner_id = ANY(%s) AND st.code IN %s""",
                        partner_ids,
                        VITAL_INTEREST_TYPES,
                    )
                )
                for (pid,) in cr.fetchall():
                    if bases.get(pid) not in ("legal_obligation", "vital_interest"):
                        bases[pid] = "vital_interest"
        missing = [pid for pid in partner_ids if pid not in bases]
        for pid in missing:
            if pid not in refusals:
                refusals[pid] = "unsubscribed" if pid in unsubscribed else "no_basis"
        bases = {pid: basis for pid, basis in bases.items() if pid not in refusals}
        return refusals, bases

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
            ("crisis.incident", ["affected_partner_ids"]),
            ("crisis.communication.recipient", ["partner_id", "incident_id"]),
            ("crisis.inquiry", ["partner_id", "incident_id"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        restrict = _commercial_restrict(commercial_ids)
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
                    WHERE i.incident_id = ANY(%(incidents)s) %(restrict)s
                    UNION
                   SELECT p.commercial_partner_id
                     FROM crisis_incident_affected_partner_rel a
                     JOIN res_partner p ON p.id = a.partner_id
                    WHERE a.incident_id = ANY(%(incidents)s) %(restrict)s""",
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
        marked = incidents.sudo().filtered(
            lambda i: self.commercial_partner_id in i.affected_partner_ids
        )
        touched = (recipients.incident_id | inquiries.incident_id | marked).sorted(
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
                    ("is_template", "=", False),
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
        tz = reader_tz(self.env, self.env.user.tz)
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), value
        ).strftime("%Y-%m-%d %H:%M")
