# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user


class CrisisCommon(TransactionCase):
    """Users of every crisis group and factories for the crisis models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, lang="en_US")
        )
        cls.company = cls.env.company
        cls.user_crisis = new_test_user(
            cls.env,
            login="crisis_user",
            name="Ulla Hotline",
            groups="crisis_management.group_crisis_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="crisis_manager",
            name="Max Krisenstab",
            groups="crisis_management.group_crisis_manager",
        )
        cls.user_manager2 = new_test_user(
            cls.env,
            login="crisis_manager2",
            name="Petra Sprecherin",
            groups="crisis_management.group_crisis_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="crisis_admin",
            name="Anna Admin",
            groups="crisis_management.group_crisis_admin",
        )
        cls.user_employee = new_test_user(
            cls.env,
            login="plain_employee",
            name="Erik Employee",
            groups="base.group_user",
        )
        cls.type_fire = cls.env.ref("crisis_management.incident_type_fire")

    @classmethod
    def _create_incident(cls, **values):
        vals = {
            "name": "Brand in Fabrikhalle 2",
            "incident_type_id": cls.type_fire.id,
            "severity": "critical",
            "lead_id": cls.user_manager.id,
        }
        vals.update(values)
        return cls.env["crisis.incident"].create(vals)

    @classmethod
    def _stakeholder_type(cls, code):
        return cls.env["crisis.stakeholder.type"].search([("code", "=", code)])
