"""The suite's own guards: a test that uses a service carries its marker (so that
`make check`, which deselects them, starts none), and the browser tests find the
machine's Chromium with a ChromeDriver of its version."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.broker import LocalBroker
from infra.settings import Settings
from tests.browser import find_pair, major_version
from tests.conftest import unmarked_services


def test_a_test_using_the_broker_without_the_kafka_marker_is_named():
    assert unmarked_services(["tmp_path", "pipeline_env", "kafka"], set()) == ["kafka"]
    assert unmarked_services(["own_broker"], {"postgres"}) == ["kafka"]
    assert unmarked_services(["kafka", "postgres_url"], {"kafka"}) == ["postgres"]
    assert unmarked_services(["chromium", "tmp_path"], set()) == ["browser"]


def test_a_test_with_its_markers_or_no_service_is_not():
    assert unmarked_services(["kafka", "postgres_url"], {"kafka", "postgres"}) == []
    assert unmarked_services(["tmp_path", "monkeypatch"], set()) == []
    assert unmarked_services(["chromium"], {"browser", "parametrize"}) == []


def test_starting_a_broker_without_the_kafka_marker_fails_before_java_runs(tmp_path):
    broker = LocalBroker(home=tmp_path / "k", cache_dir=Settings().cache_dir, port=1)
    with pytest.raises(pytest.fail.Exception, match=r"mark it @pytest\.mark\.kafka"):
        broker.start()
    assert not (tmp_path / "k").exists()  # nothing written, nothing started


def test_major_versions_are_read_from_either_programs_version_line():
    assert major_version("Chromium 156.0.8078.129 built on Debian GNU/Linux 12") == 156
    assert major_version("ChromeDriver 156.0.8078.129 (1a2e4e6f-refs/branch-heads/8078)") == 156
    assert major_version("Google Chrome 131.0.6778.85 ") == 131
    assert major_version("") is None
    assert major_version("chromium: not found") is None


def _machine(paths: dict[str, str], versions: dict[str, str]):
    return paths.get, lambda program: versions.get(program, "")


def test_the_first_browser_with_a_driver_of_its_version_is_chosen():
    which, version_of = _machine(
        {
            "chromium-browser": "/snap/bin/chromium-browser",
            "google-chrome": "/opt/google/chrome/google-chrome",
            "chromedriver": "/usr/local/bin/chromedriver",
        },
        {
            "/snap/bin/chromium-browser": "Chromium 120.0.6099.71 snap",
            "/opt/google/chrome/google-chrome": "Google Chrome 131.0.6778.85",
            "/usr/local/bin/chromedriver": "ChromeDriver 131.0.6778.85 (abc)",
        },
    )
    assert find_pair(which, version_of) == (
        Path("/opt/google/chrome/google-chrome"),
        Path("/usr/local/bin/chromedriver"),
    )


def test_no_pair_without_a_driver_or_with_versions_that_differ():
    which, version_of = _machine(
        {"chromium": "/usr/bin/chromium"}, {"/usr/bin/chromium": "Chromium 156.0.1.2"}
    )
    assert find_pair(which, version_of) is None
    which, version_of = _machine(
        {"chromium": "/usr/bin/chromium", "chromedriver": "/usr/bin/chromedriver"},
        {
            "/usr/bin/chromium": "Chromium 156.0.1.2",
            "/usr/bin/chromedriver": "ChromeDriver 155.0.1.2",
        },
    )
    assert find_pair(which, version_of) is None
    assert find_pair(lambda name: None, lambda program: "") is None
