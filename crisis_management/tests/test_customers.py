# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customers first (issue 26): components and their status on the page,
subscriptions per component, affected customers from the CRM, personal calls
to key customers and the made-good letter."""

import re
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import CrisisMessageCommon, csrf_token

CONFIRM_RE = re.compile(r"(/crisis/subscription/confirm/[A-Za-z0-9_-]+)")
SECRET = "INTERNAL-SITUATION-CUSTOMERS-5150"


class CustomersCommon(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_lisa = new_test_user(
            cls.env,
            login="sales_lisa",
            name="Lisa Vertrieb",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.sales_tom = new_test_user(
            cls.env,
            login="sales_tom",
            name="Tom Vertrieb",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create(
            {"name": "Acme GmbH", "is_company": True, "user_id": cls.sales_lisa.id}
        )
        cls.acme_contact = Partner.create(
            {"name": "Hans Einkauf", "parent_id": cls.acme.id, "email": "h@acme.test"}
        )
        cls.beta = Partner.create(
            {"name": "Beta AG", "is_company": True, "user_id": cls.sales_tom.id}
        )
        cls.gamma = Partner.create(
            {"name": "Gamma KG", "is_company": True, "user_id": cls.sales_lisa.id}
        )
        Component = cls.env["crisis.component"].with_user(cls.user_admin)
        cls.pump = Component.create(
            {"name": "Pump P-200", "partner_ids": [Command.set(cls.acme.ids)]}
        )
        cls.pump.partner_ids |= cls.beta
        cls.valve = Component.create(
            {"name": "Valve V-10", "partner_ids": [Command.set(cls.gamma.ids)]}
        )
        cls.pump.with_context(lang="de_DE").name = "Pumpe P-200"
        Lead = cls.env["crm.lead"]
        for partner, revenue in (
            (cls.acme, 50000),
            (cls.beta, 80000),
            (cls.gamma, 200000),
        ):
            Lead.create(
                {
                    "name": f"Deal {partner.name}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "expected_revenue": revenue,
                    "user_id": partner.user_id.id,
                }
            )
        cls.incident.write(
            {
                "situation": f"<p>{SECRET}</p>",
                "key_account_limit": 1,
                "component_status_ids": [
                    Command.create(
                        {
                            "component_id": cls.pump.id,
                            "status": "major_outage",
                            "eta": datetime(2026, 3, 2, 15, 0),
                        }
                    ),
                    Command.create(
                        {"component_id": cls.valve.id, "status": "operational"}
                    ),
                ],
            }
        )
        cls.incident.action_activate()
        cls.incident.action_publish_page()
        cls.key_message = cls._approved_message(
            en={
                "name": "Pumps delayed",
                "body": "<p>KEY-EN-7070 Deliveries of P-200 are delayed.</p>",
                "sms_text": "P-200 delayed",
            },
            de={
                "name": "Pumpen verspätet",
                "body": "<p>KEY-DE-7070 Lieferungen der P-200 verspäten sich.</p>",
                "sms_text": "P-200 verspätet",
            },
        )
        cls.qa = cls._approved_message(
            kind="qa",
            en={
                "name": "When?",
                "question": "QA-EN-When will my pumps arrive?",
                "body": "<p>QA-EN-answer: within two weeks.</p>",
                "sms_text": "",
            },
            de={
                "name": "Wann?",
                "question": "QA-DE-Wann kommen meine Pumpen?",
                "body": "<p>QA-DE-Antwort: binnen zwei Wochen.</p>",
                "sms_text": "",
            },
        )

    def _activities(self, partner, user):
        return (
            self.env["mail.activity"]
            .with_user(user)
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("user_id", "=", user.id),
                ]
            )
        )


class TestAffectedCustomers(CustomersCommon):
    def test_mark_affected_marks_exactly_the_customers_of_affected_components(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        self.assertEqual(
            self.incident.affected_partner_ids,
            self.acme | self.acme_contact | self.beta,
        )
        Partner = self.env["res.partner"].with_user(self.user_manager)
        affected = Partner.search(
            [
                ("crisis_affected", "=", True),
                ("id", "in", (self.acme | self.beta | self.gamma).ids),
            ]
        )
        self.assertEqual(affected, self.acme | self.beta)
        self.assertTrue(self.acme_contact.with_user(self.user_manager).crisis_affected)
        lead = self.env["crm.lead"].search([("partner_id", "=", self.acme.id)])
        self.assertTrue(lead.with_user(self.sales_lisa).crisis_affected)
        # The banner names the incident and the approved key message.
        banner = self.acme.with_user(self.user_manager).crisis_banner
        self.assertIn("KEY-EN-7070", banner)
        # Marking again marks nobody twice and tells nobody twice.
        self.incident.with_user(self.user_manager).action_mark_affected()
        self.assertEqual(len(self._activities(self.acme, self.sales_lisa)), 1)

    def test_salesperson_without_crisis_rights_sees_flag_and_activity(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        lisa = self.sales_lisa
        self.assertFalse(lisa.has_group("crisis_management.group_crisis_user"))
        # The flag on her own customers, not on Tom's.
        self.assertTrue(self.acme.with_user(lisa).crisis_affected)
        self.assertTrue(self.acme_contact.with_user(lisa).crisis_affected)
        self.assertFalse(self.beta.with_user(lisa).crisis_affected)
        self.assertFalse(self.gamma.with_user(lisa).crisis_affected)
        found = (
            self.env["res.partner"]
            .with_user(lisa)
            .search([("crisis_affected", "=", True)])
        )
        self.assertIn(self.acme, found)
        self.assertNotIn(self.beta, found)
        self.assertNotIn(self.gamma, found)
        leads = (
            self.env["crm.lead"]
            .with_user(lisa)
            .search([("crisis_affected", "=", True)])
        )
        self.assertEqual(leads.partner_id, self.acme)
        # Her activity on the customer: what happened, the key message, the
        # page link; nothing of the internal situation picture.
        activity = self._activities(self.acme, lisa)
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("crisis_management.mail_activity_type_crisis_affected"),
        )
        note = activity.with_user(lisa).read(["note", "summary"])[0]
        self.assertIn("KEY-EN-7070", note["note"])
        self.assertIn(self.incident.page_url, note["note"])
        self.assertNotIn(SECRET, note["note"])
        # Nothing confidential: the incident itself stays closed to her.
        with self.assertRaises(AccessError):
            self.incident.with_user(lisa).read(["situation"])
        self.assertFalse(self.acme.with_user(lisa).crisis_banner)
        # Tom has an activity on his customer (and his call, see below).
        self.assertTrue(self._activities(self.beta, self.sales_tom))
        self.assertFalse(self._activities(self.gamma, lisa))

    def test_only_the_crisis_team_marks_customers(self):
        for user in (self.user_crisis, self.sales_lisa):
            with self.assertRaises(AccessError):
                self.incident.with_user(user).action_mark_affected()
        self.assertFalse(self.incident.affected_partner_ids)
        # A salesperson cannot write the list either.
        with self.assertRaises(AccessError):
            self.incident.with_user(self.sales_lisa).write(
                {"affected_partner_ids": [Command.link(self.gamma.id)]}
            )
        with self.assertRaises(UserError):
            self.incident.with_user(self.user_manager).write(
                {"affected_partner_ids": [Command.link(self.gamma.id)]}
            )

    def test_nothing_affected_refused(self):
        self.incident.component_status_ids.write({"status": "operational"})
        with self.assertRaises(UserError):
            self.incident.with_user(self.user_manager).action_mark_affected()

    def test_audience_affected_only(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        comm = self._communication(
            self.key_message,
            audience_affected=True,
            audience_type_ids=[Command.set([])],
        )
        self.assertEqual(
            set(comm._resolve_audience()),
            set((self.acme | self.acme_contact | self.beta).ids),
        )
        # With another audience: only those of it who are affected.
        comm.audience_partner_ids = self.gamma | self.beta
        self.assertEqual(comm._resolve_audience(), self.beta.ids)


class TestKeyAccountCalls(CustomersCommon):
    def test_largest_open_opportunity_gets_a_personal_call(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        # Beta (80,000) before Acme (50,000); Gamma (200,000) is not affected.
        task = self.incident.key_call_task_ids
        self.assertEqual(task.call_partner_id, self.beta)
        self.assertEqual(task.call_user_id, self.sales_tom)
        self.assertEqual(task.user_id, self.user_manager)
        self.assertEqual(task.state, "todo")
        call = self._activities(self.beta, self.sales_tom).filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("crisis_management.mail_activity_type_crisis_call")
            )
        )
        self.assertEqual(len(call), 1)
        self.assertEqual(task.call_activity_id, call)
        note = call.with_user(self.sales_tom).read(["note"])[0]["note"]
        self.assertIn("QA-EN-When will my pumps arrive?", note)
        self.assertIn("QA-EN-answer", note)
        self.assertNotIn(SECRET, note)
        self.assertFalse(
            self._activities(self.acme, self.sales_lisa).filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("crisis_management.mail_activity_type_crisis_call")
                )
            )
        )
        # Sending to the customers asks for confirmation while the call is open.
        comm = self._communication(self.key_message, audience_affected=True)
        dialog = (
            self.env["crisis.communication.send"]
            .with_user(self.user_manager)
            .create({"communication_id": comm.id})
        )
        self.assertIn("1 personal calls", dialog.open_calls_warning)
        with self.assertRaisesRegex(UserError, "personal calls"):
            comm.with_user(self.user_manager).action_send()
        self.assertEqual(comm.state, "draft")
        # Somebody else who may edit the customer cannot report the call.
        with self.assertRaises(AccessError):
            call.with_user(self.sales_lisa).action_feedback(feedback="Forged call")
        self.assertTrue(call.exists())
        self.assertEqual(task.state, "todo")
        self.assertFalse(
            self.incident.log_ids.filtered(lambda entry: "Forged" in entry.body)
        )
        # The salesperson (no crisis rights) logs the call.
        call.with_user(self.sales_tom).action_feedback(feedback="Customer calm")
        self.assertEqual(task.state, "done")
        log = self.incident.log_ids.filtered(
            lambda entry: "Customer calm" in entry.body
        )
        self.assertEqual(len(log), 1)
        self.assertIn("Beta AG", log.body)
        self.assertFalse(self.incident._open_key_calls())
        comm.with_user(self.user_manager).action_send()
        self.assertEqual(comm.state, "queued")

    def test_send_after_confirmation_while_calls_open(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        comm = self._communication(self.key_message, audience_affected=True)
        comm.with_user(self.user_manager).action_send(confirm_open_calls=True)
        self.assertEqual(comm.state, "queued")

    def test_no_calls_without_limit(self):
        self.incident.key_account_limit = 0
        self.incident.with_user(self.user_manager).action_mark_affected()
        self.assertFalse(self.incident.key_call_task_ids)


class TestComponentStatus(CustomersCommon):
    def test_status_changes_are_kept(self):
        line = self.incident.component_status_ids.filtered(
            lambda ln: ln.component_id == self.pump
        )
        self.assertEqual(len(line.change_ids), 1)
        line.with_user(self.user_manager).status = "degraded"
        self.assertEqual(len(line.change_ids), 2)
        self.assertEqual(line.change_ids.sorted("id")[-1].status, "degraded")
        # A published update naming the component changes it.
        update = self.env["crisis.incident.update"].create(
            {
                "incident_id": self.incident.id,
                "body": "<p>Pumps ship again.</p>",
                "component_ids": [Command.set(self.pump.ids)],
                "component_status": "operational",
            }
        )
        self.assertEqual(line.status, "degraded")
        update.with_user(self.user_manager).action_publish()
        self.assertEqual(line.status, "operational")
        self.assertEqual(line.change_ids.sorted("id")[-1].update_id, update)
        self.assertFalse(line.is_affected)
        # Nobody writes the history by hand.
        with self.assertRaises(AccessError):
            self.env["crisis.incident.component.change"].with_user(
                self.user_manager
            ).create({"incident_component_id": line.id, "status": "major_outage"})

    def test_component_only_subscriber_gets_only_their_update(self):
        Subscription = self.env["crisis.page.subscription"]
        pump_only = Subscription._confirm(
            self.incident,
            {"e": "pump@subscriber.test", "l": "en", "c": [self.pump.id]},
            "10.0.0.1",
        )
        valve_only = Subscription._confirm(
            self.incident,
            {"e": "valve@subscriber.test", "l": "en", "c": [self.valve.id]},
            "10.0.0.2",
        )
        everything = Subscription._confirm(
            self.incident, {"e": "all@subscriber.test", "l": "en"}, "10.0.0.3"
        )
        self.assertEqual(pump_only.component_ids, self.pump)
        self.assertFalse(everything.component_ids)
        # A component of another incident is not taken from a forged list.
        other = self.env["crisis.component"].create({"name": "Other"})
        forged = Subscription._confirm(
            self.incident,
            {"e": "forged@subscriber.test", "l": "en", "c": [other.id, "x"]},
            "10.0.0.4",
        )
        self.assertFalse(forged.component_ids)
        update = self.env["crisis.incident.update"].create(
            {
                "incident_id": self.incident.id,
                "body": "<p>Valves affected too.</p>",
                "component_ids": [Command.set(self.valve.ids)],
            }
        )
        update.with_user(self.user_manager).action_publish()
        audience = update.communication_ids.audience_partner_ids
        self.assertIn(valve_only.partner_id, audience)
        self.assertIn(everything.partner_id, audience)
        self.assertNotIn(pump_only.partner_id, audience)
        # An update naming no component goes to everybody.
        general = self.env["crisis.incident.update"].create(
            {"incident_id": self.incident.id, "body": "<p>General news.</p>"}
        )
        general.with_user(self.user_manager).action_publish()
        self.assertIn(
            pump_only.partner_id, general.communication_ids.audience_partner_ids
        )


class TestMadeGood(CustomersCommon):
    def test_made_good_letter_to_affected_customers(self):
        self.incident.with_user(self.user_manager).action_mark_affected()
        with self.assertRaises(UserError):
            self.incident.with_user(self.user_manager).action_made_good()
        self.incident.action_resolve()
        with self.assertRaisesRegex(UserError, "Made good"):
            self.incident.with_user(self.user_manager).action_made_good()
        self._approved_message(
            kind="made_good",
            en={
                "name": "How we made it good",
                "body": "<p>MADE-GOOD-EN Replacement pumps; a second supplier.</p>",
                "sms_text": "",
            },
            de={
                "name": "Wie wir es wiedergutmachen",
                "body": "<p>MADE-GOOD-DE Ersatzpumpen; ein zweiter Lieferant.</p>",
                "sms_text": "",
            },
        )
        action = self.incident.with_user(self.user_manager).action_made_good()
        comm = self.env["crisis.communication"].browse(action["res_id"])
        self.assertTrue(comm.audience_affected)
        self.assertTrue(comm.channel_letter and comm.channel_email)
        self.assertEqual(
            set(comm._resolve_audience()),
            set((self.acme | self.acme_contact | self.beta).ids),
        )
        # Closing keeps the page online, and the letter may still go out.
        self.incident.action_close()
        self.assertTrue(self.incident.page_published)
        comm.with_user(self.user_manager).action_send(confirm_open_calls=True)
        self.assertEqual(comm.state, "queued")
        # Other broadcasts of a closed incident stay refused.
        other = self._communication(self.key_message, audience_affected=True)
        with self.assertRaises(UserError):
            other.with_user(self.user_manager).action_send()
        # Only the crisis team.
        with self.assertRaises(AccessError):
            self.incident.with_user(self.sales_lisa).action_made_good()


@tagged("post_install", "-at_install")
class TestComponentPage(CustomersCommon, HttpCase):
    def test_page_shows_components_in_both_languages(self):
        self.incident.component_status_ids.filtered(
            lambda ln: ln.component_id == self.pump
        ).write(
            {"note_de": "Ersatzteile unterwegs", "note_en": "Spare parts on the way"}
        )
        token = self.incident.page_token
        en = self.url_open(f"/crisis/{token}?lang=en")
        self.assertEqual(en.status_code, 200)
        self.assertIn("Pump P-200", en.text)
        self.assertIn("Major Outage", en.text)
        self.assertIn("Operational", en.text)
        self.assertIn("Expected resolution", en.text)
        self.assertIn("2026", en.text)
        self.assertIn("Spare parts on the way", en.text)
        self.assertNotIn(SECRET, en.text)
        de = self.url_open(f"/crisis/{token}?lang=de")
        self.assertEqual(de.status_code, 200)
        self.assertIn("Pumpe P-200", de.text)
        self.assertIn("Schwere Störung", de.text)
        self.assertIn("Voraussichtlich behoben", de.text)
        self.assertIn("Ersatzteile unterwegs", de.text)
        self.assertNotIn("Spare parts on the way", de.text)
        self.assertNotIn("Major Outage", de.text)
        # The history says when the status changed.
        self.assertIn("cp-history", de.text)

    def test_subscribe_to_one_component(self):
        token = self.incident.page_token
        page = self.url_open(f"/crisis/{token}?lang=en")
        self.assertIn(f'name="component" value="{self.pump.id}"', page.text)
        email = "component-only@subscriber.test"
        response = self.url_open(
            f"/crisis/{token}/subscribe",
            data={
                "email": email,
                "lang": "en",
                "component": str(self.pump.id),
                "csrf_token": csrf_token(page.text),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", email)])
        link = CONFIRM_RE.search(mail.body_html).group(1)
        confirm = self.url_open(link)
        self.url_open(link, data={"csrf_token": csrf_token(confirm.text)})
        subscription = self.env["crisis.page.subscription"].search(
            [("email", "=", email)]
        )
        self.assertEqual(subscription.component_ids, self.pump)


class TestDemoDisruption(TransactionCase):
    """The demo's supply-chain disruption (when demo data is loaded)."""

    def test_demo_marks_exactly_the_customers_of_the_two_products(self):
        incident = self.env.ref(
            "crisis_management.crisis_incident_supply_demo", raise_if_not_found=False
        )
        if not incident:
            self.skipTest("demo data not loaded")
        ref = self.env.ref
        # Installed with its demo, the incident is active and marked; after an
        # upgrade that added the demo file, it is still a draft.
        if incident.state == "draft":
            incident.action_activate()
        incident.with_user(incident.lead_id).action_mark_affected()
        hoffmann = ref("crisis_management.partner_customer_hoffmann_demo")
        keller = ref("crisis_management.partner_customer_keller_demo")
        schulz = ref("crisis_management.partner_customer_schulz_energie_demo")
        fischer = ref("crisis_management.partner_customer_fischer_demo")
        self.assertEqual(
            incident.affected_partner_ids.commercial_partner_id,
            hoffmann | keller | schulz,
        )
        self.assertNotIn(fischer, incident.affected_partner_ids)
        # Jonas Becker has no crisis rights: the flag and the activities on
        # his own accounts, the call on the larger one.
        jonas = ref("crisis_management.user_vertrieb2_demo")
        self.assertFalse(jonas.has_group("crisis_management.group_crisis_user"))
        found = (
            self.env["res.partner"]
            .with_user(jonas)
            .search([("crisis_affected", "=", True)])
        )
        self.assertEqual(found, keller | schulz)
        self.assertEqual(incident.key_call_task_ids.call_partner_id, hoffmann | keller)
        # The page in both languages.
        lines = incident.component_status_ids
        de = [line["name"] for line in incident._page_components("de", "de_DE")]
        en = [line["name"] for line in incident._page_components("en", "en_US")]
        self.assertEqual(len(lines), 3)
        if "de_DE" in dict(self.env["res.lang"].get_installed()):
            self.assertIn("Kreiselpumpe KP-300", de)
        self.assertIn("Centrifugal pump KP-300", en)
