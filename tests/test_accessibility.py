"""Accessibility of the public pages, checked in Chromium as a visitor sees them:
the incident page, the subscription confirmation, the unsubscribe page and the
personal safety-check page, in German and English.

- axe-core (from npm, see package.json; ``.ci/setup.sh`` installs it) finds no
  serious or critical violation, on a desktop and on a 360 px wide phone;
- on the phone the page does not scroll sideways;
- every control of the page's form is reached with the Tab key.

Chromium is driven over its DevTools protocol (a websocket), no extra package.
"""

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
import websocket
from conftest import ROOT, _odoo_cmd, _pg_env

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Printed as JSON by an Odoo shell on the test database: real signed links,
# made by the addon's own code, to the demo fire's pages.
LINKS_SCRIPT = r"""
import json
from odoo.addons.crisis_management.tools import installed_crisis_langs
incident = env.ref("crisis_management.crisis_incident_fire_demo")
Subscription = env["crisis.page.subscription"]
links = {}
for lang in installed_crisis_langs(env):
    links[f"incident page ({lang})"] = f"/crisis/{incident.page_token}?lang={lang}"
    # A link confirms once: the confirmation page is that of someone who
    # has not clicked yet, the unsubscribe page that of a confirmed one.
    payload = Subscription._sign_confirmation(
        incident, f"axe-new-{lang}@example.com", "", lang
    )
    links[f"subscription confirmation ({lang})"] = (
        f"/crisis/subscription/confirm/{payload}"
    )
    email = f"axe-{lang}@example.com"
    payload = Subscription._sign_confirmation(incident, email, "", lang)
    _incident, values = Subscription._check_confirmation(payload)
    subscription = Subscription._confirm(incident, values, "127.0.0.1")
    url = subscription._unsubscribe_url()
    links[f"unsubscribe ({lang})"] = url[url.index("/crisis/"):]
lines = env["crisis.communication.recipient"].search(
    [("communication_id.kind", "=", "safety_check"), ("state", "=", "sent")],
    order="id")
seen = set()
for line in lines:
    lang = (line.lang or "en_US")[:2]
    if lang not in seen:
        seen.add(lang)
        links[f"safety check ({lang})"] = f"/crisis/safety/{line.response_token}"
env.cr.commit()
print("AXE-LINKS " + json.dumps(links))
"""


@pytest.fixture(scope="module")
def links(server):
    result = subprocess.run(
        # (the sub-command comes first: odoo-bin shell -c ...)
        [_odoo_cmd()[0], _odoo_cmd()[1], "shell", *_odoo_cmd()[2:]]
        + ["-d", server["db"], "--no-http", "--log-level=warn"],
        input=LINKS_SCRIPT,
        capture_output=True,
        text=True,
        env=_pg_env(),
        timeout=300,
        check=False,
    )
    line = next(
        (x for x in result.stdout.splitlines() if x.startswith("AXE-LINKS ")), None
    )
    assert line, f"no links from the Odoo shell:\n{result.stdout}\n{result.stderr}"
    found = json.loads(line.removeprefix("AXE-LINKS "))
    kinds = {name.split(" (")[0] for name in found}
    assert kinds == {
        "incident page",
        "subscription confirmation",
        "unsubscribe",
        "safety check",
    }, found
    return {name: server["url"] + path for name, path in found.items()}


class Chromium:
    """Just enough of the DevTools protocol to load a page and ask it things."""

    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        assert binary, "Chromium is missing: run .ci/setup.sh"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="crisis-axe-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                f"--remote-debugging-port={port}",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/list", timeout=5
                ) as response:
                    pages = [
                        t for t in json.loads(response.read()) if t["type"] == "page"
                    ]
                if pages:
                    break
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not start")
            time.sleep(0.3)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=120, suppress_origin=True
        )
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression, await_promise=False):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=await_promise,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def open(self, url, width):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=800,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.call("Page.navigate", url=url)
        deadline = time.time() + 60
        time.sleep(0.3)
        while self.evaluate("document.readyState") != "complete":
            assert time.time() < deadline, f"{url} did not load"
            time.sleep(0.2)

    def axe_violations(self):
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(AXE.read_text())
        return self.evaluate(
            """axe.run(document, {resultTypes: ["violations"]}).then(r =>
                r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))""",
            await_promise=True,
        )

    def press_tab(self):
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Tab",
                code="Tab",
                windowsVirtualKeyCode=9,
            )

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    assert AXE.exists(), f"{AXE} is missing: run .ci/setup.sh (npm ci)"
    browser = Chromium()
    yield browser
    browser.close()


PAGES = [
    f"{kind} ({lang})"
    for kind in (
        "incident page",
        "subscription confirmation",
        "unsubscribe",
        "safety check",
    )
    for lang in ("de", "en")
]


@pytest.mark.parametrize("page", PAGES)
def test_public_page_is_accessible(page, links, chromium):
    url = links[page]
    for width in (1280, 360):
        chromium.open(url, width)
        violations = chromium.axe_violations()
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{page} at {width} px:\n" + json.dumps(blocking, indent=1)
    # On a 360 px phone nothing scrolls sideways.
    overflow = chromium.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page} scrolls {overflow} px sideways on a 360 px phone"
    assert chromium.evaluate("document.documentElement.lang"), "no lang on <html>"
    # Every control of the form is reached with the Tab key, in order.
    controls = chromium.evaluate(
        """(() => { document.querySelectorAll("form [data-axe-tab]").forEach(
                e => e.removeAttribute("data-axe-tab"));
            const list = [...document.querySelectorAll(
                "form input:not([type=hidden]), form button, form select, form textarea")]
                // (the spam trap is hidden from people on purpose)
                .filter(e => e.tabIndex >= 0 && !e.closest("[aria-hidden=true]"));
            list.forEach((e, i) => e.setAttribute("data-axe-tab", i));
            return list.length; })()"""
    )
    assert controls, f"{page} has no form"
    chromium.evaluate("document.activeElement && document.activeElement.blur()")
    reached = set()
    for _press in range(40):
        chromium.press_tab()
        index = chromium.evaluate(
            "document.activeElement && document.activeElement.getAttribute('data-axe-tab')"
        )
        if index is not None:
            reached.add(int(index))
        if len(reached) == controls:
            break
    assert len(reached) == controls, (
        f"{page}: only {sorted(reached)} of {controls} form controls reached with Tab"
    )
