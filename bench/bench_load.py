#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The hotline stays fast during a broadcast: 6 hotline clients log calls over
XML-RPC on a real multi-worker Odoo (3 HTTP workers, 2 cron workers, the
gevent process) while the cron workers send an e-mail broadcast to a local
SMTP server (bench/smtp_sink.py).

    .venv/bin/python bench/bench_load.py --db crisis_bench_crash --size 10000

The prepared database is the one of bench_crash.py (made once: ``--size``
stakeholders with mixed consents, an outgoing mail server pointing at the
sink). Per run, on a fresh copy:

1. baseline: the clients log calls for ``--baseline`` seconds, no broadcast;
2. load: the broadcast is started and the clients log calls until the last
   e-mail was accepted by the SMTP server.

A hotline call is what the hotline screen does over RPC, as a user of the
crisis group: look up the caller (``res.partner`` search_read), create the
``crisis.inquiry``, read the approved Q&A of the incident, then write the
answer given and mark the call answered. Every RPC's latency counts; each
client places one call per ``--interval`` seconds (6 clients, 1 s: 6 calls/s,
30 RPCs/s). Prints p50/p95/max and errors of both phases, the ratio of the
p95s and the load average; exit status 1 when the p95 under load is 1 s or
more, or any RPC failed.
"""

import collections
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
import xmlrpc.client

# bench_crash puts tests/ (the live server helpers of conftest) on the path.
from bench_crash import (
    base_parser,
    ensure_base,
    fresh_copy,
    pending,
    results_dir,
    start_broadcast,
    start_cron_node,
    start_server,
    start_threaded,
    stop_process_group,
)
from smtp_sink import SmtpSink

CLIENTS = 6


def rpc(url, db):
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)


def make_hotline_users(url, db):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = rpc(url, db)

    def admin(model, method, *args, **kw):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kw)

    group = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", "crisis_management"), ("name", "=", "group_crisis_user")],
        fields=["res_id"],
    )[0]["res_id"]
    incident = admin(
        "crisis.incident",
        "create",
        {"name": "Load benchmark incident"},
    )
    admin(
        "crisis.message",
        "create",
        {
            "name": "Is the water safe to drink?",
            "kind": "qa",
            "question": "Is the water safe to drink?",
            "incident_id": incident,
            "body": "<p>Yes. The water is tested every hour.</p>",
        },
    )
    logins = []
    for n in range(CLIENTS):
        login = f"hotline{n}"
        if not admin("res.users", "search", [("login", "=", login)]):
            admin(
                "res.users",
                "create",
                {
                    "name": f"Hotline {n}",
                    "login": login,
                    "password": login + "-pw1",
                    "groups_id": [(6, 0, [group])],
                },
            )
        logins.append(login)
    partners = admin(
        "res.partner", "search", [("email", "like", "stakeholder%")], limit=2000
    )
    return incident, logins, partners


def hotline_client(url, db, login, incident, partners, stop, interval, samples):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    password = login + "-pw1"
    uid = common.authenticate(db, login, password, {})
    models = rpc(url, db)
    rng = random.Random(login)

    def call(model, method, *args, **kw):
        start = time.time()
        error = None
        try:
            return models.execute_kw(db, uid, password, model, method, list(args), kw)
        except (xmlrpc.client.Error, OSError) as exc:
            error = str(exc)[-200:]
            raise
        finally:
            samples.append((start, time.time() - start, f"{model}.{method}", error))

    while not stop.is_set():
        began = time.time()
        try:
            number = rng.randrange(100000)
            found = call(
                "res.partner",
                "search_read",
                [("name", "ilike", f"Stakeholder {number % 10000:05d}")],
                fields=["name", "phone", "email"],
                limit=5,
            )
            partner = found[0]["id"] if found else rng.choice(partners)
            inquiry = call(
                "crisis.inquiry",
                "create",
                {
                    "name": f"Call {number}",
                    "incident_id": incident,
                    "partner_id": partner,
                    "channel": "phone",
                    "question": "Is the water safe to drink?",
                },
            )
            call(
                "crisis.message",
                "search_read",
                [("incident_id", "=", incident), ("kind", "=", "qa")],
                fields=["name", "body"],
            )
            call(
                "crisis.inquiry",
                "write",
                [inquiry],
                {"answer": "Yes, tested every hour."},
            )
            call("crisis.inquiry", "action_answer", [inquiry])
        except (xmlrpc.client.Error, OSError):
            pass  # counted in samples
        stop.wait(max(0.0, interval - (time.time() - began)))


def run_clients(url, db, logins, incident, partners, interval):
    stop = threading.Event()
    samples = []
    threads = [
        threading.Thread(
            target=hotline_client,
            args=(url, db, login, incident, partners, stop, interval, samples),
            daemon=True,
        )
        for login in logins
    ]
    for thread in threads:
        thread.start()
    return stop, threads, samples


def figures(samples, start=None, end=None):
    chosen = [
        s
        for s in samples
        if (start is None or s[0] >= start) and (end is None or s[0] <= end)
    ]
    times = sorted(s[1] for s in chosen if not s[3])
    errors = collections.Counter(s[3] for s in chosen if s[3])
    if not times:
        return {"rpcs": 0, "errors": sum(errors.values())}
    return {
        "rpcs": len(chosen),
        "p50_s": round(statistics.median(times), 3),
        "p95_s": round(times[int(0.95 * (len(times) - 1))], 3),
        "max_s": round(times[-1], 3),
        "errors": sum(errors.values()),
        "error_examples": list(errors)[:3],
        "load_average": os.getloadavg(),
    }


def main():
    parser = base_parser(__doc__, size=10000)
    parser.add_argument("--baseline", type=int, default=40, help="seconds")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument(
        "--split-cron",
        action="store_true",
        help="the cron workers in a process of their own without HTTP, at nice 5 "
        "(deploy/systemd/odoo-cron.service), the HTTP workers without cron workers",
    )
    parser.add_argument(
        "--threaded",
        action="store_true",
        help="Odoo's threaded one-process server (as make run) with --cron-workers "
        "cron threads, instead of the prefork server",
    )
    args = parser.parse_args()
    logdir = results_dir()
    ensure_base(args.base, args.template, args.size, args.smtp_port)
    db = f"{args.base}_run"
    fresh_copy(args.base, db)
    log = logdir / "load.log"
    log.write_text("")
    result = {
        "size": args.size,
        "cron_workers": args.cron_workers,
        "split_cron": args.split_cron,
        "threaded": args.threaded,
        "cpu_cores": os.cpu_count(),
    }
    cron_proc = None
    with SmtpSink(args.smtp_port) as sink:
        if args.threaded:
            proc, info = start_threaded(db, log, args.cron_workers)
        elif args.split_cron:
            proc, info = start_server(db, log, 0)
            cron_proc = start_cron_node(db, log, args.cron_workers)
        else:
            proc, info = start_server(db, log, args.cron_workers)
        try:
            incident, logins, partners = make_hotline_users(info["url"], db)
            stop, threads, samples = run_clients(
                info["url"], db, logins, incident, partners, args.interval
            )
            time.sleep(5)  # warm-up: logins, caches
            base_start = time.time()
            time.sleep(args.baseline)
            base_end = time.time()
            result["baseline"] = figures(samples, base_start, base_end)
            comm_id = start_broadcast(db)
            deadline = time.time() + args.timeout
            while time.time() < deadline:
                queued, outgoing = pending(db, comm_id)
                if not queued and not outgoing:
                    break
                time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            times = [
                t
                for t, m, _r in sink.messages
                if sink.subjects.get(m) in comm_id.subjects
            ]
            first, last = (min(times), max(times)) if times else (0, 0)
            result["broadcast"] = {
                "mails": len(times),
                "seconds": round(last - first, 1),
                "mails_per_second": round(len(times) / (last - first), 1)
                if last > first
                else 0,
                "finished": not (queued or outgoing),
            }
            result["during_broadcast"] = figures(samples, first, last)
        finally:
            stop_process_group(proc, signal.SIGKILL)
            if cron_proc:
                stop_process_group(cron_proc, signal.SIGKILL)
    base, load = result["baseline"], result["during_broadcast"]
    ratio = load["p95_s"] / base["p95_s"] if base.get("p95_s") else 0
    result["p95_ratio_broadcast_vs_baseline"] = round(ratio, 2)
    print(json.dumps(result, indent=1), flush=True)
    good = (
        load.get("p95_s", 99) < 1.0
        and load["errors"] == 0
        and base["errors"] == 0
        and result["broadcast"]["finished"]
    )
    mode = (
        "threaded one-process server"
        if args.threaded
        else "cron workers apart (nice 5)"
        if args.split_cron
        else "cron workers in the same prefork server"
    )
    print(
        f"hotline: {'OK' if good else 'FAILED'}: p50 {load.get('p50_s')} s, "
        f"p95 {load.get('p95_s')} s, max {load.get('max_s')} s, "
        f"{load['errors']} errors during the broadcast of "
        f"{result['broadcast']['mails']} mails "
        f"({result['broadcast']['mails_per_second']}/s); baseline p95 "
        f"{base.get('p95_s')} s; ratio {ratio:.2f}; "
        f"{mode}"
        f", {args.cron_workers} cron workers; load average during the broadcast "
        f"{' '.join(f'{x:.2f}' for x in load.get('load_average', ()))} on "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
