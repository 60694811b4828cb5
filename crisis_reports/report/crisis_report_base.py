# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
import re
from datetime import datetime

import pytz
from babel.numbers import format_decimal, format_percent

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse, format_date, format_datetime

from odoo.addons.crisis_management.tools import reader_tz, require_group

MANAGER_GROUP = "crisis_management.group_crisis_manager"
ADMIN_GROUP = "crisis_management.group_crisis_admin"


def four_digit_year(pattern):
    """A babel date pattern with the year in four digits ("dd.MM.yy" ->
    "dd.MM.yyyy"); quoted literals are left alone."""
    parts = re.split(r"('[^']*')", pattern)
    return "".join(
        part if part.startswith("'") else re.sub(r"(?<!y)y{1,2}(?!y)", "yyyy", part)
        for part in parts
    )


def percentile(values, share):
    """Linear-interpolated percentile of a sorted list (``share`` in 0..1),
    ``None`` for an empty list."""
    if not values:
        return None
    position = (len(values) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return values[low]
    return values[low] + (values[high] - values[low]) * (position - low)


class CrisisReportBase(models.AbstractModel):
    """What every crisis report shares: who may print it, and dates, times,
    numbers and durations written the way the report's language writes
    them (Babel), in the time zone chosen for the report."""

    _name = "crisis.report.base"
    _description = "Crisis Report Helpers"

    @api.model
    def _report_tz(self):
        return reader_tz(self.env, self.env.context.get("tz"), self.env.user.tz)

    @api.model
    def _check_report_access(self, records, group=MANAGER_GROUP):
        """Reports follow the record rules: whoever cannot read a record
        cannot print it, and only the crisis team prints crisis reports."""
        require_group(
            self.env,
            group,
            self.env._("Only the crisis team can print crisis reports.")
            if group == MANAGER_GROUP
            else self.env._(
                "Only crisis administrators can print a data subject access report."
            ),
        )
        records.check_access("read")

    @api.model
    def _incident_report_values(self, docids, data, key, build):
        """Values of a report on incidents: access checked first, then
        ``key`` maps each incident's id to ``build(incident)``."""
        docs = self.env["crisis.incident"].browse(self._docids(docids, data))
        self._check_report_access(docs)
        return {
            "doc_ids": docs.ids,
            "doc_model": "crisis.incident",
            "docs": docs,
            key: {doc.id: build(doc) for doc in docs},
            **self._report_helpers(),
        }

    @api.model
    def _docids(self, docids, data):
        return docids or (data or {}).get("doc_ids") or []

    @api.model
    def _report_helpers(self):
        env = self.env
        lang = env.lang or "en_US"
        locale = babel_locale_parse(lang)
        tz_name = self._report_tz()
        offset = datetime.now(pytz.timezone(tz_name)).strftime("%z")
        utc_offset = f"{offset[:3]}:{offset[3:]}"
        short_pattern = four_digit_year(
            str(locale.datetime_formats["short"]).format(
                locale.time_formats["short"].pattern,
                locale.date_formats["short"].pattern,
            )
        )

        def fmt_dt(value, dt_format="medium"):
            if not value:
                return ""
            if dt_format == "short":
                # A court reader needs the century: babel's short German
                # pattern prints "07.12.26".
                dt_format = short_pattern
            return format_datetime(env, value, tz=tz_name, dt_format=dt_format)

        def fmt_date(value):
            return format_date(env, value) if value else ""

        def fmt_num(value, digits=0):
            if value is None or value is False:
                return "–"
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            return format_decimal(value, format=pattern, locale=locale)

        def fmt_pct(value):
            if value is None:
                return "–"
            return format_percent(value, format="#,##0 %", locale=locale)

        def fmt_duration(seconds):
            if seconds is None or seconds is False:
                return "–"
            minutes = round(seconds / 60)
            days, rest = divmod(minutes, 24 * 60)
            hours, minutes = divmod(rest, 60)
            if days:
                return env._("%(days)s d %(hours)s h", days=days, hours=hours)
            if hours:
                return env._(
                    "%(hours)s h %(minutes)s min", hours=hours, minutes=minutes
                )
            return env._("%(minutes)s min", minutes=minutes)

        printed_on = fmt_dt(fields.Datetime.now())
        tz_label = env._(
            "Times in %(tz)s (UTC%(offset)s).", tz=tz_name, offset=utc_offset
        )

        def label(record, field_name):
            value = record[field_name]
            selection = record._fields[field_name]._description_selection(env)
            return dict(selection).get(value, value or "")

        return {
            "fmt_dt": fmt_dt,
            "fmt_date": fmt_date,
            "fmt_num": fmt_num,
            "fmt_pct": fmt_pct,
            "fmt_duration": fmt_duration,
            "label": label,
            "report_lang": lang,
            "report_tz": tz_name,
            "report_tz_label": tz_label,
            "printed_on": printed_on,
            "printed_by": env.user.name,
            "printed_line": env._(
                "Printed on %(date)s by %(user)s. %(tz)s",
                date=printed_on,
                user=env.user.name,
                tz=tz_label,
            ),
        }

    @api.model
    def _social_available(self):
        """The social figures need crisis_social's posts and alerts; without
        them the reports print no social section."""
        return "crisis.social.post" in self.env and "crisis.social.alert" in self.env

    @api.model
    def _tz_info(self):
        return pytz.timezone(self._report_tz())

    @api.model
    def _local(self, value, tz):
        """A naive UTC datetime as a naive datetime in ``tz`` (spreadsheet
        cells have no time zone: the sheet says which one)."""
        return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
