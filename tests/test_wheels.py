"""The addons as wheels in a stock Odoo: ``pip wheel`` of each addon (whool),
``pip install`` into a virtualenv where Odoo is installed as a package
(``.ci/odoo_package_venv.sh``, cached), *without* this repository on the
addons path: install the addons in a new database, run a server and use them,
uninstall them cleanly, and remove the wheels again.
"""

import os
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import pytest
from conftest import ROOT, _conf, _free_port, _pg_env, stop_process_group, wait_for_http

ADDONS = ("crisis_management", "crisis_social", "crisis_reports")
DISTS = tuple(f"odoo-addon-{name}" for name in ADDONS)


def _run(cmd, timeout=900, **kwargs):
    result = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def stock_odoo():
    """``(venv, odoo_src)``: Odoo installed as a package, our addons not."""
    venv = Path(
        _run(["bash", str(ROOT / ".ci" / "odoo_package_venv.sh")], 1800).strip()
    )
    odoo_src = (ROOT / ".odoo-src-path").read_text().strip()
    # A previous run that died half-way may have left our wheels installed.
    subprocess.run(
        [venv / "bin" / "pip", "uninstall", "-y", "-q", *DISTS],
        capture_output=True,
        check=False,
    )
    return venv, odoo_src


def _odoo(venv, odoo_src, db, data_dir, *args):
    conf = _conf()
    return [
        str(venv / "bin" / "odoo"),
        # Odoo's own standard addons (mail, contacts, ...), not this repository:
        # ours come from the wheels, in site-packages/odoo/addons.
        f"--addons-path={odoo_src}/addons",
        f"--data-dir={data_dir}",
        f"--db_host={conf['db_host']}",
        f"--db_port={conf['db_port']}",
        f"--db_user={conf['db_user']}",
        f"--db_password={conf['db_password']}",
        "-d",
        db,
        *args,
    ]


def _shell(venv, odoo_src, db, data_dir, script, cwd):
    cmd = _odoo(venv, odoo_src, db, data_dir, "--no-http", "--log-level=warn")
    cmd.insert(1, "shell")
    return _run(cmd, input=script, cwd=cwd, env=_pg_env())


