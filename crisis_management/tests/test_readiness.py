# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrisisMessageCommon


@tagged("post_install", "-at_install")
class TestReadiness(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Type = cls.env["crisis.stakeholder.type"]
        cls.type_a = Type.create({"name": "Testgruppe A", "code": "test_ready_a"})
        cls.type_b = Type.create({"name": "Testgruppe B", "code": "test_ready_b"})
        address = {"street": "Hafenstraße 1", "zip": "44137", "city": "Dortmund"}
        types = [cls.type_a]
        cls.by_email = cls._partner("Erna Mail", "erna@example.com", types=types)
        cls._consent(cls.by_email, "email")
        cls.by_sms = cls._partner("Sven SMS", None, "+49 151 20000001", types=types)
        cls._consent(cls.by_sms, "sms")
        # Consent by e-mail but no address: only the letter reaches her.
        cls.by_letter = cls._partner("Lotte Brief", None, types=types, **address)
        cls._consent(cls.by_letter, "letter")
        cls._consent(cls.by_letter, "email")
        cls.blacklisted = cls._partner("Bert Sperre", "bert@example.com", types=types)
        cls._consent(cls.blacklisted, "email")
        cls.env["mail.blacklist"].sudo()._add("bert@example.com")
        cls.marketing_only = cls._partner("Mia Werbung", "mia@example.com", types=types)
        cls._consent(cls.marketing_only, "email", purpose=cls.purpose_marketing)
        cls.withdrawn = cls._partner("Willi Zurück", "willi@example.com", types=types)
        cls._consent(cls.withdrawn, "email").action_withdraw()
        cls.vital = cls._partner("Vera Vital", "vera@example.com", types=types)
        cls._consent(cls.vital, "email", basis="vital_interest")
        cls.contract = cls._partner(
            "Carl Vertrag",
            "carl@example.com",
            "+49 151 20000002",
            types=[cls.type_a, cls.type_b],
            **address,
        )
        for channel in ("email", "sms", "letter"):
            cls._consent(cls.contract, channel, basis="contract")
        archived = cls._partner("Anton Archiv", "anton@example.com", types=types)
        cls._consent(archived, "email")
        archived.active = False
        cls.type_empty = Type.create({"name": "Leer", "code": "test_ready_empty"})
        cls.unreachable = (
            cls.blacklisted | cls.marketing_only | cls.withdrawn | cls.vital
        )

    def _readiness(self, purpose="crisis_info", user=None):
        Type = self.env["crisis.stakeholder.type"].with_user(user or self.user_manager)
        return Type.get_readiness(
            purpose, [self.type_a.id, self.type_b.id, self.type_empty.id]
        )

    def test_numbers_match_constructed_data(self):
        a, b, empty = self._readiness()
        self.assertEqual(
            a,
            {
                "code": "test_ready_a",
                "total": 8,
                "email": 2,
                "sms": 2,
                "letter": 2,
                "unreachable": 4,
            },
        )
        self.assertEqual(
            b,
            {
                "code": "test_ready_b",
                "total": 1,
                "email": 1,
                "sms": 1,
                "letter": 1,
                "unreachable": 0,
            },
        )
        self.assertEqual(
            empty,
            {
                "code": "test_ready_empty",
                "total": 0,
                "email": 0,
                "sms": 0,
                "letter": 0,
                "unreachable": 0,
            },
        )
        # Marketing: only Mia's consent counts.
        a_marketing = self._readiness("marketing")[0]
        self.assertEqual(a_marketing["email"], 1)
        self.assertEqual(a_marketing["unreachable"], 7)

    def test_same_rule_as_sending(self):
        """Every member counted reachable on a channel is exactly one that
        crisis_can_contact() allows and that has the address sending needs."""
        purpose = self.purpose_info
        addresses = {
            "email": lambda p: p.email_normalized,
            "sms": lambda p: p.phone_sanitized,
            "letter": lambda p: p.street and p.zip and p.city,
        }
        members = self.env["res.partner"].search(
            [("crisis_stakeholder_type_ids", "in", self.type_a.ids)]
        )
        self.assertEqual(len(members), 8)
        reachable_any = self.env["res.partner"]
        for channel, has_address in addresses.items():
            expected = members.filtered(
                lambda p, c=channel, h=has_address: (
                    p.crisis_can_contact("crisis_info", c) and bool(h(p))
                )
            )
            reachable_any |= expected
            counted = self.type_a._readiness_partner_ids(purpose, channel)
            self.assertEqual(sorted(counted), sorted(expected.ids), channel)
        self.assertEqual(
            sorted(self.type_a._readiness_partner_ids(purpose, "unreachable")),
            sorted((members - reachable_any).ids),
        )
        self.assertEqual(members - reachable_any, self.unreachable)

    def test_refusals(self):
        with self.assertRaises(AccessError):
            self._readiness(user=self.user_crisis)
        with self.assertRaisesRegex(UserError, "no consent purpose"):
            self._readiness("no_such_purpose")

    def test_screen_opens_the_unreachable_contacts(self):
        action = self.type_a.with_user(self.user_manager).action_open_readiness()
        self.assertEqual(action["res_model"], "crisis.readiness")
        rows = (
            self.env["crisis.readiness"]
            .with_user(self.user_manager)
            .search(
                action["domain"]
                + [
                    ("type_id", "=", self.type_a.id),
                    ("purpose_id", "=", self.purpose_info.id),
                ]
            )
        )
        self.assertEqual(
            {row.channel: row.contact_count for row in rows},
            {"email": 2, "sms": 2, "letter": 2, "unreachable": 4},
        )
        unreachable_row = rows.filtered(lambda r: r.channel == "unreachable")
        self.assertAlmostEqual(unreachable_row.share, 50.0)
        contacts = unreachable_row.action_open_contacts()
        self.assertEqual(contacts["res_model"], "res.partner")
        found = self.env["res.partner"].search(contacts["domain"])
        self.assertEqual(found, self.unreachable)
        self.assertIn("Unreachable", contacts["name"])
        # From the menu: every type.
        action = (
            self.env["crisis.stakeholder.type"]
            .with_user(self.user_manager)
            .browse()
            .action_open_readiness()
        )
        types = self.env["crisis.readiness"].search(action["domain"]).type_id
        self.assertIn(self._stakeholder_type("press"), types)
        with self.assertRaises(AccessError):
            self.type_a.with_user(self.user_crisis).action_open_readiness()
        # Each person sees only the figures counted for them.
        self.assertFalse(
            self.env["crisis.readiness"].with_user(self.user_manager2).search([])
        )
