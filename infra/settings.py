"""Settings: environment variables with the ``WIREWATCH_`` prefix, read once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import AliasChoices, Field, FilePath, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.errors import OperatorError
from infra.policies import FetchLimits, RetryPolicy, SchedulePolicy

REPO_ROOT = Path(__file__).resolve().parents[1]


def _xdg_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable) or str(Path.home() / fallback)
    return Path(base) / "wirewatch"


class SettingUnusable(OperatorError, ValueError):
    """A setting that passed validation but cannot be used (a module that does not
    import, say): the command line says so in one line, naming the variable."""


KafkaProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


@dataclass(frozen=True)
class KafkaSection:
    """Where the broker is and how a client proves who it is and encrypts the link
    (SASL and TLS); each client library gets it in its own words from
    `infra.kafka_security` (kafka-python) and `processors.stream.credentials` (faust).
    With it, what the pipeline is called on that broker (its group and its topics'
    prefix), how its topics are made, and how long a command waits for a broker still
    starting: all a component that only talks to Kafka needs."""

    bootstrap_servers: str
    security_protocol: KafkaProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None  # shown as ********** in a repr or a log
    ssl_cafile: Path | None = None  # None: the system's certificate authorities
    ssl_certfile: Path | None = None  # a client certificate (mutual TLS)
    ssl_keyfile: Path | None = None  # its key, when not in the certificate's file
    app_id: str = "wirewatch"  # the worker group, and the stem of every client's id
    topic_prefix: str = ""  # before every topic name, so pipelines can share a broker
    topic_partitions: int = 3  # of each topic the pipeline creates (a spec may fix its own)
    topic_replication_factor: int = 1  # copies of each topic the pipeline creates
    wait_seconds: float = 3.0  # how long a command waits for a broker still starting

    def topic(self, name: str) -> str:
        """The pipeline's name on the broker for the topic NAME."""
        return f"{self.topic_prefix}{name}"

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol.endswith("SSL")


@dataclass(frozen=True)
class StateSection:
    """How long the stream keeps its state, and when an article is a copy."""

    window_days: float
    dedup_threshold: float


@dataclass(frozen=True)
class StreamSection:
    """How long the worker lets records gather before it fetches or sends them while it
    backs up (`processors.stream.pacing`): fewer requests under load, no wait otherwise."""

    batch_seconds: float

    FETCH_MIN_BYTES = 32 * 1024  # a fetch returns this much, or what came within the wait

    @property
    def fetch_batch(self) -> tuple[int, int] | None:
        """The bytes a fetch waits for and how long at most (ms); None: answer at once."""
        if self.batch_seconds <= 0:
            return None
        return self.FETCH_MIN_BYTES, round(self.batch_seconds * 1000)


@dataclass(frozen=True)
class ApiSection:
    """Where the HTTP API listens, who may read it, and which web pages may call it."""

    host: str
    port: int
    token: str | None  # a bearer token every /api request must carry; required off loopback
    cors_origins: tuple[str, ...]  # none: no cross-origin reads
    tile_url: str | None  # online map tiles for the dashboard; none: the bundled outlines
    tile_attribution: str  # the credit the tiles' provider asks for, shown on the map
    max_streams: int  # live streams open at once; more are refused (503)
    allowed_hosts: tuple[str, ...]  # Host header values answered; "*": any
    cookie_secure: Literal["auto", "always", "never"]  # the token cookie's Secure flag
    forwarded_allow_ips: str  # proxies whose X-Forwarded-For/-Proto are believed
    max_body_bytes: int  # a request body over this is refused (413) unread
    max_connections: int  # open connections at most; past it the oldest idle one is shed
    header_timeout: float  # seconds a connection may take to send a request's head
    keep_alive_timeout: float  # seconds an idle keep-alive connection is kept
    login_free_failures: int  # wrong tokens a client may give before it must wait
    login_max_delay: float  # the longest wait a client's wrong guesses earn (seconds)


