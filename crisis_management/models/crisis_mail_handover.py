# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import threading

from odoo import api, fields, models
from odoo.tools import SQL

# Advisory-lock namespace of the hand-over guard (any constant int4).
HANDOVER_LOCK = 0x43524953  # "CRIS"

# The guard handing crisis mails to SMTP in this thread (see HandoverGuard).
current = threading.local()


class CrisisMailHandover(models.Model):
    """Durable record that a crisis e-mail was accepted by the SMTP server.

    Odoo's queue marks a mail "sent" in a transaction that may still roll
    back after the server accepted it (a serialisation failure when the cron
    and a queue started by hand meet on the same mail, a killed worker): the
    mail would go out again. This row is written and committed in a
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

    @api.model
    @contextlib.contextmanager
    def _guard(self):
        """A :class:`HandoverGuard` on a cursor of its own, installed for
        this thread while the block runs."""
        with self.env.registry.cursor() as cr:
            guard = HandoverGuard(cr)
            current.guard = guard
            try:
                yield guard
            finally:
                current.guard = None
                guard.close()

    @api.autovacuum
    def _gc_handover(self):
        """Hand-over rows outlive their mail only for a while."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM crisis_mail_handover"
                " WHERE date < (now() AT TIME ZONE 'UTC') - interval '30 days'"
            )
        )


class HandoverGuard:
    """Hands crisis mails to SMTP at most once, a chunk at a time.

    * ``claim``: session advisory locks on the chunk's Message-Ids keep two
      processes from sending the same mail at the same time (a mail locked
      by another process is left to it); then, in a transaction started
      after the locks, the Message-Ids that already have a hand-over row;
    * ``record``: called when the SMTP server accepted a mail: its row is
      committed at once, on this cursor, whatever the sender's transaction
      does later;
    * ``release``: after the sender committed the chunk.

    The guard's cursor runs in autocommit mode: a hand-over row is one
    statement, one round trip to the database, right after the SMTP server's
    reply, so that a process killed in between (the window in which a mail
    can still go out twice) is as unlikely as it gets. Its commits are
    asynchronous (``synchronous_commit = off``): they survive a killed Odoo
    process at once; only a crash of PostgreSQL itself within its WAL writer
    delay can lose one, together with the sender's later (synchronous) commit
    of the same chunk.
    """

    def __init__(self, cr):
        self.cr = cr
        self.pending = {}  # Message-Id -> recipient line of mails being sent
        self.accepted = set()  # Message-Ids the SMTP server accepted
        self.unlink_ids = []  # sent crisis mails deleted at the end of the chunk
        cr._cnx.autocommit = True
        cr.execute(SQL("SET synchronous_commit TO off"))

    def claim(self, message_ids):
        """:return: ``(locked, handed)``: the Message-Ids this process now
        holds, and those of them that were handed over before."""
        if not message_ids:
            return set(), set()
        self.cr.execute(
            SQL(
                "SELECT mid FROM unnest(%s::varchar[]) AS mid"
                " WHERE pg_try_advisory_lock(%s, hashtext(mid))",
                list(message_ids),
                HANDOVER_LOCK,
            )
        )
        locked = {row[0] for row in self.cr.fetchall()}
        handed = set()
        if locked:
            # A statement of its own (autocommit): a snapshot after the locks.
            self.cr.execute(
                SQL(
                    "SELECT message_id FROM crisis_mail_handover"
                    " WHERE message_id = ANY(%s::varchar[])",
                    list(locked),
                )
            )
            handed = {row[0] for row in self.cr.fetchall()}
        return locked, handed

    def record(self, message_id):
        """The SMTP server accepted ``message_id``: commit its hand-over."""
        line = self.pending.pop(message_id, None)
        if line is None:
            return
        self.cr.execute(
            SQL(
                "INSERT INTO crisis_mail_handover (message_id, recipient_line, date)"
                " VALUES (%s, %s, now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (message_id) DO NOTHING",
                message_id,
                line,
            )
        )
        self.accepted.add(message_id)

    def release(self, message_ids):
        self.pending.clear()
        self.accepted.clear()
        if message_ids:
            self.cr.execute(
                SQL(
                    "SELECT pg_advisory_unlock(%s, hashtext(mid))"
                    " FROM unnest(%s::varchar[]) AS mid",
                    HANDOVER_LOCK,
                    list(message_ids),
                )
            )

    def close(self):
        try:
            self.cr.execute(SQL("SELECT pg_advisory_unlock_all()"))
            self.cr.execute(SQL("RESET synchronous_commit"))
        finally:
            # The connection goes back to Odoo's pool as it came.
            self.cr._cnx.autocommit = False
