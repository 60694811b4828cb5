# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Advisory-lock namespace of the hand-over guard (any constant int4).
HANDOVER_LOCK = 0x43524953  # "CRIS"

# The crisis mail being handed to SMTP by this thread: (Message-Id, callback).
_handover = threading.local()


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
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

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