@dataclass(frozen=True)
class CollectSection:
    """How the collector fetches and schedules feeds; its policies (`fetch`,
    `schedule`) are built once, with the section."""

    poll_interval_minutes: float
    poll_min_interval_minutes: float
    poll_max_interval_minutes: float
    poll_jitter: float
    fetch_connect_timeout: float
    fetch_total_timeout: float
    fetch_max_bytes: int
    fetch_max_redirects: int
    user_agent: str
    allow_private_addresses: bool  # for feeds
    notice: str | None = None  # a line for the collector's log about how it was set
    fetch: FetchLimits = field(init=False, repr=False)
    schedule: SchedulePolicy = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fetch = FetchLimits(
            connect_timeout=self.fetch_connect_timeout,
            total_timeout=self.fetch_total_timeout,
            max_bytes=self.fetch_max_bytes,
            max_redirects=self.fetch_max_redirects,
            user_agent=self.user_agent,
            allow_private=self.allow_private_addresses,
        )
        schedule = SchedulePolicy(
            default_minutes=self.poll_interval_minutes,
            min_minutes=self.poll_min_interval_minutes,
            max_minutes=self.poll_max_interval_minutes,
            jitter=self.poll_jitter,
        )
        object.__setattr__(self, "fetch", fetch)  # frozen: set once, here
        object.__setattr__(self, "schedule", schedule)


@dataclass(frozen=True)
class DeliverySection:
    """How alerts are sent: retries, time limits, concurrency, the SMTP relay."""

    attempts: int
    timeout: float
    base_delay: float
    concurrency: int
    per_subscription: int
    smtp_host: str
    smtp_port: int
    smtp_sender: str
    allow_private_addresses: bool  # for webhooks
    subscriptions_refresh_seconds: float
    files_dir: Path  # where file subscriptions may write
    notice: str | None = None  # a line for the sender's log about how it was set
    retry: RetryPolicy = field(init=False, repr=False)  # built once, with the section

    def __post_init__(self) -> None:
        retry = RetryPolicy(
            attempts=self.attempts, base_delay=self.base_delay, timeout=self.timeout
        )
        object.__setattr__(self, "retry", retry)  # frozen: set once, here


