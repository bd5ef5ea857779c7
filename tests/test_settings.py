"""Default locations an operator's files are found at: moving them loses their data."""

from __future__ import annotations

from infra.settings import Settings


def test_default_files_stay_where_earlier_versions_put_them(tmp_path):
    settings = Settings(state_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'wirewatch.db'}"
    assert settings.resolved_collector_database_url == f"sqlite:///{tmp_path / 'collector.db'}"
    assert settings.resolved_feeds_file == tmp_path / "feeds.yaml"


def test_each_section_carries_the_variables_of_its_component(tmp_path, monkeypatch):
    monkeypatch.setenv("WIREWATCH_DELIVERY_ATTEMPTS", "7")
    monkeypatch.setenv("WIREWATCH_POLL_JITTER", "0.2")
    monkeypatch.setenv("WIREWATCH_TOPIC_PREFIX", "test-")
    settings = Settings(state_dir=tmp_path)
    assert settings.delivery.attempts == 7
    assert settings.collect.poll_jitter == 0.2
    assert settings.topic("events") == "test-events"
    assert settings.state.window_days == settings.state_window_days
