#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark: one consent-aware e-mail broadcast to 50,000 stakeholders
against Odoo 18's own mass_mailing queuing the same 50,000 e-mails.

    .venv/bin/python bench/bench_broadcast.py --db crisis_bench

The database is created (crisis_management + mass_mailing, German loaded) if
it does not exist; mass_mailing is installed there only, never as a
dependency of the addons. The 50,000 stakeholders are generated once (mixed
languages, consents, withdrawals, legal bases and blacklisted addresses) and
reused by later runs.

Measured, each in one transaction that is rolled back afterwards so the run
can be repeated on the same data:

* crisis: ``crisis.communication.action_send()`` (resolve the audience, apply
  ``res.partner._crisis_contactable``, write one recipient line per partner)
  plus the cron ``_cron_send()`` creating the ``mail.mail`` records in each
  recipient's language, i.e. everything up to Odoo's outgoing mail queue.
* mass_mailing: ``mailing.mailing.action_send_mail()`` for the same 50,000
  partners, i.e. everything up to the same outgoing mail queue.

Both run with the thread's ``testing`` flag so neither commits mid-way (the
flag only switches off the per-batch commits of both). Prints both times,
the ratio crisis / mass_mailing (must be <= 1.0, target <= 0.5) and the peak
memory (RSS high-water mark of each phase, and tracemalloc's peak of the
crisis broadcast in a separate, untimed pass).
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import threading
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG_NAME = "Crisis benchmark audience"


def odoo_src():
    path_file = os.path.join(ROOT, ".odoo-src-path")
    if os.path.exists(path_file):
        with open(path_file) as handle:
            return handle.read().strip()
    return os.path.expanduser("~/.cache/odoo-src/18.0")


def run_odoo(conf, db, *args):
    cmd = [
        sys.executable,
        os.path.join(odoo_src(), "odoo-bin"),
        "-c",
        conf,
        "-d",
        db,
        "--stop-after-init",
        "--log-level=warn",
        "--no-http",
        *args,
    ]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ensure_database(conf, db):
    import odoo
    from odoo.service import db as db_service

    if not db_service.exp_db_exist(db):
        run_odoo(
            conf,
            db,
            "-i",
            "crisis_management,mass_mailing",
            "--without-demo=all",
            "--load-language=de_DE",
        )
        return
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT name FROM ir_module_module WHERE state = 'installed' "
            "AND name IN ('crisis_management', 'mass_mailing')"
        )
        installed = {row[0] for row in cr.fetchall()}
    missing = {"crisis_management", "mass_mailing"} - installed
    if missing:
        run_odoo(conf, db, "-i", ",".join(sorted(missing)), "--without-demo=all")


def ensure_audience(env, size, seed):
    """50,000 stakeholders with mixed languages and consents (created once)."""
    Tag = env["res.partner.category"]
    tag = Tag.search([("name", "=", TAG_NAME)], limit=1)
    # A bigger audience than last time adds the missing stakeholders (new
    # numbers, new addresses) to the existing ones.
    first = (
        env["res.partner"].search_count([("category_id", "in", tag.ids)]) if tag else 0
    )
    if first >= size:
        return tag
    tag = tag or Tag.create({"name": TAG_NAME})
    rng = random.Random(seed)
    ctx = {
        "tracking_disable": True,
        "mail_create_nolog": True,
        "mail_notrack": True,
        "mail_create_nosubscribe": True,
    }
    Partner = env["res.partner"].with_context(**ctx)
    Consent = env["crisis.consent"].with_context(**ctx)
    purposes = {p.code: p.id for p in env["crisis.consent.purpose"].search([])}
    customer = env["crisis.stakeholder.type"].search([("code", "=", "customer")]).id
    neighbor = env["crisis.stakeholder.type"].search([("code", "=", "neighbor")]).id
    langs = ["de_DE"] * 55 + ["en_US"] * 45
    bases = ["consent"] * 6 + ["contract", "legitimate_interest", "legal_obligation"]
    start = time.perf_counter()
    blacklist = []
    for chunk in range(first, size, 5000):
        partners = Partner.create(
            [
                {
                    "name": f"Stakeholder {i:05d}",
                    "email": f"stakeholder{i:05d}@example.com",
                    "lang": rng.choice(langs),
                    "category_id": [(6, 0, tag.ids)],
                    "crisis_stakeholder_type_ids": [
                        (6, 0, [rng.choice((customer, neighbor))])
                    ],
                }
                for i in range(chunk, min(chunk + 5000, size))
            ]
        )
        consents, withdraw = [], []
        for partner in partners:
            roll = rng.random()
            if roll < 0.80:  # crisis information by e-mail
                consents.append(
                    {
                        "partner_id": partner.id,
                        "purpose_id": purposes["crisis_info"],
                        "channel": "email",
                        "legal_basis": rng.choice(bases),
                        "source": "benchmark",
                    }
                )
                if rng.random() < 0.05:
                    withdraw.append(len(consents) - 1)
            elif roll < 0.85:  # marketing only: never a basis for crisis mail
                consents.append(
                    {
                        "partner_id": partner.id,
                        "purpose_id": purposes["marketing"],
                        "channel": "email",
                        "legal_basis": "consent",
                        "source": "benchmark",
                    }
                )
            elif roll < 0.90:  # SMS only
                consents.append(
                    {
                        "partner_id": partner.id,
                        "purpose_id": purposes["crisis_info"],
                        "channel": "sms",
                        "legal_basis": "consent",
                        "source": "benchmark",
                    }
                )
            if rng.random() < 0.03:
                blacklist.append({"email": partner.email})
        records = Consent.create(consents)
        records.browse([records.ids[i] for i in withdraw]).action_withdraw()
        env.cr.commit()
        print(
            f"  generated {chunk + len(partners)} stakeholders "
            f"({time.perf_counter() - start:.0f}s)",
            flush=True,
        )
    env["mail.blacklist"].with_context(**ctx).create(blacklist)
    env.cr.commit()
    return tag


