"""Stored events found by what an analyst asks: the filters, the order and the page.

A query is a value (`EventQuery`) checked when it is made, so the HTTP API and the
command line refuse the same bad input with the same words; `find_events` turns it
into one SQL statement over the ``events`` table's columns (`sinks.storage`).

Pages are keyset pages: the cursor holds the sort value and the event id of the last
event of a page, and the next page starts after it. Events stored meanwhile never
shift a page or repeat one; an event updated meanwhile may move (its place in the order
changed), as the order says it should.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.sql import Select

from infra.geo import EARTH_RADIUS_KM
from schemas.event import Event
from schemas.inputs import BoundingBox as Box
from schemas.inputs import box_value, country_list, parse_date, parse_floats, parse_moment
from schemas.taxonomy import EventType, SubEventType
from sinks.storage import (
    SEARCH_CONFIG,
    event_versions_table,
    events_table,
    record_text,
    stored_event,
)

MAX_LIMIT = 1000
MAX_TEXT = 200  # characters of a search or a name: more is no query an analyst types
MAX_WORDS = 20  # words of a search, all of which must match
Sort = Literal["-date", "date", "-updated", "updated", "-killed", "killed"]
_SORT_COLUMNS = {"date": "event_date", "updated": "stored_at", "killed": "fatalities"}


class QueryError(Exception):
    """A query that cannot be run: which parameter, and what is wrong with it. (Not a
    ValueError: raised while a query is checked, it passes through pydantic as itself,
    with the parameter it names.)"""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter}: {problem}")
        self.parameter = parameter
        self.problem = problem


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    @classmethod
    def parse(cls, value: str) -> Point:
        lat, lon = parse_floats(value, 2, "lat,lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("latitude must lie between -90 and 90, longitude between -180 and 180")
        return cls(lat, lon)


# no control characters (PostgreSQL refuses a NUL in text outright)
Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00-\x1f\x7f]+$")]


class EventQuery(BaseModel):
    """What to find. Every field is optional; several values of one field mean any of
    them, different fields must all hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # each description is the filter's help, in the API and on the command line alike
    # (`sinks.query_vocabulary`); each bound is checked there too
    country: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        (),
        description="ISO 3166 code or English name; several (repeated or comma-separated): "
        "any of them",
    )
    type: tuple[EventType, ...] = Field(
        (),
        description="event type slug (battles, explosions_remote_violence, ...); "
        "several: any of them",
    )
    sub_type: tuple[SubEventType, ...] = Field(
        (), description="sub-event type slug (air_drone_strike, ...); several: any of them"
    )
    actor: Name | None = Field(None, description="part of either actor's name, in any case")
    date_from: dt.date | None = Field(None, description="event date from, YYYY-MM-DD")
    date_to: dt.date | None = Field(None, description="event date to, inclusive, YYYY-MM-DD")
    updated_since: dt.datetime | None = Field(
        None,
        description="stored (a new version) at or after this time, ISO 8601 (no zone: UTC)",
    )
    bbox: Box | None = Field(
        None,
        description="west,south,east,north in degrees (west greater than east crosses "
        "the antimeridian)",
    )
    near: Point | None = Field(None, description="lat,lon in degrees; with km")
    km: Annotated[float, Field(gt=0, le=20_000)] | None = Field(
        None, description="radius around near, in km"
    )
    min_killed: Annotated[int, Field(ge=0, le=10_000_000)] | None = Field(
        None, description="at least this many killed"
    )
    min_casualties: Annotated[int, Field(ge=0, le=20_000_000)] | None = Field(
        None, description="at least this many killed and injured"
    )
    source: Name | None = Field(None, description="an outlet, exactly as stored")
    q: Name | None = Field(
        None,
        description="words, all of them (stemmed: attack finds attacks), in the evidence, "
        "the place and its region, the actors or the outlets",
    )
    sort: Sort = Field(
        "-date",
        description="the order: -date (the default), date, -updated, updated, -killed or killed",
    )

    @field_validator("country", mode="before")
    @classmethod
    def _countries(cls, value: Any) -> Any:
        """Several given apart (country=AZ&country=Ukraine) or together (AZ,UA), each by
        ISO code or English name (`schemas.inputs`)."""
        return country_list(value)

    @field_validator("type", "sub_type", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """Several values given apart (type=battles&type=riots) or together."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        return tuple(part.strip() for v in value for part in str(v).split(",") if part.strip())

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        return parse_date(value) if isinstance(value, str) else value

    @field_validator("bbox", mode="before")
    @classmethod
    def _box(cls, value: Any) -> Any:
        return box_value(value)

    @field_validator("near", mode="before")
    @classmethod
    def _point(cls, value: Any) -> Any:
        return Point.parse(value) if isinstance(value, str) else value

    @field_validator("updated_since", mode="before")
    @classmethod
    def _moment(cls, value: Any) -> Any:
        return parse_moment(value) if isinstance(value, str) else value

    @field_validator("updated_since")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if not 1900 <= value.year <= 2200:  # nor can the UTC of years 1 and 9999 be had
            raise ValueError("year must lie between 1900 and 2200")
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # a time without a zone is UTC
        return value

    @field_validator("q")
    @classmethod
    def _words(cls, value: str | None) -> str | None:
        if value is not None and not _search_words(value):
            raise ValueError("no word to search for (letters or digits)")
        if value is not None and len(_search_words(value)) > MAX_WORDS:
            raise ValueError(f"at most {MAX_WORDS} words")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EventQuery:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("date_from", "is after date_to")
        if (self.near is None) != (self.km is None):
            missing = "km" if self.km is None else "near"
            raise QueryError(missing, "near=lat,lon and km go together: this one is missing")
        return self


def query_of(**fields: Any) -> EventQuery:
    """An EventQuery of FIELDS, or a QueryError naming the first bad one: the API and
    the command line refuse bad input in the same words."""
    try:
        return EventQuery(**fields)
    except ValidationError as error:
        first = error.errors()[0]
        parameter = str(first["loc"][0]) if first["loc"] else "query"
        raise QueryError(parameter, problem_of(first)) from None


def problem_of(error: Any) -> str:
    """A pydantic error's message, as a problem with a parameter."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error.get("type") == "enum":
        return message.replace("Input should be", "expected one of")
    return message


def _search_words(value: str) -> list[str]:
    """The words of a search, each matched as a word (no operators: input is untrusted)."""
    return "".join(ch if ch.isalnum() else " " for ch in value).split()


@dataclass(frozen=True)
class Page:
    events: list[Event]
    next_cursor: str | None


def encode_cursor(sort: str, last: Event, value: Any) -> str:
    raw = json.dumps([sort, value, last.event_id], default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """The sort value and event id a page ends with; a QueryError when the cursor was
    not made by this query's order."""
    if len(cursor) > 500:
        raise QueryError("cursor", "not a cursor this server made")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, event_id = json.loads(raw)
    except (ValueError, TypeError):
        raise QueryError("cursor", "not a cursor this server made") from None
    if cursor_sort != sort or not isinstance(event_id, str):
        raise QueryError("cursor", f"made for another order than sort={sort}")
    column = _SORT_COLUMNS[sort.lstrip("-")]
    if "\x00" in event_id or len(event_id) > 64:
        raise QueryError("cursor", "not a cursor this server made")
    try:
        if column == "event_date":
            value = dt.date.fromisoformat(value)
        elif column == "stored_at":
            value = dt.datetime.fromisoformat(value)
            if not 1900 <= value.year <= 2200 or value.tzinfo is None:
                raise ValueError
        elif isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**62:
            raise TypeError
    except (TypeError, ValueError):
        raise QueryError("cursor", "not a cursor this server made") from None
    return value, event_id


def _sort_value(event_row: Any, sort: str) -> Any:
    column = _SORT_COLUMNS[sort.lstrip("-")]
    value = getattr(event_row, column)
    if column == "fatalities":
        return -1 if value is None else value
    if column == "stored_at" and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC).isoformat()
    return value.isoformat()


def _sort_expression(sort: str) -> ColumnElement[Any]:
    column = events_table.c[_SORT_COLUMNS[sort.lstrip("-")]]
    if sort.lstrip("-") == "killed":
        # an unknown toll sorts below zero; written as the index on it is (migration 5),
        # with -1 in the SQL text rather than bound, so the database can use that index
        return func.coalesce(column, literal_column("-1"))
    return column


def conditions(query: EventQuery, dialect: str) -> list[ColumnElement[bool]]:
    c = events_table.c
    where: list[ColumnElement[bool]] = []
    if query.country:
        where.append(c.country.in_(query.country))
    if query.type:
        where.append(c.event_type.in_([t.value for t in query.type]))
    if query.sub_type:
        where.append(c.sub_event_type.in_([t.value for t in query.sub_type]))
    if query.actor:
        # both sides case-folded in Python: any case, any script, on either database
        pattern = "%" + _escape_like(query.actor.casefold()) + "%"
        where.append(c.actors_folded.like(pattern, escape="\\"))
    placed = query.bbox is not None or query.near is not None
    # SQLite's R*Tree tests the dates of a box or a radius itself (migration 8); the same
    # test beside it lets the planner walk every event of those dates instead
    if not (placed and dialect == "sqlite"):
        if query.date_from:
            where.append(c.event_date >= query.date_from)
        if query.date_to:
            where.append(c.event_date <= query.date_to)
    if query.updated_since:
        since = query.updated_since
        if dialect == "sqlite":  # SQLite keeps the UTC time without its zone
            since = since.astimezone(dt.UTC).replace(tzinfo=None)
        where.append(c.stored_at >= since)
    dates = (query.date_from, query.date_to)
    if query.bbox:
        where += _in_box(query.bbox, dialect, dates)
    if query.near and query.km:
        where += _within(query.near, query.km, dialect, dates)
    if query.min_killed is not None:
        where.append(c.fatalities >= query.min_killed)
    if query.min_casualties is not None:
        total = func.coalesce(c.fatalities, 0) + func.coalesce(c.injured, 0)
        where.append(total >= query.min_casualties)
    if query.source:
        where.append(_has_source(query.source, dialect))
    if query.q:
        where.append(_matches(query.q, dialect))
    return where


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


Dates = tuple[dt.date | None, dt.date | None]  # from, to; inclusive, either open


def _box_parts(box: Box) -> list[tuple[float, float]]:
    """A box's west-east spans: a box across the antimeridian is two."""
    return (
        [(box.west, box.east)] if box.west <= box.east else [(box.west, 180.0), (-180.0, box.east)]
    )


def _rtree_box(
    number: int, box: Box, west: float, east: float, dates: Dates
) -> tuple[str, dict[str, Any]]:
    """The R*Tree's test for one span of a box (SQLite) and its values, with the dates of
    the query as its third dimension (migration 8), so the index leaves out events of
    other dates."""
    values: dict[str, Any] = {
        f"w{number}": west,
        f"e{number}": east,
        f"s{number}": box.south,
        f"n{number}": box.north,
    }
    sql = (
        f"max_lat >= :s{number} AND min_lat <= :n{number} "
        f"AND max_lon >= :w{number} AND min_lon <= :e{number}"
    )
    since, until = dates
    if since is not None:
        values[f"d{number}"] = _day_number(since)
        sql += f" AND max_day >= :d{number}"
    if until is not None:
        values[f"u{number}"] = _day_number(until)
        sql += f" AND min_day <= :u{number}"
    return sql, values


def _gist_box(number: int, box: Box, west: float, east: float) -> tuple[str, dict[str, Any]]:
    """PostgreSQL's test for one span of a box, as its GiST index of points answers it
    (migration 8); the dates are the query's own conditions on the event date."""
    values = {
        f"w{number}": west,
        f"e{number}": east,
        f"s{number}": box.south,
        f"n{number}": box.north,
    }
    sql = (
        f"point(events.lon, events.lat) <@ "
        f"box(point(:w{number}, :s{number}), point(:e{number}, :n{number}))"
    )
    return sql, values


def _day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _in_box(box: Box, dialect: str, dates: Dates = (None, None)) -> list[ColumnElement[bool]]:
    """Events placed inside BOX: found through the spatial index (an R*Tree on SQLite, a
    GiST index of points on PostgreSQL), then checked on the exact coordinates."""
    c = events_table.c
    parts = _box_parts(box)
    indexed: list[ColumnElement[bool]] = []
    for number, (west, east) in enumerate(parts):
        if dialect == "postgresql":
            sql, values = _gist_box(number, box, west, east)
        else:
            within, values = _rtree_box(number, box, west, east, dates)
            sql = f"events.rowid IN (SELECT id FROM events_place WHERE {within})"
        indexed.append(text(sql).bindparams(**values))
    if dialect == "postgresql":
        # a point in a box is exact there; the same test again on the columns would
        # lead the planner to an index of them instead of the dates of the page
        return [or_(*indexed)]
    # the R*Tree keeps 32-bit floats, rounded outwards: the exact test on the columns
    exact = or_(*(c.lon.between(west, east) for west, east in parts))
    return [or_(*indexed), c.lat.between(box.south, box.north), exact]


def _box_around(point: Point, km: float) -> Box:
    """The box that holds every place within KM of POINT."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    south, north = max(-90.0, point.lat - dlat), min(90.0, point.lat + dlat)
    west, east = -180.0, 180.0
    cos_lat = math.cos(math.radians(point.lat))
    reach = math.sin(km / EARTH_RADIUS_KM) / cos_lat if cos_lat > 1e-9 else 2.0
    if north < 90 and south > -90 and km / EARTH_RADIUS_KM < math.pi / 2 and reach < 1:
        # the widest longitude a circle of KM reaches from POINT: asin(sin d / cos lat),
        # wider than d / cos lat away from the equator
        dlon = math.degrees(math.asin(reach))
        west = (point.lon - dlon + 540) % 360 - 180
        east = (point.lon + dlon + 540) % 360 - 180
    return Box(west=west, south=south, east=east, north=north)


def _within(
    point: Point, km: float, dialect: str, dates: Dates = (None, None)
) -> list[ColumnElement[bool]]:
    """Events within KM of POINT: the box around it through the index, then the
    great-circle distance."""
    c = events_table.c
    where = _in_box(_box_around(point, km), dialect, dates)
    where.append(_near_test(c.lat, c.lon, point, km))
    return where


def _near_test(
    lat: ColumnElement[Any], lon: ColumnElement[Any], point: Point, km: float
) -> ColumnElement[bool]:
    """LAT, LON (degrees) within KM of POINT on the great circle."""
    lat1, lon1 = math.radians(point.lat), math.radians(point.lon)
    lat2, lon2 = func.radians(lat), func.radians(lon)
    half = func.power(func.sin((lat2 - lat1) / 2), 2) + math.cos(lat1) * func.cos(
        lat2
    ) * func.power(func.sin((lon2 - lon1) / 2), 2)
    # the haversine, compared without its arcsine: sin(d / 2R) squared against HALF
    return half <= math.sin(min(km / EARTH_RADIUS_KM, math.pi) / 2) ** 2


def _has_source(source: str, dialect: str) -> ColumnElement[bool]:
    c = events_table.c
    if dialect == "postgresql":
        return literal_column("events.sources::jsonb").op("?")(source)
    each = func.json_each(c.sources).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == source))


def _matches(q: str, dialect: str) -> ColumnElement[bool]:
    words = _search_words(q)
    if dialect == "postgresql":
        # stemmed as the column is (migration 9); each word letters and digits only
        return literal_column("events.search").op("@@")(
            func.to_tsquery(SEARCH_CONFIG, " & ".join(w.lower() for w in words))
        )
    # FTS5: each word quoted, so it is a word, never an operator; stemmed by the index's
    # own tokenizer (Porter, migration 9)
    match = " ".join('"' + w + '"' for w in words)
    return text(
        "events.rowid IN (SELECT rowid FROM events_search WHERE events_search MATCH :match)"
    ).bindparams(match=match)


def _statement(query: EventQuery, dialect: str, after: tuple[Any, str] | None) -> Select:
    c = events_table.c
    key = _sort_expression(query.sort)
    descending = query.sort.startswith("-")
    statement = select(record_text(events_table), c.event_date, c.stored_at, c.fatalities).where(
        *conditions(query, dialect)
    )
    if after is not None:
        # one total order, (key, event id); a descending sort is its exact reverse, so
        # one index on (key, event_id) serves both directions without sorting ties
        value, event_id = after
        position = tuple_(key, c.event_id)
        after_cursor = tuple_(value, event_id)
        statement = statement.where(
            position < after_cursor if descending else position > after_cursor
        )
    if descending:
        return statement.order_by(key.desc(), c.event_id.desc())
    return statement.order_by(key.asc(), c.event_id.asc())


def find_events(
    engine: Engine, query: EventQuery, limit: int = 100, cursor: str | None = None
) -> Page:
    """A page of events, at most LIMIT, after CURSOR; the cursor of the next page, or
    None when this one is the last."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError("limit", f"must be between 1 and {MAX_LIMIT}")
    after = decode_cursor(cursor, query.sort) if cursor else None
    if after and isinstance(after[0], dt.datetime) and engine.dialect.name == "sqlite":
        after = (after[0].astimezone(dt.UTC).replace(tzinfo=None), after[1])
    dialect = engine.dialect.name
    with engine.connect() as connection:
        rows = None
        # a cursor's own date holds events of the pages before, and other filters leave
        # out some places in the box: ask for more places
        wanted = (limit + 1) * (2 if after else 1) * (8 if _filtered_beyond_place(query) else 1)
        for _ in range(3):
            narrowed = _narrowed_by_place(connection, query, dialect, after, wanted)
            if narrowed is None:
                break
            rows = connection.execute(_statement(narrowed, dialect, after).limit(limit + 1)).all()
            if len(rows) > limit:
                break
            rows, wanted = None, wanted * 8  # the other filters left too few: widen
        if rows is None:
            rows = connection.execute(_statement(query, dialect, after).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    events = [stored_event(row.record) for row in rows]
    next_cursor = (
        encode_cursor(query.sort, events[-1], _sort_value(rows[-1], query.sort)) if more else None
    )
    return Page(events, next_cursor)


def _narrowed_by_place(
    connection: Connection,
    query: EventQuery,
    dialect: str,
    after: tuple[Any, str] | None,
    wanted: int,
) -> EventQuery | None:
    """For a page of a box or a radius in date order, the query narrowed to the dates the
    page can reach, read from the spatial index alone (migration 8): the date of the
    WANTED-th place in the box from where the page starts. A dense box otherwise reads
    every event in it to sort them; narrowed, it reads about a page. If the narrowed
    query fills the page, that is the page (every event left out is further on in the
    order); if not, the caller asks for more places, then runs the query as asked. None
    when it cannot help: not a place in date order, or fewer places than WANTED."""
    if query.sort.lstrip("-") != "date":
        return None
    if query.bbox is not None:
        box = query.bbox
    elif query.near is not None and query.km is not None:
        box = _box_around(query.near, query.km)
    else:
        return None
    descending = query.sort.startswith("-")
    since, until = query.date_from, query.date_to
    if after is not None:  # the page starts at the cursor's date
        if descending:
            until = after[0] if until is None else min(until, after[0])
        else:
            since = after[0] if since is None else max(since, after[0])
    day = None
    for low, high in _day_windows(dialect, descending, since, until):
        day = _nth_place_day(connection, query, box, dialect, (low, high), descending, wanted)
        if day is not None:
            break
    if day is None:  # fewer places than a page: the query as asked reads few
        return None
    return query.model_copy(update={"date_from": day} if descending else {"date_to": day})


def _day_windows(
    dialect: str, descending: bool, since: dt.date | None, until: dt.date | None
) -> Iterator[Dates]:
    """The date ranges to look for the page's places in, nearest the page's start first:
    SQLite's R*Tree leaves out the places of other dates (its third dimension), so a
    dense box finds a page in its last week without reading its years. PostgreSQL's
    index carries the date without ordering by it: one range, all of it."""
    if dialect == "sqlite":
        start = (until or dt.datetime.now(dt.UTC).date()) if descending else since
        for days in (8, 64, 512) if start is not None else ():
            try:
                edge = (
                    start - dt.timedelta(days=days)
                    if descending
                    else start + dt.timedelta(days=days)
                )
            except OverflowError:
                break
            if descending and (since is None or edge > since):
                yield edge, until
            elif not descending and (until is None or edge < until):
                yield since, edge
    yield since, until


def _nth_place_day(
    connection: Connection,
    query: EventQuery,
    box: Box,
    dialect: str,
    dates: Dates,
    descending: bool,
    wanted: int,
) -> dt.date | None:
    """The date of the WANTED-th place in BOX within DATES, in the page's order, read
    from the spatial index alone; None when there are fewer."""
    since, until = dates
    if dialect == "postgresql":  # the GiST index carries the date and the coordinates
        c = events_table.c
        lat, lon, day = c.lat, c.lon, c.event_date
    else:  # the R*Tree's own: the day and the coordinates (to a float's precision)
        lat, lon, day = (literal_column(name) for name in ("min_lat", "min_lon", "min_day"))
    places = []
    for number, (west, east) in enumerate(_box_parts(box)):
        if dialect == "postgresql":
            sql, values = _gist_box(number, box, west, east)
            place = select(day.label("day")).where(text(sql).bindparams(**values))
            if since is not None:
                place = place.where(day >= since)
            if until is not None:
                place = place.where(day <= until)
        else:
            sql, values = _rtree_box(number, box, west, east, (since, until))
            place = select(day.label("day")).select_from(text("events_place"))
            place = place.where(text(sql).bindparams(**values))
        if dialect == "sqlite":  # a box test on rounded coordinates
            place = place.where(lat.between(box.south, box.north), lon.between(west, east))
        if query.near is not None and query.km is not None:
            place = place.where(_near_test(lat, lon, query.near, query.km))
        places.append(place)
    ordered = union_all(*places) if len(places) > 1 else places[0]
    key = literal_column("day")
    statement = ordered.order_by(key.desc() if descending else key.asc()).limit(1)
    found = connection.execute(statement.offset(wanted - 1)).scalar()
    if found is None or isinstance(found, dt.date):
        return found
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(found))


def _filtered_beyond_place(query: EventQuery) -> bool:
    """Whether QUERY filters on more than place and dates."""
    placed_or_dated = {"bbox", "near", "km", "date_from", "date_to", "sort"}
    return any(
        getattr(query, name) not in (None, ())
        for name in EventQuery.model_fields
        if name not in placed_or_dated
    )


def iter_events(engine: Engine, query: EventQuery, batch: int = 1000) -> Iterator[Event]:
    """Every event the query finds, in its order, from one statement streamed a batch
    at a time: an export of any size holds one batch in memory, and reads one snapshot
    of the store, so an event updated meanwhile is neither skipped nor written twice."""
    statement = _statement(query, engine.dialect.name, None)
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=batch).execute(statement)
        for row in rows:
            yield stored_event(row.record)


