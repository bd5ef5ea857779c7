"""Arbitrary text never breaks the extractor, and what it returns is always valid."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processors.extraction import extract_events
from schemas.article import Article
from schemas.event import EventMention

WORDS = st.sampled_from(
    [
        "killed",
        "injured",
        "wounded",
        "missile",
        "shelling",
        "air",
        "strike",
        "drone",
        "clashes",
        "protesters",
        "agreed",
        "ceasefire",
        "Ganja",
        "Kyiv",
        "Barda",
        "Sa'dah",
        "El",
        "Fasher",
        "Azerbaijan",
        "Russian",
        "forces",
        "at",
        "least",
        "nine",
        "dozens",
        "34",
        "on",
        "Sunday",
        "overnight",
        "yesterday",
        "since",
        "Sept.",
        "27",
        "anniversary",
        "denied",
        "Separately",
        "In",
        "Zamfara",
        "state",
        "region",
        "gunman",
        "no",
        "one",
        "was",
        "beheading",
        "police",
        "dispersed",
        "seized",
        "town",
        "of",
        "and",
        "soldiers",
        "IMPHAL -",
        "1995",
        "June",
        "would",
        ",",
        ".",
        "-",
        "(",
        ")",
        "\n",
    ]
)
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=120).map(" ".join))
OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TEXT.filter(lambda t: t.strip()),
    text=TEXT,
    offset=OFFSETS,
    when=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
)
def test_extractor_never_raises_and_returns_valid_mentions(title, text, offset, when):
    article = Article(
        id="a" * 32,
        url="https://x.example/a",
        title=title[:1000],
        text=text,
        source="S",
        published=when.replace(tzinfo=offset),
    )
    for mention in extract_events(article):
        assert EventMention.model_validate_json(mention.model_dump_json()) == mention
        assert mention.article_id == article.id
