#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nobody twice, nobody lost: an e-mail broadcast on a real multi-worker Odoo
(3 HTTP workers, 2 cron workers, the gevent process) to a real local SMTP
server (bench/smtp_sink.py on 127.0.0.1), counted at the SMTP server.

    .venv/bin/python bench/bench_crash.py --size 3000 --scenario kill manual

Scenarios (each on a fresh copy of a prepared database):

* ``kill``: the whole server process group is killed with SIGKILL when a
  random share (10-70 %) of the mails has arrived, then started again;
* ``manual``: while the crons send, an administrator starts the mail queue
  (``mail.mail.process_email_queue``) and the broadcast job (*Run Manually*)
  by hand over XML-RPC, again and again, from two clients.

Checked at the end: every eligible recipient (recipient line sent by e-mail)
received the broadcast exactly once, no Message-Id arrived twice, nothing
stayed in the queue. Prints the figures; exit status 1 on any duplicate or
loss. Every run stops by itself (``--timeout`` per scenario); the servers it
starts are killed at the end.
"""

import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from email.utils import parseaddr
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from conftest import (  # noqa: E402
    _conf,
    _free_port,
    _odoo_cmd,
    _pg_env,
    start_prefork,
    stop_process_group,
    wait_for_http,
)
from smtp_sink import SmtpSink  # noqa: E402

ADDONS = "crisis_management,crisis_social,crisis_reports"

SETUP_SCRIPT = r"""
import sys
sys.path.insert(0, {bench!r})
from bench_broadcast import ensure_audience
ensure_audience(env, {size}, 42)
env["ir.mail_server"].search([]).write({{"active": False}})
env["ir.mail_server"].create({{
    "name": "Local SMTP sink", "smtp_host": "127.0.0.1", "smtp_port": {port},
    "smtp_encryption": "none", "sequence": 1}})
env.company.email = env.company.email or "krisenstab@example.com"
env.cr.commit()
print("READY")
"""

BROADCAST_SCRIPT = r"""
tag = env["res.partner.category"].search([("name", "=", {tag!r})], limit=1)
incident = env["crisis.incident"].create({{"name": "Crash benchmark incident"}})
message = env["crisis.message"].with_context(lang="en_US").create({{
    "name": "Fire under control", "kind": "key_message", "incident_id": incident.id,
    "body": "<p>The fire is under control. Keep your windows closed.</p>",
    "state": "approved"}})
comm = env["crisis.communication"].create({{
    "incident_id": incident.id, "message_id": message.id, "channel_email": True,
    "audience_tag_ids": [(6, 0, tag.ids)]}})
comm.company_id.crisis_send_delay_seconds = 0  # leaves at once, no hold
comm.action_send()
env.cr.commit()
print("COMM", comm.id)
for lang, _name in env["res.lang"].get_installed():
    print("SUBJECT", comm.with_context(lang=lang).subject)
"""


def shell(db, script, timeout=1800):
    cmd = _odoo_cmd("-d", db, "--no-http", "--log-level=warn")
    cmd.insert(2, "shell")
    result = subprocess.run(
        cmd,
        input=script,
        capture_output=True,
        text=True,
        env=_pg_env(),
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
    return result.stdout


def psql(db):
    conf = _conf()
    conn = psycopg2.connect(
        dbname=db,
        host=conf["db_host"],
        port=conf["db_port"],
        user=conf["db_user"],
        password=conf["db_password"],
    )
    conn.autocommit = True
    return conn


def query(db, sql, args=()):
    conn = psql(db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall()
    finally:
        conn.close()


def ensure_base(base, template, size, smtp_port):
    env = _pg_env()
    exists = (
        subprocess.run(
            ["psql", "-d", base, "-Atqc", "SELECT 1"],
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
        ).returncode
        == 0
    )
    if not exists:
        if template:
            subprocess.run(["createdb", "-T", template, base], env=env, check=True)
            cmd = _odoo_cmd(
                "-d",
                base,
                "-u",
                ADDONS,
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=0",
            )
            subprocess.run(cmd, env=env, check=True)
        else:
            cmd = _odoo_cmd(
                "-d",
                base,
                "-i",
                ADDONS,
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=0",
            )
            subprocess.run(cmd, env=env, check=True)
    print(
        f"[bench] preparing {base}: {size} stakeholders, SMTP 127.0.0.1:{smtp_port}",
        flush=True,
    )
    out = shell(
        base, SETUP_SCRIPT.format(bench=str(ROOT / "bench"), size=size, port=smtp_port)
    )
    assert "READY" in out, out


def fresh_copy(base, db):
    env = _pg_env()
    subprocess.run(
        ["dropdb", "--if-exists", db], env=env, check=True, stdin=subprocess.DEVNULL
    )
    subprocess.run(
        ["createdb", "-T", base, db], env=env, check=True, stdin=subprocess.DEVNULL
    )


def start_broadcast(db):
    from bench_broadcast import TAG_NAME

    out = shell(db, BROADCAST_SCRIPT.format(tag=TAG_NAME)).splitlines()
    comm_id = int(next(x for x in out if x.startswith("COMM ")).split()[1])
    return Broadcast(comm_id, {x[8:] for x in out if x.startswith("SUBJECT ")})


class Broadcast(int):
    """The communication's id, with the subjects its e-mails go out with."""

    def __new__(cls, comm_id, subjects):
        obj = super().__new__(cls, comm_id)
        obj.subjects = subjects
        return obj


