# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every public method of every model the crisis addons define or extend.

``TestPublicMethodsRefuseOutsiders`` calls each the way XML-RPC calls it, by a
portal customer and by a hotline user who is not on a confidential incident,
on the records of that incident: each call must be refused, or change
nothing and reveal nothing of the confidential incident.

``TestPublicMethodsBadInput`` sends each bad values over JSON-RPC (XML-RPC
cannot carry a NUL byte): the answer may be a refusal, never a server error.

Methods added later are walked automatically."""

import inspect
import json
import logging
import xmlrpc.client

from odoo import Command, api
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CrisisCommon

_logger = logging.getLogger(__name__)

SECRET_NAME = "Geheime Erpressung XJ-9"
# Calls that a hotline user may legitimately make with an effect: creating an
# inquiry from an e-mail is what the hotline does (never on an incident it
# cannot see: the record rules refuse that).
HOTLINE_MAY = {("crisis.inquiry", "message_new")}


def _crisis_methods(model):
    """Public methods defined by the crisis addons on ``model``'s class."""
    names = set()
    for cls in type(model).__mro__:
        if not cls.__module__.startswith("odoo.addons.crisis_"):
            continue
        for name, member in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(member):
                names.add(name)
    return sorted(names)


@tagged("post_install", "-at_install")
class TestPublicMethodsRefuseOutsiders(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="walk_portal", groups="base.group_portal"
        )
        cls.secret = cls._create_incident(
            name=SECRET_NAME,
            is_confidential=True,
            public_name="Lieferengpass",
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
        )
        cls.secret.action_activate()
        cls.secret.action_publish_page()
        cls.secret._log("fact", "Confidential fact")
        # Something of every kind hangs off the confidential incident.
        env = cls.env
        cls.partner = env["res.partner"].create(
            {"name": "Vera Vertraulich", "email": "vera@example.com"}
        )
        env["crisis.inquiry"].create(
            {"incident_id": cls.secret.id, "question": "Was ist passiert?"}
        )
        message = env["crisis.message"].create(
            {"name": "Stellungnahme", "incident_id": cls.secret.id, "body": "<p>a</p>"}
        )
        message.action_submit()
        message.with_user(cls.user_manager2).action_approve()
        # An edit after approval: version 2 in review, version 1 kept.
        message.with_user(cls.user_manager).body = "<p>b</p>"
        message.with_user(cls.user_manager2).action_approve()
        update = env["crisis.incident.update"].create(
            {"incident_id": cls.secret.id, "body": "<p>Update</p>"}
        )
        update.action_publish()
        env["crisis.page.subscription"].create(
            {
                "incident_id": cls.secret.id,
                "partner_id": cls.partner.id,
                "email": "vera@example.com",
            }
        )
        comm = env["crisis.communication"].create(
            {
                "incident_id": cls.secret.id,
                "message_id": message.id,
                "kind": "safety_check",
                "audience_partner_ids": [Command.set(cls.partner.ids)],
            }
        )
        comm.action_send()
        env["crisis.log.add"].create({"incident_id": cls.secret.id, "body": "x"})

    def _targets(self):
        """One record per model, hanging off the confidential incident where
        the model does."""
        env = self.env
        secret = self.secret
        targets = {"crisis.incident": secret}
        for model in env:
            Model = env[model]
            if "incident_id" in Model._fields and model not in targets:
                field = Model._fields["incident_id"]
                if field.type == "many2one" and field.store:
                    found = Model.with_context(active_test=False).search(
                        [("incident_id", "=", secret.id)], limit=1
                    )
                    if found:
                        targets[model] = found
        targets["crisis.message.version"] = env["crisis.message.version"].search(
            [("message_id.incident_id", "=", secret.id)], limit=1
        )
        return targets

    def _dummy(self, name, record):
        if name in ("ids", "res_ids"):
            return [self.secret.id]
        if name.endswith("_id") or name == "id":
            return self.secret.id
        if name.endswith("_ids"):
            return [self.secret.id]
        if name in ("vals", "values", "msg_dict", "custom_values", "translations"):
            return {}
        if name == "vals_list":
            # New records on the confidential incident, where they hang off one.
            if "incident_id" in record._fields:
                return [{"incident_id": self.secret.id}]
            return [{}]
        if name in ("fields_list", "fields", "field_names"):
            return ["name"]
        if name == "field_name":
            return "name"
        if name == "domain":
            return []
        if name == "purpose_code":
            return "crisis_info"
        if name == "channel":
            return "email"
        if name == "lang":
            return "de"
        return "Brand"

    def _call(self, user, model, name, record):
        Model = self.env[model].with_user(user)
        func = getattr(type(Model), name)
        params = [
            p
            for p in list(inspect.signature(func).parameters.values())[1:]
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        args = [self._dummy(p.name, record) for p in params]
        if getattr(func, "_api", None) not in ("model", "model_create"):
            args = [record.ids, *args]
        return api.call_kw(Model, name, args, {})

    def _writes(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        )
        return self.env.cr.fetchone()[0]

    def test_every_public_method_refuses_outsiders(self):
        targets = self._targets()
        models = [
            name
            for name in self.env
            if not self.env[name]._abstract
            and any(
                cls.__module__.startswith("odoo.addons.crisis_")
                for cls in type(self.env[name]).__mro__
            )
        ]
        walked = 0
        problems = []
        token = self.secret.sudo().page_token
        for model in sorted(models):
            record = targets.get(model) or self.env[model].search([], limit=1)
            # The hotline user is walked on what hangs off the confidential
            # incident; contacts, consents and configuration are theirs to
            # use as their group allows (the portal user is walked on all).
            users = (
                (self.portal, self.user_crisis) if model in targets else (self.portal,)
            )
            for name in _crisis_methods(self.env[model]):
                for user in users:
                    if user == self.user_crisis and (model, name) in HOTLINE_MAY:
                        continue
                    walked += 1
                    before = self._writes()
                    with self.env.cr.savepoint(flush=False) as savepoint:
                        try:
                            result = self._call(user, model, name, record)
                        except Exception:  # noqa: BLE001 - any refusal is fine
                            savepoint.rollback()
                            self.env.invalidate_all()
                            continue
                        changed = self._writes() != before
                        text = repr(result)
                        savepoint.rollback()
                        self.env.invalidate_all()
                    if changed:
                        problems.append(f"{model}.{name} as {user.login}: changed data")
                    if SECRET_NAME in text or token in text:
                        problems.append(
                            f"{model}.{name} as {user.login}: revealed the incident"
                        )
        self.assertGreater(walked, 100)
        for model in (
            "crisis.log",
            "crisis.task",
            "crisis.inquiry",
            "crisis.message",
            "crisis.message.version",
            "crisis.communication",
            "crisis.communication.recipient",
            "crisis.incident.update",
            "crisis.page.subscription",
            "crisis.incident.member",
            "crisis.log.add",
        ):
            self.assertTrue(targets.get(model), f"nothing of {model} to attack")
        self.assertFalse(problems, "\n".join(problems))


# Answers that are a clean refusal: the user reads a message, the server
# logged no error.
CLEAN_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.AccessDenied",
    "werkzeug.exceptions.NotFound",
}
BAD_VALUES = {
    "nul": "a\x00b",
    "surrogate": "\ud800",
    "true": True,
    "long": "x" * 100_000,
}
BAD_IDS = {
    "ids_true": [True],
    "ids_str": ["1"],
    "ids_nul": ["\x00"],
    "ids_float": [1.5],
}
# Known server errors, ``(model, method, variant)``: each one is a bug to fix
# in the model. None is left: the walk fails on any server error.
EXPECTED_FAILURES = frozenset()


