# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrisisMessageCommon

USER_GROUP = "crisis_management.group_crisis_user"


@tagged("post_install", "-at_install")
class TestCrisisCrm(CrisisMessageCommon):
    """Crisis mode inside the CRM, in a company of its own (the demo company
    is already in crisis mode)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crm_company = cls.env["res.company"].create({"name": "Kessler Pumpen AG"})
        company = {
            "company_id": cls.crm_company.id,
            "company_ids": [(6, 0, cls.crm_company.ids)],
        }
        cls.boss = new_test_user(
            cls.env,
            login="crm_boss",
            name="Bea Krisenleitung",
            groups="crisis_management.group_crisis_manager,"
            "sales_team.group_sale_salesman_all_leads",
            **company,
        )
        cls.sales_anna = new_test_user(
            cls.env,
            login="crm_anna",
            name="Anna Außendienst",
            groups="sales_team.group_sale_salesman",
            **company,
        )
        cls.sales_ben = new_test_user(
            cls.env,
            login="crm_ben",
            name="Ben Bestand",
            groups=f"sales_team.group_sale_salesman,{USER_GROUP}",
            **company,
        )
        cls.sales_cem = new_test_user(
            cls.env,
            login="crm_cem",
            name="Cem Spätzugang",
            groups="sales_team.group_sale_salesman",
            **company,
        )
        cls.outsider = new_test_user(
            cls.env,
            login="crm_outsider",
            name="Olga Außen",
            groups=f"sales_team.group_sale_manager,{USER_GROUP}",
            **company,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Innendienst", "company_id": cls.crm_company.id}
        )
        cls.env["crm.team.member"].create(
            [
                {"crm_team_id": cls.team.id, "user_id": cls.sales_anna.id},
                {"crm_team_id": cls.team.id, "user_id": cls.sales_ben.id},
            ]
        )
        cls.crm_company.crisis_hotline_team_ids = cls.team
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Ostsee Werft GmbH",
                "is_company": True,
                "email": "einkauf@ostsee-werft.example",
                "user_id": cls.sales_anna.id,
                "company_id": cls.crm_company.id,
                "crisis_stakeholder_type_ids": [(6, 0, cls.type_customer.ids)],
            }
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Jens Einkauf",
                "parent_id": cls.customer.id,
                "email": "jens@ostsee-werft.example",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Unbeteiligt KG", "is_company": True, "user_id": cls.sales_anna.id}
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Pumpen für Dock 3",
                "type": "opportunity",
                "partner_id": cls.buyer.id,
                "user_id": cls.sales_anna.id,
                "team_id": cls.team.id,
                "company_id": cls.crm_company.id,
            }
        )
        cls.crm_incident = cls._crm_incident()

    @classmethod
    def _crm_incident(cls, **values):
        vals = {
            "name": "Leck in Pumpenserie P7",
            "severity": "critical",
            "company_id": cls.crm_company.id,
            "lead_id": cls.boss.id,
        }
        vals.update(values)
        return cls.env["crisis.incident"].create(vals)

    def _close(self, incident):
        incident = incident.with_user(self.boss)
        incident.action_resolve()
        incident.action_close()

    def _has_crisis_group(self, user):
        user.invalidate_recordset(["groups_id"])
        return user.has_group(USER_GROUP)

    def _crm_message(self):
        message = (
            self.env["crisis.message"]
            .with_user(self.boss)
            .create(
                {
                    "name": "P7 pumps: stop using them",
                    "kind": "key_message",
                    "incident_id": self.crm_incident.id,
                    "company_id": self.crm_company.id,
                    "body": "<p>Stop P7 pumps until the seal is replaced.</p>",
                }
            )
        )
        message.action_submit()
        approver = new_test_user(
            self.env,
            login="crm_approver",
            groups="crisis_management.group_crisis_manager",
            company_id=self.crm_company.id,
            company_ids=[(6, 0, self.crm_company.ids)],
        )
        message.with_user(approver).action_approve()
        return message

    def _crm_communication(self, message, **values):
        vals = {
            "incident_id": self.crm_incident.id,
            "message_id": message.id,
            "channel_email": True,
        }
        vals.update(values)
        return self.env["crisis.communication"].with_user(self.boss).create(vals)

    # ------------------------------------------------------------------
    # Sales teams on the hotline
    # ------------------------------------------------------------------
    def test_crisis_mode_gives_and_takes_the_hotline_group(self):
        self.assertFalse(self._has_crisis_group(self.sales_anna))
        self.crm_incident.with_user(self.boss).action_activate()
        self.assertTrue(self.crm_company.crisis_mode)
        self.assertTrue(self._has_crisis_group(self.sales_anna))
        self.assertTrue(self._has_crisis_group(self.sales_ben))
        self.assertEqual(
            self.crm_company.crisis_hotline_granted_user_ids, self.sales_anna
        )
        entries = self.crm_incident.log_ids.filtered(
            lambda e: "hotline access" in e.body
        )
        self.assertEqual(len(entries), 1, "one log entry names those who got it")
        self.assertIn("Anna Außendienst", entries.body)
        self.assertNotIn("Ben Bestand", entries.body, "Ben had the group before")

        self._close(self.crm_incident)
        self.assertFalse(self.crm_company.crisis_mode)
        self.assertFalse(self._has_crisis_group(self.sales_anna))
        self.assertTrue(
            self._has_crisis_group(self.sales_ben), "who had it before keeps it"
        )
        self.assertFalse(self.crm_company.crisis_hotline_granted_user_ids)
        self.assertTrue(
            self.crm_incident.log_ids.filtered(
                lambda e: "taken back" in e.body and "Anna Außendienst" in e.body
            )
        )

    def test_salesperson_joining_the_team_during_the_crisis_gets_the_group(self):
        self.env["crm.team.member"].create(
            {"crm_team_id": self.team.id, "user_id": self.sales_cem.id}
        )
        self.assertFalse(
            self._has_crisis_group(self.sales_cem), "no crisis, no hotline group"
        )
        self.sales_cem.crm_team_member_ids.unlink()
        self.crm_incident.with_user(self.boss).action_activate()
        self.env["crm.team.member"].create(
            {"crm_team_id": self.team.id, "user_id": self.sales_cem.id}
        )
        self.assertTrue(self._has_crisis_group(self.sales_cem))
        self.assertIn(self.sales_cem, self.crm_company.crisis_hotline_granted_user_ids)
        self._close(self.crm_incident)
        self.assertFalse(self._has_crisis_group(self.sales_cem))

    def test_group_given_by_hand_during_the_crisis_is_not_taken(self):
        self.crm_incident.with_user(self.boss).action_activate()
        # The outsider is no team member: crisis mode never touches their groups.
        self._close(self.crm_incident)
        self.assertTrue(self._has_crisis_group(self.outsider))

    def test_salesperson_cannot_activate_or_switch_crisis_mode(self):
        self.crm_incident.with_user(self.boss).action_activate()
        draft = self._crm_incident(name="Zweiter Vorfall")
        with self.assertRaises(AccessError):
            draft.with_user(self.sales_anna).action_activate()
        self.assertEqual(draft.state, "draft")
        with self.assertRaises(AccessError):
            self.crm_incident.with_user(self.sales_anna).action_resolve()
        with self.assertRaises(AccessError):
            self.crm_incident.with_user(self.sales_anna)._check_may_switch_crisis_mode()

    def test_crm_workflow_fields_are_set_by_the_actions_only(self):
        admin = new_test_user(
            self.env,
            login="crm_sysadmin",
            groups="base.group_system,crisis_management.group_crisis_admin",
            company_id=self.crm_company.id,
            company_ids=[(6, 0, self.crm_company.ids)],
        )
        with self.assertRaises(AccessError):
            self.crm_company.with_user(admin).write(
                {"crisis_hotline_granted_user_ids": [(4, self.outsider.id)]}
            )
        incident = self.crm_incident.with_user(self.boss)
        for vals in (
            {"date_handback": fields.Datetime.now()},
            {"reported_by_id": self.sales_ben.id},
        ):
            with self.assertRaises(AccessError):
                incident.write(vals)
        with self.assertRaises(AccessError):
            self.env["crisis.incident"].with_user(self.boss).create(
                {"name": "Gefälscht", "reported_by_id": self.sales_ben.id}
            )

    # ------------------------------------------------------------------
    # Inquiries reach the account owner
    # ------------------------------------------------------------------
    def test_inquiry_from_a_customer_gives_their_salesperson_an_activity(self):
        self.crm_incident.with_user(self.boss).action_activate()
        inquiry = (
            self.env["crisis.inquiry"]
            .with_user(self.sales_ben)
            .create(
                {
                    "incident_id": self.crm_incident.id,
                    "partner_id": self.buyer.id,
                    "question": "Sind unsere P7-Pumpen betroffen?",
                }
            )
        )
        activity_type = self.env.ref(
            "crisis_management.mail_activity_type_crisis_inquiry"
        )
        activity = inquiry.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(activity.user_id, self.sales_anna, "the company's salesperson")
        self.assertEqual(activity.date_deadline, inquiry.date_due.date())
        inquiry.answer = "Ja, bitte stilllegen."
        inquiry.action_answer()
        self.assertFalse(inquiry.activity_ids, "the activity is done when answered")
        done = self.env["mail.message"].search(
            [
                ("model", "=", "crisis.inquiry"),
                ("res_id", "=", inquiry.id),
                ("mail_activity_type_id", "=", activity_type.id),
            ]
        )
        self.assertTrue(done)

    def test_confidential_inquiry_does_not_reach_a_salesperson_outside(self):
        self.crm_incident.with_user(self.boss).action_activate()
        secret = self._crm_incident(name="Geheimer Rückruf", is_confidential=True)
        inquiry = self.env["crisis.inquiry"].create(
            {"incident_id": secret.id, "partner_id": self.buyer.id}
        )
        self.assertFalse(inquiry.activity_ids)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("user_id", "=", self.sales_anna.id), ("res_id", "=", inquiry.id)]
            )
        )

    def test_salesperson_without_crisis_access_is_not_given_an_activity(self):
        # No crisis mode: Anna has no crisis rights and cannot open inquiries.
        inquiry = (
            self.env["crisis.inquiry"]
            .with_user(self.sales_ben)
            .create({"incident_id": self.crm_incident.id, "partner_id": self.buyer.id})
        )
        self.assertFalse(inquiry.activity_ids)
        self.assertIn(
            "cannot see crisis inquiries",
            "".join(inquiry.message_ids.mapped("body")),
            "the hotline sees why the salesperson was not told",
        )

    # ------------------------------------------------------------------
    # Affected customers
    # ------------------------------------------------------------------
    def test_affected_customer_shows_banner_filter_and_smart_buttons(self):
        self.crm_incident.with_user(self.boss).action_activate()
        message = self._crm_message()
        self._consent(self.buyer)
        comm = self._crm_communication(message, audience_partner_ids=self.buyer.ids)
        comm.action_send()
        # Without consent: skipped, still affected.
        self._crm_communication(
            message, audience_partner_ids=self.customer.ids
        ).action_send()

        Partner = self.env["res.partner"].with_user(self.sales_anna)
        Lead = self.env["crm.lead"].with_user(self.sales_anna)
        customer = Partner.browse(self.customer.id)
        self.assertTrue(customer.crisis_affected)
        self.assertTrue(Partner.browse(self.buyer.id).crisis_affected)
        self.assertFalse(Partner.browse(self.other_customer.id).crisis_affected)
        affected = Partner.search([("crisis_affected", "=", True)])
        self.assertIn(self.customer, affected)
        self.assertIn(self.buyer, affected)
        self.assertNotIn(self.other_customer, affected)
        self.assertIn(
            self.other_customer, Partner.search([("crisis_affected", "=", False)])
        )
        self.assertEqual(
            Lead.search([("crisis_affected", "=", True)]), self.opportunity
        )
        banner = Lead.browse(self.opportunity.id).crisis_banner
        self.assertIn("Leck in Pumpenserie P7", banner)
        self.assertIn("P7 pumps: stop using them", banner)
        self.assertIn("Jens Einkauf", banner)
        self.assertIn("No consent", banner, "why the company itself was not told")
        self.assertEqual(customer.crisis_recipient_count, 2)
        action = customer.action_crisis_recipients()
        self.assertEqual(len(self.env[action["res_model"]].search(action["domain"])), 2)

    def test_confidential_incident_stays_hidden_from_a_team_member_outside(self):
        secret = self._crm_incident(name="Geheimer Rückruf", is_confidential=True)
        secret.with_user(self.boss).action_activate()
        self.env["crisis.inquiry"].create(
            {"incident_id": secret.id, "partner_id": self.buyer.id}
        )
        # Anna is now a crisis user (hotline team) but not in the secret's team.
        self.assertTrue(self._has_crisis_group(self.sales_anna))
        for user in (self.sales_anna, self.outsider, self.sales_cem):
            Partner = self.env["res.partner"].with_user(user)
            customer = Partner.browse(self.customer.id)
            self.assertFalse(customer.crisis_affected)
            self.assertFalse(customer.crisis_banner)
            self.assertEqual(customer.crisis_inquiry_count, 0)
            self.assertNotIn(
                self.customer, Partner.search([("crisis_affected", "=", True)])
            )
            lead = self.env["crm.lead"].with_user(user).browse(self.opportunity.id)
            if user != self.sales_cem:  # Cem may not read Anna's opportunity
                self.assertFalse(lead.crisis_affected)
                self.assertFalse(lead.crisis_banner)
        boss_view = (
            self.env["res.partner"].with_user(self.boss).browse(self.customer.id)
        )
        self.assertTrue(boss_view.crisis_affected)
        self.assertIn("Geheimer Rückruf", boss_view.crisis_banner)

    # ------------------------------------------------------------------
    # Audiences from CRM data
    # ------------------------------------------------------------------
    def test_audience_domain_is_counted_and_consent_checked(self):
        self.crm_incident.with_user(self.boss).action_activate()
        message = self._crm_message()
        stage = self.env["crm.stage"].create({"name": "Angebot P7"})
        self.opportunity.stage_id = stage
        self._consent(self.buyer)
        comm = self._crm_communication(
            message,
            audience_domain=f"[('opportunity_ids.stage_id', '=', {stage.id})]",
        )
        self.assertEqual(comm.audience_domain_count, 1)
        self.assertEqual(comm.audience_count, 1)
        comm.audience_partner_ids = self.customer
        self.assertEqual(comm.audience_count, 2)
        comm.action_send()
        states = {r.partner_id: r.state for r in comm.recipient_ids}
        self.assertEqual(states[self.buyer], "queued")
        self.assertEqual(states[self.customer], "skipped_consent")
        with self.assertRaises(ValidationError):
            self._crm_communication(message, audience_domain="[('name', '=', ")
        with self.assertRaises(ValidationError):
            self._crm_communication(
                message, audience_domain="[('no_such_field', '=', 1)]"
            )

    # ------------------------------------------------------------------
    # Report, then start
    # ------------------------------------------------------------------
    def test_crisis_user_reports_a_draft_only_the_crisis_team_activates(self):
        form = Form(
            self.env["crisis.incident.report"]
            .with_user(self.sales_ben)
            .with_context(default_partner_id=self.customer.id)
        )
        form.name = "Kunde meldet Rauch aus Pumpe P7"
        form.description = "Anruf von Jens Einkauf"
        report = form.save()
        action = report.action_report()
        incident = self.env["crisis.incident"].browse(action["res_id"])
        self.assertEqual(incident.state, "draft")
        self.assertEqual(incident.reported_by_id, self.sales_ben)
        self.assertEqual(incident.reported_partner_id, self.customer)
        self.assertFalse(incident.lead_id, "the reporter does not become the lead")
        self.assertIn(self.boss, incident.activity_ids.user_id)
        with self.assertRaises(AccessError):
            incident.with_user(self.sales_ben).action_activate()
        incident.with_user(self.boss).action_activate()
        self.assertEqual(incident.state, "active")

    def test_plain_salesperson_cannot_report(self):
        with self.assertRaises(AccessError):
            self.env["crisis.incident.report"].with_user(self.sales_cem).create(
                {"name": "Nichts"}
            ).action_report()

    # ------------------------------------------------------------------
    # After the crisis
    # ------------------------------------------------------------------
    def test_closing_hands_affected_customers_back_to_their_salespeople(self):
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Zurückgewinnen",
                "res_model": "res.partner",
                "template_ids": [
                    (
                        0,
                        0,
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_call"
                            ).id,
                            "summary": "Kunden anrufen",
                            "responsible_type": "on_demand",
                        },
                    )
                ],
            }
        )
        self.crm_company.crisis_handback_plan_id = plan
        self.crm_incident.with_user(self.boss).action_activate()
        self.env["crisis.inquiry"].create(
            {"incident_id": self.crm_incident.id, "partner_id": self.buyer.id}
        )
        incident = self.crm_incident.with_user(self.boss)
        with self.assertRaises(UserError):
            incident.action_crisis_handback()
        self._close(self.crm_incident)
        with self.assertRaises(AccessError):
            self.crm_incident.with_user(self.sales_ben).action_crisis_handback()
        incident.action_crisis_handback()
        calls = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("summary", "=", "Kunden anrufen")]
        )
        self.assertEqual(len(calls), 1, "one activity per affected customer")
        self.assertEqual(calls.res_id, self.customer.id)
        self.assertEqual(calls.user_id, self.sales_anna)
        with self.assertRaises(UserError):
            incident.action_crisis_handback()

    # ------------------------------------------------------------------
    # Crisis tasks among the activities
    # ------------------------------------------------------------------
    def test_crisis_task_appears_among_the_assignees_activities(self):
        deadline = fields.Datetime.now() + timedelta(days=2)
        task = self.env["crisis.task"].create(
            {
                "incident_id": self.crm_incident.id,
                "name": "Kunden mit P7 anrufen",
                "user_id": self.sales_ben.id,
                "date_deadline": deadline,
            }
        )
        activity = task.activity_ids
        self.assertEqual(activity.user_id, self.sales_ben)
        self.assertEqual(activity.summary, "Kunden mit P7 anrufen")
        task.user_id = self.boss
        self.assertEqual(task.activity_ids.user_id, self.boss)
        task.with_user(self.boss).action_done()
        self.assertFalse(task.activity_ids)
