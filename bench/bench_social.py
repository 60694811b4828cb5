#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of crisis_social: ingest and spike detection.

Inside one transaction that is rolled back at the end:

* ``crisis.social.post.ingest()`` of 100,000 posts (55 % German, 45 %
  English, HTML in some, a few duplicates) in calls of 1,000, with
  validation, sentiment scoring and matching against 20 active queries
  (target >= 2,000 posts/s), and a plain SQL ``INSERT`` of the same rows
  (no validation, scoring or matching) in the same run for comparison;
* spike detection (``crisis.social.alert._detect_spikes``) with 1,000,000
  stored posts over 30 days (target < 2 s, median of several runs);
* peak memory of the process.

Every figure is printed as a ``name: value`` line; the exit status is 0 when
the targets are met.

Usage::

    .venv/bin/python bench/bench_social.py --db crisis_bench_social

The database is created (crisis_social, without demo data) when missing.
"""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import time
from datetime import timedelta

from bench_core import ensure_database, odoo_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DE_WORDS = (
    "Brand Halle Feuerwehr Rauch Anwohner Firma Werk Rückruf Kühlbox Statement "
    "Skandal Schande gut schlecht danke Sicherheit Messwerte Polizei Straße "
    "gesperrt heute morgen wieder nicht kein sehr wirklich Info Hotline Kunden"
).split()
EN_WORDS = (
    "fire hall brigade smoke residents company plant recall box statement "
    "scandal shame good bad thanks safety results police road closed today "
    "tomorrow again not no very really info hotline customers"
).split()
TEMPLATES_DE = (
    "{a} {b} {c}: das ist ein Skandal!",
    "Danke an die {a}, {b} {c} 👍",
    "<p>{a} {b} an der {c}</p>",
    "Warum sagt die {a} nichts zu {b}? {c}",
    "{a} {b} {c} {d}",
)
TEMPLATES_EN = (
    "{a} {b} {c}: what a scandal!",
    "Thanks to the {a}, {b} {c} 👍",
    "<p>{a} {b} on {c}</p>",
    "Why does the {a} say nothing about {b}? {c}",
    "{a} {b} {c} {d}",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database (created if missing)")
    parser.add_argument("-c", "--config", default=os.path.join(ROOT, ".odoo.conf"))
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the detection")
    return parser.parse_args()


def rss_mb():
    """Peak resident memory of this process (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_posts(count, now, rng):
    posts = []
    for number in range(count):
        german = rng.random() < 0.55
        words, templates = (
            (DE_WORDS, TEMPLATES_DE) if german else (EN_WORDS, TEMPLATES_EN)
        )
        body = rng.choice(templates).format(
            a=rng.choice(words),
            b=rng.choice(words),
            c=rng.choice(words),
            d=rng.choice(words),
        )
        posts.append(
            {
                # ~1 % duplicates of earlier posts
                "external_id": f"b{rng.randint(0, number) if rng.random() < 0.01 else number}",
                "author": f"@user{rng.randint(1, 20000)}@social.example",
                "url": f"https://social.example/@u/{number}",
                "body": body,
                "lang": "de" if german else "en",
                "date_posted": (
                    now - timedelta(seconds=rng.randint(0, 7 * 86400))
                ).isoformat(),
                "reach": rng.randint(0, 50000),
            }
        )
    return posts


def create_queries(env, count, rng):
    Query = env["crisis.social.query"]
    Query.search([]).write({"active": False})
    pool = DE_WORDS + EN_WORDS
    values = []
    for number in range(count):
        keywords = rng.sample(pool, 3)
        values.append(
            {
                "name": f"Bench {number}",
                "keywords": "\n".join(keywords)
                + ('\n"Halle 2"' if number % 4 == 0 else ""),
                "excluded_keywords": rng.choice(pool) if number % 3 == 0 else False,
                "lang": ("de", "en", False)[number % 3],
            }
        )
    return Query.create(values)


def plain_insert(env, source, posts, now):
    """The same rows with one multi-row INSERT per 1,000, nothing else."""
    cr = env.cr
    columns = (
        "source_id, external_id, company_id, author, url, body, lang, "
        "date_posted, reach, state, active, create_uid, write_uid, create_date, "
        "write_date"
    )
    placeholder = "(%s,%s,%s,%s,%s,%s,%s,%s,%s,'new',true,1,1,%s,%s)"
    start = time.perf_counter()
    for first in range(0, len(posts), 1000):
        chunk = posts[first : first + 1000]
        params = []
        for post in chunk:
            params += [
                source.id,
                post["external_id"],
                source.company_id.id,
                post["author"],
                post["url"],
                post["body"],
                post["lang"],
                post["date_posted"],
                post["reach"],
                now,
                now,
            ]
        cr.execute(
            f"INSERT INTO crisis_social_post ({columns}) VALUES "
            + ",".join([placeholder] * len(chunk))
            + " ON CONFLICT (source_id, external_id) DO NOTHING",
            params,
        )
    return time.perf_counter() - start


def fill_history(env, source, queries, count, now, rng):
    """``count`` stored posts over 30 days with COPY, 70 % matched to a query;
    the last hour of one query holds a spike."""
    cr = env.cr
    cr.execute("SELECT coalesce(max(id), 0) FROM crisis_social_post")
    next_id = cr.fetchone()[0] + 1
    posts, rel = io.StringIO(), io.StringIO()
    query_ids = queries.ids
    sentiments = ("negative", "neutral", "neutral", "positive")
    for number in range(count):
        post_id = next_id + number
        spike = number < 300
        date = now - timedelta(
            seconds=rng.randint(60, 3000) if spike else rng.randint(3600, 30 * 86400)
        )
        sentiment = "negative" if spike else rng.choice(sentiments)
        posts.write(
            f"{post_id}\t{source.id}\th{number}\t{source.company_id.id}\t{date}\t"
            f"{sentiment}\tnew\tt\t1\t1\t{now}\t{now}\n"
        )
        if spike:
            rel.write(f"{post_id}\t{query_ids[0]}\n")
        elif rng.random() < 0.7:
            rel.write(f"{post_id}\t{rng.choice(query_ids)}\n")
    posts.seek(0)
    rel.seek(0)
    cr._obj.copy_from(
        posts,
        "crisis_social_post",
        columns=(
            "id",
            "source_id",
            "external_id",
            "company_id",
            "date_posted",
            "sentiment",
            "state",
            "active",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ),
    )
    cr._obj.copy_from(
        rel, "crisis_social_post_query_rel", columns=("post_id", "query_id")
    )
    cr.execute(
        "SELECT setval('crisis_social_post_id_seq', (SELECT max(id) FROM crisis_social_post))"
    )
    cr.execute("ANALYZE crisis_social_post")
    cr.execute("ANALYZE crisis_social_post_query_rel")


def main():
    args = parse_args()
    sys.path.insert(0, odoo_source())
    ensure_database(args, "crisis_social")
    from odoo import SUPERUSER_ID, api, fields
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    ok = True

    def out(name, value):
        print(f"{name}: {value}", flush=True)

    rng = random.Random(9)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        now = fields.Datetime.now().replace(microsecond=0)
        Source = env["crisis.social.source"]
        source = Source.create({"name": "Bench", "kind": "webhook"})
        plain_source = Source.create({"name": "Bench plain SQL", "kind": "manual"})
        queries = create_queries(env, args.queries, rng)
        posts = make_posts(args.posts, now, rng)
        Post = env["crisis.social.post"]
        env.flush_all()
        rss_before = rss_mb()

        start = time.perf_counter()
        created = duplicates = errors = 0
        for first in range(0, len(posts), 1000):
            result = Post.ingest(source.id, posts[first : first + 1000])
            created += result["created"]
            duplicates += result["duplicates"]
            errors += len(result["errors"])
        env.flush_all()
        ingest_s = time.perf_counter() - start
        rate = len(posts) / ingest_s
        cr.execute(
            "SELECT count(*) FROM crisis_social_post_query_rel r "
            "JOIN crisis_social_post p ON p.id = r.post_id WHERE p.source_id = %s",
            (source.id,),
        )
        matches = cr.fetchone()[0]
        out("ingest_posts", len(posts))
        out("ingest_created", created)
        out("ingest_duplicates", duplicates)
        out("ingest_errors", errors)
        out("ingest_query_matches", matches)
        out("ingest_seconds", f"{ingest_s:.2f}")
        out("ingest_posts_per_s", f"{rate:.0f}")
        ok &= rate >= 2000

        plain_s = plain_insert(env, plain_source, posts, now)
        plain_rate = len(posts) / plain_s
        out("plain_sql_insert_seconds", f"{plain_s:.2f}")
        out("plain_sql_insert_posts_per_s", f"{plain_rate:.0f}")
        out("ingest_vs_plain_sql_time_ratio", f"{ingest_s / plain_s:.2f}")
        out(
            "peak_rss_mb",
            f"{rss_mb():.0f} (+{rss_mb() - rss_before:.0f} during ingest)",
        )

        cr.execute("SELECT count(*) FROM crisis_social_post")
        stored = cr.fetchone()[0]
        fill_history(env, plain_source, queries, max(0, args.stored - stored), now, rng)
        cr.execute("SELECT count(*) FROM crisis_social_post")
        out("stored_posts", cr.fetchone()[0])
        Alert = env["crisis.social.alert"]

        def detect():
            with cr.savepoint(flush=False) as _savepoint:
                env.invalidate_all()
                begin = time.perf_counter()
                alerts = Alert._detect_spikes(now=now)
                elapsed = time.perf_counter() - begin
                levels = alerts.mapped("level")
                _savepoint.rollback()
            return elapsed, levels

        runs = [detect() for _i in range(args.repeat)]
        median = statistics.median(run[0] for run in runs)
        out("spike_detection_seconds", f"{median:.3f} (median of {args.repeat})")
        out("spike_detection_alerts", ", ".join(runs[0][1]) or "none")
        ok &= median < 2.0
        out("peak_rss_mb_total", f"{rss_mb():.0f}")
        cr.rollback()
    out("targets_met", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
