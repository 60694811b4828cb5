#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The alarm of the crisis team on a real multi-worker Odoo (2 HTTP workers,
1 cron worker, the gevent process) to a real local SMTP server
(bench/smtp_sink.py on 127.0.0.1), timed from the activation of a critical
incident to the last alarm e-mail accepted by the SMTP server.

    .venv/bin/python bench/bench_alarm.py [--template crisis_base] [--people 20]

The standing crisis team has 20 people in the 8 roles of the roster (3 in
each of the first four roles, 2 in the others). Activating the incident
alarms the 8 primaries at once; every alarmed person answers "not available"
through their personal page /crisis/alarm/<token> (HTTP POST, no login) as
soon as their e-mail has arrived, which alarms the next deputy at once —
until all 20 people were alarmed. Printed: seconds from activation to the
primaries' e-mails and to the 20th e-mail, the machine's load average. Exit
status 1 when not every alarm e-mail arrived within the limit (default 10 s).

Nothing leaves the machine: the mail server is the local sink, the bench
users have no mobile number (no SMS).
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_crash import query, results_dir, shell  # noqa: E402
from conftest import _odoo_cmd, _pg_env, start_prefork, stop_process_group  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

ROLES = [
    "lead",
    "spokesperson",
    "communications",
    "legal",
    "operations",
    "hr",
    "it",
    "hotline",
]

SETUP_SCRIPT = r"""
env["ir.mail_server"].search([]).write({{"active": False}})
env["ir.mail_server"].create({{
    "name": "Local SMTP sink", "smtp_host": "127.0.0.1", "smtp_port": {port},
    "smtp_encryption": "none", "sequence": 1}})
company = env.company
company.email = "krisenstab@bench-alarm.example.com"
env["crisis.roster.line"].search([]).unlink()
# Nothing else of the demo may alarm or send while the bench measures.
env["crisis.incident"].search([("state", "in", ("active", "contained", "resolved"))]).write(
    {{"state": "closed"}})
env["mail.mail"].search([("state", "=", "outgoing")]).unlink()
group = env.ref("crisis_management.group_crisis_manager")
roles = {roles!r}
lines = []
for i in range({people}):
    role = roles[i % len(roles)]
    user = env["res.users"].with_context(no_reset_password=True).create({{
        "name": f"Alarm Bench {{i:02d}}", "login": f"alarm_bench_{{i:02d}}",
        "email": f"alarm{{i:02d}}@bench-alarm.example.com", "lang": "de_DE",
        "groups_id": [(6, 0, [group.id])]}})
    lines.append({{"company_id": company.id, "role": role, "user_id": user.id,
                  "sequence": i}})
env["crisis.roster.line"].create(lines)
env.cr.commit()
print("READY")
"""


def prepare(db, template, port, people):
    env = _pg_env()
    subprocess.run(["dropdb", "--if-exists", db], env=env, check=True)
    subprocess.run(["createdb", "-T", template, db], env=env, check=True)
    # The template may predate this code: update the addon first.
    cmd = _odoo_cmd(
        "-d",
        db,
        "-u",
        "crisis_management",
        "--stop-after-init",
        "--log-level=warn",
        "--http-port=0",
    )
    subprocess.run(cmd, env=env, check=True)
    out = shell(db, SETUP_SCRIPT.format(port=port, roles=ROLES, people=people))
    assert "READY" in out, out


def answer_unavailable(url, token):
    data = b"answer=unavailable"
    request = urllib.request.Request(f"{url}/crisis/alarm/{token}", data=data)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def run(db, port, people, limit, logdir):
    log = logdir / "bench_alarm.log"
    log.write_text("")
    result = {
        "people": people,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    with SmtpSink(port) as sink:
        proc, info = start_prefork(db, log, workers=2, cron_workers=1)
        try:
            url = info["url"]
            common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
            uid = common.authenticate(db, "admin", "admin", {})
            models = xmlrpc.client.ServerProxy(
                f"{url}/xmlrpc/2/object", allow_none=True
            )
            incident_id = models.execute_kw(
                db,
                uid,
                "admin",
                "crisis.incident",
                "create",
                [
                    {
                        "name": "Bench: Brand in Halle 2",
                        "severity": "critical",
                        "lead_id": False,
                    }
                ],
            )
            started = time.time()
            models.execute_kw(
                db, uid, "admin", "crisis.incident", "action_activate", [[incident_id]]
            )
            result["activation_seconds"] = round(time.time() - started, 2)
            answered = set()
            primaries_done = None
            deadline = started + max(limit * 6, 60)
            while time.time() < deadline:
                arrived = {rcpt for _t, _mid, rcpts in sink.messages for rcpt in rcpts}
                if primaries_done is None and len(arrived) >= len(ROLES):
                    primaries_done = time.time() - started
                if len(arrived) >= people:
                    break
                rows = query(
                    db,
                    "SELECT l.id, l.access_token, p.email FROM crisis_alarm_line l "
                    "JOIN res_users u ON u.id = l.user_id "
                    "JOIN res_partner p ON p.id = u.partner_id "
                    "WHERE l.incident_id = %s AND l.answer IS NULL",
                    [incident_id],
                )
                for line_id, token, email in rows:
                    if line_id not in answered and email in arrived:
                        answered.add(line_id)
                        answer_unavailable(url, token)
                time.sleep(0.05)
            times = sorted(t for t, _mid, _rcpts in sink.messages)
            result["alarm_mails"] = len(sink.messages)
            result["seconds_to_primaries"] = round(primaries_done or -1, 2)
            result["seconds_to_last_alarm_mail"] = (
                round(times[-1] - started, 2) if times else None
            )
            result["lines"] = query(
                db,
                "SELECT count(*) FROM crisis_alarm_line WHERE incident_id = %s",
                [incident_id],
            )[0][0]
        finally:
            stop_process_group(proc)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["ok"] = (
        result["alarm_mails"] == people
        and result["seconds_to_last_alarm_mail"] is not None
        and result["seconds_to_last_alarm_mail"] <= limit
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="crisis_base")
    parser.add_argument("--db", default="crisis_bench_alarm")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--smtp-port", type=int, default=8117)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    logdir = results_dir()
    print(f"[bench] preparing {args.db} from {args.template}", flush=True)
    prepare(args.db, args.template, args.smtp_port, args.people)
    try:
        result = run(args.db, args.smtp_port, args.people, args.limit, logdir)
    finally:
        if not args.keep:
            subprocess.run(
                ["dropdb", "--if-exists", args.db], env=_pg_env(), check=False
            )
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
