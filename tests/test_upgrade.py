"""Upgrades keep data: a database made by the previous version of the addons
(the commit before the last version bump of crisis_management, taken from git),
with its demo crisis plus incidents, log entries, consents and recipient lines
written by that version's own code, is upgraded with ``-u`` from this tree.
Every row is still there with the same content, the crisis log of every
incident still verifies, and the migration scripts have run.
"""

import ast
import os
import subprocess
import time

import psycopg2
import pytest
from conftest import ADDONS, ROOT, _conf, _odoo_cmd, _pg_env

# Columns that an upgrade must never change, per table. (Demo data is loaded
# again by ``-u``, so columns it computes from "now" are left out.)
KEPT = {
    "crisis_incident": "id, name, reference, state, severity, company_id, lead_id, "
    "page_token, page_published, is_confidential, log_head_hash",
    "crisis_log": "id, incident_id, sequence, date, kind, body, hash, previous_hash, author_id",
    "crisis_consent": "id, partner_id, purpose_id, channel, state, legal_basis, "
    "date_given, date_withdrawn",
    "crisis_communication_recipient": "id, communication_id, partner_id, channel, state, "
    "response_token, safety_answer, address",
    "crisis_page_subscription": "id, incident_id, partner_id, email, state",
    "crisis_task": "id, incident_id, name, state",
    "crisis_inquiry": "id, incident_id, state",
}

# Run with the previous version's code: more of everything the upgrade must keep.
FILL_SCRIPT = r"""
from odoo import fields
Incident = env["crisis.incident"]
admin = env.ref("base.user_admin")
for n in range(3):
    incident = Incident.create({"name": f"Upgrade check {n}", "severity": "major"})
    incident.action_activate()
    incident.action_contain()
    incident._log("note", f"Entry {n} written before the upgrade.")
purpose = env["crisis.consent.purpose"].search([], limit=1)
partners = env["res.partner"].create(
    [{"name": f"Upgrade Person {n}", "email": f"upgrade{n}@example.com"} for n in range(5)]
)
for partner in partners:
    env["crisis.consent"].create({
        "partner_id": partner.id, "purpose_id": purpose.id, "channel": "email",
        "state": "given", "legal_basis": "consent", "source": "Upgrade test",
        "date_given": fields.Datetime.now(),
    })
comm = env["crisis.communication"].search([], limit=1)
env["crisis.communication.recipient"].create(
    [{"communication_id": comm.id, "partner_id": p.id, "channel": "email",
      "state": "sent", "address": p.email} for p in partners]
)
# One safety answer given before the upgrade.
line = env["crisis.communication.recipient"].search(
    [("communication_id.kind", "=", "safety_check"), ("state", "=", "sent")], limit=1)
line.safety_answer = "safe"
# Two subscribers of the demo fire's public page (double opt-in), one gone again.
fire = env.ref("crisis_management.crisis_incident_fire_demo")
Subscription = env["crisis.page.subscription"]
for n in range(2):
    payload = Subscription._sign_confirmation(fire, f"reader{n}@example.com", "", "de")
    _incident, values = Subscription._check_confirmation(payload)
    subscription = Subscription._confirm(fire, values, "127.0.0.1")
subscription._withdraw()
env.cr.commit()
print("FILLED")
"""

VERIFY_SCRIPT = r"""
results = {i.id: i.verify_log() for i in env["crisis.incident"].search([])}
print("VERIFY", repr(results))
"""