def pending(db, comm_id):
    (queued,) = query(
        db,
        "SELECT count(*) FROM crisis_communication_recipient "
        "WHERE communication_id = %s AND state = 'queued'",
        [comm_id],
    )[0]
    (outgoing,) = query(
        db,
        "SELECT count(*) FROM mail_mail m JOIN crisis_communication_recipient r "
        "ON r.id = m.crisis_recipient_id WHERE r.communication_id = %s "
        "AND m.state = 'outgoing'",
        [comm_id],
    )[0]
    return queued, outgoing


def server_args(cron_workers):
    return dict(workers=3, cron_workers=cron_workers)


def start_server(db, log, cron_workers):
    proc, info = start_prefork(
        db,
        log,
        "--limit-time-real=600",
        "--limit-time-cpu=600",
        "--limit-time-real-cron=600",
        **server_args(cron_workers),
    )
    return proc, info


def start_threaded(db, log, cron_threads):
    """Odoo's threaded server, as ``make run`` serves: one process, its HTTP
    threads and ``cron_threads`` cron threads sharing one interpreter."""
    port = _free_port()
    cmd = _odoo_cmd(
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        "--workers=0",
        f"--max-cron-threads={cron_threads}",
        "--log-level=info",
    )
    with open(log, "a") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/web/login", proc, log)
    return proc, {"url": url, "db": db, "port": port}


