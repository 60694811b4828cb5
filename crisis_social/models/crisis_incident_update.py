# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .crisis_social_source import PUBLISHING_KINDS


class CrisisIncidentUpdate(models.Model):
    """A published update is also posted to the company's accounts."""

    _inherit = "crisis.incident.update"

    publish_source_ids = fields.Many2many(
        "crisis.social.source",
        "crisis_incident_update_social_source_rel",
        "update_id",
        "source_id",
        string="Post To",
        domain=[("can_publish", "=", True), ("kind", "in", list(PUBLISHING_KINDS))],
        check_company=True,
        groups="crisis_management.group_crisis_manager",
        help="The company's social media accounts that post this update when "
        "it is published: headline, text and the link to the public page, "
        "shortened to what the network allows.",
    )
    publication_ids = fields.One2many(
        "crisis.social.publication",
        "update_id",
        string="Posted To Networks",
        readonly=True,
        copy=False,
    )

    def action_publish(self):
        to_publish = self.filtered(lambda u: not u.is_published)
        result = super().action_publish()
        to_publish.filtered("is_published")._queue_publications()
        return result

    def _queue_publications(self):
        """One publication per chosen account that has none for the update
        yet (an update published again after a correction is not posted
        twice); the cron job posts them, so publishing does not wait for the
        networks. An exercise posts nothing."""
        Publication = self.env["crisis.social.publication"].sudo()
        vals_list = []
        for update in self.sudo():
            done = update.publication_ids.source_id
            for source in update.publish_source_ids - done:
                if not (source.can_publish and source.kind in PUBLISHING_KINDS):
                    continue
                vals_list.append(
                    {
                        "update_id": update.id,
                        "source_id": source.id,
                        "user_id": self.env.uid,
                    }
                )
        publications = Publication.create(vals_list)
        exercises = publications.filtered("incident_id.is_exercise")
        # Nothing leaves the company: recorded at once, never queued.
        exercises._publish()
        if publications - exercises:
            self.env.ref(
                "crisis_social.ir_cron_crisis_social_publish"
            ).sudo()._trigger()
        return publications
