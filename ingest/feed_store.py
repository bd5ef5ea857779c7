"""What the collector remembers between runs: each feed's health and the entries it pushed,
and how many of its articles were in a language the extractor does not read.

An entry is recorded as seen only after Kafka acknowledged it, and a feed's ETag and
Last-Modified only after every entry of that response was acknowledged, so a crash or
a broker outage in the middle of a poll never loses an entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from infra.db import Migration, make_engine, migrate, upsertable_insert

metadata = MetaData()

feed_state = Table(
    "feed_state",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_success", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("entries_seen", Integer, nullable=False, default=0),
    Column("fetches", Integer, nullable=False, default=0),
    Column("not_modified", Integer, nullable=False, default=0),
    Column("interval_minutes", Float),
    Column("next_poll_at", DateTime(timezone=True)),
)

seen_entries = Table(
    "seen_entries",
    metadata,
    Column("feed_url", Text, primary_key=True),
    Column("entry_key", Text, primary_key=True),
    Column("version", String(64), nullable=False),
    Column("article_id", String(64), nullable=False),
    Column("published", DateTime(timezone=True)),
    Column("pushed_at", DateTime(timezone=True), nullable=False),
)


# articles of each feed the extractor does not read (English only), by detected language
not_read = Table(
    "feed_languages_not_read",
    metadata,
    Column("feed_url", Text, primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("articles", Integer, nullable=False, default=0),
)


def _create_v1(engine: Engine) -> None:
    metadata.create_all(engine, tables=[feed_state, seen_entries])


def _create_v2(engine: Engine) -> None:
    metadata.create_all(engine, tables=[not_read])


MIGRATIONS: tuple[Migration, ...] = ((1, _create_v1), (2, _create_v2))


@dataclass
class FeedHealth:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: dt.datetime | None = None
    last_error: str | None = None
    last_error_at: dt.datetime | None = None
    consecutive_failures: int = 0
    entries_seen: int = 0
    fetches: int = 0
    not_modified: int = 0
    interval_minutes: float | None = None
    next_poll_at: dt.datetime | None = None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class FeedStore:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine, "collector", MIGRATIONS)

    def health(self, url: str) -> FeedHealth:
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(feed_state).where(feed_state.c.url == url))
                .mappings()
                .first()
            )
        if row is None:
            return FeedHealth(url=url)
        values = dict(row)
        for key in ("last_success", "last_error_at", "next_poll_at"):
            values[key] = _aware(values[key])
        return FeedHealth(**values)

    def save_health(self, health: FeedHealth) -> None:
        values = {key: getattr(health, key) for key in FeedHealth.__dataclass_fields__}
        statement = upsertable_insert(self.engine, feed_state).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["url"], set_={k: statement.excluded[k] for k in values if k != "url"}
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def last_poll(self) -> tuple[int, dt.datetime | None]:
        """How many feeds have a health record, and the latest moment any of them was
        polled (its last success or last error), None when none ever was."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(feed_state.c.last_success, feed_state.c.last_error_at)
            ).all()
        moments = [_aware(moment) for row in rows for moment in row if moment is not None]
        return len(rows), max(moments, default=None)

    def forget_feed(self, url: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(feed_state.delete().where(feed_state.c.url == url))
            connection.execute(seen_entries.delete().where(seen_entries.c.feed_url == url))
            connection.execute(not_read.delete().where(not_read.c.feed_url == url))

    def count_not_read(self, feed_url: str, languages: dict[str, int]) -> None:
        """Add LANGUAGES' counts (language -> articles) to the feed's skipped articles."""
        with self.engine.begin() as connection:
            for language, count in languages.items():
                where = (not_read.c.feed_url == feed_url, not_read.c.language == language)
                done = connection.execute(
                    not_read.update().where(*where).values(articles=not_read.c.articles + count)
                )
                if done.rowcount == 0:
                    connection.execute(
                        not_read.insert().values(
                            feed_url=feed_url, language=language, articles=count
                        )
                    )

    def not_read(self) -> dict[str, dict[str, int]]:
        """feed URL -> language -> articles skipped as not English, most first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(not_read.c.feed_url, not_read.c.language, not_read.c.articles).order_by(
                    not_read.c.feed_url, not_read.c.articles.desc(), not_read.c.language
                )
            ).all()
        found: dict[str, dict[str, int]] = {}
        for feed_url, language, count in rows:
            found.setdefault(feed_url, {})[language] = count
        return found

    def seen_versions(self, feed_url: str, keys: list[str]) -> dict[str, str]:
        """entry key -> the version last pushed, for the given keys."""
        found: dict[str, str] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = connection.execute(
                    select(seen_entries.c.entry_key, seen_entries.c.version).where(
                        seen_entries.c.feed_url == feed_url, seen_entries.c.entry_key.in_(chunk)
                    )
                )
                found.update({key: version for key, version in rows})
        return found

    def mark_seen(
        self, feed_url: str, entries: list[tuple[str, str, str, dt.datetime | None]]
    ) -> None:
        """Record (entry key, version, article id, published) as pushed."""
        if not entries:
            return
        now = dt.datetime.now(dt.UTC)
        rows = [
            {
                "feed_url": feed_url,
                "entry_key": key,
                "version": version,
                "article_id": article_id,
                "published": published,
                "pushed_at": now,
            }
            for key, version, article_id, published in entries
        ]
        statement = upsertable_insert(self.engine, seen_entries).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["feed_url", "entry_key"],
            set_={"version": statement.excluded.version, "pushed_at": statement.excluded.pushed_at},
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def recent_entry_times(self, feed_url: str, limit: int = 20) -> list[dt.datetime]:
        with self.engine.connect() as connection:
            rows = connection.scalars(
                select(seen_entries.c.published)
                .where(seen_entries.c.feed_url == feed_url, seen_entries.c.published.is_not(None))
                .order_by(seen_entries.c.published.desc())
                .limit(limit)
            )
            return [_aware(value) for value in rows if value is not None]