def _run_send_job(env, batch_size, deadline=None):
    """The broadcast job as Odoo's cron runner runs it: called again while it
    reports progress and lines remain (``ir.cron._notify_progress``)."""
    Recipient = env["crisis.communication.recipient"].sudo()
    queued = Recipient.search_count([("state", "=", "queued")])
    while queued and (deadline is None or time.time() < deadline):
        env["crisis.communication"]._cron_send(batch_size=batch_size)
        before, queued = queued, Recipient.search_count([("state", "=", "queued")])
        if queued == before:
            break


def bench_crisis(env, tag):
    comm = _communication(env, tag, "Benchmark incident", german=True)
    env.flush_all()
    start = time.perf_counter()
    comm.action_send()
    env.flush_all()
    queued = time.perf_counter()
    _run_send_job(env, batch_size=2000)
    env.flush_all()
    end = time.perf_counter()
    comm.invalidate_recordset()
    return {
        "resolve_filter_lines": queued - start,
        "total": end - start,
        "recipients": comm.recipient_count,
        "queued_mails": env["mail.mail"].search_count(
            [("crisis_recipient_id.communication_id", "=", comm.id)]
        ),
        "skipped": comm.skipped_count,
        "state": comm.state,
    }


def bench_mass_mailing(env, tag):
    model = env["ir.model"]._get("res.partner")
    mailing = env["mailing.mailing"].create(
        {
            "subject": "Fire under control",
            "body_html": "<p>The fire is under control. Keep your windows closed.</p>",
            "mailing_model_id": model.id,
            "mailing_domain": repr([("category_id", "in", tag.ids)]),
            "email_from": "crisis@example.com",
        }
    )
    env.flush_all()
    start = time.perf_counter()
    mailing.action_send_mail()
    env.flush_all()
    end = time.perf_counter()
    return {
        "total": end - start,
        "queued_mails": env["mail.mail"].search_count(
            [("mailing_id", "=", mailing.id)]
        ),
    }


def _sink_lines(path):
    with open(path) as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def _drain_queue(env, domain, timeout):
    """Run Odoo's mail queue (as its cron does) until no mail of ``domain``
    is outgoing any more."""
    Mail = env["mail.mail"].sudo()
    deadline = time.time() + timeout
    while Mail.search_count(domain + [("state", "=", "outgoing")]):
        if time.time() > deadline:
            raise TimeoutError(domain)
        Mail.process_email_queue()
        env.cr.commit()
        env.invalidate_all()