MIN_PREFIX = 8  # characters of an id that may stand for it (the tables show 12)
_CANDIDATES = 10  # ids an ambiguous prefix is answered with, at most


class AmbiguousId(Exception):
    """An id prefix that starts several events' ids: which ones (the first few)."""

    def __init__(self, prefix: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:_CANDIDATES]) + (
            ", ..." if len(candidates) > _CANDIDATES else ""
        )
        super().__init__(
            f"{prefix!r} starts the ids of several events: {shown}; give more of the id"
        )
        self.prefix = prefix
        self.candidates = candidates[:_CANDIDATES]


def resolve_event_id(engine: Engine, given: str) -> str | None:
    """The id of the event GIVEN names: its whole id, or a prefix of MIN_PREFIX or more
    characters that starts one event's id alone. None when none; AmbiguousId when
    several. Read through the primary key's index: the ids from GIVEN on, in order."""
    if not given or len(given) > 64 or not given.isprintable():
        return None
    c = events_table.c
    with engine.connect() as connection:
        exact = connection.execute(select(c.event_id).where(c.event_id == given)).scalar()
        if exact is not None or len(given) < MIN_PREFIX:
            return exact
        following = connection.execute(
            select(c.event_id).where(c.event_id > given).order_by(c.event_id).limit(_CANDIDATES + 1)
        ).scalars()
        found = [event_id for event_id in following if event_id.startswith(given)]
    if len(found) > 1:
        raise AmbiguousId(given, found)
    return found[0] if found else None


