# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.extras import Json

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import guard_workflow_fields
from .crisis_message import SENDABLE_STATES, TEXT_LANGS

RECIPIENT_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("skipped_consent", "Skipped: No Consent"),
    ("skipped_address", "Skipped: No Address"),
    ("failed", "Failed"),
]
COMMUNICATION_CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("letter", "Letter")]
SAFETY_ANSWERS = [("safe", "I am safe"), ("help", "I need help")]
# Written only by sending: what was sent, to whom, when, by whom.
WORKFLOW_FIELDS = {
    "state",
    "recipient_ids",
    "subject",
    "body",
    "sms_text",
    "message_version",
    "user_id",
    "date_queued",
    "date_done",
}
# What a communication says and to whom: fixed once sending started.
SENT_FIELDS = {
    "incident_id",
    "message_id",
    "update_id",
    "kind",
    "purpose_id",
    "channel_email",
    "channel_sms",
    "channel_letter",
    "audience_type_ids",
    "audience_tag_ids",
    "audience_partner_ids",
}


class CrisisCommunication(models.Model):
    """A broadcast of approved content to an audience over e-mail, SMS and
    letter, sent in batches by a cron job that can be interrupted and
    resumed without sending anybody anything twice."""

    _name = "crisis.communication"
    _description = "Crisis Communication"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        tracking=True,
        precompute=True,
    )
    incident_id = fields.Many2one(
        "crisis.incident",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="incident_id.company_id", store=True, index=True, precompute=True
    )
    message_id = fields.Many2one(
        "crisis.message",
        string="Content",
        ondelete="restrict",
        tracking=True,
        domain="[('state', 'in', ('approved', 'published')), "
        "'|', ('incident_id', '=', False), ('incident_id', '=', incident_id)]",
        help="Only approved or published content can be sent.",
    )
    message_state = fields.Selection(related="message_id.state", string="Content State")
    # Publishing an update on the public page is the crisis team's approval
    # of its text: a published update can be sent like approved content, an
    # unpublished one cannot.
    update_id = fields.Many2one(
        "crisis.incident.update",
        string="Public Update",
        ondelete="restrict",
        index="btree_not_null",
        tracking=True,
        domain="[('incident_id', '=', incident_id), ('is_published', '=', True)]",
        help="A published update of the public incident page, sent instead of "
        "content from the library. Publishing the update approved its text.",
    )
    kind = fields.Selection(
        [("notice", "Notice"), ("safety_check", "Safety Check")],
        required=True,
        default="notice",
        tracking=True,
        help="A safety check asks every recipient to answer “I am safe” or "
        "“I need help” through a personal link.",
    )
    purpose_id = fields.Many2one(
        "crisis.consent.purpose",
        required=True,
        ondelete="restrict",
        default=lambda self: self.env.ref(
            "crisis_management.consent_purpose_crisis_info", raise_if_not_found=False
        ),
        help="Recipients need a consent or another legal basis for this purpose "
        "on the channel.",
    )
    channel_email = fields.Boolean(string="E-mail", default=True)
    channel_sms = fields.Boolean(string="SMS")
    channel_letter = fields.Boolean(string="Letter")
    audience_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_communication_stakeholder_type_rel",
        "communication_id",
        "type_id",
        string="Stakeholder Types",
    )
    audience_tag_ids = fields.Many2many(
        "res.partner.category",
        "crisis_communication_partner_category_rel",
        "communication_id",
        "category_id",
        string="Contact Tags",
    )
    audience_partner_ids = fields.Many2many(
        "res.partner",
        "crisis_communication_res_partner_rel",
        "communication_id",
        "partner_id",
        string="Individual Contacts",
    )
    audience_domain = fields.Char(
        string="Contacts Matching",
        help="A further audience from the CRM, e.g. customers with an opportunity "
        "in a stage or the customers of a sales team. Consent is still checked "
        "for everybody.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("sending", "Sending"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    recipient_ids = fields.One2many(
        "crisis.communication.recipient",
        "communication_id",
        string="Recipients",
        readonly=True,
    )
    # What was sent: the approved text, frozen when sending started.
    subject = fields.Char(translate=True, readonly=True, copy=False)
    body = fields.Html(translate=True, readonly=True, copy=False, sanitize=False)
    sms_text = fields.Text(string="SMS Text", translate=True, readonly=True, copy=False)
    message_version = fields.Integer(
        string="Content Version", readonly=True, copy=False
    )
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True, copy=False)
    date_queued = fields.Datetime(string="Sending Started", readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished On", readonly=True, copy=False)
    # Progress
    recipient_count = fields.Integer(compute="_compute_counts", string="Total")
    queued_count = fields.Integer(compute="_compute_counts", string="Waiting")
    sent_count = fields.Integer(compute="_compute_counts", string="Sent")
    skipped_count = fields.Integer(compute="_compute_counts", string="Skipped")
    failed_count = fields.Integer(compute="_compute_counts", string="Failed")
    progress = fields.Float(compute="_compute_counts")
    letter_attachment_ids = fields.Many2many(
        "ir.attachment", compute="_compute_letter_attachment_ids", string="Letters"
    )
    # Safety check

    @api.depends("message_id", "update_id", "kind")
    def _compute_name(self):
        for comm in self:
            if not comm.name:
                comm.name = comm.message_id.name or comm.update_id.display_name or False

    @api.depends("recipient_ids.state")
    def _compute_counts(self):
        groups = self.env["crisis.communication.recipient"]._read_group(
            [("communication_id", "in", self.ids)],
            ["communication_id", "state"],
            ["__count"],
        )
        counts = {}
        for comm, state, count in groups:
            counts.setdefault(comm.id, {})[state] = count
        for comm in self:
            by_state = counts.get(comm.id, {})
            total = sum(by_state.values())
            comm.recipient_count = total
            comm.queued_count = by_state.get("queued", 0)
            comm.sent_count = by_state.get("sent", 0)
            comm.skipped_count = by_state.get("skipped_consent", 0) + by_state.get(
                "skipped_address", 0
            )
            comm.failed_count = by_state.get("failed", 0)
            comm.progress = (
                100.0 * (total - comm.queued_count) / total if total else 0.0
            )

    def _compute_letter_attachment_ids(self):
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        for comm in self:
            comm.letter_attachment_ids = attachments.filtered(
                lambda a, comm=comm: a.res_id == comm.id
            )

    @api.constrains("kind", "purpose_id")
    def _check_safety_purpose(self):
        for comm in self:
            if comm.kind == "safety_check" and comm.purpose_id.code != "crisis_info":
                raise ValidationError(
                    _(
                        "A safety check is crisis information: choose the purpose “%(purpose)s”.",
                        purpose=self.env.ref(
                            "crisis_management.consent_purpose_crisis_info"
                        ).name,
                    )
                )

    @api.constrains("message_id", "update_id", "incident_id")
    def _check_text_source(self):
        for comm in self:
            if bool(comm.message_id) == bool(comm.update_id):
                raise ValidationError(
                    _(
                        "“%(name)s”: choose either content from the library or a "
                        "published update of the public page, not both and not "
                        "neither.",
                        name=comm.name,
                    )
                )
            if comm.update_id and comm.update_id.incident_id != comm.incident_id:
                raise ValidationError(
                    _(
                        "The update “%(update)s” belongs to another incident.",
                        update=comm.update_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        guard_workflow_fields(self, vals_list, WORKFLOW_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        guard_workflow_fields(self, vals, WORKFLOW_FIELDS)
        if not self.env.su and SENT_FIELDS & set(vals):
            sent = self.filtered(lambda c: c.state != "draft")
            if sent:
                raise UserError(
                    _(
                        "“%(name)s” has been sent: what it said and to whom is part "
                        "of the record and cannot be changed. Create a new "
                        "communication instead.",
                        name=sent[0].name,
                    )
                )
        return super().write(vals)

    def update_field_translations(self, field_name, translations, source_lang=None):
        guard_workflow_fields(self, {field_name: True}, WORKFLOW_FIELDS)
        return super().update_field_translations(
            field_name, translations, source_lang=source_lang
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(comm.state != "draft" for comm in self):
            raise UserError(
                _(
                    "A communication that was sent is part of the record and cannot be deleted."
                )
            )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _channels(self):
        self.ensure_one()
        return [
            channel
            for channel, selected in (
                ("email", self.channel_email),
                ("sms", self.channel_sms),
                ("letter", self.channel_letter),
            )
            if selected
        ]

    def _check_can_send(self):
        for comm in self:
            if comm.state != "draft":
                raise UserError(_("“%(name)s” has already been sent.", name=comm.name))
            if comm.update_id and not comm.update_id.is_published:
                raise UserError(
                    _(
                        "The update “%(name)s” is not published on the public page: "
                        "publish it first, publishing approves its text.",
                        name=comm.update_id.display_name,
                    )
                )
            if comm.message_id and comm.message_id.state not in SENDABLE_STATES:
                raise UserError(
                    _(
                        "“%(name)s” is not approved. Only approved or published content "
                        "can be sent: ask another member of the crisis team to approve it.",
                        name=comm.message_id.name,
                    )
                )
            if not comm._channels():
                raise UserError(
                    _("Choose at least one channel: e-mail, SMS or letter.")
                )
            if comm.incident_id.state == "closed":
                raise UserError(
                    _("The incident is closed: nothing can be sent for it anymore.")
                )

    def _snapshot_message(self):
        """Freeze the approved text, all languages, on the communication."""
        self.ensure_one()
        if self.update_id:
            self._snapshot_update()
            return
        self.message_id.flush_recordset(["name", "body", "sms_text", "version"])
        self.flush_recordset()
        # Every stored language at once, exactly as approved.
        self.env.cr.execute(
            SQL(
                """UPDATE crisis_communication c
                      SET subject = m.name, body = m.body, sms_text = m.sms_text,
                          message_version = m.version
                     FROM crisis_message m
                    WHERE c.id = %s AND m.id = %s""",
                self.id,
                self.message_id.id,
            )
        )
        self.invalidate_recordset(["subject", "body", "sms_text", "message_version"])

    def _snapshot_update(self):
        """Freeze the published update's text, all languages: its body as the
        body, its headline (else the incident's name) in the subject."""
        self.ensure_one()
        update = self.update_id.sudo()
        update.flush_recordset(["name", "body"])
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """UPDATE crisis_communication c
                      SET body = u.body, sms_text = NULL, message_version = 0
                     FROM crisis_incident_update u
                    WHERE c.id = %s AND u.id = %s""",
                self.id,
                update.id,
            )
        )
        subjects = {}
        installed = self.env["crisis.message"]._installed_text_langs()
        for lang in installed.intersection(TEXT_LANGS):
            update_l = update.with_context(lang=lang)
            title = update_l.name or update_l.incident_id.page_title
            subjects[lang] = update_l.env._("Update: %(title)s", title=title)
        self.env.cr.execute(
            SQL(
                "UPDATE crisis_communication SET subject = %s WHERE id = %s",
                Json(subjects),
                self.id,
            )
        )
        self.invalidate_recordset(["subject", "body", "sms_text", "message_version"])
