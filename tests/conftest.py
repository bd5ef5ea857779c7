from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harness.services import free_port_pair, kafka_broker, postgres_server, wirewatch_command
from infra.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# The fixtures that start a service, by the marker a test using them must carry: the
# same set of tests is then one `pytest -m` away (`make check` runs those with none).
SERVICE_FIXTURES = {
    "kafka": ("kafka", "own_broker"),
    "postgres": ("postgres_url",),
    "browser": ("chromium",),
}


def unmarked_services(fixturenames: list[str], markers: set[str]) -> list[str]:
    """The service markers a test lacks, given the fixtures it uses (directly or through
    other fixtures) and the markers it carries."""
    return [
        marker
        for marker, fixtures in SERVICE_FIXTURES.items()
        if marker not in markers and any(name in fixturenames for name in fixtures)
    ]


def pytest_collection_modifyitems(config, items) -> None:
    """A test that starts a broker, a database server or a browser without its marker
    stops the run at once, before anything starts: `make check` would start it too."""
    wrong = []
    for item in items:
        markers = {mark.name for mark in item.iter_markers()}
        lacking = unmarked_services(getattr(item, "fixturenames", []), markers)
        if lacking:
            wrong.append(f"{item.nodeid} needs @pytest.mark.{' and '.join(lacking)}")
    if wrong:
        raise pytest.UsageError("tests using a service without its marker:\n" + "\n".join(wrong))


@pytest.fixture(autouse=True)
def _no_broker_without_the_kafka_marker(request, monkeypatch) -> None:
    """A test without the kafka marker that starts a broker itself fails, saying why."""
    if request.node.get_closest_marker("kafka") is not None:
        return
    from infra.broker import LocalBroker

    def refused(self, *args, **kwargs):
        pytest.fail("this test starts a Kafka broker: mark it @pytest.mark.kafka")

    monkeypatch.setattr(LocalBroker, "start", refused)


@pytest.fixture(scope="session")
def kafka(tmp_path_factory) -> Iterator[tuple[str, object | None]]:
    with kafka_broker(tmp_path_factory.mktemp("kafka")) as found:
        yield found


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def fresh_postgres_database(postgres_url: str) -> str:
    """A new, empty database on the suite's PostgreSQL server: its URL."""
    name = f"api_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """An empty event store: SQLite, then a fresh database on the suite's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'events.db'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def own_broker(tmp_path) -> Iterator[object]:
    """A broker of the test's own, for tests that kill it (the suite's broker is shared)."""
    from infra.broker import LocalBroker

    broker = LocalBroker(
        home=tmp_path / "own-kafka", cache_dir=Settings().cache_dir, port=free_port_pair()
    )
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def pipeline_database(request, tmp_path) -> str:
    """The URL of the pipeline's database: SQLite in the test's directory, or, for a test
    parametrised with ``indirect=["pipeline_database"]`` and "postgresql", a fresh
    database on the suite's PostgreSQL."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return fresh_postgres_database(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'events.db'}"


# Run a pipeline test on SQLite and on PostgreSQL: @ON_BOTH_DATABASES above it.
ON_BOTH_DATABASES = pytest.mark.parametrize(
    "pipeline_database",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def pipeline_env(kafka, tmp_path, pipeline_database) -> dict[str, str]:
    """Environment for one isolated pipeline: own topics, consumer group, state and DB."""
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka[0],
        "WIREWATCH_TOPIC_PREFIX": f"t{run}.",
        "WIREWATCH_APP_ID": f"wirewatch-test-{run}",
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_DATABASE_URL": pipeline_database,
        "WIREWATCH_TOPIC_PARTITIONS": "3",
    }
    return env


@pytest.fixture
def pipeline_settings(pipeline_env, monkeypatch) -> Settings:
    for key, value in pipeline_env.items():
        if key.startswith(("WIREWATCH_", "KAFKA_")):
            monkeypatch.setenv(key, value)
    return Settings()


@pytest.fixture
def worker(pipeline_env, tmp_path) -> Iterator[subprocess.Popen]:
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            wirewatch_command("worker"), env=pipeline_env, stdout=log, stderr=subprocess.STDOUT
        )
    yield process
    # killed, not stopped: its graceful stop (seconds of faust's shutdown) is not what
    # these tests check (tests/test_worker_shutdown.py does), its group and topics are
    # the test's own, and it starts no process of its own that could be left behind
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    print(log_path.read_text(errors="replace")[-5000:])
