"""`wirewatch dlq list|show|replay` (issue 14, day one): the dead letters seen, an
original given back byte for byte, and originals sent back through a real worker after
a fix. The choice of what to send is pure and tested first; the rest on the real broker."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from kafka import KafkaProducer

from deadletters.apart import read_apart
from deadletters.reading import (
    DeadLetterProblem,
    StoredLetter,
    parse_letter,
    select,
    source_topic,
)
from deadletters.replay import plan_replay
from harness.kafka_helpers import pipeline_lag, read_topic, read_topic_to_end
from harness.services import free_port, invoke_wirewatch, wait_until
from infra.kafka_admin import ensure_topics
from ingest.seeds import load_seed
from schemas.dead_letter import MAX_INLINE_BYTES, DeadLetter, OriginalUnavailable, dead_letter
from sinks.storage import connect, count_versions, list_events
from tests.conftest import SEEDS, wirewatch_command

SOURCE = "t1.articles.raw"
BIG = b"\x00" + b"not json " * 70_000  # over MAX_INLINE_BYTES: kept apart


def _letter(value: bytes, *, apart: Path | None = None, stage: str = "dedup", **extra):
    return dead_letter(
        topic=extra.pop("topic", SOURCE),
        stage=stage,
        error=extra.pop("error", ValueError("bad")),
        key=extra.pop("key", b"k1"),
        value=value,
        partition=0,
        offset=extra.pop("offset", 3),
        stored_apart=str(apart) if apart else None,
    )


def _stored(offset: int, letter: DeadLetter | None, problem: str | None = None) -> StoredLetter:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return StoredLetter("t1.articles.raw.dlq", offset, at, letter, problem)


# --- pure ----------------------------------------------------------------------------------


def test_a_topic_is_named_with_or_without_its_dlq_suffix_and_prefix():
    assert source_topic("articles.raw").name == "articles.raw"
    assert source_topic("events.mentions.dlq").name == "events.mentions"
    assert source_topic("t1.alerts.dlq", prefix="t1.").name == "alerts"
    with pytest.raises(DeadLetterProblem, match=r"unknown topic 'articles'.*articles\.raw\.dlq"):
        source_topic("articles")


def test_the_plan_sends_what_can_be_given_back_exactly_and_says_why_not_the_rest(tmp_path):
    apart = tmp_path / "p0-o4.bin"
    apart.write_bytes(BIG)
    altered = tmp_path / "p0-o5.bin"
    altered.write_bytes(BIG)
    letters = [
        _stored(0, _letter(b'{"bad": 1}')),
        _stored(1, _letter(BIG, apart=apart, key=b"big")),
        _stored(2, _letter(BIG)),  # could not be kept apart: cut
        _stored(3, _letter(BIG, apart=altered)),
        _stored(4, _letter(BIG, apart=tmp_path / "gone.bin")),
        _stored(5, _letter(b"{}", topic="t2.articles.raw")),
        _stored(6, None, "not a dead letter: JSON expected"),
    ]
    altered.write_bytes(BIG[:-1] + b"!")
    plan = plan_replay(letters, SOURCE, tmp_path)
    assert [(r.offset, r.topic, r.key, r.value) for r in plan.send] == [
        (0, SOURCE, b"k1", b'{"bad": 1}'),
        (1, SOURCE, b"big", BIG),
    ]
    why = dict(plan.skipped)
    assert sorted(why) == [2, 3, 4, 5, 6]
    assert why[2].startswith(f"truncated: the letter holds only the first {MAX_INLINE_BYTES:,}")
    assert f"{altered} does not match the letter's SHA-256" in why[3]
    assert "gone.bin cannot be read" in why[4]
    assert why[5] == f"came from t2.articles.raw, not {SOURCE}"
    assert why[6] == "not a dead letter: JSON expected"


def test_an_inline_original_that_does_not_match_its_checksum_is_refused():
    letter = _letter(b"{}").model_copy(update={"value_base64": base64.b64encode(b"[]").decode()})
    with pytest.raises(OriginalUnavailable, match="the letter's value does not match"):
        letter.checked_original(lambda name, size: b"")


def test_a_named_file_is_read_only_inside_the_folder_and_no_larger_than_said(tmp_path):
    folder = tmp_path / "dead-letters"
    folder.mkdir()
    inside = folder / "p0-o1.bin"
    inside.write_bytes(b"12345")
    (folder / "alias.bin").symlink_to(inside)
    assert read_apart(folder, str(inside), 5) == b"12345"
    assert read_apart(folder, str(folder / "alias.bin"), 9) == b"12345"
    for name, size, why in [
        (str(inside), 4, "holds 5 bytes, the letter says 4: refused"),
        (str(folder), 5, "is not inside"),
        (str(folder / ".." / "dead-letters-x" / "a.bin"), 5, "is not inside"),
        ("p0-o1\x00.bin", 5, "NUL byte"),
    ]:
        with pytest.raises(OriginalUnavailable, match=why):
            read_apart(folder, name, size)
    with pytest.raises(FileNotFoundError):
        read_apart(folder, str(folder / "gone.bin"), 5)


def test_selection_by_offset_and_stage_and_an_offset_that_holds_nothing():
    letters = [
        _stored(4, _letter(b"a")),
        _stored(5, _letter(b"b", stage="store")),
        _stored(6, _letter(b"c")),
    ]
    assert [s.offset for s in select(letters, stage="dedup")] == [4, 6]
    assert [s.offset for s in select(letters, offsets=[6, 5], stage="store")] == [5]
    assert [s.offset for s in select(letters)] == [4, 5, 6]
    with pytest.raises(DeadLetterProblem, match=r"no letter at offset 2, 9 of .* offsets 4 to 6"):
        select(letters, offsets=[2, 4, 9])


def test_a_message_that_is_no_letter_is_kept_with_its_reason():
    stored = parse_letter("x.dlq", 7, 1_700_000_000_000, b"\xff garbage")
    assert stored.letter is None and stored.problem.startswith("not a dead letter: ")
    assert stored.at == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)


# --- on the real broker --------------------------------------------------------------------


def _wirewatch(
    env, *args: str, binary: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        wirewatch_command(*args), env=env, capture_output=True, text=not binary, timeout=timeout
    )


def _send(settings, name: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, acks="all", max_request_size=2_000_000
    )
    for key, value in messages:
        producer.send(settings.topic(name), key=key, value=value)
    producer.flush()
    producer.close()


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.kafka
def test_list_show_and_replay_letters_on_the_broker(pipeline_env, pipeline_settings):
    ensure_topics(pipeline_settings.kafka)
    source = pipeline_settings.topic("articles.raw")
    folder = pipeline_settings.state_dir / "dead-letters" / source
    folder.mkdir(parents=True)
    apart = folder / "p0-o1.bin"
    apart.write_bytes(BIG)
    letters = [
        _letter(b"\x00\xff not JSON", topic=source, key=b"small", offset=0),
        _letter(BIG, apart=apart, topic=source, key=b"big", offset=1),
        _letter(BIG, topic=source, key=b"cut", offset=2, stage="store"),
    ]
    _send(pipeline_settings, "articles.raw.dlq", [(b"k", x.to_json_bytes()) for x in letters])

    counts = _wirewatch(pipeline_env, "dlq", "list")
    assert counts.returncode == 0, counts.stderr
    by_topic = {row["topic"]: row["letters"] for row in _jsonl(counts.stdout)}
    assert by_topic == {
        pipeline_settings.topic(name + ".dlq"): n
        for name, n in (("articles.raw", 3), ("events.mentions", 0), ("events", 0), ("alerts", 0))
    }

    listed = _wirewatch(pipeline_env, "dlq", "list", "articles.raw", "--format", "jsonl")
    rows = _jsonl(listed.stdout)
    assert [(r["offset"], r["stage"], r["value_bytes"]) for r in rows] == [
        (0, "dedup", len(b"\x00\xff not JSON")),
        (1, "dedup", len(BIG)),
        (2, "store", len(BIG)),
    ]
    assert [(bool(r["stored_apart"]), r["truncated"]) for r in rows] == [
        (False, False),
        (True, False),
        (False, True),
    ]
    table = _wirewatch(pipeline_env, "dlq", "list", "articles.raw.dlq", "--format", "table")
    assert "3 dead letters" in table.stdout and "truncated" in table.stdout

    # show: the letter in full, and the exact original read from its file
    shown = _wirewatch(pipeline_env, "dlq", "show", "articles.raw", "1")
    assert DeadLetter.from_json_bytes(shown.stdout) == letters[1]
    original = _wirewatch(
        pipeline_env, "dlq", "show", "articles.raw", "1", "--original", binary=True
    )
    assert original.returncode == 0 and original.stdout == BIG

    # replay: the two that can be given back exactly go back, under their keys
    dry = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw", "--dry-run")
    assert "would send 2 of 3 letters" in dry.stdout and "nothing sent" in dry.stdout
    assert read_topic_to_end(pipeline_settings, "articles.raw") == []
    sent = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw")
    assert sent.returncode == 1  # one skipped
    assert f"sent 2 of 3 letters back to {source}" in sent.stdout
    [skipped] = sent.stderr.splitlines()
    assert skipped.startswith("offset 2: skipped: truncated: the letter holds only the first")
    assert read_topic_to_end(pipeline_settings, "articles.raw") == [b"\x00\xff not JSON", BIG]
    only = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw", "--stage", "store")
    assert "sent 0 of 1 letter back" in only.stdout

    # the file altered since it was kept: refused, in one line, by show and by replay
    apart.write_bytes(BIG.replace(b"not", b"NOT", 1))
    altered = _wirewatch(pipeline_env, "dlq", "show", "articles.raw", "1", "--original")
    assert altered.returncode == 1 and altered.stdout == ""
    [line] = altered.stderr.splitlines()
    assert f"@1: {apart} does not match the letter's SHA-256" in line
    again = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw", "--offset", "1")
    assert "sent 0 of 1 letter back" in again.stdout and "does not match" in again.stderr


@pytest.mark.kafka
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("show", "articles.raw", "5"), "no letter at offset 5 of {p}articles.raw.dlq"),
        (("replay", "articles.raw", "--offset", "7"), "no letter at offset 7 of"),
        (("list", "articles"), "unknown topic 'articles'"),
        (("show", "alerts.dlq", "0"), "no letter at offset 0 of {p}alerts.dlq (it holds no"),
    ],
)
def test_a_bad_request_is_one_line(pipeline_env, pipeline_settings, args, says):
    ensure_topics(pipeline_settings.kafka)
    if args[0] != "show" or args[1] != "alerts.dlq":
        _send(pipeline_settings, "articles.raw.dlq", [(None, b"{}")] * 2)
    done = _wirewatch(pipeline_env, "dlq", *args)
    assert done.returncode in (1, 2), done.stderr
    [line] = done.stderr.strip().splitlines()
    assert says.format(p=pipeline_settings.topic_prefix) in line, line


def test_no_broker_is_one_line(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path),
        "WIREWATCH_KAFKA_PORT": str(free_port()),
        "WIREWATCH_KAFKA_WAIT_SECONDS": "0.5",
    }
    done = invoke_wirewatch(env, "dlq", "list")  # in-process: no broker, no subprocess
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "no Kafka broker answers" in line


@pytest.mark.kafka
def test_a_replayed_letter_goes_through_a_real_worker_once(pipeline_env, pipeline_settings, worker):
    """The worker's own letter of an oversize bad message gives back its original byte
    for byte; a valid article whose letter a since-fixed fault left is stored once
    replayed, and a second replay changes nothing; a bad original sent back fails again,
    into a new letter."""
    ensure_topics(pipeline_settings.kafka)
    _send(pipeline_settings, "articles.raw", [(b"junk", BIG)])
    wait_until(
        lambda: len(read_topic(pipeline_settings, "articles.raw.dlq", 500)) == 1,
        120,
        what="the worker's letter",
    )
    original = _wirewatch(
        pipeline_env, "dlq", "show", "articles.raw", "0", "--original", binary=True
    )
    assert original.returncode == 0 and original.stdout == BIG
    shown = DeadLetter.from_json_bytes(
        _wirewatch(pipeline_env, "dlq", "show", "articles.raw", "0").stdout
    )
    assert shown.stored_apart and str(pipeline_settings.state_dir) in shown.stored_apart

    article = load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md")
    fixed = dead_letter(
        topic=pipeline_settings.topic("articles.raw"),
        stage="extract",
        error=RuntimeError("a fault since fixed"),
        key=article.id.encode(),
        value=article.to_json_bytes(),
        partition=0,
        offset=1,
    )
    _send(pipeline_settings, "articles.raw.dlq", [(article.id.encode(), fixed.to_json_bytes())])
    engine = connect(pipeline_settings.resolved_database_url)

    def settled() -> bool:
        assert worker.poll() is None, "the worker died"
        return pipeline_lag(pipeline_settings) == 0

    for _ in range(2):
        sent = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw", "--offset", "1")
        assert sent.returncode == 0 and "sent 1 of 1 letter back" in sent.stdout, sent.stderr
        wait_until(lambda: list(list_events(engine)), 120, what="the replayed article stored")
        wait_until(settled, 120, interval=1.0, what="the worker to consume everything")
        [event] = list_events(engine)
        assert event.location.name == "Ganja" and event.article_ids == [article.id]
        assert count_versions(engine) == 1

    bad = _wirewatch(pipeline_env, "dlq", "replay", "articles.raw", "--offset", "0")
    assert bad.returncode == 0, bad.stderr
    wait_until(
        lambda: len(read_topic(pipeline_settings, "articles.raw.dlq", 500)) == 3,
        120,
        what="a new letter of the bad original",
    )
    again = _wirewatch(pipeline_env, "dlq", "show", "articles.raw", "2", "--original", binary=True)
    assert again.stdout == BIG


# --- a letter is untrusted input (issue 23) ------------------------------------------------

SECRET = "s3cr3t-in-the-environment"  # what a letter naming /proc/self/environ would show
MARKUP = "[/bold] [link=http://x]click[/link] \x1b]8;;http://y\x07escape"
OSC_8 = "\x1b]8;"  # a terminal hyperlink's start


def _hostile(letter: DeadLetter, **fields) -> DeadLetter:
    """LETTER with FIELDS as someone producing to a .dlq topic may write them."""
    return letter.model_copy(update=fields)


def _names(path: Path, data: bytes, letter: DeadLetter, **fields) -> DeadLetter:
    """LETTER naming the file PATH as holding DATA (its true size and SHA-256)."""
    named = {
        "value_base64": "",
        "stored_apart": str(path),
        "value_bytes": len(data),
        "value_sha256": hashlib.sha256(data).hexdigest(),
    }
    return _hostile(letter, **{**named, **fields})


@pytest.fixture
def hostile(pipeline_env, pipeline_settings, tmp_path) -> dict:
    """On the broker: three good letters among ten that name a file they must not, or
    carry what is not base64, or markup; the environment holds SECRET. Returns the env,
    the good originals and the refusal expected of each bad letter, by offset."""
    ensure_topics(pipeline_settings.kafka)
    source = pipeline_settings.topic("articles.raw")
    folder = pipeline_settings.state_dir / "dead-letters" / source
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside_bytes = b"a file outside the dead-letter folder"
    outside.write_bytes(outside_bytes)
    (folder / "link.bin").symlink_to(outside)
    os.mkfifo(folder / "fifo.bin")
    unhashed = folder / "p0-o6.bin"
    unhashed.write_bytes(BIG)
    good_apart = folder / "p0-o10.bin"
    good_apart.write_bytes(BIG)
    base = _letter(b"x", topic=source)
    letters = {
        0: (_letter(b"good one", topic=source, key=b"g0"), None),
        1: (
            _names(Path("/proc/self/environ"), b"", base, value_sha256=None, value_bytes=None),
            "names the file /proc/self/environ but not its SHA-256: refused",
        ),
        2: (_names(outside, outside_bytes, base), f"{outside} is not inside"),
        3: (_names(folder / "link.bin", outside_bytes, base), "link.bin is not inside"),
        4: (_names(folder / "fifo.bin", b"0123456789", base), "fifo.bin is not a regular file"),
        5: (_names(Path("/dev/zero"), b"0123456789", base), "/dev/zero is not inside"),
        6: (
            _names(unhashed, BIG, base, value_sha256=None),
            "p0-o6.bin but not its SHA-256: refused",
        ),
        7: (_hostile(base, value_base64="not base64!"), "value_base64 is not base64"),
        8: (_hostile(base, key_base64="%%%"), "key_base64 is not base64"),
        9: (
            _names(Path(os.path.relpath(outside)), outside_bytes, base),
            "outside.txt is not inside",
        ),
        10: (_names(good_apart, BIG, base), None),
        11: (_letter(b"markup", topic=source, key=b"m", error=ValueError(MARKUP)), None),
    }
    _send(
        pipeline_settings,
        "articles.raw.dlq",
        [(b"k", letter.to_json_bytes()) for letter, _ in letters.values()],
    )
    return {
        "env": {**pipeline_env, "WIREWATCH_TEST_SECRET": SECRET},
        "good": sorted([b"good one", BIG, b"markup"]),
        "refused": {offset: why for offset, (_, why) in letters.items() if why},
    }


@pytest.mark.kafka
@pytest.mark.timeout(600)  # a FIFO opened for reading blocked before: never again
def test_show_gives_back_no_file_but_a_matching_one_in_the_dead_letter_folder(hostile):
    """A letter naming /proc/self/environ, a file outside the folder (by its absolute
    or relative name, or a symlink in the folder), a FIFO, /dev/zero, or a file with no
    SHA-256 to check it against: refused in one line, nothing on stdout (before: the
    environment printed, the file given back, a hang, memory exhausted)."""
    wrong = {}
    for offset, why in hostile["refused"].items():
        if offset == 8:  # the key is not read by show
            continue
        try:
            shown = _wirewatch(
                hostile["env"],
                *("dlq", "show", "articles.raw", str(offset), "--original"),
                binary=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired:
            wrong[offset] = "hung"
            continue
        lines = shown.stderr.decode(errors="replace").splitlines()
        if shown.returncode != 1 or shown.stdout or len(lines) != 1 or why not in lines[0]:
            wrong[offset] = (shown.returncode, shown.stdout[:80], lines[-1:])
        elif f"@{offset}: " not in lines[0] or SECRET in lines[0]:
            wrong[offset] = lines[0]
    assert wrong == {}
    good = _wirewatch(
        hostile["env"], "dlq", "show", "articles.raw", "10", "--original", binary=True
    )
    assert good.returncode == 0 and good.stdout == BIG


@pytest.mark.kafka
@pytest.mark.timeout(600)
def test_replay_sends_the_good_letters_and_skips_each_bad_one_in_a_line(hostile, pipeline_settings):
    sent = _wirewatch(hostile["env"], "dlq", "replay", "articles.raw")
    assert sent.returncode == 1 and "Traceback" not in sent.stderr, sent.stderr
    assert "sent 3 of 12 letters back" in sent.stdout and "9 skipped, 0 failed" in sent.stdout
    lines = sent.stderr.splitlines()
    assert len(lines) == len(hostile["refused"]), lines
    for line, (offset, why) in zip(lines, hostile["refused"].items(), strict=True):
        assert line.startswith(f"offset {offset}: skipped: ") and why in line, line
    assert SECRET not in sent.stdout + sent.stderr
    replayed = read_topic(pipeline_settings, "articles.raw", stop_at=3)
    assert sorted(replayed) == hostile["good"]


@pytest.mark.kafka
def test_a_letter_s_markup_is_shown_as_text_in_the_table(hostile):
    """`[/bold]` in a letter's error crashed `dlq list` (rich took it for markup), and
    `[link=...]` or an escape sequence wrote a hyperlink into the operator's terminal."""
    terminal = {**hostile["env"], "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "400"}
    table = _wirewatch(terminal, "dlq", "list", "articles.raw", "--format", "table")
    assert table.returncode == 0, table.stderr
    assert "[/bold] [link=http://x]click[/link] \\x1b]8;;http://y\\x07escape" in table.stdout
    assert OSC_8 not in table.stdout
    listed = _jsonl(_wirewatch(hostile["env"], "dlq", "list", "articles.raw").stdout)
    assert len(listed) == 12 and MARKUP in listed[11]["error"]


READ = re.compile(r"wirewatch\.dlq \S+: read (\d+) message\(s\), [\d,]+ bytes, at offsets (.*)")


@pytest.mark.kafka
def test_replay_and_show_of_an_offset_read_that_letter_alone(pipeline_env, pipeline_settings):
    """Forty letters of 700 kB: `replay --offset` and `show` seek to the offsets asked
    for and read those letters only (before: the whole topic, which a few hundred such
    letters made impossible within the read deadline); `list` reads them all."""
    ensure_topics(pipeline_settings.kafka)
    source = pipeline_settings.topic("articles.raw")
    values = [bytes([n]) * MAX_INLINE_BYTES for n in range(40)]
    _send(
        pipeline_settings,
        "articles.raw.dlq",
        [(b"k", _letter(v, topic=source, offset=n).to_json_bytes()) for n, v in enumerate(values)],
    )
    debug = {**pipeline_env, "WIREWATCH_LOG_LEVEL": "debug"}

    def read_by(*args: str) -> tuple[subprocess.CompletedProcess, list[tuple[int, str]]]:
        done = _wirewatch(debug, "dlq", *args)
        assert done.returncode == 0, done.stderr
        return done, [(int(n), at) for n, at in READ.findall(done.stderr)]

    replayed, reads = read_by("replay", "articles.raw", "--offset", "37")
    assert "sent 1 of 1 letter back" in replayed.stdout
    assert reads == [(1, "37")]
    assert read_topic(pipeline_settings, "articles.raw", stop_at=1) == [values[37]]
    _, reads = read_by("replay", "articles.raw", "--offset", "38", "--offset", "3", "--dry-run")
    assert reads == [(2, "3, 38")]
    shown, reads = read_by("show", "articles.raw", "21")
    assert reads == [(1, "21")] and DeadLetter.from_json_bytes(shown.stdout).offset == 21
    listed, reads = read_by("list", "articles.raw", "--format", "jsonl")
    assert [n for n, _ in reads] == [40] and len(listed.stdout.splitlines()) == 40
