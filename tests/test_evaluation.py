"""wirewatch evaluate: scoring the extractor against annotated articles."""

import datetime as dt
import subprocess

from ingest.seeds import load_seed
from processors.evaluation import FIELDS, GoldEvent, evaluate, load_gold, place_matches
from processors.extraction import extract_events
from schemas.taxonomy import SubEventType
from tests.conftest import SEEDS, wirewatch_command


def test_every_seed_is_annotated_and_scored():
    gold = load_gold(SEEDS)
    assert len(gold) == 17
    report = evaluate(gold)
    assert report.true_positives + report.false_negatives == 14
    # The seeds are what the extractor was first built on: anything below perfect is a regression.
    assert report.f1 == 1.0
    assert all(report.accuracy(name) == 1.0 for name in FIELDS), report.misses


def test_place_matches_other_spellings_and_nearby_coordinates():
    [mention] = extract_events(load_seed(SEEDS / "chuhuiv-shelling-wire.md"))
    expected = GoldEvent(
        SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, dt.date(2023, 5, 23), "UA", "Chuhuiv", 3, 5
    )
    assert place_matches(mention, expected)
    assert not place_matches(
        mention, expected.__class__(**{**expected.__dict__, "place": "Kherson"})
    )


def test_a_wrong_figure_is_counted_against_its_field(tmp_path):
    text = (SEEDS / "idlib-airstrike.md").read_text().replace("    killed: 7", "    killed: 8")
    (tmp_path / "idlib.md").write_text(text)
    report = evaluate(load_gold(tmp_path))
    assert (
        report.f1 == 1.0 and report.accuracy("killed") == 0.0 and report.accuracy("injured") == 1.0
    )
    assert report.misses == ["idlib.md: killed wrong"]


def test_evaluate_command_prints_the_figures():
    result = subprocess.run(
        wirewatch_command("evaluate", str(SEEDS)), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "detection  precision 1.000  recall 1.000  F1 1.000" in result.stdout
    assert "sub_event_type  1.000" in result.stdout
