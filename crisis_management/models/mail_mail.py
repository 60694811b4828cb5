# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import formataddr, split_every
from odoo.tools.mail import email_split_and_format

from . import crisis_mail_handover

_logger = logging.getLogger(__name__)

# Crisis mails handed to SMTP per transaction of the sender: one commit, one
# claim of the hand-over guard and one deletion of the sent mails per chunk.
SEND_CHUNK = 100
# Read for a whole chunk before Odoo's loop reads them mail by mail.
PREFETCHED_FIELDS = [
    "body_html",
    "email_to",
    "email_cc",
    "email_from",
    "reply_to",
    "headers",
    "references",
    "recipient_ids",
    "attachment_ids",
    "mail_server_id",
    "auto_delete",
    "is_notification",
    "crisis_recipient_id",
    "message_id",
    "subject",
    "model",
    "res_id",
    "state",
]

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
        guard = getattr(crisis_mail_handover.current, "guard", None)
        accepted = guard.accepted if guard else ()
        # A mail the SMTP server accepted is delivered, whatever failed after
        # (e.g. writing its "sent" mark): its recipient line is not failed.
        failed = self.filtered(
            lambda m: (
                m.crisis_recipient_id
                and m.state == "exception"
                and m.message_id not in accepted
            )
        )
        for mail in failed:
            mail.crisis_recipient_id.sudo().write(
                {
                    "state": "failed",
                    "error": mail.failure_reason or failure_reason or failure_type,
                }
            )
        sent = self.filtered(lambda m: m.crisis_recipient_id and m.state == "sent")
        # The Message-Id the mail went out with (kept when the mail is deleted).
        for mail in sent:
            line = mail.crisis_recipient_id.sudo()
            if mail.message_id and line.email_message_id != mail.message_id:
                line.email_message_id = mail.message_id
        later = self.browse()
        if guard and not failure_type:
            # Sent crisis mails are deleted together at the end of the chunk
            # (they carry no notification Odoo would update here).
            later = sent.filtered(lambda m: m.auto_delete and not m.is_notification)
            guard.unlink_ids += later.ids
        return super(MailMail, self - later)._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def write(self, vals):
        # Odoo writes back the Message-Id a mail went out with, through its
        # chatter message; for a crisis mail being handed over it is the one
        # it already has: not written again (two queries less per e-mail).
        guard = getattr(crisis_mail_handover.current, "guard", None)
        if (
            guard
            and "message_id" in vals
            and all(mail.message_id == vals["message_id"] for mail in self)
        ):
            vals = {key: value for key, value in vals.items() if key != "message_id"}
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        # The last point before Odoo's mail queue: whatever path created it,
        # an e-mail of an exercise goes to the exercise's observers only.
        lines = self.env["crisis.incident"]._exercise_outgoing_lines(vals_list)
        vals_list = [self._crisis_exercise_redirect(vals, lines) for vals in vals_list]
        return super().create(vals_list)

    @api.model
    def _crisis_exercise_redirect(self, vals, lines=None):
        """The create values of ``vals`` redirected to the observers of the
        exercise it belongs to, marked and naming who would have received
        it; ``vals`` unchanged when it belongs to no exercise."""
        Incident = self.env["crisis.incident"].sudo()
        incident = Incident._exercise_from_outgoing(vals, lines)
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
        observers = incident._exercise_observer_partners().filtered("email")
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
        once each (see ``crisis.mail.handover``), a chunk per transaction;
        other mails unchanged."""
        crisis = self.filtered("crisis_recipient_id")
        # Odoo's tests run in one transaction that must not commit: the guard
        # (committed rows, a second cursor) works in real servers only.
        testing = getattr(threading.current_thread(), "testing", False)
        if not crisis or testing or self.env.registry.in_test_mode():
            return super()._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        if self - crisis:
            super(MailMail, self - crisis)._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )

        def odoo_send(mails):
            super(MailMail, mails)._send(  # noqa: UP008
                auto_commit=False, raise_exception=raise_exception, **kwargs
            )

        with self.env["crisis.mail.handover"]._guard() as guard:
            for ids in split_every(SEND_CHUNK, crisis.ids):
                self.browse(ids)._crisis_send_chunk(guard, auto_commit, odoo_send)
        return True

    def _crisis_send_chunk(self, guard, auto_commit, odoo_send):
        """Hand these crisis mails to SMTP unless another process is sending
        them or they were handed over before, in one transaction (committed
        with ``auto_commit``): a rollback loses no hand-over, the guard's
        rows were committed on their own."""
        queued = [("id", "in", self.ids), ("state", "=", "outgoing")]
        message_ids = set(
            self.search_fetch(queued, ["message_id"]).mapped("message_id")
        )
        if auto_commit is True:
            # The next snapshot is taken after the locks: it shows what the
            # process that held them last did (it releases after committing).
            self.env.cr.commit()  # pylint: disable=invalid-commit
        locked, handed = guard.claim(message_ids)
        try:
            self.invalidate_recordset(["state"])
            mails = self.search(queued).filtered(lambda m: m.message_id in locked)
            before = mails.filtered(lambda m: m.message_id in handed)
            for mail in before:
                _logger.info(
                    "Crisis mail %s was accepted by SMTP before: marked sent, "
                    "not sent again",
                    mail.message_id,
                )
            if before:
                before.write({"state": "sent", "failure_reason": False})
                before._postprocess_sent_message(success_pids=[])
            to_send = mails - before
            guard.pending = {
                mail.message_id: mail.crisis_recipient_id.id for mail in to_send
            }
            if to_send:
                # Odoo's loop browses one mail at a time: read what it and
                # _postprocess_sent_message need for the whole chunk at once.
                to_send.fetch(PREFETCHED_FIELDS)
                # (an inherited many2many is read through the chatter
                # message, one query per mail unless read here)
                to_send.mail_message_id.fetch(["attachment_ids"])
                to_send.crisis_recipient_id.fetch(["email_message_id", "state"])
                odoo_send(to_send)
            if guard.unlink_ids:
                self.browse(guard.unlink_ids).sudo().unlink()
                guard.unlink_ids = []
            if auto_commit is True:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        finally:
            guard.unlink_ids = []
            guard.release(locked)

    @api.model
    def _crisis_send_earlier(self, communication, batch, limit):
        """Hand up to ``limit`` queued e-mails of ``communication`` to SMTP
        now, in this process (a broadcast job's worker), leaving those of the
        ``batch`` of recipient lines it just queued to Odoo's mail queue: the
        mail queue (another cron worker) always finds a batch to send while
        this worker prepares the next one. The guard keeps every mail to one
        hand-over, whoever sends it."""
        mails = self.sudo().search(
            [
                ("crisis_recipient_id.communication_id", "=", communication.id),
                ("crisis_recipient_id", "not in", batch.ids),
                ("state", "=", "outgoing"),
            ],
            order="id",
            limit=limit,
        )
        if not mails:
            return
        try:
            mails.send(auto_commit=True)
        except Exception:
            # Whatever is left stays queued for Odoo's mail queue; the
            # broadcast goes on with its next batch.
            _logger.warning("Crisis mails left to the mail queue", exc_info=True)
            self.env.cr.rollback()
            self.env.invalidate_all()


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
