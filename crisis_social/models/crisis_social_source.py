# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.crisis_management.tools import (
    lang_short,
    may_commit,
    notification_action,
    require_group,
)

from ..tools import check_storable, fetchers
from ..tools.demo import demo_shitstorm_posts
from ..tools.net import BlockedAddress, allowed_hosts
from .crisis_social_post import MAX_POSTS_PER_CALL

_logger = logging.getLogger(__name__)

POLLING_KINDS = ("rss", "mastodon", "bluesky")
PUBLISHING_KINDS = ("mastodon", "bluesky")


class CrisisSocialSource(models.Model):
    _name = "crisis.social.source"
    _inherit = ["crisis.workflow.mixin"]
    _description = "Social Media Source"
    _order = "name"

    # Written only by the fetch itself or by an action, never by create/write.
    _workflow_fields = frozenset(
        {
            "secret",
            "cursor",
            "date_last_fetch",
            "last_error",
            "http_etag",
            "http_last_modified",
        }
    )
    _workflow_incident_field = False

    name = fields.Char(required=True)
    kind = fields.Selection(
        [
            ("rss", "RSS / Atom Feed"),
            ("mastodon", "Mastodon"),
            ("bluesky", "Bluesky"),
            ("webhook", "Webhook"),
            ("manual", "Manual Entry"),
        ],
        required=True,
        default="manual",
    )
    active = fields.Boolean(default=True)
    url = fields.Char(
        string="URL",
        help="RSS / Atom: the feed's address. Mastodon: the instance, e.g. "
        "https://mastodon.social. Bluesky: the service, e.g. https://bsky.social.",
    )
    search_terms = fields.Text(
        help="Mastodon: hashtags, Bluesky: search words; one per line.",
    )
    secret = fields.Char(
        default=lambda self: secrets.token_hex(32),
        copy=False,
        groups="crisis_management.group_crisis_admin",
        help="Shared secret that signs posts delivered to the webhook.",
    )
    bluesky_identifier = fields.Char(
        string="Bluesky Handle",
        groups="crisis_management.group_crisis_admin",
        help="Handle of the account that searches, e.g. presse.example.org.",
    )
    bluesky_app_password = fields.Char(
        groups="crisis_management.group_crisis_admin",
        copy=False,
        help="An app password of that account (Settings > App passwords), "
        "never the account's own password.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    can_publish = fields.Boolean(
        string="Publish Updates",
        help="The company's own account: published updates of the public page "
        "chosen for it are posted there (Mastodon and Bluesky).",
    )
    access_token = fields.Char(
        groups="crisis_management.group_crisis_admin",
        copy=False,
        help="Mastodon: an access token of the company's account with the scope "
        "write:statuses (Preferences > Development > New application).",
    )
    publish_lang = fields.Selection(
        [("de", "German"), ("en", "English")],
        string="Language of the Posts",
        default=lambda self: lang_short(self.env.company.partner_id.lang),
        help="The language of the update's text that is posted to this account.",
    )
    publication_ids = fields.One2many(
        "crisis.social.publication", "source_id", string="Publications"
    )
    publication_count = fields.Integer(compute="_compute_publication_count")
    cursor = fields.Char(
        readonly=True, copy=False, help="Where the last fetch stopped."
    )
    http_etag = fields.Char(string="ETag", readonly=True, copy=False)
    http_last_modified = fields.Char(string="Last Modified", readonly=True, copy=False)
    date_last_fetch = fields.Datetime(string="Last Fetch", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    retention_days = fields.Integer(
        string="Keep Posts (days)",
        default=90,
        help="After this many days the text, author and link of the posts are "
        "removed; the figures stay. 0 keeps them.",
    )
    post_ids = fields.One2many("crisis.social.post", "source_id", string="Posts")
    post_count = fields.Integer(compute="_compute_post_count")
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_webhook_url")

    def _compute_post_count(self):
        counts = dict(
            self.env["crisis.social.post"]._read_group(
                [("source_id", "in", self.ids)], ["source_id"], ["__count"]
            )
        )
        for source in self:
            source.post_count = counts.get(source, 0)

    def _compute_publication_count(self):
        counts = dict(
            self.env["crisis.social.publication"]._read_group(
                [("source_id", "in", self.ids)], ["source_id"], ["__count"]
            )
        )
        for source in self:
            source.publication_count = counts.get(source, 0)

    def _compute_webhook_url(self):
        base = self.get_base_url()
        for source in self:
            source.webhook_url = (
                f"{base}/crisis/social/ingest/{source.id}"
                if source.id and source.kind == "webhook"
                else False
            )

    @api.constrains("can_publish", "kind")
    def _check_can_publish(self):
        for source in self:
            if source.can_publish and source.kind not in PUBLISHING_KINDS:
                raise ValidationError(
                    _(
                        "Only Mastodon and Bluesky accounts can publish updates, "
                        "not “%(name)s”.",
                        name=source.name,
                    )
                )

    @api.constrains("retention_days")
    def _check_retention_days(self):
        for source in self:
            if source.retention_days < 0:
                raise UserError(_("The retention period cannot be negative."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        check_storable(self.env, vals_list)
        # No context key sets the secret or the fetch state, not even in sudo.
        return super(CrisisSocialSource, self._workflow_without_defaults()).create(
            vals_list
        )

    def write(self, vals):
        check_storable(self.env, [vals])
        return super().write(vals)

    def _write_fetch_state(self, vals):
        """The fetch state and the secret, written in sudo by the fetch and
        by the actions after their check (``_check_admin``)."""
        return self.sudo().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_admin(self):
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_admin",
            _("Only crisis administrators configure sources."),
        )

    def action_generate_secret(self):
        """Make a new webhook secret and show it once."""
        self.ensure_one()
        self._check_admin()
        secret = secrets.token_hex(32)
        self._write_fetch_state({"secret": secret})
        wizard = self.env["crisis.social.source.secret"].create(
            {"source_id": self.id, "secret": secret}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Webhook Secret"),
            "res_model": "crisis.social.source.secret",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_fetch(self):
        """Fetch the polling sources now (also run by the cron job)."""
        self._check_admin()
        results = self.sudo()._fetch()
        failed = [source for source, ok in results if not ok]
        if not failed:
            return True
        # Told, not raised: the error stays recorded on the source.
        return notification_action(
            _(
                "Fetching “%(name)s” failed: %(error)s",
                name=failed[0].name,
                error=failed[0].last_error,
            ),
            title=_("Fetch failed"),
            kind="danger",
            sticky=True,
        )

    def action_reset_cursor(self):
        """Start fetching from the newest posts again."""
        self._check_admin()
        self._write_fetch_state(
            {"cursor": False, "http_etag": False, "http_last_modified": False}
        )
        return True

    def action_view_posts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_post_action"
        )
        action["domain"] = [("source_id", "=", self.id)]
        action["context"] = {"default_source_id": self.id}
        return action

    def action_view_publications(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_publication_action"
        )
        action["domain"] = [("source_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Fetching
    # ------------------------------------------------------------------
    @api.model
    def _cron_fetch(self):
        sources = self.search([("kind", "in", POLLING_KINDS)])
        commit = may_commit(self.env)
        for done, source in enumerate(sources, start=1):
            try:
                with self.env.cr.savepoint():
                    source._fetch()
            except Exception as error:  # one broken source must not stop the others
                _logger.exception("Fetching social source %s failed", source.id)
                source._write_fetch_state(
                    {
                        "last_error": _(
                            "The fetch failed unexpectedly: %(error)s",
                            error=str(error)[:300],
                        ),
                        "date_last_fetch": fields.Datetime.now(),
                    }
                )
            # Each source's posts are kept even if a later source fails.
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(sources) - done
            )
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _fetch(self):
        """Fetch each polling source through the fetcher of its kind and
        ingest what came back. A failure records ``last_error`` and leaves
        the cursor where it was.

        :return: list of ``(source, ok)``
        """
        results = []
        Post = self.env["crisis.social.post"].sudo()
        for source in self.sudo().filtered(lambda s: s.kind in POLLING_KINDS):
            if source.can_publish and not (source.search_terms or "").strip():
                continue  # an account that only publishes searches nothing
            state = {
                "url": source.url,
                "search_terms": [
                    t.strip() for t in (source.search_terms or "").splitlines()
                ],
                "cursor": source.cursor,
                "etag": source.http_etag,
                "last_modified": source.http_last_modified,
                "identifier": source.bluesky_identifier,
                "app_password": source.bluesky_app_password,
                "allowed_hosts": allowed_hosts(self.env),
            }
            state["search_terms"] = [t for t in state["search_terms"] if t]
            now = fields.Datetime.now()
            try:
                result = fetchers.FETCHERS[source.kind](state)
            except fetchers.FetchError as error:
                source._write_fetch_state(
                    {
                        "last_error": source._fetch_error_text(error),
                        "date_last_fetch": now,
                    }
                )
                results.append((source, False))
                continue
            except BlockedAddress as error:
                _logger.info(
                    "Social source %s refused: %s resolves to %s",
                    source.id,
                    error.host,
                    error.address,
                )
                source._write_fetch_state(
                    {
                        "last_error": _(
                            "The address %(host)s (%(address)s) is inside the "
                            "company network or the server itself and is not "
                            "fetched. A system administrator can allow it in the "
                            "system parameter crisis_social.allowed_hosts.",
                            host=error.host,
                            address=error.address,
                        ),
                        "date_last_fetch": now,
                    }
                )
                results.append((source, False))
                continue
            except requests.RequestException as error:
                _logger.info("Fetching social source %s failed: %s", source.id, error)
                source._write_fetch_state(
                    {
                        "last_error": _(
                            "The source could not be reached: %(error)s",
                            error=str(error)[:300],
                        ),
                        "date_last_fetch": now,
                    }
                )
                results.append((source, False))
                continue
            with self.env.cr.savepoint():
                summary = {"created": 0, "duplicates": 0, "errors": []}
                for start in range(0, len(result.posts), MAX_POSTS_PER_CALL):
                    part = Post._ingest(
                        source, result.posts[start : start + MAX_POSTS_PER_CALL]
                    )
                    for key in ("created", "duplicates", "errors"):
                        summary[key] += part[key]
                vals = {"date_last_fetch": now, "last_error": False}
                if result.cursor is not None:
                    vals["cursor"] = result.cursor
                if result.etag is not None:
                    vals["http_etag"] = result.etag
                if result.last_modified is not None:
                    vals["http_last_modified"] = result.last_modified
                if summary["errors"]:
                    vals["last_error"] = _(
                        "%(count)s posts were refused, the first: %(error)s",
                        count=len(summary["errors"]),
                        error=summary["errors"][0]["error"],
                    )
                source._write_fetch_state(vals)
            results.append((source, True))
        return results

    def _fetch_error_text(self, error):
        """The fetcher's error in the reader's words."""
        status, detail = error.status or "-", error.detail or ""
        if error.code == "closed_timeline":
            return _(
                "The instance answered %(status)s: it does not show its public "
                "timelines to visitors without an account. Choose another "
                "instance or ask its admins.",
                status=status,
            )
        if error.code == "bluesky_auth":
            return _(
                "Bluesky answered %(status)s: searching needs a login. Enter the "
                "handle and an app password of an account on the source.",
                status=status,
            )
        if error.code == "bluesky_login":
            return _(
                "Bluesky refused the login (%(status)s): check the handle and the "
                "app password.",
                status=status,
            )
        if error.code == "parse":
            return _(
                "The answer of the source could not be read: %(detail)s", detail=detail
            )
        if error.code == "config":
            return _("The source is incomplete: %(detail)s", detail=detail)
        return _("The source answered with HTTP status %(status)s.", status=status)

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_shitstorm(self, source_id, query_id):
        """Posts of the last two days for the demo query (see
        ``tools/demo.py``), and the alert they raise."""
        source = self.browse(source_id)
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        now = min(now + timedelta(minutes=50), fields.Datetime.now())
        posts = demo_shitstorm_posts(now)
        self.env["crisis.social.post"].sudo()._ingest(source.sudo(), posts)
        self.env["crisis.social.alert"].sudo()._detect_spikes(now=now)
        return True
