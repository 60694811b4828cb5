# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def calm_company(env, company):
    """Start from a company without open incidents and out of crisis mode,
    whatever the demo data holds (the test transaction is rolled back)."""
    env.flush_all()
    env.cr.execute(
        "UPDATE crisis_incident SET state = 'closed' "
        "WHERE company_id = %s AND state IN ('active', 'contained', 'resolved')",
        [company.id],
    )
    env.invalidate_all()
    company.sudo().write({"crisis_mode": False, "crisis_incident_id": False})
