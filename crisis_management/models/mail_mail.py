# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import formataddr
from odoo.tools.mail import email_split_and_format

# What a redirected exercise e-mail keeps of the original: its text and
# sender, never its addressees, headers or the chatter message it belongs to.
EXERCISE_KEPT_FIELDS = (
    "body_html",
    "email_from",
    "reply_to",
    "auto_delete",
    "attachment_ids",
    "crisis_recipient_id",
    "scheduled_date",
    "mail_server_id",
    "author_id",
    "state",
)


class MailMail(models.Model):
    _inherit = "mail.mail"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="set null"
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        failed = self.filtered(
            lambda m: m.crisis_recipient_id and m.state == "exception"
        )
        for mail in failed:
            mail.crisis_recipient_id.sudo().write(
                {
                    "state": "failed",
                    "error": mail.failure_reason or failure_reason or failure_type,
                }
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    @api.model_create_multi
    def create(self, vals_list):
        # The last point before Odoo's mail queue: whatever path created it,
        # an e-mail of an exercise goes to the exercise's observers only.
        vals_list = [self._crisis_exercise_redirect(vals) for vals in vals_list]
        return super().create(vals_list)

    @api.model
    def _crisis_exercise_redirect(self, vals):
        """The create values of ``vals`` redirected to the observers of the
        exercise it belongs to, marked and naming who would have received
        it; ``vals`` unchanged when it belongs to no exercise."""
        Incident = self.env["crisis.incident"].sudo()
        incident = Incident._exercise_from_outgoing(vals)
        if not incident:
            return vals
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse(_command_ids(vals.get("recipient_ids")))
        )
        names = [
            formataddr((partner.name or "", partner.email))
            if partner.email
            else partner.name or ""
            for partner in partners
        ]
        for key in ("email_to", "email_cc"):
            names += email_split_and_format(vals.get(key) or "")
        message = self.env["mail.message"].sudo().browse(vals.get("mail_message_id"))
        subject = vals.get("subject") or message.subject or message.record_name or ""
        recipient = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .browse(vals.get("crisis_recipient_id"))
        )
        lang = incident._exercise_lang(partners, recipient)
        short_names = [partner.name for partner in partners if partner.name]
        short_names += email_split_and_format(vals.get("email_to") or "")
        if recipient:
            short_names = [recipient.partner_id.name or recipient.address or ""]
        note = incident._exercise_recipient_note(short_names, lang)
        observers = incident.exercise_observer_ids.partner_id.filtered("email")
        body = vals.get("body_html") or vals.get("body") or message.body or ""
        new_vals = {key: vals[key] for key in EXERCISE_KEPT_FIELDS if key in vals}
        new_vals.update(
            {
                "subject": f"{note} {subject}".strip(),
                "email_to": ",".join(
                    formataddr((p.name or "", p.email)) for p in observers
                ),
                "email_cc": False,
                "recipient_ids": [Command.clear()],
                "body_html": incident._exercise_banner(names, lang) + Markup(body),
                "message_type": "email_outgoing",
                "is_notification": False,
            }
        )
        return new_vals


def _command_ids(commands):
    """Ids linked by a list of x2many commands (link, set) or plain ids."""
    ids = []
    for command in commands or []:
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == Command.LINK:
            ids.append(command[1])
        elif command[0] == Command.SET:
            ids.extend(command[2])
    return ids
