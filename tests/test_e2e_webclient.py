"""The web client as a logged-in person sees it: the Crisis app in both languages."""

import json

from conftest import web_login


def _session(server, login, password):
    return web_login(server, login, password)[0]


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
