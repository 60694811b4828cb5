"""Suite-level tests: a real Odoo 18 server on a free port, driven over XML-RPC
and HTTP like an outside script or a visitor would.

The database comes from ``CRISIS_TEST_DB`` (``make test`` passes the database its
Odoo test run just installed); without it, one is created and dropped here.
"""

import configparser
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = "crisis_management,crisis_social,crisis_reports"


def _conf():
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".odoo.conf")
    return parser["options"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _odoo_cmd(*args):
    odoo_src = (ROOT / ".odoo-src-path").read_text().strip()
    return [
        sys.executable,
        f"{odoo_src}/odoo-bin",
        "-c",
        str(ROOT / ".odoo.conf"),
        *args,
    ]


def _pg_env():
    conf = _conf()
    return dict(
        os.environ,
        PGHOST=conf["db_host"],
        PGPORT=conf["db_port"],
        PGUSER=conf["db_user"],
        PGPASSWORD=conf["db_password"],
    )


@pytest.fixture(scope="session")
def database():
    name = os.environ.get("CRISIS_TEST_DB")
    if name:
        yield name
        return
    name = f"crisis_e2e_{os.getpid()}"
    subprocess.run(
        _odoo_cmd(
            "-d",
            name,
            "-i",
            ADDONS,
            "--load-language=en_US,de_DE",
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=True,
    )
    yield name
    subprocess.run(
        ["dropdb", "--if-exists", name],
        env=_pg_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def wait_for_http(url, proc, log, timeout=180):
    """Wait until ``url`` answers; fail with the end of the server log when the
    process died or the time ran out."""
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                stop_process_group(proc)
                raise RuntimeError(f"Odoo did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)


def start_prefork(database, log, *extra, workers=2, cron_workers=0, odoo_cmd=None):
    """Start Odoo in multi-worker (prefork) mode on free ports, in its own
    process group (master, HTTP workers, cron workers and the gevent process
    for websockets), as production runs it.

    :return: ``(proc, {"url", "db", "port", "gevent_port"})``
    """
    port, gevent_port = _free_port(), _free_port()
    while gevent_port == port:
        gevent_port = _free_port()
    cmd = (odoo_cmd or _odoo_cmd)(
        "-d",
        database,
        f"--db-filter=^{database}$",
        f"--http-port={port}",
        f"--gevent-port={gevent_port}",
        "--http-interface=127.0.0.1",
        f"--workers={workers}",
        f"--max-cron-threads={cron_workers}",
        "--log-level=info",
        *extra,
    )
    with open(log, "a") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/web/login", proc, log)
    # The gevent process (websockets) starts next to the workers.
    wait_for_http(f"http://127.0.0.1:{gevent_port}/websocket/health", proc, log, 90)
    info = {"url": url, "db": database, "port": port, "gevent_port": gevent_port}
    return proc, info


def stop_process_group(proc, sig=signal.SIGTERM, timeout=30):
    """Stop a server started in its own session and everything it spawned."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    # Workers and the gevent process may outlive a killed master.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(database, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            _odoo_cmd(
                "-d",
                database,
                f"--db-filter=^{database}$",
                f"--http-port={port}",
                "--http-interface=127.0.0.1",
                "--max-cron-threads=0",
                "--log-level=warn",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/web/login", timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"Odoo did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    yield {"url": url, "db": database}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


class Rpc:
    """A tiny XML-RPC client, as an outside script would write one."""

    def __init__(self, server, login, password):
        self.url, self.db = server["url"], server["db"]
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        if not self.uid:
            raise PermissionError(f"login {login} refused")
        self.password = password
        self.models = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def admin(server):
    return Rpc(server, "admin", "admin")


@pytest.fixture(scope="session")
def make_user(admin, server):
    """Create (once) an internal user in the given crisis group and log in as them."""
    made = {}

    def make(login, group_xmlid):
        if login not in made:
            module, name = group_xmlid.split(".")
            group_id = admin(
                "ir.model.data",
                "search_read",
                [("module", "=", module), ("name", "=", name)],
                fields=["res_id"],
            )[0]["res_id"]
            existing = admin("res.users", "search", [("login", "=", login)])
            if not existing:
                admin(
                    "res.users",
                    "create",
                    {
                        "name": login.title(),
                        "login": login,
                        "password": login + "-pw1",
                        "groups_id": [(6, 0, [group_id])],
                    },
                )
            made[login] = Rpc(server, login, login + "-pw1")
        return made[login]

    return make


def web_login(server, login, password):
    """Log in to the web client like a browser does.

    :return: ``(opener, jar)``: a urllib opener carrying the session cookie,
        and its cookie jar (``session_id`` among its cookies)
    """
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"db": server["db"], "login": login, "password": password},
    }
    request = urllib.request.Request(
        f"{server['url']}/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request, timeout=60) as response:
        result = json.loads(response.read())
    assert result.get("result", {}).get("uid"), result
    return opener, jar
