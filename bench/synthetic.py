"""Synthetic wire reports for the stream benches: short, each describing one incident in
a large town of five countries, so that the reports of a run fall on a few thousand
incidents, a few reports each, as a real stream's do."""

from __future__ import annotations

import datetime as dt
import random

from processors.extraction.gazetteer import get_gazetteer
from schemas.article import Article, article_id_for

COUNTRY_NAMES = {"UA": "Ukraine", "SY": "Syria", "SD": "Sudan", "SO": "Somalia", "NG": "Nigeria"}
# a wider stream: twenty countries with wars or insurgencies in the news
WIDE_COUNTRY_NAMES = {
    **COUNTRY_NAMES,
    "IQ": "Iraq",
    "YE": "Yemen",
    "AF": "Afghanistan",
    "ML": "Mali",
    "BF": "Burkina Faso",
    "CD": "the Democratic Republic of the Congo",
    "MM": "Myanmar",
    "ET": "Ethiopia",
    "PK": "Pakistan",
    "CO": "Colombia",
    "LB": "Lebanon",
    "LY": "Libya",
    "MZ": "Mozambique",
    "CM": "Cameroon",
    "NE": "Niger",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEMPLATES = (
    "Artillery shelling killed {k} people in {town}, {country}, on {day}, officials said.",
    "An air strike killed {k} people in {town}, {country}, on {day}, medics said.",
    "Gunmen killed {k} villagers in {town}, {country}, on {day}, residents said.",
    "A roadside bomb killed {k} soldiers near {town}, {country}, on {day}, the army said.",
    "Fighting between the army and rebels killed {k} fighters in {town}, {country}, on {day}.",
)


def report_towns(
    count: int = 100, countries: dict[str, str] = COUNTRY_NAMES, population: int = 150_000
) -> list:
    """The COUNT most populous one-word towns of COUNTRIES above POPULATION (gazetteer
    places). Each town, kind and day of the last week is one incident."""
    towns = [
        p
        for p in get_gazetteer().places.values()
        if p.country in countries and p.population > population and " " not in p.name
    ]
    return sorted(towns, key=lambda p: -p.population)[:count]


def report(number: int, town, rng: random.Random, label: str = "bench") -> Article:
    """Report NUMBER: a kind, a toll and one of the last seven days drawn from RNG, so
    reports of one town, kind and day merge into one incident. LABEL keeps the URLs, and
    so the article ids, of one run apart from another's."""
    now = dt.datetime.now(dt.UTC)
    day = WEEKDAYS[(now.weekday() - rng.randrange(0, 7)) % 7]
    words = " ".join(
        rng.choice(("grim", "heavy", "local", "nearby", "central", "old")) for _ in range(6)
    )
    text = rng.choice(TEMPLATES).format(
        k=rng.randrange(1, 30), town=town.name, country=WIDE_COUNTRY_NAMES[town.country], day=day
    )
    text += f" Report {number}: {words} streets were damaged."
    url = f"https://{label}.example/{number}"
    return Article(
        id=article_id_for(url),
        url=url,
        title=f"Violence in {town.name}",
        text=text,
        source=f"Bench Wire {number % 7}",
        published=now,
    )
