import pytest

from ingest.seeds import SeedError, load_seed, seed_files
from ingest.urls import InvalidURLError, canonical_url
from tests.conftest import SEEDS


def test_every_seed_is_a_valid_article_of_80_to_400_words():
    paths = seed_files(SEEDS)
    assert len(paths) >= 15
    articles = [load_seed(path) for path in paths]
    for path, article in zip(paths, articles, strict=True):
        words = len(article.text.split())
        assert 80 <= words <= 400, f"{path.name} has {words} words"
        assert article.published.tzinfo is not None
    assert len({a.id for a in articles}) == len(articles)
    assert len({a.source for a in articles}) >= 8


def test_seed_urls_are_canonical():
    article = load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md")
    assert "utm_" not in article.url
    republished = load_seed(SEEDS / "chuhuiv-shelling-republished.md")
    assert "fbclid" not in republished.url


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "---\ntitle: T\nsource: S\nurl: https://x.example/a\n---\nBody",
            "front matter lacks published",
        ),
        (
            "---\ntitle: T\nsource: S\nurl: ftp://x.example/a\npublished: 2020-10-11T09:40:00+04:00\n---\nB",
            "only http and https",
        ),
        (
            "---\ntitle: T\nsource: S\nurl: https://x.example/a\npublished: 2020-10-11T09:40:00\n---\nB",
            "needs a time zone",
        ),
        ("---\ntitle: [unclosed\n---\nB", "unreadable front matter"),
        (
            "---\ntitle: '   '\nsource: S\nurl: https://x.example/a\npublished: 2020-10-11T09:40:00Z\n---\nB",
            "title: String should have at least 1 character",
        ),
    ],
)
def test_malformed_seed_says_which_file_and_why(tmp_path, text, reason):
    path = tmp_path / "bad.md"
    path.write_text(text)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_canonical_url_lowercases_host_and_drops_fragment_and_tracking():
    assert (
        canonical_url("HTTPS://News.Example:443/a/b?id=3&utm_source=x&fbclid=y&gclid=z#top")
        == "https://news.example/a/b?id=3"
    )
    assert canonical_url("http://x.example:8080") == "http://x.example:8080/"
    with pytest.raises(InvalidURLError):
        canonical_url("javascript:alert(1)")
