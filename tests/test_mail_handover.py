"""Nobody twice: a crisis e-mail the SMTP server accepted before, whose "sent"
mark was then rolled back (a serialisation failure between the cron and a
queue started by hand, a killed worker), is not handed to SMTP again.

A live server (not Odoo's test mode, where the guard is off), a real local SMTP
server (bench/smtp_sink.py); the broadcast is made by the addon's own code in
an Odoo shell, and one of its mails gets the hand-over record the guard writes
when the SMTP server accepts a mail. Then the administrator runs the mail queue
by hand (*Run Manually*).
"""

import json
import subprocess
import sys
import time
from email.utils import parseaddr

import pytest
from conftest import ROOT, _free_port, _odoo_cmd, _pg_env

sys.path.insert(0, str(ROOT / "bench"))
from smtp_sink import SmtpSink  # noqa: E402

SCRIPT = r"""
import json
stamp = {stamp!r}
server = env["ir.mail_server"].create({{
    "name": "Handover test sink " + stamp, "smtp_host": "127.0.0.1",
    "smtp_port": {port}, "smtp_encryption": "none", "sequence": 0}})
tag = env["res.partner.category"].create({{"name": "Handover test " + stamp}})
purpose = env["crisis.consent.purpose"].search([("code", "=", "crisis_info")])
partners = env["res.partner"].create([{{
    "name": f"Handover {{n}}", "email": f"handover{{n}}-{{stamp}}@example.com",
    "lang": "en_US", "category_id": [(6, 0, tag.ids)]}} for n in range(3)])
env["crisis.consent"].create([{{
    "partner_id": p.id, "purpose_id": purpose.id, "channel": "email",
    "legal_basis": "consent", "source": "test"}} for p in partners])
incident = env["crisis.incident"].create({{"name": "Handover test " + stamp}})
message = env["crisis.message"].with_context(lang="en_US").create({{
    "name": "Fire under control", "kind": "key_message", "incident_id": incident.id,
    "body": "<p>Under control.</p>", "state": "approved"}})
comm = env["crisis.communication"].create({{
    "incident_id": incident.id, "message_id": message.id, "channel_email": True,
    "audience_tag_ids": [(6, 0, tag.ids)]}})
comm.company_id.crisis_send_delay_seconds = 0  # leaves at once, no hold
comm.action_send()
# The broadcast job's batch only (its worker hands the mails to SMTP itself
# when it commits; here they stay queued for the mail queue run by hand).
import threading
threading.current_thread().testing = True
env["crisis.communication"]._cron_send()
threading.current_thread().testing = False
mails = env["mail.mail"].search([("crisis_recipient_id.communication_id", "=", comm.id)])
handed = mails[0]
env.cr.execute(
    "INSERT INTO crisis_mail_handover (message_id, recipient_line, date) "
    "VALUES (%s, %s, now() AT TIME ZONE 'UTC')",
    [handed.message_id, handed.crisis_recipient_id.id])
env.cr.commit()
print("HANDOVER " + json.dumps({{
    "server": server.id, "comm": comm.id, "mails": mails.ids,
    "handed_to": handed.email_to, "handed_line": handed.crisis_recipient_id.id,
    "addresses": partners.mapped("email")}}))
"""


@pytest.fixture()
def sink():
    with SmtpSink(_free_port()) as smtp:
        yield smtp


def test_mail_accepted_before_is_not_sent_again(server, admin, sink):
    cmd = _odoo_cmd("-d", server["db"], "--no-http", "--log-level=warn")
    cmd.insert(2, "shell")
    out = subprocess.run(
        cmd,
        input=SCRIPT.format(stamp=str(int(time.time() * 1000)), port=sink.port),
        capture_output=True,
        text=True,
        env=_pg_env(),
        timeout=300,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("HANDOVER ")), None)
    assert line, out.stdout + out.stderr
    made = json.loads(line.removeprefix("HANDOVER "))
    assert len(made["mails"]) == 3
    try:
        cron = admin(
            "ir.model.data",
            "search_read",
            [("module", "=", "mail"), ("name", "=", "ir_cron_mail_scheduler_action")],
            fields=["res_id"],
        )[0]["res_id"]
        # The administrator runs the mail queue by hand, twice.
        for _run in range(2):
            admin("ir.cron", "method_direct_trigger", [cron])
        ours = {a.lower() for a in made["addresses"]}
        received = [
            rcpt.lower()
            for _t, _m, rcpts in sink.messages
            for rcpt in rcpts
            if rcpt.lower() in ours
        ]
        handed = parseaddr(made["handed_to"])[1].lower()
        assert sorted(received) == sorted(ours - {handed}), received
        # The mail accepted before left the queue without a second copy, and
        # its recipient counts as reached.
        left = admin(
            "mail.mail",
            "search_count",
            [("id", "in", made["mails"]), ("state", "in", ("outgoing", "exception"))],
        )
        assert left == 0
        lines = admin(
            "crisis.communication.recipient",
            "search_read",
            [("communication_id", "=", made["comm"])],
            fields=["state"],
        )
        assert [x["state"] for x in lines] == ["sent"] * 3
    finally:
        admin("ir.mail_server", "write", [made["server"]], {"active": False})