def bench_e2e(registry, db, tag, port, timeout):
    """Crisis broadcast and mass_mailing, each from the click to the last
    e-mail accepted by a local SMTP server, committing as the servers do
    (the crisis job hands its batches to SMTP; then Odoo's mail queue runs
    as its cron would, until nothing is left)."""
    from odoo import SUPERUSER_ID, api

    sink_file = os.path.join(ROOT, "bench", "results", f"e2e_sink_{db}.txt")
    os.makedirs(os.path.dirname(sink_file), exist_ok=True)
    if os.path.exists(sink_file):
        os.unlink(sink_file)
    sink = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "bench", "smtp_sink.py"),
            str(port),
            sink_file,
        ]
    )
    results = {}
    try:
        time.sleep(1)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.mail_server"].search([]).write({"active": False})
            env["ir.mail_server"].create(
                {
                    "name": "Local SMTP sink (e2e)",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": port,
                    "smtp_encryption": "none",
                }
            )
            env.company.email = env.company.email or "krisenstab@example.com"
            cr.commit()
            # crisis: action_send, the job's batches (handed to SMTP by the
            # job's worker), then the mail queue for anything left.
            comm = _communication(env, tag, "End-to-end benchmark")
            cr.commit()
            start = time.time()
            comm.action_send()
            cr.commit()
            _run_send_job(env, batch_size=500, deadline=time.time() + timeout)
            cr.commit()
            _drain_queue(
                env, [("crisis_recipient_id.communication_id", "=", comm.id)], timeout
            )
            lines = _sink_lines(sink_file)
            results["crisis"] = {
                "mails": len(lines),
                "seconds": float(lines[-1][0]) - start,
            }
            cr.execute(
                "SELECT partner_id FROM crisis_communication_recipient"
                " WHERE communication_id = %s AND channel = 'email' AND state = 'sent'",
                [comm.id],
            )
            partner_ids = [row[0] for row in cr.fetchall()]
            # mass_mailing: the same recipients (those the crisis broadcast
            # reached), from action_send_mail to the last accepted e-mail.
            # They are a segment (a tag), as a marketing user would choose
            # them (a domain listing 20,000 ids or more selected nobody here).
            reached = env["res.partner.category"].create({"name": "E2E reached"})
            cr.execute(
                "INSERT INTO res_partner_res_partner_category_rel"
                " (partner_id, category_id) SELECT unnest(%s::int[]), %s",
                [partner_ids, reached.id],
            )
            env.invalidate_all()
            model = env["ir.model"]._get("res.partner")
            mailing = env["mailing.mailing"].create(
                {
                    "subject": "Fire under control",
                    "body_html": "<p>The fire is under control. "
                    "Keep your windows closed.</p>",
                    "mailing_model_id": model.id,
                    "mailing_domain": repr([("category_id", "in", reached.ids)]),
                    "email_from": "crisis@example.com",
                }
            )
            cr.commit()
            before = len(lines)
            start = time.time()
            mailing.action_send_mail()
            cr.commit()
            _drain_queue(env, [("mailing_id", "=", mailing.id)], timeout)
            lines = _sink_lines(sink_file)[before:]
            results["mass_mailing"] = {
                "mails": len(lines),
                "seconds": float(lines[-1][0]) - start if lines else 0,
            }
    finally:
        sink.kill()
        sink.wait()
    for result in results.values():
        result["per_second"] = result["mails"] / result["seconds"]
    return results


def _communication(env, tag, incident_name, german=False):
    """An e-mail broadcast of an approved key message to the tag's
    stakeholders, on a new incident (with the German text when asked)."""
    incident = env["crisis.incident"].create({"name": incident_name})
    # Measured from the click to the outgoing queue: no hold before sending.
    incident.company_id.crisis_send_delay_seconds = 0
    message = (
        env["crisis.message"]
        .with_context(lang="en_US")
        .create(
            {
                "name": "Fire under control",
                "kind": "key_message",
                "incident_id": incident.id,
                "body": "<p>The fire is under control. Keep your windows closed.</p>",
                "state": "approved",
            }
        )
    )
    if german:
        env["crisis.message"]._load_text_translations(
            message.id,
            {
                "de_DE": {
                    "name": "Brand unter Kontrolle",
                    "body": "<p>Der Brand ist unter Kontrolle. "
                    "Fenster geschlossen halten.</p>",
                }
            },
        )
    return env["crisis.communication"].create(
        {
            "incident_id": incident.id,
            "message_id": message.id,
            "channel_email": True,
            "audience_tag_ids": [(6, 0, tag.ids)],
        }
    )


