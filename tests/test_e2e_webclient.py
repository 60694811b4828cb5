"""The web client as a logged-in person sees it: the Crisis app in both languages."""

import json
import urllib.request
from http.cookiejar import CookieJar


def _session(server, login, password):
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
    return opener


def _app_names(server, opener, lang):
    url = f"{server['url']}/web/webclient/load_menus/x?lang={lang}"
    with opener.open(url, timeout=60) as response:
        menus = json.loads(response.read())
    return {menu["name"] for menu in menus.values() if menu.get("appID") == menu["id"]}


def test_admin_sees_the_crisis_app_in_english_and_german(server):
    opener = _session(server, "admin", "admin")
    assert "Crisis" in _app_names(server, opener, "en_US")
    assert "Krise" in _app_names(server, opener, "de_DE")


def test_plain_employee_has_no_crisis_app(server, make_user):
    make_user("e2e_employee", "base.group_user")
    opener = _session(server, "e2e_employee", "e2e_employee-pw1")
    names = _app_names(server, opener, "en_US")
    assert "Crisis" not in names and "Krise" not in names
