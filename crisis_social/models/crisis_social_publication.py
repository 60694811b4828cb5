# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import uuid

import requests

from odoo import _, api, fields, models
from odoo.tools import html2plaintext

from odoo.addons.crisis_management.tools import (
    may_commit,
    notification_action,
    require_group,
    resolve_lang,
)

from ..tools import publishers
from ..tools.net import BlockedAddress, allowed_hosts

_logger = logging.getLogger(__name__)


class CrisisSocialPublication(models.Model):
    """One published update posted to one of the company's accounts.

    Created when the update is published (``crisis.incident.update.
    action_publish``) and posted by a cron job, so the publish click does not
    wait for the networks; the post's address or the error stays here, and a
    failed post can be retried. Written only in sudo by the publishing code:
    nobody has write access.
    """

    _name = "crisis.social.publication"
    _description = "Social Media Publication"
    _order = "id desc"
    _rec_name = "source_id"

    update_id = fields.Many2one(
        "crisis.incident.update",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    incident_id = fields.Many2one(
        related="update_id.incident_id", store=True, index=True
    )
    company_id = fields.Many2one(related="update_id.company_id", store=True)
    source_id = fields.Many2one(
        "crisis.social.source",
        string="Account",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    kind = fields.Selection(related="source_id.kind", string="Network")
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("posted", "Posted"),
            ("failed", "Failed"),
            ("skipped", "Not Posted (Exercise)"),
        ],
        required=True,
        readonly=True,
        default="pending",
    )
    text = fields.Text(
        readonly=True, help="The text that was posted, with the page link."
    )
    url = fields.Char(string="Post", readonly=True, help="The post on the network.")
    external_id = fields.Char(string="Post ID", readonly=True)
    error = fields.Text(readonly=True)
    date_posted = fields.Datetime(string="Posted On", readonly=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Published By",
        readonly=True,
        ondelete="set null",
        help="Who published the update; errors are written in their language.",
    )
    idempotency_key = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
        groups="base.group_system",
    )

    _sql_constraints = [
        (
            "update_source_uniq",
            "unique(update_id, source_id)",
            "An update is posted only once to each account.",
        ),
    ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Post the failed publications again, now."""
        self.check_access("read")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team posts updates to social networks."),
        )
        self.update_id.check_access("write")
        failed = self.filtered(lambda p: p.state == "failed")
        failed.sudo().write({"state": "pending"})
        failed.sudo()._publish()
        still_failed = failed.filtered(lambda p: p.state == "failed")
        if not still_failed:
            return True
        # Told, not raised: the error stays recorded on the publication.
        return notification_action(
            _(
                "Posting to “%(name)s” failed: %(error)s",
                name=still_failed[0].source_id.name,
                error=still_failed[0].error,
            ),
            title=_("Posting failed"),
            kind="danger",
            sticky=True,
        )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    @api.model
    def _cron_publish(self):
        publications = self.search([("state", "=", "pending")], order="id")
        commit = may_commit(self.env)
        for done, publication in enumerate(publications, start=1):
            publication._publish()
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(publications) - done
            )
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _publish(self):
        """Post each waiting publication through the publisher of its
        network and record the post's address or the error (in the language
        of who published)."""
        for publication in self.sudo().filtered(lambda p: p.state == "pending"):
            lang = resolve_lang(
                self.env, publication.user_id.lang, company=publication.company_id
            )
            publication = publication.with_context(lang=lang)
            try:
                with self.env.cr.savepoint():
                    vals = publication._publish_one()
            except Exception as error:  # one broken account must not stop others
                _logger.exception("Publication %s failed", publication.id)
                vals = {
                    "state": "failed",
                    "error": publication.env._(
                        "Posting failed unexpectedly: %(error)s",
                        error=str(error)[:300],
                    ),
                }
            vals["attempt_count"] = publication.attempt_count + 1
            publication.write(vals)

    def _publish_one(self):
        """The values the publication gets: posted, failed or not posted."""
        self.ensure_one()
        update, source = self.update_id, self.source_id
        incident = update.incident_id
        text = self._post_text()
        if incident.is_exercise:
            return {
                "state": "skipped",
                "text": text,
                "error": self.env._(
                    "Exercise: nothing leaves the company. This text would have "
                    "been posted."
                ),
            }
        if not update.is_published:
            return {
                "state": "failed",
                "error": self.env._(
                    "The update was taken off the public page before it was posted."
                ),
            }
        if not incident.page_published:
            return {
                "state": "failed",
                "error": self.env._(
                    "The public page of the incident is not published: the post "
                    "would link to nothing. Publish the page, then retry."
                ),
            }
        if not (source.active and source.can_publish):
            return {
                "state": "failed",
                "error": self.env._(
                    "The account “%(name)s” does not publish updates (anymore).",
                    name=source.name,
                ),
            }
        state = {
            "url": source.url,
            "access_token": source.access_token,
            "identifier": source.bluesky_identifier,
            "app_password": source.bluesky_app_password,
            "lang": source.publish_lang,
            "idempotency_key": self.idempotency_key,
            "allowed_hosts": allowed_hosts(self.env),
        }
        body, link = self._post_parts()
        try:
            result = publishers.PUBLISHERS[source.kind](state, body, link)
        except publishers.PublishError as error:
            return {"state": "failed", "error": self._error_text(error)}
        except BlockedAddress as error:
            _logger.info(
                "Publishing to %s refused: %s resolves to %s",
                source.id,
                error.host,
                error.address,
            )
            return {
                "state": "failed",
                "error": self.env._(
                    "The address %(host)s (%(address)s) is inside the company "
                    "network or the server itself and is not posted to. A system "
                    "administrator can allow it in the system parameter "
                    "crisis_social.allowed_hosts.",
                    host=error.host,
                    address=error.address,
                ),
            }
        except requests.Timeout:
            return {
                "state": "failed",
                "error": self.env._(
                    "%(network)s did not answer in time. The post may still have "
                    "been made: look at the account before you retry.",
                    network=self._network_name(),
                ),
            }
        except requests.RequestException as error:
            _logger.info("Publishing to %s failed: %s", source.id, error)
            return {
                "state": "failed",
                "error": self.env._(
                    "%(network)s could not be reached: %(error)s",
                    network=self._network_name(),
                    error=str(error)[:300],
                ),
            }
        return {
            "state": "posted",
            "text": text,
            "url": result.url,
            "external_id": result.external_id,
            "error": False,
            "date_posted": fields.Datetime.now(),
        }

    def _post_parts(self):
        """The update's headline and text in the account's language (the same
        approved text as on the page and in the e-mails) and the page link."""
        self.ensure_one()
        lang = resolve_lang(
            self.env, self.source_id.publish_lang, company=self.company_id
        )
        update = self.update_id.with_context(lang=lang)
        parts = [update.name or "", html2plaintext(update.body or "")]
        body = "\n\n".join(part.strip() for part in parts if part and part.strip())
        return body, update.incident_id.page_url or ""

    def _post_text(self):
        """The post as the network gets it, within its length."""
        body, link = self._post_parts()
        if self.source_id.kind == "bluesky":
            return publishers.bluesky_record(body, link)["text"]
        return publishers.compose(body, link, publishers.MASTODON_MAX_CHARS)[0]

    def _demo_record_text(self):
        """Demo data: the text of a publication recorded as posted."""
        for publication in self.sudo():
            publication.text = publication._post_text()
        return True

    def _network_name(self):
        return dict(self.source_id._fields["kind"]._description_selection(self.env))[
            self.source_id.kind
        ]

    def _error_text(self, error):
        """The publisher's error in the reader's words."""
        network = self._network_name()
        status, detail = error.status or "-", error.detail or ""
        if error.code == "config":
            return self.env._("The account is incomplete: %(detail)s", detail=detail)
        if error.code == "insecure":
            return self.env._(
                "The credentials are sent only over https, not to %(host)s.",
                host=detail,
            )
        if error.code == "auth":
            if self.source_id.kind == "bluesky":
                return self.env._(
                    "Bluesky refused the login (%(status)s): check the handle "
                    "and the app password.",
                    status=status,
                )
            return self.env._(
                "Mastodon refused the access token (%(status)s): check that it "
                "is valid and has the scope write:statuses.",
                status=status,
            )
        if error.code == "rejected":
            return self.env._(
                "%(network)s refused the post (%(status)s): %(detail)s",
                network=network,
                status=status,
                detail=detail,
            )
        if error.code == "parse":
            return self.env._(
                "The answer of %(network)s could not be read: %(detail)s",
                network=network,
                detail=detail,
            )
        return self.env._(
            "%(network)s answered with HTTP status %(status)s.",
            network=network,
            status=status,
        )
