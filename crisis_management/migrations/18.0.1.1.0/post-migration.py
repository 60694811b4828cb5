# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0

* German without false friends (issue 11). Earlier versions shipped German
  that Odoo's translation memory had filled in: "Press" read "Drücken Sie",
  the status label "State" read "Bundesland", the influence level "Medium"
  stayed English. An upgrade fills only missing translations, so a database
  installed before keeps them. Reload this module's German over the old one,
  and repair the name of the press stakeholder type, which is ``noupdate``
  data.
* A personal safety link takes a limited number of answers, counted in the
  new ``safety_answer_count``. An answer given before the upgrade counts as
  one, so that an old link cannot answer more often than a new one.
"""

from odoo import SUPERUSER_ID, api

# (xmlid, wrong German, right German) of noupdate data records.
DATA_FIXES = [
    ("stakeholder_type_press", "Drücken Sie", "Presse"),
]


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE crisis_communication_recipient
              SET safety_answer_count = 1
            WHERE safety_answer IS NOT NULL
              AND COALESCE(safety_answer_count, 0) = 0"""
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    if not env["res.lang"]._lang_get("de_DE"):
        return
    env["ir.module.module"]._load_module_terms(
        ["crisis_management"], ["de_DE"], overwrite=True
    )
    for xmlid, wrong, right in DATA_FIXES:
        record = env.ref(f"crisis_management.{xmlid}", raise_if_not_found=False)
        if record and record.with_context(lang="de_DE").name == wrong:
            record.update_field_translations("name", {"de_DE": right})
