"""Settings come from the environment and from ./.env (issue 14, day one), the
environment first."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infra.settings import Settings


@pytest.fixture
def in_a_directory_with_dotenv(tmp_path, monkeypatch):
    for name in (
        "WIREWATCH_API_PORT",
        "KAFKA_BOOTSTRAP_SERVERS",
        "WIREWATCH_KAFKA_BOOTSTRAP_SERVERS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "# the broker of the team\n"
        "KAFKA_BOOTSTRAP_SERVERS=broker.example:9092\n"
        "WIREWATCH_API_PORT=9999\n"
        "SOMETHING_ELSE=ignored\n"
    )
    return tmp_path


def test_dotenv_is_read(in_a_directory_with_dotenv):
    settings = Settings()
    assert settings.api_port == 9999
    assert settings.bootstrap_servers == "broker.example:9092"


def test_the_environment_wins_over_dotenv(in_a_directory_with_dotenv, monkeypatch):
    monkeypatch.setenv("WIREWATCH_API_PORT", "7777")
    assert Settings().api_port == 7777


def test_a_bad_value_in_dotenv_names_the_setting(in_a_directory_with_dotenv):
    (in_a_directory_with_dotenv / ".env").write_text("WIREWATCH_API_PORT=port\n")
    with pytest.raises(ValidationError, match="api_port"):
        Settings()
