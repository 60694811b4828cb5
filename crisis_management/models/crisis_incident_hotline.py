# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The incident as the hotline sees it: its mail alias (e-mails to it become
inquiries) and its inquiries."""

import ast
from datetime import timedelta

from odoo import _, api, fields, models, tools

from odoo.addons.mail.tools.alias_error import AliasError

from .crisis_inquiry import OPEN_STATES as INQUIRY_OPEN_STATES


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    alias_id = fields.Many2one(
        help="E-mails sent to this address become inquiries of the incident."
    )
    inquiry_ids = fields.One2many("crisis.inquiry", "incident_id", string="Inquiries")
    inquiry_count = fields.Integer(compute="_compute_inquiry_count")
    inquiry_open_count = fields.Integer(
        string="Inquiries to Answer", compute="_compute_inquiry_count"
    )

    @api.depends("inquiry_ids.state")
    def _compute_inquiry_count(self):
        groups = self.env["crisis.inquiry"]._read_group(
            [("incident_id", "in", self.ids)], ["incident_id", "state"], ["__count"]
        )
        total, open_ = {}, {}
        for incident, state, count in groups:
            total[incident] = total.get(incident, 0) + count
            if state in INQUIRY_OPEN_STATES:
                open_[incident] = open_.get(incident, 0) + count
        for incident in self:
            incident.inquiry_count = total.get(incident, 0)
            incident.inquiry_open_count = open_.get(incident, 0)

    # ------------------------------------------------------------------
    # Mail alias: e-mails to the incident become inquiries
    # ------------------------------------------------------------------
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crisis.inquiry")
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(
                self.alias_defaults or "{}"
            )
            defaults["incident_id"] = self.id
            if not self.alias_name:
                name = self._default_alias_name()
                if name:
                    values["alias_name"] = name
        return values

    def _alias_get_error(self, message, message_dict, alias):
        """Mail to an incident's address becomes an inquiry only while the
        incident takes inquiries: open, not confidential (its address must
        not let outsiders write into it), and not flooded by one sender."""
        error = super()._alias_get_error(message, message_dict, alias)
        if error or not self:
            return error
        incident = self.sudo()
        if incident.state not in ("active", "contained", "resolved"):
            return AliasError(
                "crisis_incident_not_open", _("this incident takes no inquiries")
            )
        if incident.is_confidential:
            return AliasError(
                "crisis_incident_confidential", _("this incident takes no inquiries")
            )
        sender = tools.email_normalize(message_dict.get("email_from") or "")
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.inquiry_mail_limit_per_hour", 10)
        )
        since = fields.Datetime.now() - timedelta(hours=1)
        if (
            sender
            and self.env["crisis.inquiry"]
            .sudo()
            .search_count(
                [
                    ("incident_id", "=", incident.id),
                    ("channel", "=", "email"),
                    ("email_from", "ilike", sender),
                    ("create_date", ">=", since),
                ]
            )
            >= limit
        ):
            return AliasError(
                "crisis_inquiry_throttled", _("too many messages from this sender")
            )
        message_dict["crisis_sender_verified"] = self._mail_sender_verified(
            message, message_dict
        )
        return False

    @api.model
    def _mail_sender_verified(self, message, message_dict):
        """Whether the receiving mail server vouched for the sender address:
        an ``Authentication-Results`` header of *our* server (its authserv-id
        set in ``crisis_management.mail_authserv_id``; others can be forged)
        with ``dmarc=pass``. Without one, the ``From:`` is only a claim."""
        authserv = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.mail_authserv_id", "")
            .strip()
            .lower()
        )
        if not authserv or message is None:
            return False
        for header in message.get_all("Authentication-Results") or []:
            text = " ".join(str(header).split()).lower()
            server, _sep, results = text.partition(";")
            if server.strip().split(" ")[0] == authserv and "dmarc=pass" in results:
                return True
        return False

    def _default_alias_name(self):
        """An address made of the incident's reference, if still free."""
        self.ensure_one()
        if not self.reference or self.reference == _("New"):
            return False
        Alias = self.env["mail.alias"].sudo()
        name = Alias._sanitize_alias_name(self.reference.replace("/", "-"))
        domain = self.alias_domain_id or self.company_id.alias_domain_id
        if not name or Alias.search_count(
            [("alias_name", "=", name), ("alias_domain_id", "=", domain.id)], limit=1
        ):
            return False
        return name

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_inquiries(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"default_incident_id": self.id}
        return action

    def action_hotline(self):
        """A new hotline inquiry on this incident."""
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_hotline_action"
        )
        action["context"] = {"default_incident_id": self.id}
        return action