def main_e2e(args):
    """``--e2e``: on a copy of the database (the run commits), crisis
    broadcast and mass_mailing end to end to a local SMTP server."""
    import odoo
    from odoo import SUPERUSER_ID, api

    copy = f"{args.db}_e2e"
    odoo.sql_db.close_db(args.db)  # createdb -T needs the template unused
    subprocess.run(["dropdb", "--if-exists", copy], check=True)
    subprocess.run(["createdb", "-T", args.db, copy], check=True)
    try:
        registry = odoo.modules.registry.Registry(copy)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tag = env["res.partner.category"].search([("name", "=", TAG_NAME)], limit=1)
        load = os.getloadavg()
        results = bench_e2e(registry, copy, tag, args.smtp_port, args.timeout)
        load_after = os.getloadavg()
    finally:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", copy], check=False)
    crisis, mass = results["crisis"], results["mass_mailing"]
    speedup = mass["seconds"] / crisis["seconds"]
    print()
    print(
        f"end to end, crisis broadcast: {crisis['mails']} e-mails accepted by the "
        f"SMTP server in {crisis['seconds']:.1f} s: "
        f"{crisis['per_second']:.1f} e-mails/s"
    )
    print(
        f"end to end, mass_mailing    : {mass['mails']} e-mails accepted by the "
        f"SMTP server in {mass['seconds']:.1f} s: {mass['per_second']:.1f} e-mails/s"
    )
    print(
        f"end to end, crisis faster by: {speedup:.2f}x (target >= 3); e-mails/s "
        f"target >= 100; load average {load[1]:.2f} before, {load_after[1]:.2f} after"
    )
    return 0 if speedup >= 1.0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=os.path.join(ROOT, ".odoo.conf"))
    parser.add_argument("--size", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="skip the separate tracemalloc pass",
    )
    parser.add_argument(
        "--e2e",
        action="store_true",
        help="end to end instead: both broadcasts to a local SMTP server "
        "(bench/smtp_sink.py), timed to the last accepted e-mail",
    )
    parser.add_argument("--smtp-port", type=int, default=8116)
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()

    sys.path.insert(0, odoo_src())
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.config, "--no-http"])
    ensure_database(args.config, args.db)
    registry = odoo.modules.registry.Registry(args.db)

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        tag = ensure_audience(env, args.size, args.seed)
        audience = env["res.partner"].search_count([("category_id", "in", tag.ids)])
        cr.commit()

    if args.e2e:
        return main_e2e(args)
    # No per-batch commits inside either measured call: one transaction each,
    # rolled back so that the run can be repeated on the same data.
    threading.current_thread().testing = True
    results = {}
    try:
        for name, bench in (
            ("crisis", bench_crisis),
            ("mass_mailing", bench_mass_mailing),
        ):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                rss_before = rss_mb()
                results[name] = bench(env, tag)
                results[name]["rss_peak_mb"] = rss_mb()
                results[name]["rss_growth_mb"] = rss_mb() - rss_before
                cr.rollback()
        if not args.no_tracemalloc:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                tracemalloc.start()
                bench_crisis(env, tag)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                results["crisis"]["tracemalloc_peak_mb"] = peak / 1024 / 1024
                cr.rollback()
    finally:
        threading.current_thread().testing = False

    crisis, mass = results["crisis"], results["mass_mailing"]
    ratio = crisis["total"] / mass["total"]
    print()
    print(f"Audience: {audience} stakeholders (tag '{TAG_NAME}')")
    print(
        f"crisis broadcast : {crisis['total']:8.2f} s  "
        f"(resolve + filter + recipient lines {crisis['resolve_filter_lines']:.2f} s; "
        f"{crisis['queued_mails']} mail.mail queued, {crisis['skipped']} skipped, "
        f"state {crisis['state']})"
    )
    print(
        f"mass_mailing     : {mass['total']:8.2f} s  "
        f"({mass['queued_mails']} mail.mail queued)"
    )
    print(f"ratio crisis / mass_mailing: {ratio:.3f}  (must be <= 1.0, target <= 0.5)")
    print(
        f"peak RSS after crisis broadcast: {crisis['rss_peak_mb']:.0f} MB "
        f"(+{crisis['rss_growth_mb']:.0f} MB), after mass_mailing: "
        f"{mass['rss_peak_mb']:.0f} MB (+{mass['rss_growth_mb']:.0f} MB)"
    )
    if "tracemalloc_peak_mb" in crisis:
        print(
            f"tracemalloc peak of the crisis broadcast: "
            f"{crisis['tracemalloc_peak_mb']:.0f} MB"
        )
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
