# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fourth attack: company separation, made over XML-RPC against the
running test server as a crisis manager of a second company only. Nothing
of the first company (its contacts' consents, its people, its content) may
be read or changed by them, and nothing of their company goes to people of
the first company only. Each attempt must be refused with a clear message
(an access error or a warning, never a server error) and leave the data as
it was."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrisisMessageCommon, RpcAttackMixin, calm_company


@tagged("post_install", "-at_install")
class TestCompanySeparationAttacksOverRpc(
    RpcAttackMixin, HttpCase, CrisisMessageCommon
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calm_company(cls.env, cls.company)
        cls.company_two = cls.env["res.company"].create({"name": "Tochter Zwei GmbH"})
        cls.manager_two = new_test_user(
            cls.env,
            login="attack4_manager_two",
            name="Manni Zwei",
            email="manni.zwei@example.com",
            company_id=cls.company_two.id,
            company_ids=[(6, 0, cls.company_two.ids)],
            groups="crisis_management.group_crisis_manager",
        )
        # A contact of the first company only, with a given consent.
        cls.customer_one = cls._partner(
            "Kundin Erste GmbH",
            email="kundin@erste.example",
            company_id=cls.company.id,
        )
        cls.consent_one = cls._consent(cls.customer_one)
        # An employee of the first company only.
        cls.employee_one = new_test_user(
            cls.env,
            login="attack4_employee_one",
            name="Erika Erste",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            groups="crisis_management.group_crisis_manager",
        )
        cls.incident_two = cls._create_incident(
            name="Vorfall der Tochter",
            company_id=cls.company_two.id,
            lead_id=cls.manager_two.id,
        )

    def test_consent_of_another_companys_contact_not_read_or_withdrawn(self):
        # The contact itself is out of reach of the second company…
        self._refused(
            self.manager_two, "res.partner", "read", self.customer_one.ids, ["name"]
        )
        # …and so are its consents (the evidence of the first company).
        found = self._rpc(
            self.manager_two,
            "crisis.consent",
            "search_read",
            [("partner_id", "=", self.customer_one.id)],
            fields=["state", "source"],
        )
        self.assertFalse(found, "another company's consents are listed")
        self._refused(
            self.manager_two, "crisis.consent", "read", self.consent_one.ids, ["state"]
        )
        self._refused(
            self.manager_two, "crisis.consent", "action_withdraw", self.consent_one.ids
        )
        self.consent_one.invalidate_recordset()
        self.assertEqual(self.consent_one.state, "given")

    def test_shift_not_given_to_a_user_of_another_company(self):
        # The handover note of the second company's incident would go to a
        # person of the first company only (pop-up and activity).
        self._refused(
            self.manager_two,
            "crisis.incident.shift",
            "create",
            {
                "incident_id": self.incident_two.id,
                "user_id": self.employee_one.id,
                "role": "spokesperson",
                "date_end": "2030-01-01 00:00:00",
            },
        )
        self.assertFalse(
            self.env["crisis.incident.shift"].search(
                [("user_id", "=", self.employee_one.id)]
            )
        )

    def test_team_member_not_from_another_company(self):
        # The lead must be of the incident's company (refused); a member
        # line is the same team.
        self._refused(
            self.manager_two,
            "crisis.incident.member",
            "create",
            {
                "incident_id": self.incident_two.id,
                "user_id": self.employee_one.id,
                "role": "member",
            },
        )
        self.assertNotIn(self.employee_one, self.incident_two.member_ids.user_id)

    def test_communication_does_not_take_another_companys_content(self):
        content_one = self._approved_message(
            en={
                "name": "Interne Sprachregelung 4711",
                "body": "<p>Not for the other company.</p>",
                "sms_text": "Not for the other company.",
            }
        )
        self.assertEqual(content_one.company_id, self.company)
        self._refused(
            self.manager_two,
            "crisis.communication",
            "create",
            {
                "incident_id": self.incident_two.id,
                "message_id": content_one.id,
                "channel_email": True,
            },
        )
        self.assertFalse(
            self.env["crisis.communication"].search(
                [("message_id", "=", content_one.id)]
            )
        )

    def test_component_and_inquiry_not_linked_to_another_companys_contact(self):
        # Linked, the contact of the first company would be marked affected
        # by the second company's incident and its salesperson get an
        # activity; the inquiry would show on the contact's crisis banner.
        self._refused(
            self.manager_two,
            "crisis.component",
            "create",
            {"name": "Pumpe Zwei", "partner_ids": [(6, 0, self.customer_one.ids)]},
        )
        self._refused(
            self.manager_two,
            "crisis.inquiry",
            "create",
            {
                "incident_id": self.incident_two.id,
                "partner_id": self.customer_one.id,
                "name": "Frage",
            },
        )
        self.assertFalse(
            self.env["crisis.component"].search(
                [("partner_ids", "in", self.customer_one.ids)]
            )
        )
        self.assertFalse(
            self.env["crisis.inquiry"].search(
                [("partner_id", "=", self.customer_one.id)]
            )
        )

    def test_task_and_inquiry_not_assigned_to_a_user_of_another_company(self):
        for model, values in (
            ("crisis.task", {"name": "Aufgabe"}),
            ("crisis.inquiry", {"name": "Frage"}),
        ):
            with self.subTest(model=model):
                self._refused(
                    self.manager_two,
                    model,
                    "create",
                    dict(
                        values,
                        incident_id=self.incident_two.id,
                        user_id=self.employee_one.id,
                    ),
                )
                self.assertFalse(
                    self.env[model].search([("user_id", "=", self.employee_one.id)])
                )

    def test_nothing_of_the_second_company_goes_to_the_first_ones_people(self):
        """Contacts, follow-up and exercise observers of a communication of
        the second company: never people of the first company only."""
        content_two = (
            self.env["crisis.message"]
            .sudo()
            .create(
                {
                    "name": "Rundbrief Zwei",
                    "body": "<p>Zwei</p>",
                    "incident_id": self.incident_two.id,
                    "company_id": self.company_two.id,
                }
            )
        )
        content_two.write({"state": "approved"})
        communication = {
            "incident_id": self.incident_two.id,
            "message_id": content_two.id,
            "channel_email": True,
        }
        for values in (
            {"audience_partner_ids": [(6, 0, self.customer_one.ids)]},
            {"followup_user_id": self.employee_one.id},
        ):
            with self.subTest(values=values):
                self._refused(
                    self.manager_two,
                    "crisis.communication",
                    "create",
                    dict(communication, **values),
                )
        self.assertFalse(
            self.env["crisis.communication"].search(
                [
                    "|",
                    ("audience_partner_ids", "in", self.customer_one.ids),
                    ("followup_user_id", "=", self.employee_one.id),
                ]
            )
        )
        # (The same communication of the second company's own is accepted.)
        self._rpc(
            self.manager_two,
            "crisis.communication",
            "create",
            dict(
                communication,
                audience_partner_ids=[(6, 0, self.manager_two.partner_id.ids)],
                followup_user_id=self.manager_two.id,
            ),
        )
        # The observers of an exercise receive every message of it.
        self._refused(
            self.manager_two,
            "crisis.incident",
            "write",
            self.incident_two.ids,
            {"exercise_observer_ids": [(6, 0, self.employee_one.ids)]},
        )
        self.assertFalse(self.incident_two.exercise_observer_ids)

    def test_no_content_component_or_update_of_another_company(self):
        """The first company's Q&A, components and page updates are not tied
        to the second company's inquiries, updates and communications (their
        titles and texts would show there)."""
        self.incident.company_id = self.company
        qa_one = self._approved_message(kind="qa")
        component_one = self.env["crisis.component"].create(
            {"name": "Leitstand Eins", "company_id": self.company.id}
        )
        update_one = (
            self.env["crisis.incident.update"]
            .sudo()
            .create({"incident_id": self.incident.id, "body": "<p>Eins</p>"})
        )
        for record in (qa_one, component_one, update_one):
            self.assertEqual(record.company_id, self.company)
        for model, values in (
            ("crisis.inquiry", {"name": "Frage", "answer_message_id": qa_one.id}),
            (
                "crisis.incident.update",
                {"body": "<p>Zwei</p>", "component_ids": [(6, 0, component_one.ids)]},
            ),
            (
                "crisis.communication",
                {
                    "name": "Rundbrief",
                    "channel_email": True,
                    "update_id": update_one.id,
                },
            ),
        ):
            with self.subTest(model=model):
                self._refused(
                    self.manager_two,
                    model,
                    "create",
                    dict(values, incident_id=self.incident_two.id),
                )
                self.assertFalse(
                    self.env[model].search([("incident_id", "=", self.incident_two.id)])
                )
