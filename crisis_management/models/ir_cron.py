# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
import time
from contextlib import closing

import psycopg2
from psycopg2 import sql as pgsql

from odoo import models, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger(__name__)

# Seconds after the registry is ready at which the pending crisis jobs are
# triggered: the cron workers start listening for triggers only after the
# registry has been loaded (threaded server) or once the master has forked them
# (prefork), so the first trigger may reach nobody; later ones are cheap.
RESUME_DELAYS = (1, 3, 8)
# How long to wait for the registry to be ready, in seconds.
RESUME_READY_TIMEOUT = 600

# (cron XML id, table, state of pending work): the jobs whose work a stopped
# server may leave behind. The crisis broadcast job, Odoo's mail and SMS
# queues (the alarm of the crisis team, the broadcast's e-mails and texts).
RESUME_JOBS = (
    (
        "crisis_management.ir_cron_crisis_communication_send",
        "crisis_communication_recipient",
        "queued",
    ),
    ("mail.ir_cron_mail_scheduler_action", "mail_mail", "outgoing"),
    ("sms.ir_cron_sms_scheduler_action", "sms_sms", "outgoing"),
)


class IrCron(models.Model):
    """Resume interrupted crisis work at once after a restart.

    Odoo's cron workers sleep up to a minute (``SLEEP_INTERVAL``) before their
    first look at the jobs, and wake up earlier only on a trigger
    (``NOTIFY cron_trigger``). A broadcast or an alarm interrupted by a
    restart would wait for that minute. When a server has loaded the
    database, a short-lived thread triggers the jobs that have work left
    (queued recipient lines, outgoing e-mails or text messages) a few times
    in the first seconds, so that the cron workers of this server (or of
    another server on the same database) take them at once.
    """

    _inherit = "ir.cron"

    def _register_hook(self):
        res = super()._register_hook()
        if not config.get("stop_after_init") and not config.get("test_enable"):
            threading.Thread(
                target=_resume_thread,
                args=(self.env.cr.dbname,),
                name=f"crisis-resume-{self.env.cr.dbname}",
                daemon=True,
            ).start()
        return res


def _resume_thread(dbname):
    """Wait until the registry of ``dbname`` is ready, then trigger the
    jobs with pending work at each of ``RESUME_DELAYS``.

    Plain connections of its own, outside Odoo's pool: in a prefork
    server this thread runs in the master process, which forks workers
    that inherit the pool; they must never share a connection with it.
    """
    deadline = time.monotonic() + RESUME_READY_TIMEOUT
    while time.monotonic() < deadline:
        registry = Registry.registries.get(dbname)
        if registry is not None and registry.ready:
            break
        time.sleep(0.2)
    else:
        return
    ready_at = time.monotonic()
    for delay in RESUME_DELAYS:
        time.sleep(max(0.0, ready_at + delay - time.monotonic()))
        try:
            triggered = _trigger_pending(dbname)
        except psycopg2.Error:
            # A database being dropped or restored: nothing to resume.
            _logger.debug("Could not resume pending work", exc_info=True)
            return
        if triggered:
            _logger.info("Resuming pending work: triggered %s", triggered)


def _connect(dbname):
    params = sql_db.connection_info_for(dbname)[1]
    return closing(psycopg2.connect(**params))


def _trigger_pending(dbname):
    """Trigger each job of ``RESUME_JOBS`` that is active and has work left
    (an ``ir.cron.trigger`` due now, then ``NOTIFY cron_trigger`` as
    ``ir.cron._trigger`` does), in one transaction.

    :return: the XML ids of the triggered jobs
    """
    triggered = []
    with _connect(dbname) as cnx, cnx, cnx.cursor() as cr:
        for xmlid, table, state in RESUME_JOBS:
            module, name = xmlid.split(".")
            cr.execute("SELECT to_regclass(%s)", (table,))
            if not cr.fetchone()[0]:
                continue
            cr.execute(
                """SELECT c.id FROM ir_cron c
                     JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
                    WHERE d.module = %s AND d.name = %s AND c.active""",
                (module, name),
            )
            row = cr.fetchone()
            if not row:
                continue
            query = pgsql.SQL("SELECT 1 FROM {} WHERE state = %s LIMIT 1")
            cr.execute(query.format(pgsql.Identifier(table)), (state,))
            if not cr.fetchone():
                continue
            cr.execute(
                """INSERT INTO ir_cron_trigger
                          (cron_id, call_at, create_uid, write_uid, create_date, write_date)
                   VALUES (%s, now() at time zone 'UTC', 1, 1,
                           now() at time zone 'UTC', now() at time zone 'UTC')""",
                (row[0],),
            )
            triggered.append(xmlid)
    if triggered:
        with _connect("postgres") as cnx, cnx, cnx.cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", (dbname,))
    return triggered
