"""Multi-worker (prefork) mode as shipped: Odoo with several HTTP workers and its
gevent process for websockets, started from the project's virtualenv.

A logged-in web client keeps a websocket open to the gevent process; when an
incident puts a company into crisis mode (and out again), the crisis-mode
indicator's bus notification must arrive on that websocket at once.
"""

import json
import time
import urllib.request

import pytest
import websocket
from conftest import Rpc, start_prefork, stop_process_group, web_login

CHANNEL_TYPE = "crisis_management/crisis_mode"


@pytest.fixture(scope="module")
def prefork(database, tmp_path_factory):
    log = tmp_path_factory.mktemp("prefork") / "server.log"
    proc, info = start_prefork(database, log, workers=2, cron_workers=0)
    info["log"] = log
    yield info
    stop_process_group(proc)


def _login(server, login, password):
    jar = web_login(server, login, password)[1]
    return next(c.value for c in jar if c.name == "session_id")


def _connect(prefork, session_id):
    base = f"127.0.0.1:{prefork['gevent_port']}"
    conn = websocket.create_connection(
        f"ws://{base}/websocket?version=18.0-2",
        cookie=f"session_id={session_id}",
        origin=f"http://{base}",
        header=["User-Agent: crisis-e2e-test"],
        timeout=5,
    )
    conn.send(
        json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
    )
    return conn


def _wait_for(conn, company_id, timeout=60):
    """The crisis-mode notifications for ``company_id`` received within ``timeout``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            raw = conn.recv()
        except websocket.WebSocketTimeoutException:
            continue
        for notification in json.loads(raw):
            message = notification.get("message", {})
            payload = message.get("payload") or {}
            if message.get("type") == CHANNEL_TYPE and company_id in payload.get(
                "company_ids", []
            ):
                return notification
    return None


def test_gevent_process_serves_websockets(prefork):
    url = f"http://127.0.0.1:{prefork['gevent_port']}/websocket/health"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    # The gevent process did not crash at start (it used to be respawned in a
    # loop: pkg_resources could not find zope.interface).
    assert "DistributionNotFound" not in prefork["log"].read_text()


def test_crisis_mode_arrives_live_over_the_websocket(prefork):
    admin = Rpc(prefork, "admin", "admin")
    company_id = admin(
        "res.company", "create", {"name": f"E2E Websocket {time.time()}"}
    )
    main_company = admin("res.users", "read", [admin.uid], fields=["company_id"])[0][
        "company_id"
    ][0]
    admin("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    context = {"allowed_company_ids": [main_company, company_id]}

    conn = _connect(prefork, _login(prefork, "admin", "admin"))
    try:
        incident_id = admin(
            "crisis.incident",
            "create",
            {
                "name": "E2E Websocket fire",
                "severity": "critical",
                "company_id": company_id,
            },
            context=context,
        )
        switched_at = time.time()
        admin("crisis.incident", "action_activate", [incident_id], context=context)
        on = _wait_for(conn, company_id)
        assert on, "no crisis-mode notification arrived on the websocket"
        assert time.time() - switched_at < 30
        status = admin("res.company", "read", [company_id], fields=["crisis_mode"])
        assert status[0]["crisis_mode"] is True

        for action in ("action_contain", "action_resolve", "action_close"):
            admin("crisis.incident", action, [incident_id], context=context)
        off = _wait_for(conn, company_id)
        assert off and off["id"] > on["id"], "switching crisis mode off was not pushed"
    finally:
        conn.close()
    status = admin("res.company", "read", [company_id], fields=["crisis_mode"])
    assert status[0]["crisis_mode"] is False
