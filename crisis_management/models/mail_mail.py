# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import formataddr, html2plaintext
from odoo.tools.mail import decode_message_header, email_split_and_format

_logger = logging.getLogger(__name__)

# Advisory-lock namespace of the hand-over guard (any constant int4).
HANDOVER_LOCK = 0x43524953  # "CRIS"

# The crisis mail being handed to SMTP by this thread: (Message-Id, callback).
_handover = threading.local()


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


class CrisisMailHandover(models.Model):
    """Durable record that a crisis e-mail was accepted by the SMTP server.

    Odoo's queue marks a mail "sent" in the same transaction that may still
    roll back after the server accepted it (a serialisation failure when the
    cron and a queue started by hand meet on the same mail, a killed worker):
    the mail would go out again. This row is written and committed in a
    transaction of its own the moment the server accepts the mail, so that
    whoever finds the mail still "outgoing" later marks it sent instead of
    handing it over a second time.
    """

    _name = "crisis.mail.handover"
    _description = "Crisis Mail Handover"
    _log_access = False

    message_id = fields.Char(string="Message-ID", required=True, index=True)
    recipient_line = fields.Integer()
    date = fields.Datetime(string="Handed Over On", required=True)

    _sql_constraints = [
        ("message_id_unique", "unique(message_id)", "One hand-over per e-mail."),
    ]


class IrMailServer(models.AbstractModel):
    _inherit = "ir.mail_server"

    def send_email(self, message, *args, **kwargs):
        result = super().send_email(message, *args, **kwargs)
        pending = getattr(_handover, "pending", None)
        if pending and pending[0] == message["Message-Id"]:
            pending[1]()
        return result


class MailMail(models.Model):
    _inherit = "mail.mail"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="set null"
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # A mail the SMTP server accepted is delivered, whatever failed after
        # (e.g. writing its "sent" mark): its recipient line is not failed.
        accepted = getattr(_handover, "accepted", None)
        failed = self.filtered(
            lambda m: (
                m.crisis_recipient_id
                and m.state == "exception"
                and not (accepted and m.message_id == accepted)
            )
        )
        for mail in failed:
            mail.crisis_recipient_id.sudo().write(
                {
                    "state": "failed",
                    "error": mail.failure_reason or failure_reason or failure_type,
                }
            )
        # The Message-Id the mail went out with (kept when the mail is deleted).
        for mail in self.filtered(
            lambda m: m.crisis_recipient_id and m.state == "sent"
        ):
            line = mail.crisis_recipient_id.sudo()
            if mail.message_id and line.email_message_id != mail.message_id:
                line.email_message_id = mail.message_id
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

    def _send(self, auto_commit=False, raise_exception=False, **kwargs):
        """Odoo's sending loop, with crisis e-mails handed to SMTP at most
        once each (see ``crisis.mail.handover``); other mails unchanged."""
        crisis_ids = set(self.filtered("crisis_recipient_id").ids)
        # Odoo's tests run in one transaction that must not commit: the guard
        # (committed rows, a second cursor) works in real servers only.
        testing = getattr(threading.current_thread(), "testing", False)
        if not crisis_ids or testing or self.env.registry.in_test_mode():
            return super()._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        plain = []
        for mail_id in self.ids:
            if mail_id not in crisis_ids:
                plain.append(mail_id)
                continue
            if plain:
                super(MailMail, self.browse(plain))._send(
                    auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
                )
                plain = []
            mail = self.browse(mail_id)

            def send(mail=mail):
                return super(MailMail, mail)._send(  # noqa: UP008
                    auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
                )

            mail._crisis_send_once(auto_commit, send)
        if plain:
            super(MailMail, self.browse(plain))._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        return True

    def _crisis_send_once(self, auto_commit, send):
        """Hand one crisis e-mail to SMTP unless it was handed over before.

        A session advisory lock on its Message-Id keeps two processes from
        sending it at the same time; after the lock, a fresh transaction
        looks for its hand-over row; the row is committed on its own right
        after the SMTP server accepted the mail.
        """
        self.ensure_one()
        if self.state != "outgoing":
            return
        message_id = self.message_id
        key = [HANDOVER_LOCK, message_id]
        with self.env.registry.cursor() as guard:
            guard.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
            locked = guard.fetchone()[0]
            guard.commit()
            if not locked:
                # Being handed over by another process right now.
                return
            try:
                guard.execute(
                    "SELECT 1 FROM crisis_mail_handover WHERE message_id = %s",
                    [message_id],
                )
                handed = bool(guard.fetchone())
                guard.commit()
                if handed:
                    _logger.info(
                        "Crisis mail %s was accepted by SMTP before: marked sent, "
                        "not sent again",
                        message_id,
                    )
                    self.write({"state": "sent", "failure_reason": False})
                    self._postprocess_sent_message(success_pids=[])
                    if auto_commit is True:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                    return

                def record():
                    guard.execute(
                        """INSERT INTO crisis_mail_handover
                                  (message_id, recipient_line, date)
                           VALUES (%s, %s, now() AT TIME ZONE 'UTC')
                           ON CONFLICT (message_id) DO NOTHING""",
                        [message_id, self.crisis_recipient_id.id],
                    )
                    guard.commit()
                    _handover.accepted = message_id

                _handover.pending = (message_id, record)
                try:
                    send()
                finally:
                    _handover.pending = None
                    _handover.accepted = None
            finally:
                guard.rollback()
                guard.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
                guard.commit()

    @api.autovacuum
    def _gc_crisis_mail_handover(self):
        """Hand-over rows outlive their mail only for a while."""
        self.env.cr.execute(
            "DELETE FROM crisis_mail_handover WHERE date < (now() AT TIME ZONE 'UTC') - interval '30 days'"
        )


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


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounce names the Message-Id of the e-mail that did not arrive:
        the recipient line that kept it moves from ``sent`` to ``bounced``."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        msg_ids = message_dict.get("bounced_msg_ids") or []
        if msg_ids:
            lines = (
                self.env["crisis.communication.recipient"]
                .sudo()
                .search([("email_message_id", "in", msg_ids), ("state", "=", "sent")])
            )
            if lines:
                lines._mark_undelivered(
                    "bounced", self._crisis_bounce_reason(email_message, message_dict)
                )
        return res

    @api.model
    def _crisis_bounce_reason(self, email_message, message_dict):
        """The mail server's own words: the DSN's status and diagnostic code,
        else the start of the bounce text."""
        dsn_part = next(
            (
                part
                for part in email_message.walk()
                if part.get_content_type() == "message/delivery-status"
            ),
            None,
        )
        if dsn_part and len(dsn_part.get_payload()) > 1:
            dsn = dsn_part.get_payload()[1]
            reason = " ".join(
                filter(
                    None,
                    [
                        decode_message_header(dsn, "Status"),
                        decode_message_header(dsn, "Diagnostic-Code"),
                    ],
                )
            )
            if reason:
                return " ".join(reason.split())  # unfold header lines
        return html2plaintext(message_dict.get("body") or "").strip()[:500]