def get_event(engine: Engine, event_id: str) -> Event | None:
    with engine.connect() as connection:
        record = connection.execute(
            select(record_text(events_table)).where(events_table.c.event_id == event_id)
        ).scalar_one_or_none()
    return None if record is None else stored_event(record)


@dataclass(frozen=True)
class StoredVersion:
    version: int
    stored_at: dt.datetime
    event: Event


def get_versions(engine: Engine, event_id: str) -> list[StoredVersion]:
    """Every version of an event stored, oldest first, with when it was stored."""
    table = event_versions_table
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.version, table.c.stored_at, record_text(table))
            .where(table.c.event_id == event_id)
            .order_by(table.c.version)
        ).all()
    return [
        StoredVersion(
            version,
            stored_at if stored_at.tzinfo else stored_at.replace(tzinfo=dt.UTC),
            stored_event(record),
        )
        for version, stored_at, record in rows
    ]


def event_in_full(event: Event, versions: list[StoredVersion]) -> dict[str, Any]:
    """An event and every version stored of it, as the API's ``/api/events/{id}`` and
    ``wirewatch events show --format json`` give them."""
    return {
        "event": event.model_dump(mode="json"),
        "versions": [
            {
                "version": stored.version,
                "stored_at": stored.stored_at.isoformat(),
                "fatalities": stored.event.fatalities,
                "injured": stored.event.injured,
                "sources": stored.event.sources,
                "event": stored.event.model_dump(mode="json"),
            }
            for stored in versions
        ],
    }


def count_events(engine: Engine, query: EventQuery) -> int:
    """How many events the query finds (for a progress bar)."""
    statement = (
        select(func.count())
        .select_from(events_table)
        .where(*conditions(query, engine.dialect.name))
    )
    with engine.connect() as connection:
        return connection.execute(statement).scalar_one()


@dataclass(frozen=True)
class Count:
    key: str
    events: int
    fatalities: int  # the sum of known tolls: unknown ones add nothing


def event_stats(engine: Engine, query: EventQuery) -> dict[str, list[Count]]:
    """How many events the query finds, and their known dead, by event date, by country
    and by event type: what the charts of a dashboard draw."""
    c = events_table.c
    where = conditions(query, engine.dialect.name)
    stats: dict[str, list[Count]] = {}
    with engine.connect() as connection:
        for name, column in (("day", c.event_date), ("country", c.country), ("type", c.event_type)):
            statement = (
                select(column, func.count(), func.coalesce(func.sum(c.fatalities), 0))
                .where(*where)
                .group_by(column)
                .order_by(column)
            )
            stats[name] = [
                Count(str(key.isoformat() if isinstance(key, dt.date) else key), n, int(dead))
                for key, n, dead in connection.execute(statement)
            ]
    return stats
