# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0: the record rules of confidential incidents use one shared
domain (``incident_id.user_has_access``) and cover more models. The rules
are ``noupdate`` data: let this one upgrade rewrite them."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = false
            WHERE module = 'crisis_management' AND model = 'ir.rule'"""
    )