def test_wheels_install_run_and_uninstall_in_a_stock_odoo(stock_odoo, tmp_path):
    venv, odoo_src = stock_odoo
    pip = str(venv / "bin" / "pip")
    wheels = tmp_path / "wheels"
    # 1. One wheel per addon, built by whool from its pyproject.toml.
    _run([pip, "wheel", "--no-deps", "-q", "-w", wheels, *(ROOT / n for n in ADDONS)])
    built = sorted(p.name for p in wheels.glob("*.whl"))
    assert len(built) == 3, built
    for dist in DISTS:
        assert any(name.startswith(dist.replace("-", "_")) for name in built), built

    # 2. Installed with pip; the dependencies between them resolve from the
    #    wheels, Odoo itself is the installed package (no index needed).
    _run([pip, "install", "-q", "--no-index", "--find-links", wheels, *DISTS])
    site = Path(
        _run(
            [
                venv / "bin" / "python",
                "-c",
                "import site; print(site.getsitepackages()[0])",
            ]
        ).strip()
    )
    for name in ADDONS:
        assert (site / "odoo" / "addons" / name / "__manifest__.py").is_file()

    db = f"crisis_wheels_{os.getpid()}_{int(time.time())}"
    data_dir = tmp_path / "data"
    work = tmp_path / "cwd"  # not the repository: nothing found by accident
    work.mkdir()
    env = _pg_env()
    try:
        # 3. Install the addons in a new database of the stock Odoo.
        _run(
            _odoo(
                venv,
                odoo_src,
                db,
                data_dir,
                "-i",
                ",".join(ADDONS),
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
                "--http-port=0",
            ),
            cwd=work,
            env=env,
        )
        where = _shell(
            venv,
            odoo_src,
            db,
            data_dir,
            "import odoo.modules.module as m\n"
            "print('PATHS', *[m.get_module_path(n) for n in "
            f"{ADDONS!r}])\n"
            "print('STATES', *env['ir.module.module'].search("
            f"[('name', 'in', {list(ADDONS)!r})]).mapped('state'))\n",
            work,
        )
        paths = next(x for x in where.splitlines() if x.startswith("PATHS ")).split()[
            1:
        ]
        assert all(p.startswith(str(site)) for p in paths), paths
        assert not any(p.startswith(str(ROOT)) for p in paths), paths
        states = next(x for x in where.splitlines() if x.startswith("STATES ")).split()[
            1:
        ]
        assert states == ["installed"] * 3, states

        # 4. Run: a server of the stock Odoo serves them; an incident goes
        #    through its life and its crisis log verifies.
        port = _free_port()
        log = tmp_path / "server.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                _odoo(
                    venv,
                    odoo_src,
                    db,
                    data_dir,
                    f"--http-port={port}",
                    "--http-interface=127.0.0.1",
                    "--max-cron-threads=0",
                    "--log-level=warn",
                ),
                cwd=work,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_http(f"{url}/web/login", proc, log)
            common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
            uid = common.authenticate(db, "admin", "admin", {})
            assert uid
            models = xmlrpc.client.ServerProxy(
                f"{url}/xmlrpc/2/object", allow_none=True
            )

            def call(model, method, *args):
                return models.execute_kw(db, uid, "admin", model, method, list(args))

            group = call(
                "ir.model.data",
                "search_read",
                [
                    ("module", "=", "crisis_management"),
                    ("name", "=", "group_crisis_admin"),
                ],
                ["res_id"],
            )[0]["res_id"]
            call("res.users", "write", [uid], {"groups_id": [(4, group)]})
            incident = call(
                "crisis.incident",
                "create",
                {"name": "Wheel fire", "severity": "critical"},
            )
            assert call("crisis.incident", "action_activate", [incident])
            assert call("crisis.incident", "verify_log", [incident])["ok"] is True
            assert call("crisis.social.source", "search_count", []) >= 0
        finally:
            stop_process_group(proc)

        # 5. Uninstall cleanly: modules, tables and models gone.
        gone = _shell(
            venv,
            odoo_src,
            db,
            data_dir,
            "mods = env['ir.module.module'].search("
            f"[('name', 'in', {list(ADDONS)!r})])\n"
            "mods.button_immediate_uninstall()\n"
            "env.cr.commit()\n"
            "env.invalidate_all()\n"
            "print('STATES', *mods.mapped('state'))\n"
            "env.cr.execute(\"SELECT count(*) FROM ir_model WHERE model LIKE 'crisis.%%'\")\n"
            "print('MODELS', env.cr.fetchone()[0])\n"
            'env.cr.execute("SELECT count(*) FROM information_schema.tables '
            "WHERE table_name LIKE 'crisis\\\\_%%'\")\n"
            "print('TABLES', env.cr.fetchone()[0])\n"
            "env.cr.execute(\"SELECT count(*) FROM ir_ui_view WHERE arch_fs LIKE 'crisis%%'\")\n"
            "print('VIEWS', env.cr.fetchone()[0])\n",
            work,
        )
        lines = dict(line.split(" ", 1) for line in gone.splitlines() if " " in line)
        assert lines["STATES"].split() == ["uninstalled"] * 3, gone
        assert lines["MODELS"] == "0", gone
        assert lines["TABLES"] == "0", gone
        assert lines["VIEWS"] == "0", gone
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", db],
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        # 6. And pip takes the wheels out again: the stock Odoo is as before.
        subprocess.run(
            [pip, "uninstall", "-y", "-q", *DISTS], capture_output=True, check=False
        )
    for name in ADDONS:
        assert not (site / "odoo" / "addons" / name).exists()
    assert sys.executable  # (the suite's own venv is untouched)