def start_cron_node(db, log, cron_workers, nice=5):
    """Cron workers alone, as deploy/systemd/odoo-cron.service runs them
    (prefork mode without HTTP, at a lower CPU priority than the HTTP
    workers)."""
    cmd = _odoo_cmd(
        "-d",
        db,
        "--no-http",
        "--workers=1",
        f"--max-cron-threads={cron_workers}",
        "--limit-time-real-cron=600",
        "--log-level=info",
    )
    with open(log, "a") as out:
        return subprocess.Popen(
            ["nice", "-n", str(nice), *cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_done(db, comm_id, sink, deadline):
    stable_since, last = time.time(), -1
    while time.time() < deadline:
        queued, outgoing = pending(db, comm_id)
        if sink.count != last:
            stable_since, last = time.time(), sink.count
        if queued == 0 and outgoing == 0 and time.time() - stable_since > 5:
            return True
        time.sleep(1)
    return False


def check(db, comm_id, sink, started):
    expected = collections.Counter(
        parseaddr(row[0])[1].lower()
        for row in query(
            db,
            "SELECT address FROM crisis_communication_recipient "
            "WHERE communication_id = %s AND channel = 'email' AND state = 'sent'",
            [comm_id],
        )
    )
    got = collections.Counter()
    ids = collections.Counter()
    # Only the broadcast's e-mails count: the incident's creation alerts
    # the crisis team, which is other mail.
    others = 0
    for _t, message_id, rcpts in sink.messages:
        if sink.subjects.get(message_id) not in comm_id.subjects:
            others += 1
            continue
        ids[message_id] += 1
        for rcpt in rcpts:
            got[parseaddr(rcpt)[1].lower()] += 1
    twice = {a: n for a, n in got.items() if n > 1}
    lost = [a for a in expected if a not in got]
    extra = [a for a in got if a not in expected]
    same_id = {m: n for m, n in ids.items() if n > 1}
    failed = query(
        db,
        "SELECT count(*) FROM crisis_communication_recipient "
        "WHERE communication_id = %s AND state = 'failed'",
        [comm_id],
    )[0][0]
    times = [
        t for t, m, _r in sink.messages if sink.subjects.get(m) in comm_id.subjects
    ]
    duration = (max(times) - started) if times else 0
    spread = (max(times) - min(times)) if len(times) > 1 else 0
    return {
        "eligible": sum(expected.values()),
        "received": sum(got.values()),
        "twice": len(twice),
        "same_message_id_twice": len(same_id),
        "lost": len(lost),
        "unexpected": len(extra),
        "failed_lines": failed,
        "other_mails": others,
        "seconds_to_last_mail": round(duration, 1),
        "mails_per_second": round(sum(got.values()) / duration, 1) if duration else 0,
        "seconds_first_to_last_mail": round(spread, 1),
        "mails_per_second_first_to_last": round(len(times) / spread, 1)
        if spread
        else 0,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "examples": {"twice": list(twice)[:3], "lost": lost[:3]},
    }


def manual_runs(url, db, stop, errors, calls):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    cron = models.execute_kw(
        db,
        uid,
        "admin",
        "ir.model.data",
        "search_read",
        [
            [
                ("module", "=", "crisis_management"),
                ("name", "=", "ir_cron_crisis_communication_send"),
            ]
        ],
        {"fields": ["res_id"]},
    )[0]["res_id"]
    while not stop.is_set():
        # The mail queue started by hand (as the cron's code does, in an HTTP
        # worker) and "Run Manually" on the broadcast job.
        for model, method, args in (
            ("mail.mail", "process_email_queue", []),
            ("ir.cron", "method_direct_trigger", [[cron]]),
        ):
            try:
                models.execute_kw(db, uid, "admin", model, method, args)
                calls[method] += 1
            except xmlrpc.client.Fault as fault:
                if "cannot marshal None" in fault.faultString:
                    # The queue ran; Odoo's answer (None) is not valid XML-RPC.
                    calls[method] += 1
                    continue
                errors[fault.faultString.strip().splitlines()[-1][:120]] += 1
            except OSError as exc:
                errors[repr(exc)[:120]] += 1
        time.sleep(0.2)


def run_scenario(name, base, size, smtp_port, timeout, cron_workers, logdir, nodes=1):
    """One scenario on a fresh copy; ``nodes`` servers on the database (each
    with its own HTTP and cron workers, as two machines would run them)."""
    db = f"{base}_run"
    fresh_copy(base, db)
    rng = random.Random()
    log = logdir / f"{name}.log"
    log.write_text("")
    result = {"scenario": name, "nodes": nodes}
    others = []
    with SmtpSink(smtp_port) as sink:
        proc, info = start_server(db, log, cron_workers)
        for n in range(1, nodes):
            other_log = logdir / f"{name}_node{n + 1}.log"
            other_log.write_text("")
            others.append(start_server(db, other_log, cron_workers)[0])
        try:
            deadline = time.time() + timeout
            started = time.time()
            comm_id = start_broadcast(db)
            if name == "kill":
                share = rng.uniform(0.1, 0.7)
                target = int(size * 0.75 * share)  # ~75 % of the audience is eligible
                while sink.count < target and time.time() < deadline:
                    time.sleep(0.05)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                result["killed_after_mails"] = sink.count
                killed_at = time.time()
                time.sleep(1)
                restarted = time.time()
                proc, info = start_server(db, log, cron_workers)
                answered = time.time()
            elif name == "manual":
                stop = threading.Event()
                errors, calls = collections.Counter(), collections.Counter()
                clients = [
                    threading.Thread(
                        target=manual_runs, args=(info["url"], db, stop, errors, calls)
                    )
                    for _n in range(2)
                ]
                for client in clients:
                    client.start()
            done = wait_until_done(db, comm_id, sink, deadline)
            if name == "manual":
                stop.set()
                for client in clients:
                    client.join(timeout=120)
                result["manual_calls"] = dict(calls)
                result["manual_refusals"] = dict(errors.most_common(5))
            result["finished_in_time"] = done
            result.update(check(db, comm_id, sink, started))
            if name == "kill":
                # Resuming at once: the restarted server's first broadcast mail.
                first = min(
                    (
                        t
                        for t, m, _r in sink.messages
                        if t > killed_at and sink.subjects.get(m) in comm_id.subjects
                    ),
                    default=None,
                )
                result["restart_answering_s"] = round(answered - restarted, 1)
                result["resume_first_mail_s_after_answering"] = (
                    round(first - answered, 1) if first else None
                )
            handed = query(db, "SELECT count(*) FROM crisis_mail_handover")[0][0]
            result["handover_rows"] = handed
            result["resend_prevented"] = sum(
                1
                for line in log.read_text().splitlines()
                if "was accepted by SMTP before" in line
            )
        finally:
            stop_process_group(proc, signal.SIGKILL)
            for other in others:
                stop_process_group(other, signal.SIGKILL)
    return result


def results_dir():
    """``bench/results`` (made if missing): the logs and figures of a run."""
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    return results


def base_parser(doc, size):
    """The options of the prepared database (made once with ``size``
    stakeholders, copied for every run) and of the servers started on it:
    bench_crash.py and bench_load.py share them."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--db",
        dest="base",
        default="crisis_bench_crash",
        help="prepared database (made once)",
    )
    parser.add_argument(
        "--template", default=None, help="database to copy when --base is missing"
    )
    parser.add_argument(
        "--size", type=int, default=size, help="stakeholders (about 75 %% eligible)"
    )
    parser.add_argument("--smtp-port", type=int, default=8115)
    parser.add_argument("--cron-workers", type=int, default=2)
    return parser


def main():
    parser = base_parser(__doc__, size=3000)
    parser.add_argument(
        "--scenario",
        nargs="+",
        default=["kill", "manual"],
        choices=["kill", "manual", "scale", "nodes"],
        help="scale: the same broadcast with 1, then 2 cron workers (no kill, "
        "no manual runs); nodes: on one server, then on two servers on the same "
        "database (each with --cron-workers); both print the throughput ratio",
    )
    parser.add_argument("--timeout", type=int, default=900, help="seconds per scenario")
    parser.add_argument("--keep", action="store_true", help="keep the run database")
    args = parser.parse_args()
    logdir = results_dir()
    ensure_base(args.base, args.template, args.size, args.smtp_port)
    ok = True
    runs = []
    for name in args.scenario:
        if name == "scale":
            runs += [("scale_1_cron", 1, 1), ("scale_2_cron", 2, 1)]
        elif name == "nodes":
            runs += [
                ("nodes_1", args.cron_workers, 1),
                ("nodes_2", args.cron_workers, 2),
            ]
        else:
            runs.append((name, args.cron_workers, 1))
    rates = {}
    for name, cron_workers, nodes in runs:
        result = run_scenario(
            name,
            args.base,
            args.size,
            args.smtp_port,
            args.timeout,
            cron_workers,
            logdir,
            nodes,
        )
        result["cron_workers"] = cron_workers
        rates[name] = result["mails_per_second_first_to_last"]
        print(json.dumps(result, indent=1), flush=True)
        good = (
            result["finished_in_time"]
            and result["twice"] == 0
            and result["lost"] == 0
            and result["same_message_id_twice"] == 0
            and result["eligible"] > 0
        )
        print(
            f"{name}: {'OK' if good else 'FAILED'}: {result['received']} of "
            f"{result['eligible']} eligible received, {result['twice']} twice, "
            f"{result['lost']} lost, {result['mails_per_second']} mails/s",
            flush=True,
        )
        if name == "kill":
            resume = result["resume_first_mail_s_after_answering"]
            print(
                f"resume: the restarted server answered after "
                f"{result['restart_answering_s']} s; its first mail of the "
                f"interrupted broadcast {resume} s after answering (target <= 5)",
                flush=True,
            )
            good = good and resume is not None and resume <= 5
        ok = ok and good
    if rates.get("scale_1_cron"):
        ratio = rates["scale_2_cron"] / rates["scale_1_cron"]
        print(
            f"scale: {rates['scale_1_cron']} e-mails/s with 1 cron worker, "
            f"{rates['scale_2_cron']} with 2: ratio {ratio:.2f} (target >= 1.6), "
            f"load average {os.getloadavg()[1]:.2f}",
            flush=True,
        )
    if rates.get("nodes_1"):
        ratio = rates["nodes_2"] / rates["nodes_1"]
        print(
            f"nodes: {rates['nodes_1']} e-mails/s on one server, {rates['nodes_2']} "
            f"on two ({args.cron_workers} cron worker(s) each): ratio {ratio:.2f} "
            f"(target >= 1.6), {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[1]:.2f}",
            flush=True,
        )
    if not args.keep:
        subprocess.run(
            ["dropdb", "--if-exists", f"{args.base}_run"],
            env=_pg_env(),
            check=False,
            stdin=subprocess.DEVNULL,
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
