#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the crisis_management core on a big incident.

Builds an incident with 100,000 crisis log entries (a valid hash chain) and
10,000 tasks (plus some inquiries) inside one transaction, measures

* the situation-picture KPIs (``get_situation_kpis``) and everything the
  wall shows (``get_situation_dashboard``): target < 150 ms, < 100 ms with
  ``--logs 1000000``,
* ``verify_log()`` over the whole chain (target < 2 s, < 10 s with
  ``--logs 1000000``),
* appending one entry at 1,000 and at 100,000 existing entries (must stay
  flat: the ratio is printed),

prints each figure as a ``name: value`` line and rolls everything back.

Usage::

    .venv/bin/python bench/bench_core.py --db bench_crisis

The database is created with crisis_management installed when it does not
exist yet.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def base_parser(doc):
    """The options every benchmark takes: the database and the config."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database (created if missing)")
    parser.add_argument("-c", "--config", default=os.path.join(ROOT, ".odoo.conf"))
    return parser


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--inquiries", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing")
    return parser.parse_args()


def odoo_source():
    path_file = os.path.join(ROOT, ".odoo-src-path")
    if os.path.exists(path_file):
        with open(path_file) as handle:
            return handle.read().strip()
    return os.environ.get("ODOO_SRC", os.path.expanduser("~/.cache/odoo-src/18.0"))


def odoo_bin(args, *extra):
    """The command line of odoo-bin on the benchmark's config and database."""
    return [
        sys.executable,
        os.path.join(odoo_source(), "odoo-bin"),
        "-c",
        args.config,
        "-d",
        args.db,
        *extra,
    ]


def ensure_database(args, addon="crisis_management", *extra):
    """Create the database with ``addon`` (no demo data) when it is missing;
    ``extra``: more options of odoo-bin."""
    import odoo
    from odoo.service import db as db_service

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db])
    if db_service.exp_db_exist(args.db):
        return
    print(f"# creating database {args.db} with {addon}", flush=True)
    subprocess.run(
        odoo_bin(
            args,
            "-i",
            addon,
            *extra,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ),
        check=True,
    )


def timed(func, repeat):
    """Median wall time of ``func`` in milliseconds, and its last result."""
    times, result = [], None
    for _i in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def timed_cold(env, func, repeat):
    """``timed`` with an empty ORM cache at every run, after one warm-up run
    (the views and the code loaded, as on a server that has been running)."""

    def cold():
        env.invalidate_all()
        return func()

    cold()
    return timed(cold, repeat)


AUDIT_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def copy_rows(cr, table, columns, rows, audit=None):
    """Bulk insert with COPY (tab separated, \\N for NULL). ``audit``:
    ``(uid, date)`` written as creator and last writer of every row."""
    if audit:
        columns = (*columns, *AUDIT_COLUMNS)
        rows = (row + audit * 2 for row in rows)
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(
                "\\N"
                if value is None
                else str(value).replace("\t", " ").replace("\n", " ")
                for value in row
            )
        )
        buffer.write("\n")
    buffer.seek(0)
    cr._obj.copy_from(buffer, table, columns=columns)


def bulk_log(env, incident, upto):
    """Append entries until the chain of ``incident`` holds ``upto`` entries,
    computing the chain exactly as crisis.log.create does."""
    from odoo import fields

    Log = env["crisis.log"]
    cr = env.cr
    env.flush_all()
    cr.execute(
        "SELECT sequence, hash, date FROM crisis_log WHERE incident_id = %s "
        "ORDER BY sequence DESC LIMIT 1",
        [incident.id],
    )
    sequence, head, date = cr.fetchone() or (0, "0" * 64, datetime(2025, 3, 14, 6, 0))
    kinds = ["fact", "decision", "note", "communication", "task", "inquiry", "state"]
    uid = env.uid
    rows = []
    now = fields.Datetime.now()
    while sequence < upto:
        sequence += 1
        date = date + timedelta(seconds=1)
        kind = kinds[sequence % len(kinds)]
        body = f"Lagemeldung {sequence}: Einsatzkräfte vor Ort, Lage unverändert."
        canonical = Log._canonical(incident.id, sequence, date, uid, kind, body)
        digest = Log._compute_entry_hash(head, canonical)
        rows.append(
            (
                incident.id,
                incident.company_id.id,
                date,
                uid,
                kind,
                body,
                sequence,
                head,
                digest,
            )
        )
        head = digest
        if len(rows) >= LOG_CHUNK:
            copy_rows(cr, "crisis_log", LOG_COLUMNS, rows, (uid, now))
            rows = []
    copy_rows(cr, "crisis_log", LOG_COLUMNS, rows, (uid, now))
    cr.execute(
        "UPDATE crisis_incident SET log_head_hash = %s WHERE id = %s",
        [head, incident.id],
    )
    env.invalidate_all()


# Rows per COPY: a million entries are not held in memory at once.
LOG_CHUNK = 100_000
LOG_COLUMNS = (
    "incident_id",
    "company_id",
    "date",
    "author_id",
    "kind",
    "body",
    "sequence",
    "previous_hash",
    "hash",
)


def bulk_tasks(env, incident, count):
    from odoo import fields

    now = fields.Datetime.now()
    uid = env.uid
    states = ["todo", "todo", "in_progress", "done", "cancelled"]
    rng = random.Random(42)
    rows = []
    for n in range(count):
        deadline = now + timedelta(minutes=rng.randint(-600, 600))
        rows.append(
            (
                # The task's name is translatable (a JSON column).
                json.dumps({"en_US": f"Aufgabe {n}"}),
                incident.id,
                incident.company_id.id,
                uid,
                deadline,
                str(rng.randint(0, 2)),
                states[n % len(states)],
                "none",
            )
        )
    copy_rows(
        env.cr,
        "crisis_task",
        (
            "name",
            "incident_id",
            "company_id",
            "user_id",
            "date_deadline",
            "priority",
            "state",
            "followup_state",
        ),
        rows,
        (uid, now),
    )


