"""Two Odoo nodes on one database, as production scales out (README, "More than
one machine"): node A a threaded server (one process, one cron thread), node B
a prefork server (HTTP workers, a cron worker, the gevent process), both on the
same PostgreSQL database and the same data directory (filestore), each with its
own port, as two machines behind one proxy would be.

* An e-mail broadcast to a local SMTP server (bench/smtp_sink.py) is sent by
  the cron workers of both nodes; node B is killed with SIGKILL half-way; node
  A finishes alone; every recipient got the broadcast exactly once.
* A task created through node B reaches a situation wall connected to node A
  live over its websocket (the bus crosses nodes through PostgreSQL NOTIFY).
* An attachment stored through node B opens through node A (shared filestore).
"""

import base64
import collections
import json
import re
import signal
import subprocess
import sys
import time
from email.utils import parseaddr
from pathlib import Path

import psycopg2
import pytest
import websocket
from conftest import (
    ROOT,
    Rpc,
    _conf,
    _free_port,
    _odoo_cmd,
    start_prefork,
    stop_process_group,
    wait_for_http,
    web_login,
)

sys.path.insert(0, str(ROOT / "bench"))
from smtp_sink import SmtpSink  # noqa: E402

SIZE = 1200  # recipients of the broadcast
BATCH = 100  # recipient lines per batch of the broadcast job
JOB_STARTS = re.compile(
    r"Job '(Crisis: send communications|Mail: Email Queue Manager)' \(\d+\) starting"
)
SITUATION_CHANGED = "crisis_management/situation_changed"


def _sql(db, query, args=()):
    conf = _conf()
    conn = psycopg2.connect(
        dbname=db,
        host=conf["db_host"],
        port=conf["db_port"],
        user=conf["db_user"],
        password=conf["db_password"],
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query, args)
            return cr.fetchall()
    finally:
        conn.close()


