"""Default locations an operator's files are found at: moving them loses their data."""

from __future__ import annotations

from infra.settings import Settings


def test_default_files_stay_where_earlier_versions_put_them(tmp_path):
    settings = Settings(state_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'wirewatch.db'}"
    assert settings.resolved_collector_database_url == f"sqlite:///{tmp_path / 'collector.db'}"
    assert settings.resolved_feeds_file == tmp_path / "feeds.yaml"
