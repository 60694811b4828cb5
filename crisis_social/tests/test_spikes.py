# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SocialCommon


@tagged("post_install", "-at_install")
class TestSpikes(SocialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.env["crisis.incident.member"].create(
            {
                "incident_id": cls.incident.id,
                "user_id": cls.user_manager2.id,
                "role": "spokesperson",
            }
        )
        cls.Alert = cls.env["crisis.social.alert"]
        cls.counter = 0
        # Three quiet days: per hour 2 negative and 3 neutral posts.
        posts = []
        for hour in range(2, 72):
            posts += cls._batch(hour * 60, negative=2, neutral=3)
        cls._ingest(posts)

    @classmethod
    def _batch(cls, minutes_ago, negative=0, neutral=0, positive=0):
        texts = (
            [("Fabrikbrand: eine Schande, die lügen doch!", negative)]
            + [("Fabrikbrand: Straße gesperrt, Bus fährt um.", neutral)]
            + [("Fabrikbrand: danke an die Feuerwehr, großartig!", positive)]
        )
        posts = []
        for text, count in texts:
            for _i in range(count):
                cls.counter += 1
                posts.append(
                    cls._post(
                        f"p{cls.counter}",
                        text,
                        lang="de",
                        date_posted=(
                            cls.now - timedelta(minutes=minutes_ago)
                        ).isoformat(),
                    )
                )
        return posts

    def _recent(self):
        return (self.now - timedelta(minutes=5)).isoformat()

    def _detect(self, now=None):
        return self.Alert.sudo()._detect_spikes(now=now or self.now)

    def _alerts(self):
        return self.Alert.search([("query_id", "=", self.query.id)])

    def test_shitstorm_alert_once_explained_in_both_languages(self):
        self._ingest(self._batch(20, negative=30, neutral=5))
        self.assertFalse(self._alerts())
        self._detect()
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.level, "shitstorm")
        self.assertEqual(alert.volume, 30)
        self.assertAlmostEqual(alert.baseline, 2.0)
        self.assertAlmostEqual(alert.score, 15.0)
        self.assertEqual(alert.incident_id, self.incident)
        self.assertEqual(len(alert.post_ids), 30)
        self.assertEqual(
            alert.with_context(lang="en_US").explanation,
            "30 negative posts in the last hour against 2.0 usually (15.0×), "
            "86 % negative.",
        )
        german = alert.with_context(lang="de_DE").explanation
        self.assertIn("30 negative Beiträge in der letzten Stunde", german)
        self.assertIn("2,0", german)
        self.assertIn("15,0", german)
        self.assertIn("86 %", german)
        # The team is told at once: the spokesperson's activity, the incident.
        activity = alert.activity_ids
        self.assertEqual(activity.user_id, self.user_manager2)
        self.assertIn("Shitstorm", activity.summary)
        self.assertTrue(
            self.incident.message_ids.filtered(lambda m: "Shitstorm" in (m.body or ""))
        )
        # and the open web clients of the team.
        notices = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", "crisis_social/alert")])
        )
        self.assertTrue(notices)
        # The next runs report the same spike, not a new one.
        self._detect(self.now + timedelta(minutes=10))
        self._detect(self.now + timedelta(minutes=20))
        self.assertEqual(len(self._alerts()), 1)
        self.assertEqual(len(alert.activity_ids), 1)

    def test_positive_wave_never_alerts(self):
        self._ingest(self._batch(20, positive=60, negative=1))
        self.assertFalse(self._detect())
        self.assertFalse(self._alerts())

    def test_negative_but_mixed_hour_gated_by_share(self):
        # 12 negative posts (6× usual) drowned in 40 positive ones: 23 %.
        self._ingest(self._batch(20, negative=12, positive=40))
        self._detect()
        self.assertFalse(self._alerts())

    def test_watch_grows_into_shitstorm_in_the_same_alert(self):
        self._ingest(self._batch(40, negative=8))
        self._detect()
        alert = self._alerts()
        self.assertEqual(alert.level, "watch")
        self._ingest(self._batch(5, negative=20))
        self._detect(self.now + timedelta(minutes=10))
        self.assertEqual(self._alerts(), alert)
        self.assertEqual(alert.level, "shitstorm")
        self.assertEqual(alert.volume, 28)
        self.assertEqual(len(alert.activity_ids), 2)

    def test_new_alert_after_quiet_hours(self):
        earlier = self.now - timedelta(hours=5)
        self._ingest(self._batch(5 * 60 + 20, negative=30))
        self._detect(earlier)
        first = self._alerts()
        self.assertEqual(len(first), 1)
        self.assertEqual(first.date_end, earlier)
        self._ingest(self._batch(20, negative=30))
        self._detect()
        self.assertEqual(len(self._alerts()), 2)

    def test_quiet_query_cold_start(self):
        quiet = self.env["crisis.social.query"].create(
            {"name": "Neu", "keywords": "Kühlbox"}
        )
        posts = [
            self._post(
                f"k{i}",
                "Kühlbox: eine Schande, die lügen doch!",
                lang="de",
                date_posted=self._recent(),
            )
            for i in range(4)
        ]
        self._ingest(posts)
        self._detect()
        # Four negative posts on a brand-new query are not yet a spike.
        self.assertFalse(self.Alert.search([("query_id", "=", quiet.id)]))
        self._ingest(
            [
                self._post(
                    f"k{i}",
                    "Kühlbox: Skandal, eine Schande!",
                    lang="de",
                    date_posted=self._recent(),
                )
                for i in range(4, 12)
            ]
        )
        self._detect()
        alert = self.Alert.search([("query_id", "=", quiet.id)])
        self.assertEqual(alert.level, "watch")
        self.assertEqual(alert.baseline, 2.0)

    def test_open_incident_links_or_creates(self):
        self._ingest(self._batch(20, negative=30))
        self._detect()
        alert = self._alerts()
        alert.with_user(self.user_manager).action_open_incident()
        self.assertEqual(alert.incident_id, self.incident)
        # Without an incident on the query, a draft incident is opened.
        orphan = self.env["crisis.social.query"].create(
            {"name": "Ohne", "keywords": "Kühlbox"}
        )
        self._ingest(
            [
                self._post(
                    f"o{i}",
                    "Kühlbox: Skandal, eine Schande!",
                    lang="de",
                    date_posted=self._recent(),
                )
                for i in range(20)
            ]
        )
        self._detect()
        alert = self.Alert.search([("query_id", "=", orphan.id)])
        self.assertFalse(alert.incident_id)
        with self.assertRaises(AccessError):
            alert.with_user(self.user_crisis).action_open_incident()
        action = alert.with_user(self.user_manager).action_open_incident()
        incident = self.env["crisis.incident"].browse(action["res_id"])
        self.assertEqual(incident.state, "draft")
        self.assertEqual(alert.incident_id, incident)
        self.assertEqual(orphan.incident_id, incident)
        self.assertEqual(alert.post_ids.incident_id, incident)

    def test_copy_never_revives_a_workflow_state(self):
        self._ingest(self._batch(20, negative=30))
        self._detect()
        alert = self._alerts()
        alert.with_user(self.user_manager).action_acknowledge()
        post = alert.post_ids[:1]
        post.with_user(self.user_crisis).action_mark_answered()
        posts, alerts = self.Post.search_count([]), self.Alert.search_count([])
        for record in (post, alert):
            with self.assertRaises(UserError):
                record.with_user(self.user_admin).copy()
        self.assertEqual(self.Post.search_count([]), posts)
        self.assertEqual(self.Alert.search_count([]), alerts)
        self.assertEqual(post.state, "answered")
        # A source's copy starts without the fetch state and with a new secret.
        Source = self.env["crisis.social.source"].with_user(self.user_admin)
        source = Source.create({"name": "Hook", "kind": "webhook"})
        source._write_fetch_state({"cursor": "x", "last_error": "boom"})
        copy = source.with_user(self.user_admin).copy()
        self.assertFalse(copy.cursor or copy.last_error)
        self.assertNotEqual(copy.sudo().secret, source.sudo().secret)
        with self.assertRaises(UserError):
            source.with_user(self.user_admin).copy({"cursor": "y"})

    def test_alert_fields_only_by_detection(self):
        self._ingest(self._batch(20, negative=30))
        self._detect()
        alert = self._alerts()
        for vals in ({"state": "dismissed"}, {"level": "watch"}, {"volume": 1}):
            with self.assertRaises(UserError):
                alert.with_user(self.user_manager).write(vals)
        with self.assertRaises(UserError):
            self.Alert.with_user(self.user_admin).create(
                {"query_id": self.query.id, "level": "watch"}
            )
        with self.assertRaises(AccessError):
            alert.with_user(self.user_crisis).action_acknowledge()
        alert.with_user(self.user_manager).action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertFalse(alert.activity_ids)

    def test_situation_picture_shows_social_figures(self):
        self._ingest(self._batch(20, negative=30, neutral=10))
        self._detect()
        # Half an hour later: the quiet post of exactly 24 hours ago is out.
        with freeze_time(self.now + timedelta(minutes=30)):
            kpis = self.incident.get_situation_kpis()["social"]
        self.assertEqual(kpis["alerts_open"], 1)
        # 24 h: 22 quiet hours of 5 posts plus the 40 of the spike.
        self.assertEqual(kpis["posts_24h"], 22 * 5 + 40)
        self.assertEqual(kpis["unanswered_negative"], 70 * 2 + 30)
        self.assertEqual(
            kpis["negative_share_24h"], round(100 * (22 * 2 + 30) / 150, 1)
        )
        self.assertTrue(kpis["oldest_waiting_date"])
        self.assertEqual(self.incident.situation_social_alert_open_count, 1)
