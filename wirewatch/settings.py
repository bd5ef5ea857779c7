"""Settings: environment variables with the ``WIREWATCH_`` prefix, read once."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


def _xdg_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable) or str(Path.home() / fallback)
    return Path(base) / "wirewatch"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", extra="ignore")

    state_dir: Path = Field(
        default_factory=lambda: _xdg_dir("XDG_STATE_HOME", ".local/state"),
        description="Broker data and logs, the SQLite database, worker state.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: _xdg_dir("XDG_CACHE_HOME", ".cache"),
        description="Downloaded Kafka jars, shared by every state directory.",
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "WIREWATCH_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"
        ),
        description="An existing broker; when unset wirewatch runs its own on kafka_port.",
    )
    kafka_port: int = Field(default=9092, ge=1, le=65535)
    kafka_heap: str = "768m"
    topic_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9._-]*$")
    topic_partitions: int = Field(default=3, ge=1)
    app_id: str = Field(default="wirewatch", pattern=r"^[A-Za-z0-9._-]+$")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file in the state directory."
    )
    seeds_dir: Path = REPO_ROOT / "seeds"
    log_level: str = "info"

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.kafka_port}"

    @property
    def uses_own_broker(self) -> bool:
        return self.kafka_bootstrap_servers is None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'wirewatch.db'}"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