@tagged("post_install", "-at_install")
class TestPublicMethodsBadInput(CrisisCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        incident = cls._create_incident(
            name="Walk incident",
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
        )
        incident.action_activate()
        incident._log("fact", "A fact")
        cls.env["crisis.task"].create({"incident_id": incident.id, "name": "Walk task"})
        cls.env["crisis.inquiry"].create(
            {"incident_id": incident.id, "question": "Was ist passiert?"}
        )
        cls.incident = incident

    def _rpc(self, model, method, args):
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        if response.status_code >= 500:
            return f"HTTP {response.status_code}"
        error = response.json().get("error")
        if not error:
            return None
        name = (error.get("data") or {}).get("name", "")
        if name in CLEAN_ERRORS:
            return None
        message = (error.get("data") or {}).get("message", "")
        return f"{name}: {message[:160]}"

    def _variants(self, model, name, record):
        """``(variant, args)``: bad ids, then one bad value per parameter."""
        func = getattr(type(self.env[model]), name)
        params = [
            p
            for p in list(inspect.signature(func).parameters.values())[1:]
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        dummies = [
            TestPublicMethodsRefuseOutsiders._dummy(self, p.name, record)
            for p in params
        ]
        with_ids = getattr(func, "_api", None) not in ("model", "model_create")
        ids = [record.ids] if with_ids else []
        if with_ids:
            for variant, bad_ids in BAD_IDS.items():
                yield variant, [bad_ids, *dummies]
        for index, param in enumerate(params):
            for variant, value in BAD_VALUES.items():
                args = list(dummies)
                args[index] = value
                yield f"{param.name}={variant}", [*ids, *args]

    @mute_logger("odoo.http", "odoo.sql_db", "odoo.addons.mail", "odoo.models")
    def test_bad_values_get_no_server_error(self):
        self.secret = self.incident  # for ``_dummy``
        portal = new_test_user(
            self.env, login="walk_bad_portal", groups="base.group_portal"
        )
        models = [
            name
            for name in self.env
            if not self.env[name]._abstract
            and any(
                cls.__module__.startswith("odoo.addons.crisis_")
                for cls in type(self.env[name]).__mro__
            )
        ]
        walked = 0
        problems = {}
        records = {}
        for model in sorted(models):
            Model = self.env[model].with_context(active_test=False)
            records[model] = Model.search(
                [("incident_id", "=", self.incident.id)]
                if "incident_id" in Model._fields and Model._fields["incident_id"].store
                else [],
                limit=1,
            ) or Model.search([], limit=1)
        records["crisis.incident"] = self.incident
        # A crisis admin (not a system admin) reaches the most code; a portal
        # customer gets refusals, which must be clean too.
        for user in (self.user_admin, portal):
            self.authenticate(user.login, user.login)
            for model, record in records.items():
                for name in _crisis_methods(self.env[model]):
                    for variant, args in self._variants(model, name, record):
                        walked += 1
                        error = self._rpc(model, name, args)
                        if error:
                            problems[(model, name, variant)] = error
        self.assertGreater(walked, 500)
        new = {
            key: error
            for key, error in problems.items()
            if key not in EXPECTED_FAILURES
        }
        for key in sorted(problems):
            _logger.info("walk: %s.%s(%s): %s", *key, problems[key])
        self.assertFalse(
            new,
            "\n".join(f"{m}.{n}({v}): {e}" for (m, n, v), e in sorted(new.items())),
        )

    def test_bad_ids_and_text_are_refused_and_change_nothing(self):
        self.authenticate(self.user_admin.login, self.user_admin.login)
        name = self.incident.name
        for args in (
            [[True], {"name": "Neu"}],
            [["1"], {"name": "Neu"}],
            [[2**31], {"name": "Neu"}],
            [self.incident.ids, {"name": "Neu\x00"}],
            [self.incident.ids, {"name": "Neu\ud800"}],
            [self.incident.ids, "name"],
        ):
            payload = {
                "id": 0,
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "crisis.incident",
                    "method": "write",
                    "args": args,
                    "kwargs": {"context": {"lang": "de_DE"}},
                },
            }
            response = self.url_open(
                "/web/dataset/call_kw/crisis.incident/write",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)
            error = response.json()["error"]["data"]
            self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
            self.assertIn("Bitte prüfen Sie Ihre Eingabe", error["message"])
        self.incident.invalidate_recordset()
        self.assertEqual(self.incident.name, name)
        # Good input still works.
        self.assertEqual(
            self._rpc("crisis.incident", "write", [self.incident.ids, {"name": "Neu"}]),
            None,
        )
        self.incident.invalidate_recordset()
        self.assertEqual(self.incident.name, "Neu")

    def _call_de(self, model, method, args):
        """The answer to a call made from the web client in German."""
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": {"lang": "de_DE"}},
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_values_of_the_wrong_kind_are_refused_in_german(self):
        """The calls the walk once ended in server errors (KeyError,
        TypeError, database errors): each is refused with a clear message in
        the user's language, and nothing changes."""
        self.authenticate(self.user_admin.login, self.user_admin.login)
        incident = self.incident
        summary = incident.public_summary
        partner = self.env["res.partner"].create(
            {"name": "Walk contact", "email": "walk.contact@example.com"}
        )
        inquiries = self.env["crisis.inquiry"].search_count([])
        user_error = "odoo.exceptions.UserError"
        refusal = ("odoo.exceptions.ValidationError", "Bitte prüfen Sie Ihre Eingabe")
        cases = [
            (
                "crisis.incident",
                "update_field_translations",
                [incident.ids, "no_such_field", {"de_DE": "<p>x</p>"}],
                (user_error, "kein Feld no_such_field"),
            ),
            (
                "crisis.incident",
                "update_field_translations",
                [incident.ids, "public_summary", True],
                (user_error, "je Sprachcode"),
            ),
            (
                "crisis.message",
                "update_field_translations",
                [self.env["crisis.message"].search([], limit=1).ids, True, {}],
                (user_error, "kein Feld True"),
            ),
            ("crisis.inquiry", "message_new", ["From: x@example.com"], refusal),
            ("crisis.inquiry", "message_update", [[1], True], refusal),
            ("crisis.log.add", "default_get", [True], refusal),
            ("ir.mail_server", "send_email", [[1], "From: x@example.com"], refusal),
            (
                "crisis.message",
                "search_answers",
                [True, "Rauch"],
                (user_error, "Antworten werden"),
            ),
            (
                "crisis.message",
                "search_answers",
                [incident.id, True],
                (user_error, "Antworten werden"),
            ),
            (
                "res.partner",
                "crisis_can_contact",
                [partner.ids, "crisis_info", True],
                (user_error, "per E-Mail, SMS, Brief oder Telefon"),
            ),
        ]
        for model, method, args, (name, text) in cases:
            with self.subTest(model=model, method=method, args=args):
                error = self._call_de(model, method, args)["error"]["data"]
                self.assertEqual(error["name"], name)
                self.assertIn(text, error["message"])
        incident.invalidate_recordset()
        self.assertEqual(incident.public_summary, summary)
        self.assertEqual(self.env["crisis.inquiry"].search_count([]), inquiries)
        # Good input still works.
        answer = self._call_de(
            "res.partner", "crisis_can_contact", [partner.ids, "crisis_info", "email"]
        )
        self.assertNotIn("error", answer)
        self.assertIs(answer["result"], False)  # (no consent given)

    def test_external_api_refuses_bad_ids_and_text(self):
        """The same check on the external API: XML-RPC (which carries True
        and strings as ids) and /jsonrpc (which carries NUL bytes too)."""
        db = self.env.cr.dbname
        uid = self.user_admin.id
        password = self.user_admin.login
        name = self.incident.name
        for bad_ids in ([True], ["1"], [1.5]):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.xmlrpc_object.execute_kw(
                    db,
                    uid,
                    password,
                    "crisis.incident",
                    "write",
                    [bad_ids, {"name": "Neu"}],
                    {"context": {"lang": "de_DE"}},
                )
            self.assertIn("Bitte prüfen Sie Ihre Eingabe", caught.exception.faultString)
            self.assertNotIn("Traceback", caught.exception.faultString)
        # A wrong password is still refused as such.
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute_kw(
                db, uid, "wrong", "crisis.incident", "write", [[True], {}]
            )
        self.assertIn("Access Denied", caught.exception.faultString)
        for args in (
            [[True], {"name": "Neu"}],
            [self.incident.ids, {"name": "Neu\x00"}],
            [self.incident.ids, {"name": "Neu\ud800"}],
        ):
            payload = {
                "id": 0,
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [db, uid, password, "crisis.incident", "write", args, {}],
                },
            }
            response = self.url_open(
                "/jsonrpc",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)
            error = response.json()["error"]["data"]
            self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.incident.invalidate_recordset()
        self.assertEqual(self.incident.name, name)
        # Good calls pass.
        self.assertTrue(
            self.xmlrpc_object.execute_kw(
                db,
                uid,
                password,
                "crisis.incident",
                "write",
                [self.incident.ids, {"name": "Neu"}],
            )
        )