def _previous_commit():
    last_bump = subprocess.run(
        [
            "git",
            "-C",
            ROOT,
            "log",
            "-1",
            "--format=%H",
            "-G",
            '"version"',
            "--",
            "crisis_management/__manifest__.py",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert last_bump, "no version bump of crisis_management in the git history"
    return f"{last_bump}~1"


def _manifest_version(text):
    return ast.literal_eval(text)["version"]


def _version_tuple(version):
    return tuple(int(part) for part in version.split("."))


def _snapshot(db):
    conf = _conf()
    conn = psycopg2.connect(
        dbname=db,
        host=conf["db_host"],
        port=conf["db_port"],
        user=conf["db_user"],
        password=conf["db_password"],
    )
    try:
        with conn.cursor() as cr:
            data = {}
            for table, columns in KEPT.items():
                cr.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
                data[table] = {row[0]: row for row in cr.fetchall()}
            cr.execute(
                "SELECT name, latest_version FROM ir_module_module WHERE name LIKE 'crisis\\_%%'"
            )
            data["versions"] = dict(cr.fetchall())
            return data
    finally:
        conn.close()


def _run(cmd, timeout=900, **kwargs):
    result = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=_pg_env(),
        **kwargs,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{cmd[2:]} failed:\n{output[-4000:]}"
    return output


@pytest.fixture()
def old_tree(tmp_path):
    commit = _previous_commit()
    old = tmp_path / "old"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", commit, *ADDONS.split(",")],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
    return commit, old


def test_upgrade_from_the_previous_version_keeps_data(old_tree, tmp_path):
    commit, old = old_tree
    old_version = _manifest_version(
        (old / "crisis_management/__manifest__.py").read_text()
    )
    new_version = _manifest_version(
        (ROOT / "crisis_management/__manifest__.py").read_text()
    )
    assert old_version != new_version, (commit, old_version)
    odoo_src = (ROOT / ".odoo-src-path").read_text().strip()
    old_path = f"--addons-path={odoo_src}/odoo/addons,{odoo_src}/addons,{old}"
    db = f"crisis_upgrade_{os.getpid()}_{int(time.time())}"
    try:
        # 1. The previous version, with its demo crisis, and more data.
        _run(
            _odoo_cmd(
                "-d",
                db,
                old_path,
                "-i",
                ADDONS,
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=0",
            )
        )
        shell = _odoo_cmd("-d", db, old_path, "--no-http", "--log-level=warn")
        shell.insert(2, "shell")
        assert "FILLED" in _run(shell, input=FILL_SCRIPT)
        before = _snapshot(db)
        for table in (
            "crisis_incident",
            "crisis_log",
            "crisis_consent",
            "crisis_communication_recipient",
            "crisis_page_subscription",
        ):
            assert before[table], f"the old version made no {table}"
        assert before["versions"]["crisis_management"].endswith(old_version)

        # 2. Upgrade with this tree's code.
        log = _run(
            _odoo_cmd(
                "-d",
                db,
                "-u",
                ADDONS,
                "--stop-after-init",
                "--log-level=info",
                "--http-port=0",
            )
        )
        errors = [
            line
            for line in log.splitlines()
            if " ERROR " in line or " CRITICAL " in line
        ]
        assert not errors, "\n".join(errors[:20])
        after = _snapshot(db)
        assert after["versions"]["crisis_management"].endswith(new_version)

        # 3. Every row is kept, unchanged.
        for table in KEPT:
            lost = set(before[table]) - set(after[table])
            assert not lost, f"{table}: rows {sorted(lost)[:20]} lost by the upgrade"
            changed = [
                (before[table][i], after[table][i])
                for i in before[table]
                if before[table][i] != after[table][i]
            ]
            assert not changed, f"{table}: changed by the upgrade: {changed[:5]}"

        # 4. The crisis logs still verify; the answer given before the upgrade
        #    counts against the limit of answers per link (post-migration).
        shell = _odoo_cmd("-d", db, "--no-http", "--log-level=warn")
        shell.insert(2, "shell")
        out = _run(shell, input=VERIFY_SCRIPT)
        line = next(x for x in out.splitlines() if x.startswith("VERIFY "))
        results = ast.literal_eval(line.removeprefix("VERIFY "))
        # Every incident from before is there and verifies (the upgrade may
        # add demo incidents of new data files; they must verify too).
        assert set(before["crisis_incident"]) <= set(results), results
        assert all(r["ok"] for r in results.values()), results
        conf = _conf()
        conn = psycopg2.connect(
            dbname=db,
            host=conf["db_host"],
            port=conf["db_port"],
            user=conf["db_user"],
            password=conf["db_password"],
        )
        with conn, conn.cursor() as cr:
            if _version_tuple(old_version) < (18, 0, 1, 1, 0):
                # The 18.0.1.1.0 migration counts answers given before the counter.
                cr.execute(
                    "SELECT count(*) FROM crisis_communication_recipient "
                    "WHERE safety_answer IS NOT NULL "
                    "AND COALESCE(safety_answer_count, 0) < 1"
                )
                assert cr.fetchone()[0] == 0
            cr.execute(
                "SELECT count(*) FROM crisis_communication_recipient WHERE safety_answer IS NOT NULL"
            )
            assert cr.fetchone()[0] >= 1
        conn.close()
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", db],
            env=_pg_env(),
            stdin=subprocess.DEVNULL,
            check=False,
        )
