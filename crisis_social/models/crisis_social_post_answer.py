# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Answering a post: an inquiry for the hotline, a reply draft from the
incident's approved words, answered, ignored or hidden with a reason."""

import textwrap
from datetime import datetime

from odoo import _, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.crisis_management.tools import resolve_lang


class CrisisSocialPost(models.Model):
    _inherit = "crisis.social.post"  # pylint: disable=consider-merging-classes-inherited

    def _check_answer_rights(self):
        """Crisis users read and answer posts; the write check applies the
        record rules of confidential incidents."""
        self.check_access("write")

    def action_to_inquiry(self):
        """Turn posts into inquiries (channel ``social``) so that they get
        the stakeholder's response time, the hotline's approved Q&A and the
        overdue follow-ups."""
        self._check_answer_rights()
        self.env["crisis.inquiry"].check_access("create")
        Inquiry = self.env["crisis.inquiry"]
        inquiries = Inquiry
        for post in self:
            if post.inquiry_id:
                inquiries |= post.inquiry_id
                continue
            incident = (
                post.incident_id
                or Inquiry.browse(Inquiry._default_incident_id()).exists()
            )
            if not incident:
                raise UserError(
                    _(
                        "The post “%(post)s” belongs to no incident. Link it to "
                        "an incident (or open the alert's incident) first.",
                        post=post.display_name,
                    )
                )
            question = post.body or ""
            if post.url:
                question = f"{question}\n\n{post.url}"
            inquiry = Inquiry.create(
                {
                    "incident_id": incident.id,
                    "channel": "social",
                    "partner_id": post.author_partner_id.id,
                    "caller_name": False if post.author_partner_id else post.author,
                    "question": question,
                    "date_received": post.date_posted,
                }
            )
            inquiries |= inquiry
            vals = {"inquiry_id": inquiry.id}
            if post.state == "new":
                vals["state"] = "to_answer"
            if not post.incident_id:
                vals["incident_id"] = incident.id
            post._write_workflow(vals)
        if len(inquiries) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crisis.inquiry",
                "res_id": inquiries.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Inquiries"),
            "res_model": "crisis.inquiry",
            "domain": [("id", "in", inquiries.ids)],
            "view_mode": "list,form",
        }

    def action_draft_reply(self):
        """Write a reply from the incident's approved content, in the post's
        language, cut to the network's limit, with the incident page link."""
        self._check_answer_rights()
        for post in self:
            post.reply_draft = post._build_reply()
            if post.state == "new":
                post._write_workflow({"state": "to_answer"})
        return True

    def _build_reply(self):
        self.ensure_one()
        incident = self.incident_id
        if not incident:
            raise UserError(
                _(
                    "Link the post “%(post)s” to an incident first.",
                    post=self.display_name,
                )
            )
        # The post's language; anything but German or English: English.
        lang = resolve_lang(self.env, self.lang, "en")
        Message = self.env["crisis.message"].sudo().with_context(lang=lang)
        messages = Message.search(
            [
                ("incident_id", "=", incident.id),
                ("state", "in", ("approved", "published")),
                ("kind", "in", ("holding_statement", "key_message", "statement")),
            ]
        )
        if not messages:
            raise UserError(
                _(
                    "The incident “%(incident)s” has no approved statement or key "
                    "message yet: a reply may only use approved words.",
                    incident=incident.display_name,
                )
            )
        order = {"holding_statement": 0, "statement": 1, "key_message": 2}
        message = messages.sorted(
            lambda m: (order[m.kind], -(m.date_approved or datetime.min).timestamp())
        )[0]
        text = " ".join(tools.html2plaintext(message.body or message.name).split())
        link = incident.sudo().page_url if incident.sudo().page_published else ""
        limit = self.reply_limit
        room = limit - (len(link) + 1 if link else 0)
        if len(text) > room:
            text = textwrap.shorten(text, max(room, 10), placeholder="…")
        return f"{text} {link}".strip() if link else text

    def action_mark_answered(self):
        """Record that the post was answered (once; keeps the first time)."""
        self._check_answer_rights()
        now = fields.Datetime.now()
        for post in self:
            if post.state == "ignored":
                raise UserError(
                    _("The post “%(post)s” was ignored.", post=post.display_name)
                )
            if post.state != "answered":
                post._write_workflow({"state": "answered", "date_answered": now})
        return True

    def action_ignore(self, reason=None):
        """Ignore posts that need no answer; the reason is kept."""
        return self._dismiss("ignore", reason)

    def action_hide(self, reason=None):
        """Hide posts from the lists (spam, off topic); the reason is kept."""
        return self._dismiss("hide", reason)

    def _dismiss(self, mode, reason):
        self._check_answer_rights()
        if reason is None:
            return {
                "type": "ir.actions.act_window",
                "name": _("Hide Posts") if mode == "hide" else _("Ignore Posts"),
                "res_model": "crisis.social.post.dismiss",
                "view_mode": "form",
                "target": "new",
                "context": {
                    "default_post_ids": self.ids,
                    "default_mode": mode,
                },
            }
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Please give the reason why these posts need no answer."))
        vals = {
            "ignore_reason": reason.strip(),
            "ignored_by_id": self.env.uid,
            "date_ignored": fields.Datetime.now(),
        }
        if mode == "hide":
            vals["active"] = False
        else:
            vals["state"] = "ignored"
        self._write_workflow(vals)
        return True

    def action_reset_sentiment(self):
        """Back to the computed sentiment."""
        self._check_answer_rights()
        for post in self:
            result = post._score(post.body or "", post.lang)
            post._write_workflow(
                {
                    "sentiment": result["label"],
                    "sentiment_score": result["score"],
                    "sentiment_words": ", ".join(result["words"]),
                    "sentiment_manual": False,
                    "sentiment_override_uid": False,
                    "sentiment_override_date": False,
                }
            )
        return True
