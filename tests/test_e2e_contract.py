"""The public contract of DOMAIN.md, exercised from outside over XML-RPC and HTTP."""

import secrets
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

CONTRACT_MODELS = [
    "crisis.stakeholder.type",
    "crisis.incident",
    "crisis.incident.type",
    "crisis.incident.member",
    "crisis.log",
    "crisis.task",
    "crisis.consent.purpose",
    "crisis.consent",
    "crisis.social.source",
]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_login_page_is_served(server):
    status, body = _get(f"{server['url']}/web/login")
    assert status == 200
    assert 'name="login"' in body


def test_contract_models_exist(admin):
    found = admin(
        "ir.model", "search_read", [("model", "in", CONTRACT_MODELS)], fields=["model"]
    )
    assert sorted(m["model"] for m in found) == sorted(CONTRACT_MODELS)


def test_stakeholder_types_and_purposes_by_code(admin):
    codes = {
        t["code"]
        for t in admin("crisis.stakeholder.type", "search_read", [], fields=["code"])
    }
    assert {
        "press",
        "authority",
        "neighbor",
        "customer",
        "employee",
        "supplier",
        "subcontractor",
        "insurer",
        "lawyer",
        "citizen_initiative",
    } <= codes
    purposes = {
        p["code"]
        for p in admin("crisis.consent.purpose", "search_read", [], fields=["code"])
    }
    assert {"crisis_info", "press_distribution", "marketing"} <= purposes


def test_incident_lifecycle_and_log_over_xmlrpc(admin, make_user):
    manager = make_user("e2e_manager", "crisis_management.group_crisis_manager")
    incident_id = manager(
        "crisis.incident",
        "create",
        {"name": "E2E Rückruf Charge 42", "severity": "critical"},
    )
    assert manager("crisis.incident", "action_activate", [incident_id])
    company_id = manager(
        "crisis.incident", "read", [incident_id], fields=["company_id"]
    )[0]["company_id"][0]
    company = admin("res.company", "read", [company_id], fields=["crisis_mode"])[0]
    assert company["crisis_mode"] is True
    # A refused transition comes back as a fault with a readable message.
    with pytest.raises(xmlrpc.client.Fault) as refusal:
        manager("crisis.incident", "action_close", [incident_id])
    assert "cannot go from" in refusal.value.faultString
    for action in ("action_contain", "action_resolve", "action_close"):
        assert manager("crisis.incident", action, [incident_id])
    result = manager("crisis.incident", "verify_log", [incident_id])
    assert result["ok"] is True
    assert result["count"] >= 4
    assert result["first_broken_id"] is False
    state = manager("crisis.incident", "read", [incident_id], fields=["state"])[0]
    assert state["state"] == "closed"


def test_crisis_log_refuses_changes_over_xmlrpc(admin, make_user):
    manager = make_user("e2e_manager", "crisis_management.group_crisis_manager")
    incident_id = manager("crisis.incident", "create", {"name": "E2E Log"})
    manager("crisis.incident", "action_activate", [incident_id])
    entry_id = manager(
        "crisis.log", "search", [("incident_id", "=", incident_id)], limit=1
    )[0]
    for call in (
        lambda rpc: rpc("crisis.log", "write", [entry_id], {"body": "x"}),
        lambda rpc: rpc("crisis.log", "unlink", [entry_id]),
    ):
        for rpc in (manager, admin):
            with pytest.raises(xmlrpc.client.Fault):
                call(rpc)
    assert manager("crisis.incident", "verify_log", [incident_id])["ok"] is True


def test_hotline_user_cannot_run_incidents(make_user):
    hotline = make_user("e2e_hotline", "crisis_management.group_crisis_user")
    with pytest.raises(xmlrpc.client.Fault) as refusal:
        hotline("crisis.incident", "create", {"name": "Nope"})
    assert "crisis.incident" in refusal.value.faultString or "access" in (
        refusal.value.faultString.lower()
    )


def test_crisis_menu_in_german_and_english(admin):
    root = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", "crisis_management"), ("name", "=", "crisis_menu_root")],
        fields=["res_id"],
    )[0]["res_id"]
    german = admin(
        "ir.ui.menu", "read", [root], fields=["name"], context={"lang": "de_DE"}
    )[0]["name"]
    english = admin(
        "ir.ui.menu", "read", [root], fields=["name"], context={"lang": "en_US"}
    )[0]["name"]
    assert (german, english) == ("Krise", "Crisis")


def test_unknown_public_page_token_is_404(server):
    status, body = _get(f"{server['url']}/crisis/{secrets.token_urlsafe(32)}")
    assert status == 404
    assert "Brand in Fabrikhalle" not in body