def bulk_inquiries(env, incident, count):
    from odoo import fields

    now = fields.Datetime.now()
    uid = env.uid
    types = env["crisis.stakeholder.type"].search([])
    rng = random.Random(7)
    states = ["new", "in_progress", "answered", "closed"]
    rows = []
    for n in range(count):
        stype = types[n % len(types)]
        received = now - timedelta(minutes=rng.randint(0, 600))
        due = received + timedelta(
            minutes=stype._effective_sla_minutes(incident.company_id)
        )
        rows.append(
            (
                f"Anfrage {n}",
                incident.id,
                incident.company_id.id,
                stype.id,
                "phone",
                received,
                due,
                states[n % len(states)],
                f"Anrufer {n % 300}",
            )
        )
    copy_rows(
        env.cr,
        "crisis_inquiry",
        (
            "name",
            "incident_id",
            "company_id",
            "stakeholder_type_id",
            "channel",
            "date_received",
            "date_due",
            "state",
            "caller_name",
        ),
        rows,
        (uid, now),
    )


def main():
    args = parse_args()
    sys.path.insert(0, odoo_source())
    ensure_database(args)

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    report = []
    # Issue 27: at 1,000,000 entries the wall's figures in < 100 ms and
    # verify_log in < 10 s; below, the targets of 100,000 entries.
    big = args.logs >= 1_000_000
    kpi_target = 100 if big else 150
    verify_target = 10_000 if big else 2000

    def out(name, value):
        report.append((name, value))
        print(f"{name}: {value}", flush=True)

    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        try:
            started = time.perf_counter()
            # Two incidents: one with 1,000 log entries, the big one with
            # 100,000 entries, 10,000 tasks and inquiries.
            small = env["crisis.incident"].create(
                {"name": "Benchmark: kleiner Vorfall", "severity": "minor"}
            )
            incident = env["crisis.incident"].create(
                {"name": "Benchmark: Brand in Fabrikhalle 2", "severity": "critical"}
            )
            bulk_log(env, small, 1000)
            bulk_log(env, incident, args.logs)
            bulk_tasks(env, incident, args.tasks)
            bulk_inquiries(env, incident, args.inquiries)
            for table in ("crisis_log", "crisis_task", "crisis_inquiry"):
                cr.execute(f"ANALYZE {table}")
            env.invalidate_all()
            out("setup_s", round(time.perf_counter() - started, 1))

            def append(target):
                start = time.perf_counter()
                target._log("note", "Neuer Eintrag")
                env.flush_all()
                return (time.perf_counter() - start) * 1000

            # Appends alternate between both incidents, so that the machine's
            # load and the transaction's growth weigh on both alike.
            append(small), append(incident)  # warm up
            times_1k, times_100k = [], []
            for _i in range(args.repeat * 5):
                times_1k.append(append(small))
                times_100k.append(append(incident))
            append_1k = statistics.median(times_1k)
            append_100k = statistics.median(times_100k)
            count_1k = small.verify_log()["count"]

            out("log_entries", incident.verify_log()["count"])
            out(
                "tasks",
                env["crisis.task"].search_count([("incident_id", "=", incident.id)]),
            )
            out(
                "inquiries",
                env["crisis.inquiry"].search_count([("incident_id", "=", incident.id)]),
            )

            kpi_ms, values = timed_cold(env, incident.get_situation_kpis, args.repeat)
            out("situation_kpis_ms", round(kpi_ms, 1))
            out("situation_kpis_target_ms", kpi_target)
            out("situation_tasks_open", values["tasks_open"])
            out("situation_tasks_overdue", values["tasks_overdue"])
            out("situation_inquiries_open", values["inquiries_open"])
            out("situation_inquiries_overdue", values["inquiries_overdue"])

            def situation_form():
                env.invalidate_all()
                return incident.read(
                    [name for name in incident._fields if name.startswith("situation_")]
                )

            form_ms, _res = timed(situation_form, args.repeat)
            out("situation_form_read_ms", round(form_ms, 1))

            wall_ms, _res = timed_cold(
                env, incident.get_situation_dashboard, args.repeat
            )
            out("situation_wall_ms", round(wall_ms, 1))
            out("situation_wall_target_ms", kpi_target)

            verify_ms, result = timed(incident.verify_log, max(3, args.repeat // 2))
            out("verify_log_ms", round(verify_ms, 1))
            out("verify_log_target_ms", verify_target)
            out("verify_log_ok", result["ok"])

            out("append_at_1k_entries", count_1k)
            out("append_at_1k_ms", round(append_1k, 2))
            out("append_at_100k_ms", round(append_100k, 2))
            out("append_ratio_100k_vs_1k", round(append_100k / append_1k, 2))
            out("append_at_1k_min_ms", round(min(times_1k), 2))
            out("append_at_100k_min_ms", round(min(times_100k), 2))

            out("load_average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
            out("cpu_cores", os.cpu_count())
            ok = (
                kpi_ms < kpi_target
                and wall_ms < kpi_target
                and verify_ms < verify_target
                and result["ok"]
                and append_100k / append_1k < 1.5
            )
            out("targets_met", ok)
        finally:
            cr.rollback()
    odoo.sql_db.close_all()
    return 0 if report and dict(report).get("targets_met") else 1


if __name__ == "__main__":
    sys.exit(main())
