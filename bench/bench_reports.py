#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the crisis reports on a big crisis log.

Builds an incident with 10,000 crisis log entries (a valid hash chain) and
measures the German chronology as a real PDF (QWeb and wkhtmltopdf, styles
fetched from an Odoo server started for the run; target < 60 s); then grows
the log to 100,000 entries and measures the chronology as XLSX (target
< 15 s). Prints each figure as a ``name: value`` line and rolls everything
back.

Usage::

    .venv/bin/python bench/bench_reports.py --db bench_reports

The database is created (crisis_reports and German, without demo data) when
it does not exist yet.
"""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bench_core import base_parser, bulk_log, ensure_database, odoo_bin, odoo_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--pdf-logs", type=int, default=10_000)
    parser.add_argument("--xlsx-logs", type=int, default=100_000)
    parser.add_argument("--lang", default="de_DE")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, port):
    """An Odoo server that serves the report styles to wkhtmltopdf."""
    server = subprocess.Popen(
        odoo_bin(
            args,
            f"--db-filter=^{args.db}$",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _i in range(120):
        try:
            urllib.request.urlopen(f"{url}/web/login", timeout=5)
            return server, url
        except urllib.error.HTTPError:
            return server, url  # it answers
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("the Odoo server for the report styles did not start")


def main():
    args = parse_args()
    sys.path.insert(0, odoo_source())
    ensure_database(args, "crisis_reports", "--load-language=de_DE")

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools.pdf import PdfFileReader

    registry = Registry(args.db)
    report = {}

    def out(name, value):
        report[name] = value
        print(f"{name}: {value}", flush=True)

    server, url = start_server(args, free_port())
    try:
        with registry.cursor() as cr:
            env = api.Environment(
                cr,
                SUPERUSER_ID,
                {"tracking_disable": True, "lang": args.lang, "tz": "Europe/Berlin"},
            )
            try:
                env["ir.config_parameter"].set_param("report.url", url)
                incident = env["crisis.incident"].create(
                    {
                        "name": "Benchmark: Brand in Fabrikhalle 2",
                        "severity": "critical",
                    }
                )
                bulk_log(env, incident, args.pdf_logs)
                cr.execute("ANALYZE crisis_log")
                env.invalidate_all()
                out("pdf_log_entries", incident.verify_log()["count"])
                Report = env["ir.actions.report"]
                start = time.perf_counter()
                pdf, kind = Report._render_qweb_pdf(
                    "crisis_reports.report_chronology", incident.ids
                )
                pdf_s = time.perf_counter() - start
                out("pdf_format", kind)
                out("pdf_pages", len(PdfFileReader(io.BytesIO(pdf)).pages))
                out("pdf_kib", round(len(pdf) / 1024))
                out("pdf_s", round(pdf_s, 1))
                out("pdf_target_s", 60)

                bulk_log(env, incident, args.xlsx_logs)
                cr.execute("ANALYZE crisis_log")
                env.invalidate_all()
                out("xlsx_log_entries", incident.verify_log()["count"])
                start = time.perf_counter()
                content = env["report.crisis_reports.report_chronology"]._xlsx(incident)
                xlsx_s = time.perf_counter() - start
                out("xlsx_kib", round(len(content) / 1024))
                out("xlsx_s", round(xlsx_s, 1))
                out("xlsx_target_s", 15)
                out("targets_met", kind == "pdf" and pdf_s < 60 and xlsx_s < 15)
            finally:
                cr.rollback()
    finally:
        server.terminate()
        server.wait(timeout=30)
    odoo.sql_db.close_all()
    return 0 if report.get("targets_met") else 1


if __name__ == "__main__":
    sys.exit(main())
