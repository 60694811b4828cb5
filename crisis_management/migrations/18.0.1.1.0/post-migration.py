# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0: a personal safety link takes a limited number of answers,
counted in the new ``safety_answer_count``. An answer given before the
upgrade counts as one, so that an old link cannot answer more often than a
new one."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE crisis_communication_recipient
              SET safety_answer_count = 1
            WHERE safety_answer IS NOT NULL
              AND COALESCE(safety_answer_count, 0) = 0"""
    )