def _start_threaded(database, log):
    """Node A: Odoo's threaded server (one process, as ``make run``), one cron
    thread, websockets on its HTTP port."""
    port = _free_port()
    with open(log, "a") as out:
        proc = subprocess.Popen(
            _odoo_cmd(
                "-d",
                database,
                f"--db-filter=^{database}$",
                f"--http-port={port}",
                "--http-interface=127.0.0.1",
                "--workers=0",
                "--max-cron-threads=1",
                "--log-level=info",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/web/login", proc, log)
    return proc, {"url": url, "db": database, "port": port}


def _jobs_started(log):
    return len(JOB_STARTS.findall(Path(log).read_text(errors="replace")))


@pytest.fixture(scope="module")
def nodes(database, tmp_path_factory):
    logs = tmp_path_factory.mktemp("two_nodes")
    log_a, log_b = logs / "node_a.log", logs / "node_b.log"
    proc_a, node_a = _start_threaded(database, log_a)
    procs = [proc_a]
    try:
        proc_b, node_b = start_prefork(database, log_b, workers=2, cron_workers=1)
        procs.append(proc_b)
        node_a.update(proc=proc_a, log=log_a, procs=procs)
        node_b.update(proc=proc_b, log=log_b, procs=procs)
        yield node_a, node_b
    finally:
        for proc in procs:
            stop_process_group(proc, signal.SIGKILL)


@pytest.fixture()
def sink_server(nodes):
    """The local SMTP sink as the only active outgoing mail server, and small
    batches of the broadcast job so that it takes many turns; all restored
    afterwards."""
    admin = Rpc(nodes[0], "admin", "admin")
    with SmtpSink(_free_port()) as sink:
        sink.node = nodes[0]  # a node that is up, for the clean-up
        others = admin(
            "ir.mail_server",
            "search",
            [("active", "=", True), ("name", "!=", "Two-node test sink")],
        )
        admin("ir.mail_server", "write", others, {"active": False})
        server_id = admin(
            "ir.mail_server",
            "create",
            {
                "name": "Two-node test sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": sink.port,
                "smtp_encryption": "none",
                "sequence": 0,
            },
        )
        param = "crisis_management.communication_batch_size"
        before = admin("ir.config_parameter", "get_param", param)
        admin("ir.config_parameter", "set_param", param, str(BATCH))
        try:
            yield sink
        finally:
            admin = Rpc(sink.node, "admin", "admin")
            admin("ir.config_parameter", "set_param", param, before or "")
            admin("ir.mail_server", "write", [server_id], {"active": False})
            admin("ir.mail_server", "write", others, {"active": True})


def _second_manager(admin):
    """Another member of the crisis team: content is approved by four eyes."""
    login = "two-nodes-approver"
    if not admin("res.users", "search", [("login", "=", login)]):
        group = admin(
            "ir.model.data",
            "search_read",
            [
                ("module", "=", "crisis_management"),
                ("name", "=", "group_crisis_manager"),
            ],
            fields=["res_id"],
        )[0]["res_id"]
        admin(
            "res.users",
            "create",
            {
                "name": "Two Nodes Approver",
                "login": login,
                "password": login + "-pw1",
                "groups_id": [(6, 0, [group])],
            },
        )
    return Rpc({"url": admin.url, "db": admin.db}, login, login + "-pw1")


def _broadcast(admin, stamp, size=SIZE):
    """A queued e-mail broadcast to ``SIZE`` new contacts with consent.

    :return: ``(communication id, {subjects its e-mails go out with})``
    """
    tag = admin("res.partner.category", "create", {"name": f"Two nodes {stamp}"})
    partners = admin(
        "res.partner",
        "create",
        [
            {
                "name": f"Two nodes {n}",
                "email": f"node{n}-{stamp}@example.com",
                "lang": "en_US",
                "category_id": [(6, 0, [tag])],
            }
            for n in range(size)
        ],
    )
    purpose = admin("crisis.consent.purpose", "search", [("code", "=", "crisis_info")])[
        0
    ]
    admin(
        "crisis.consent",
        "create",
        [
            {
                "partner_id": pid,
                "purpose_id": purpose,
                "channel": "email",
                "legal_basis": "consent",
                "source": "two-node test",
            }
            for pid in partners
        ],
    )
    incident = admin("crisis.incident", "create", {"name": f"Two nodes {stamp}"})
    message = admin(
        "crisis.message",
        "create",
        {
            "name": f"Fire under control {stamp}",
            "kind": "key_message",
            "incident_id": incident,
            "body": "<p>The fire is under control.</p>",
        },
        context={"lang": "en_US"},
    )
    admin("crisis.message", "action_submit", [message])
    # With the user's language in the context, as the web client sends it.
    _second_manager(admin)(
        "crisis.message", "action_approve", [message], context={"lang": "en_US"}
    )
    comm = admin(
        "crisis.communication",
        "create",
        {
            "incident_id": incident,
            "message_id": message,
            "channel_email": True,
            "audience_tag_ids": [(6, 0, [tag])],
        },
    )
    admin("crisis.communication", "action_send", [comm])
    subjects = {
        admin("crisis.communication", "read", [comm], ["subject"], context=ctx)[0][
            "subject"
        ]
        for ctx in ({"lang": "en_US"}, {"lang": "de_DE"})
    }
    return comm, subjects


def _pending(db, comm):
    return _sql(
        db,
        """SELECT (SELECT count(*) FROM crisis_communication_recipient
                    WHERE communication_id = %s AND state = 'queued'),
                  (SELECT count(*) FROM mail_mail m
                     JOIN crisis_communication_recipient r ON r.id = m.crisis_recipient_id
                    WHERE r.communication_id = %s AND m.state = 'outgoing')""",
        [comm, comm],
    )[0]


def test_wall_on_one_node_sees_a_change_made_on_the_other(nodes):
    node_a, node_b = nodes
    admin_b = Rpc(node_b, "admin", "admin")
    incident = admin_b("crisis.incident", "create", {"name": "Two nodes: wall"})
    session = next(
        c.value
        for c in web_login(node_a, "admin", "admin")[1]
        if c.name == "session_id"
    )
    last = _sql(node_a["db"], "SELECT coalesce(max(id), 0) FROM bus_bus")[0][0]
    base = f"127.0.0.1:{node_a['port']}"
    conn = websocket.create_connection(
        f"ws://{base}/websocket?version=18.0-2",
        cookie=f"session_id={session}",
        origin=f"http://{base}",
        header=["User-Agent: crisis-two-node-test"],
        timeout=5,
    )
    try:
        channel = f"crisis_management.situation:{incident}"
        conn.send(
            json.dumps(
                {
                    "event_name": "subscribe",
                    "data": {"channels": [channel], "last": last},
                }
            )
        )
        time.sleep(1)  # the subscription reaches node A's dispatcher
        changed_at = time.time()
        admin_b(
            "crisis.task", "create", {"name": "Check the wall", "incident_id": incident}
        )
        arrived = None
        while time.time() - changed_at < 30 and not arrived:
            try:
                raw = conn.recv()
            except websocket.WebSocketTimeoutException:
                continue
            for notification in json.loads(raw):
                message = notification.get("message", {})
                if (
                    message.get("type") == SITUATION_CHANGED
                    and (message.get("payload") or {}).get("incident_id") == incident
                ):
                    arrived = time.time()
        assert arrived, "the wall on node A heard nothing of the task made on node B"
        print(
            f"two nodes: wall on A updated {arrived - changed_at:.2f} s after B's write"
        )
        assert arrived - changed_at < 10
    finally:
        conn.close()


def test_attachment_stored_on_one_node_opens_on_the_other(nodes):
    node_a, node_b = nodes
    content = f"Situation report {time.time()}".encode()
    attachment = Rpc(node_b, "admin", "admin")(
        "ir.attachment",
        "create",
        {"name": "two-nodes.txt", "datas": base64.b64encode(content).decode()},
    )
    stored = _sql(
        node_a["db"],
        "SELECT store_fname FROM ir_attachment WHERE id = %s",
        [attachment],
    )[0][0]
    assert stored, "the attachment went to the database, not the shared filestore"
    datas = Rpc(node_a, "admin", "admin")(
        "ir.attachment", "read", [attachment], ["datas"]
    )[0]["datas"]
    assert base64.b64decode(datas) == content


def test_broadcast_survives_a_killed_node(nodes, sink_server, database):
    node_a, node_b = nodes
    sink = sink_server
    admin = Rpc(node_b, "admin", "admin")
    jobs_a, jobs_b = _jobs_started(node_a["log"]), _jobs_started(node_b["log"])
    comm, subjects = _broadcast(admin, int(time.time()))

    # Both nodes' cron workers take part; node B dies a third of the way.
    deadline = time.time() + 240
    while time.time() < deadline and not (
        sink.count >= SIZE // 3
        and _jobs_started(node_a["log"]) > jobs_a
        and _jobs_started(node_b["log"]) > jobs_b
    ):
        time.sleep(0.05)
    assert _jobs_started(node_a["log"]) > jobs_a, "node A's cron never sent"
    assert _jobs_started(node_b["log"]) > jobs_b, "node B's cron never sent"
    killed_after = sink.count
    assert killed_after < SIZE, "the broadcast ended before node B could be killed"
    stop_process_group(node_b["proc"], signal.SIGKILL)

    # Node A finishes alone.
    stable_since, last = time.time(), -1
    while time.time() < deadline:
        queued, outgoing = _pending(database, comm)
        if sink.count != last:
            stable_since, last = time.time(), sink.count
        if not queued and not outgoing and time.time() - stable_since > 3:
            break
        time.sleep(0.5)
    assert _pending(database, comm) == (0, 0), "node A did not finish the broadcast"

    expected = {
        parseaddr(address)[1].lower()
        for (address,) in _sql(
            database,
            "SELECT address FROM crisis_communication_recipient "
            "WHERE communication_id = %s AND channel = 'email' AND state = 'sent'",
            [comm],
        )
    }
    got = collections.Counter()
    after_kill = 0
    for index, (_at, message_id, rcpts) in enumerate(list(sink.messages)):
        if sink.subjects.get(message_id) in subjects:
            after_kill += index >= killed_after
            for rcpt in rcpts:
                got[parseaddr(rcpt)[1].lower()] += 1
    assert len(expected) == SIZE
    twice = [address for address, n in got.items() if n > 1]
    assert not twice, f"{len(twice)} recipients got the broadcast twice: {twice[:3]}"
    assert set(got) == expected, (
        f"{len(expected - set(got))} lost, {len(set(got) - expected)} unexpected"
    )
    assert after_kill, "nothing was sent after node B was killed"
    print(
        f"two nodes: {SIZE} of {SIZE} reached once; node B killed after "
        f"{killed_after} mails, node A sent {after_kill} more"
    )


def test_interrupted_broadcast_resumes_at_once_after_a_restart(
    nodes, sink_server, database
):
    """Every node is down with a broadcast under way; the first node to come
    back sends its next mail within 5 s of answering, not after the cron
    workers' first sleep (up to 70 s)."""
    node_a, node_b = nodes
    sink = sink_server
    admin = Rpc(node_a, "admin", "admin")
    comm, subjects = _broadcast(admin, f"resume-{int(time.time())}", size=200)
    stop_process_group(node_a["proc"], signal.SIGKILL)
    stop_process_group(node_b["proc"], signal.SIGKILL)
    queued, outgoing = _pending(database, comm)
    assert queued + outgoing, "the broadcast ended before the nodes went down"
    sent_before = sink.count

    started = time.time()
    proc, node = start_prefork(database, node_b["log"], workers=2, cron_workers=1)
    node_b["procs"].append(proc)
    sink.node = node
    answered = time.time()  # /web/login and the websocket route answer
    first = None
    while time.time() - answered < 90 and first is None:
        first = next(
            (
                at
                for at, message_id, _rcpts in list(sink.messages)[sent_before:]
                if sink.subjects.get(message_id) in subjects
            ),
            None,
        )
        time.sleep(0.1)
    assert first, "no mail of the interrupted broadcast within 90 s of the restart"
    print(
        f"two nodes: restart: server answering {answered - started:.1f} s after its "
        f"start, the interrupted broadcast's next mail {first - started:.1f} s after "
        f"its start ({first - answered:+.1f} s from answering)"
    )
    assert first - answered < 5
    # The restarted node finishes the broadcast: nothing is left for the
    # tests that follow, nobody got it twice.
    deadline = time.time() + 180
    while _pending(database, comm) != (0, 0) and time.time() < deadline:
        time.sleep(0.5)
    assert _pending(database, comm) == (0, 0), "the restarted node did not finish"
    time.sleep(2)  # the last hand-overs reach the sink
    got = collections.Counter(
        parseaddr(rcpt)[1].lower()
        for _at, message_id, rcpts in list(sink.messages)
        if sink.subjects.get(message_id) in subjects
        for rcpt in rcpts
    )
    assert len(got) == 200 and max(got.values()) == 1
