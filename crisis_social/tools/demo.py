# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo fire's shitstorm: two days of posts, then a spike."""

import random
from datetime import timedelta

CALM_DE = [
    "Rauch über dem Gewerbegebiet, weiß jemand, was da los ist? #fabrikbrand",
    "Feuerwehr mit mehreren Löschzügen an der Industriestraße. #fabrikbrand",
    "Die Feuerwehr leistet gerade großartige Arbeit, danke! #fabrikbrand",
    "Laut Stadt keine Gefahr für die Anwohner, Fenster bleiben aber zu. #fabrikbrand",
    "Ich hoffe, alle Mitarbeitenden sind in Sicherheit. #fabrikbrand",
    "Straßensperrung an der Industriestraße wegen des Brandes. #fabrikbrand",
    "Gute und schnelle Infos vom Unternehmen auf der Krisenseite. #fabrikbrand",
    "Warum sagt die Firma nichts zu den Ursachen? Enttäuschend. #fabrikbrand",
]
STORM_DE = [
    "Ex-Mitarbeiter sagt, der Brandschutz wurde jahrelang ignoriert. Skandal! #fabrikbrand",
    "Die haben gewusst, dass die Sprinkler kaputt sind. Verantwortungslos! #fabrikbrand",
    "Zwei Vermisste und die Firma schweigt. Unerträglich. #fabrikbrand",
    "Profitgier vor Sicherheit – das ist die Wahrheit hinter dem #fabrikbrand",
    "Boykott! Ich kaufe nie wieder etwas von diesem Laden. #fabrikbrand",
    "Vertuschung auf ganzer Linie, die lügen uns doch an 😡 #fabrikbrand",
    "Was für eine Sauerei. Die Anwohner atmen den Dreck ein. #fabrikbrand",
    "Die Geschäftsführung sollte sich schämen. #fabrikbrand #shitstorm",
    "Unfassbar, wie arrogant die Pressestelle reagiert. #fabrikbrand",
]
STORM_EN = [
    "Former worker says fire safety was ignored for years. Disgraceful. #fabrikbrand",
    "Two people missing and the company stays silent. Unacceptable. #fabrikbrand",
]


def demo_shitstorm_posts(now):
    """Posts of the two days before ``now`` for the demo query: a few an
    hour, then the storm after the ex-employee's post."""
    rng = random.Random(2)
    posts = []
    start = now - timedelta(hours=48)
    for hour in range(48):
        storm = hour >= 47
        count = rng.randint(38, 46) if storm else rng.randint(2, 6)
        for number in range(count):
            if storm and number % 4 == 3:
                # Not everyone is angry: questions and thanks in between.
                body = rng.choice(CALM_DE)
            elif storm:
                body = rng.choice(STORM_DE + STORM_EN if number % 5 == 0 else STORM_DE)
            else:
                body = rng.choice(CALM_DE)
            date = start + timedelta(hours=hour, minutes=rng.randint(0, 59))
            posts.append(
                {
                    "external_id": f"demo-{hour}-{number}",
                    "author": f"@nachbar{rng.randint(1, 400)}@mastodon.social",
                    "url": f"https://mastodon.social/@demo/{hour}{number:03d}",
                    "body": body,
                    "date_posted": date.isoformat(),
                    "reach": rng.randint(10, 4000),
                }
            )
    posts.append(
        {
            "external_id": "demo-ex-employee",
            "author": "@dieter.schmitt@mastodon.social",
            "url": "https://mastodon.social/@dieter.schmitt/1",
            "body": "Ich habe 20 Jahre in Halle 2 gearbeitet. Der Brandschutz war "
            "eine Katastrophe, jeder wusste es. #fabrikbrand",
            "date_posted": (now - timedelta(minutes=58)).isoformat(),
            "reach": 5200,
        }
    )
    return posts
