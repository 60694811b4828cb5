"""Bad input against a live server (issue 22): NUL bytes and ids of the wrong
type get a clear refusal over HTTP and JSON-RPC, never a server error; the
followers of a confidential incident stay hidden from a plain employee."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from conftest import web_login

NUL = urllib.parse.quote("\x00")


def _open(url, data=None, headers=None, opener=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        open_ = opener.open if opener else urllib.request.urlopen
        with open_(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _call_kw(server, opener, model, method, args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": method, "args": args, "kwargs": {}},
    }
    status, body = _open(
        f"{server['url']}/web/dataset/call_kw",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        opener=opener,
    )
    assert status == 200, body[:300]
    return json.loads(body)


@pytest.fixture(scope="module")
def published_page(admin):
    incident_id = admin(
        "crisis.incident",
        "create",
        {
            "name": "Live-Test Eingabeprüfung",
            "incident_type_id": admin("crisis.incident.type", "search", [], limit=1)[0],
            "severity": "minor",
        },
    )
    admin("crisis.incident", "action_activate", [incident_id])
    admin("crisis.incident", "action_publish_page", [incident_id])
    token = admin("crisis.incident", "read", [incident_id], ["page_token"])[0][
        "page_token"
    ]
    return incident_id, token


def test_nul_in_safety_link_and_page_is_a_400(server, published_page):
    _incident_id, token = published_page
    for url in (
        f"/crisis/safety/abc{NUL}def",
        f"/crisis/{token}?lang=de{NUL}",
        f"/crisis/{token}/feed.atom?lang=en{NUL}",
    ):
        status, body = _open(server["url"] + url, headers={"Accept-Language": "de"})
        assert status == 400, (url, body[:300])
        assert "unzulässige Zeichen" in body
        assert "Traceback" not in body


def test_nul_in_subscription_email_is_a_400(server, published_page):
    _incident_id, token = published_page
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar())
    )
    status, page = _open(f"{server['url']}/crisis/{token}?lang=en", opener=opener)
    assert status == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"email": "eve\x00@example.com", "lang": "en", "csrf_token": csrf}
    ).encode()
    status, body = _open(
        f"{server['url']}/crisis/{token}/subscribe",
        data=data,
        headers={"Accept-Language": "en"},
        opener=opener,
    )
    assert status == 400, body[:300]
    assert "characters that are not allowed" in body


def test_wrong_ids_over_json_rpc_are_a_validation_error(
    server, admin, make_user, published_page
):
    incident_id, _token = published_page
    make_user("live_input_team", "crisis_management.group_crisis_manager")
    opener, _jar = web_login(server, "live_input_team", "live_input_team-pw1")
    for args in (
        [[True], {"name": "x"}],
        [["1"], {"name": "x"}],
        [[incident_id], {"name": "x\x00"}],
        [[incident_id], {"name": "x\ud800"}],
    ):
        answer = _call_kw(server, opener, "crisis.incident", "write", args)
        assert answer["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    name = admin("crisis.incident", "read", [incident_id], ["name"])[0]["name"]
    assert name == "Live-Test Eingabeprüfung"


def test_employee_lists_no_followers_of_a_confidential_incident(
    server, admin, make_user
):
    incident_id = admin(
        "crisis.incident",
        "create",
        {
            "name": "Live-Test vertraulich",
            "incident_type_id": admin("crisis.incident.type", "search", [], limit=1)[0],
            "severity": "minor",
            "is_confidential": True,
        },
    )
    assert admin(
        "mail.followers",
        "search",
        [("res_model", "=", "crisis.incident"), ("res_id", "=", incident_id)],
    )
    make_user("live_input_employee", "base.group_user")
    opener, _jar = web_login(server, "live_input_employee", "live_input_employee-pw1")
    answer = _call_kw(
        server,
        opener,
        "mail.followers",
        "search_read",
        [[("res_model", "=", "crisis.incident"), ("res_id", "=", incident_id)]],
    )
    assert answer.get("result") == [], answer