class Settings(BaseSettings):
    """Every setting, read once from ``WIREWATCH_*`` variables. The variables are the
    input, validated here; the sections (`kafka`, `state`, `stream`, `api`, `collect`,
    `delivery`) are built from them once, with their policies, and a component takes
    the section it needs where it needs no more. The runtime, the collector and the
    command line still take the whole object."""

    # a variable set in the environment wins over the same line in ./.env, which wins
    # over the default
    model_config = SettingsConfigDict(
        env_prefix="WIREWATCH_",
        extra="ignore",
        env_file=".env",
        env_file_encoding="utf-8",
        # an error's text leaves out the values given: a check across settings would
        # otherwise print them all, passwords too (the command line names the value
        # of a single bad setting itself)
        hide_input_in_errors=True,
    )

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
    kafka_security_protocol: KafkaProtocol = Field(
        default="PLAINTEXT",
        description="How clients talk to the broker: TLS, SASL, both or neither.",
    )
    kafka_sasl_mechanism: SaslMechanism = "PLAIN"
    kafka_sasl_username: str | None = Field(default=None, min_length=1)
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: FilePath | None = Field(
        default=None,
        description="PEM certificate authorities the broker's certificate is checked against.",
    )
    kafka_ssl_certfile: FilePath | None = Field(
        default=None, description="PEM client certificate for mutual TLS."
    )
    kafka_ssl_keyfile: FilePath | None = Field(
        default=None, description="PEM key of the client certificate."
    )
    kafka_heap: str = "768m"
    # how long a command waits for a broker still starting (`make up` waits for its own)
    kafka_wait_seconds: float = Field(default=3.0, ge=0, le=600)
    topic_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9._-]*$")
    topic_partitions: int = Field(default=3, ge=1)
    topic_replication_factor: int = Field(
        default=1,
        ge=1,
        le=32,
        description="Copies of each topic the pipeline creates, changelogs too (1: one broker).",
    )
    app_id: str = Field(default="wirewatch", pattern=r"^[A-Za-z0-9._-]+$")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file in the state directory."
    )
    seeds_dir: Path = REPO_ROOT / "seeds"
    log_level: str = "info"
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="json: one JSON object per log line (worker, collector, API).",
    )
    log_repeat_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A warning repeated (a broker away) is logged once per this many seconds.",
    )
    dedup_threshold: float = Field(
        default=0.6,
        gt=0.0,
        le=1.0,
        description="Estimated Jaccard similarity of 4-word shingles above which an article is a copy.",
    )
    state_window_days: float = Field(
        default=14.0,
        gt=0.0,
        description="Event time after which articles and events leave the stream state.",
    )
    stream_batch_ms: float = Field(
        default=50.0,
        ge=0.0,
        le=1000.0,
        description="The longest a fetch or a send waits for records to gather while the "
        "worker backs up (70 % of a core busy, or 150 messages a second taken); "
        "while it keeps up, none (processors/stream/pacing.py). 0: never.",
    )
    session_timeout_seconds: float = Field(
        default=20.0,
        ge=6.0,
        le=300.0,
        description="How long the broker waits for a silent worker before giving its "
        "partitions to the others (heartbeats every 3 s, from the consumer's own thread).",
    )

    # collectors (ingest/)
    feeds_file: Path | None = Field(
        default=None, description="YAML list of feeds; default <state_dir>/feeds.yaml"
    )
    collector_database_url: str | None = Field(
        default=None, description="Feed health and seen entries; default SQLite in state_dir"
    )
    collector_concurrency: int = Field(default=8, ge=1, le=256)
    poll_interval_minutes: float = Field(default=15.0, gt=0)
    poll_min_interval_minutes: float = Field(default=5.0, gt=0)
    poll_max_interval_minutes: float = Field(default=1440.0, gt=0)
    poll_jitter: float = Field(default=0.1, ge=0, le=0.5)
    fetch_connect_timeout: float = Field(default=10.0, gt=0)
    fetch_total_timeout: float = Field(default=30.0, gt=0)
    fetch_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    user_agent: str = (
        "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch; conflict news monitor)"
    )
    feeds_allow_private_addresses: bool | None = Field(
        default=None,
        description="Let feeds be fetched from loopback, private or link-local addresses "
        "(the collector, `feeds add`/`import`/`check`); unset: as allow_private_addresses.",
    )
    webhooks_allow_private_addresses: bool | None = Field(
        default=None,
        description="Let webhooks be sent to loopback, private or link-local addresses "
        "(the sender, `subscriptions add`, the dashboard); unset: as allow_private_addresses.",
    )
    allow_private_addresses: bool | None = Field(
        default=None,
        description="The older switch for feeds and webhooks alike, where the two above "
        "are unset (with a one-line notice in the collector's and the worker's log).",
    )
    fulltext: bool = Field(default=False, description="Fetch each article page for its full text.")
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="The collector's /metrics, /healthz and /readyz; unset: not served.",
    )
    metrics_host: str = Field(
        default="127.0.0.1", min_length=1, description="Where the collector's endpoints listen."
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="The worker's /metrics (per stage), /healthz and /readyz; unset: not served.",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1", min_length=1, description="Where the worker's endpoints listen."
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "wirewatch@localhost"
    delivery_attempts: int = Field(default=5, ge=1, le=20)
    delivery_timeout: float = Field(default=10.0, gt=0)
    delivery_base_delay: float = Field(default=0.5, gt=0)
    delivery_concurrency: int = Field(default=32, ge=1, le=1000)
    delivery_per_subscription: int = Field(default=4, ge=1, le=1000)
    subscriptions_refresh_seconds: float = Field(default=5.0, gt=0)
    max_article_bytes: int = Field(
        default=1_000_000,
        ge=10_000,
        le=1_000_000,
        description="Largest article message a collector sends (the broker takes about 1 MB)",
    )
    extract_budget_seconds: float = Field(
        default=5.0,
        ge=0,
        le=600,
        description="Longest the worker spends extracting one article (0: no limit); "
        "an article over it is stopped and dead-lettered",
    )
    extractor: str = Field(
        default="processors.extraction:extract_events",
        pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$",
        description="The extraction function the worker runs, module:function (a plug-in point)",
    )
    alert_files_dir: Path | None = Field(
        default=None,
        description="The one directory file subscriptions may write in; default <state_dir>/alerts",
    )

    # the HTTP API (api/)
    api_host: str = Field(default="127.0.0.1", min_length=1)
    api_port: int = Field(default=8765, ge=1, le=65535)
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token for /api; required to listen off loopback."
    )
    api_cors_origins: str = Field(
        default="", description="Comma-separated origins allowed to call the API from a page."
    )
    api_tile_attribution: str = Field(
        default="", max_length=500, description="Credit line the online tiles require."
    )
    api_max_streams: int = Field(
        default=100, ge=1, le=10_000, description="Live event streams open at once, at most."
    )
    api_allowed_hosts: str | None = Field(
        default=None,
        description="Comma-separated Host names the API answers (a DNS-rebinding page "
        "sends its own); default: the loopback names and the bind host, any on 0.0.0.0/::.",
    )
    api_cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="The dashboard cookie's Secure flag; auto: when the request came over "
        "HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy).",
    )
    api_forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated proxy addresses whose X-Forwarded-For/-Proto are "
        "believed (uvicorn's forwarded_allow_ips); '*': any.",
    )
    api_max_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        le=100 * 1024 * 1024,
        description="Largest request body; past it 413, the rest unread.",
    )
    api_max_connections: int = Field(
        default=1000,
        ge=8,
        le=100_000,
        description="Open connections at most (also kept under the open-file limit); "
        "past it the oldest idle connection is closed.",
    )
    api_header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Time a connection has to send a request line and headers.",
    )
    api_keep_alive_seconds: float = Field(
        default=5.0, gt=0, le=300, description="Idle time a keep-alive connection is kept."
    )
    api_login_free_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Wrong tokens a client may give before each further one makes it wait.",
    )
    api_login_max_delay_seconds: float = Field(
        default=300.0,
        ge=1,
        le=86_400,
        description="The longest wait (429) repeated wrong tokens earn a client.",
    )
    api_tile_url: str | None = Field(
        default=None,
        pattern=r"^https://[^\s]+$",
        description="Online map tiles ({z}/{x}/{y}) for the dashboard; default: bundled outlines.",
    )

    @model_validator(mode="after")
    def _kafka_security_is_whole(self) -> Settings:
        """Credentials the protocol would ignore, or a protocol missing its credentials,
        are refused by name: a half-configured secure link fails here, not at the broker."""
        protocol = f"WIREWATCH_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol}"
        sasl = self.kafka_security_protocol.startswith("SASL_")
        tls = self.kafka_security_protocol.endswith("SSL")
        credentials = self.kafka_sasl_username is not None or self.kafka_sasl_password is not None
        if sasl and (self.kafka_sasl_username is None or self.kafka_sasl_password is None):
            raise ValueError(
                f"{protocol} needs WIREWATCH_KAFKA_SASL_USERNAME and WIREWATCH_KAFKA_SASL_PASSWORD"
            )
        if credentials and not sasl:
            raise ValueError(
                f"WIREWATCH_KAFKA_SASL_USERNAME/_PASSWORD are set but {protocol} does not use "
                "them: set it to SASL_PLAINTEXT or SASL_SSL"
            )
        if self.kafka_security_protocol != "PLAINTEXT" and self.uses_own_broker:
            raise ValueError(
                f"{protocol} needs KAFKA_BOOTSTRAP_SERVERS: the broker wirewatch runs itself "
                "listens in plain text on loopback"
            )
        files = (self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile)
        if any(files) and not tls:
            raise ValueError(
                f"WIREWATCH_KAFKA_SSL_* files are set but {protocol} does not use TLS: set it "
                "to SSL or SASL_SSL"
            )
        if self.kafka_ssl_keyfile is not None and self.kafka_ssl_certfile is None:
            raise ValueError(
                "WIREWATCH_KAFKA_SSL_KEYFILE is set without WIREWATCH_KAFKA_SSL_CERTFILE"
            )
        return self

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.kafka_port}"

    @property
    def uses_own_broker(self) -> bool:
        return self.kafka_bootstrap_servers is None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'wirewatch.db'}"

    @property
    def resolved_alert_files_dir(self) -> Path:
        return self.alert_files_dir or self.state_dir / "alerts"

    @property
    def dead_letter_dir(self) -> Path:
        """The one folder a dead letter's original too large to travel in it is kept
        in, and the only one `dlq show --original` and `dlq replay` read one from."""
        return self.state_dir / "dead-letters"

    @property
    def resolved_feeds_file(self) -> Path:
        return self.feeds_file or self.state_dir / "feeds.yaml"

    @property
    def resolved_collector_database_url(self) -> str:
        return self.collector_database_url or f"sqlite:///{self.state_dir / 'collector.db'}"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def private_addresses_notice(self) -> str | None:
        """One line saying what the older WIREWATCH_ALLOW_PRIVATE_ADDRESSES did, when it
        was set: it still opens feeds and webhooks alike, where the new ones are unset."""
        if self.allow_private_addresses is None:
            return None
        return (
            f"WIREWATCH_ALLOW_PRIVATE_ADDRESSES={str(self.allow_private_addresses).lower()} "
            "applies to feeds and webhooks alike (where WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES "
            "and WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES are unset): set those instead"
        )

    # The sections are built once, from the validated variables, when the settings are
    # read: each component is handed the same section every time it asks.
    _sections: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _build_sections(self) -> Settings:
        self._sections = self._sections_from_variables()
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with some variables changed (as tests make one): its sections are
        built again from them, not shared with the original."""
        copied = super().model_copy(update=update, deep=deep)
        copied._sections = copied._sections_from_variables()
        return copied

    def _sections_from_variables(self) -> dict[str, Any]:
        return {
            "kafka": self._build_kafka(),
            "state": self._build_state(),
            "stream": self._build_stream(),
            "api": self._build_api(),
            "collect": self._build_collect(),
            "delivery": self._build_delivery(),
        }

    @property
    def kafka(self) -> KafkaSection:
        return self._sections["kafka"]

    @property
    def state(self) -> StateSection:
        return self._sections["state"]

    @property
    def stream(self) -> StreamSection:
        return self._sections["stream"]

    @property
    def api(self) -> ApiSection:
        return self._sections["api"]

    @property
    def collect(self) -> CollectSection:
        return self._sections["collect"]

    @property
    def delivery(self) -> DeliverySection:
        return self._sections["delivery"]

    def _build_kafka(self) -> KafkaSection:
        return KafkaSection(
            bootstrap_servers=self.bootstrap_servers,
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            sasl_username=self.kafka_sasl_username,
            sasl_password=self.kafka_sasl_password,
            ssl_cafile=self.kafka_ssl_cafile,
            ssl_certfile=self.kafka_ssl_certfile,
            ssl_keyfile=self.kafka_ssl_keyfile,
            app_id=self.app_id,
            topic_prefix=self.topic_prefix,
            topic_partitions=self.topic_partitions,
            topic_replication_factor=self.topic_replication_factor,
            wait_seconds=self.kafka_wait_seconds,
        )

    def _build_state(self) -> StateSection:
        return StateSection(self.state_window_days, self.dedup_threshold)

    def _build_stream(self) -> StreamSection:
        return StreamSection(self.stream_batch_ms / 1000)

    def _build_api(self) -> ApiSection:
        return ApiSection(
            host=self.api_host,
            port=self.api_port,
            token=self.api_token.get_secret_value() if self.api_token else None,
            cors_origins=tuple(o.strip() for o in self.api_cors_origins.split(",") if o.strip()),
            tile_url=self.api_tile_url,
            tile_attribution=self.api_tile_attribution,
            max_streams=self.api_max_streams,
            allowed_hosts=_allowed_hosts(self.api_allowed_hosts, self.api_host),
            cookie_secure=self.api_cookie_secure,
            forwarded_allow_ips=self.api_forwarded_allow_ips,
            max_body_bytes=self.api_max_body_bytes,
            max_connections=self.api_max_connections,
            header_timeout=self.api_header_timeout_seconds,
            keep_alive_timeout=self.api_keep_alive_seconds,
            login_free_failures=self.api_login_free_failures,
            login_max_delay=self.api_login_max_delay_seconds,
        )

    def _build_collect(self) -> CollectSection:
        return CollectSection(
            poll_interval_minutes=self.poll_interval_minutes,
            poll_min_interval_minutes=self.poll_min_interval_minutes,
            poll_max_interval_minutes=self.poll_max_interval_minutes,
            poll_jitter=self.poll_jitter,
            fetch_connect_timeout=self.fetch_connect_timeout,
            fetch_total_timeout=self.fetch_total_timeout,
            fetch_max_bytes=self.fetch_max_bytes,
            fetch_max_redirects=self.fetch_max_redirects,
            user_agent=self.user_agent,
            allow_private_addresses=_either(
                self.feeds_allow_private_addresses, self.allow_private_addresses
            ),
            notice=self.private_addresses_notice,
        )

    def _build_delivery(self) -> DeliverySection:
        return DeliverySection(
            attempts=self.delivery_attempts,
            timeout=self.delivery_timeout,
            base_delay=self.delivery_base_delay,
            concurrency=self.delivery_concurrency,
            per_subscription=self.delivery_per_subscription,
            smtp_host=self.smtp_host,
            smtp_port=self.smtp_port,
            smtp_sender=self.smtp_sender,
            allow_private_addresses=_either(
                self.webhooks_allow_private_addresses, self.allow_private_addresses
            ),
            subscriptions_refresh_seconds=self.subscriptions_refresh_seconds,
            files_dir=self.resolved_alert_files_dir,
            notice=self.private_addresses_notice,
        )


def _either(specific: bool | None, both: bool | None) -> bool:
    """A private-address switch: its own variable when set, else the older one for both."""
    return bool(both) if specific is None else specific


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def _allowed_hosts(given: str | None, bind_host: str) -> tuple[str, ...]:
    """The Host names the API answers: those given, else loopback and the bind host; on
    a wildcard address any (that needs the token, which a rebinding page does not have)."""
    if given is not None:
        return tuple(h.strip().lower() for h in given.split(",") if h.strip())
    if bind_host in WILDCARD_ADDRESSES:
        return ("*",)
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, bind_host.lower().strip("[]"))))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
