"""A single-node Apache Kafka (KRaft) that wirewatch provisions and runs itself.

No Docker: the broker's jars come from Maven Central through ``mvn`` (the version is
pinned in ``deploy/kafka/pom.xml``) and run on the machine's Java. Jars are cached
per version; data, logs and the pid file live under ``<state_dir>/kafka``.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from infra.settings import REPO_ROOT, Settings

POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
LOG4J_CONFIG = REPO_ROOT / "deploy" / "kafka" / "log4j2.yaml"


class BrokerError(RuntimeError):
    """The local broker could not be fetched, formatted, started or stopped."""


def pinned_kafka_version(pom: Path = POM) -> str:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom.read_text())
    if not match:
        raise BrokerError(f"{pom} does not pin <kafka.version>")
    return match.group(1).strip()


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# Maven's lines in batch mode (-B) for a file fetched from a repository and a jar copied
# into the libs directory
_MAVEN_DOWNLOADED = re.compile(r"^\[INFO\] Downloaded from \S+: \S*/([^/\s]+) \(")
_MAVEN_COPYING = re.compile(r"^\[INFO\] Copying (\S+) to ")


@dataclass
class MavenProgress:
    """What a Maven run has done so far, read from its output line by line."""

    downloaded: int = 0  # files fetched from the repository (poms and jars)
    copied: int = 0  # jars copied into the libs directory
    latest: str = ""  # the last file either way

    def read(self, line: str) -> bool:
        """Count LINE if it reports a step; return whether it did."""
        if found := _MAVEN_DOWNLOADED.match(line):
            self.downloaded += 1
        elif found := _MAVEN_COPYING.match(line):
            self.copied += 1
        else:
            return False
        self.latest = found.group(1)
        return True


def fetch_jars(
    cache_dir: Path,
    version: str | None = None,
    progress: Callable[[MavenProgress], None] | None = None,
) -> Path:
    """Resolve the broker and its dependencies into ``cache_dir`` once; return the dir.
    PROGRESS is told of each file Maven downloads or copies."""
    version = version or pinned_kafka_version()
    libs = cache_dir / f"kafka-{version}" / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs
    if shutil.which("mvn") is None:
        raise BrokerError("Maven (mvn) is needed to fetch the Kafka broker's jars")
    if shutil.which("java") is None:
        raise BrokerError("Java is needed to run the Kafka broker")
    libs.mkdir(parents=True, exist_ok=True)
    command = [
        "mvn",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={libs}",
        "-DincludeScope=runtime",
        f"-Dkafka.version={version}",
    ]
    state = MavenProgress()
    tail: deque[str] = deque(maxlen=60)
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    ) as maven:
        try:
            for line in maven.stdout:
                tail.append(line)
                if state.read(line) and progress is not None:
                    progress(state)
            maven.wait()
        except BaseException:  # Ctrl-C or SIGTERM too: Maven does not outlive us
            maven.kill()
            raise
    if maven.returncode != 0:
        raise BrokerError(f"mvn could not fetch Kafka {version}:\n{''.join(tail)}")
    done.write_text(version + "\n")
    return libs


@dataclass
class LocalBroker:
    """One broker+controller process on 127.0.0.1:port (controller on port+1)."""

    home: Path
    cache_dir: Path
    port: int = 9092
    heap: str = "768m"
    # server.properties over the defaults (the tests add SASL and TLS listeners), and
    # arguments for formatting the storage (e.g. SCRAM users: --add-scram ...)
    extra_properties: dict[str, str] = field(default_factory=dict)
    extra_format_args: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBroker:
        """The broker wirewatch runs for these settings (state under <state_dir>/kafka)."""
        return cls(
            home=settings.state_dir / "kafka",
            cache_dir=settings.cache_dir,
            port=settings.kafka_port,
            heap=settings.kafka_heap,
        )

    @property
    def controller_port(self) -> int:
        return self.port + 1

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def config_file(self) -> Path:
        return self.home / "server.properties"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def is_running(self) -> bool:
        return self.pid() is not None

    def status(self) -> str:
        pid = self.pid()
        if pid is None:
            return f"stopped (state in {self.home})"
        ready = "accepting connections" if port_is_open("127.0.0.1", self.port) else "starting"
        return f"running, pid {pid}, {self.bootstrap_servers}, {ready} (state in {self.home})"

    def write_config(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        properties = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "3",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "log.retention.hours": "168",
            **self.extra_properties,
        }
        text = "".join(f"{key}={value}\n" for key, value in properties.items())
        self.config_file.write_text(text)

    def _java(self, libs: Path, main_class: str, *args: str) -> list[str]:
        return [
            "java",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.log_dir}",
            "-cp",
            f"{libs}/*",
            main_class,
            *args,
        ]

    def format_storage(self, libs: Path, cluster_id: str | None = None) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        cluster_id = cluster_id or base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # "--cluster-id=" form: a random id may start with "-" and read as an option.
        command = self._java(
            libs,
            "kafka.tools.StorageTool",
            "format",
            f"--cluster-id={cluster_id}",
            f"--config={self.config_file}",
            *self.extra_format_args,
        )
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BrokerError(f"formatting {self.data_dir} failed:\n{result.stdout}{result.stderr}")

    def start(self, timeout: float = 90.0) -> None:
        """Start the broker unless it runs already; return once it accepts connections."""
        if self.is_running():
            self.wait_ready(timeout)
            return
        if port_is_open("127.0.0.1", self.port) or port_is_open("127.0.0.1", self.controller_port):
            raise BrokerError(
                f"port {self.port} or {self.controller_port} on 127.0.0.1 is taken by another "
                "process; set WIREWATCH_KAFKA_PORT or KAFKA_BOOTSTRAP_SERVERS"
            )
        libs = fetch_jars(self.cache_dir)
        self.write_config()
        self.format_storage(libs)
        # Ctrl-C or SIGTERM waits until the pid file names the new process, so that
        # whoever handles it can find the broker and stop it
        with _signals_held():
            with (self.log_dir / "server.out").open("ab") as out:
                process = subprocess.Popen(
                    self._java(libs, "kafka.Kafka", str(self.config_file)),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            self.pid_file.write_text(f"{process.pid}\n")
        self.wait_ready(timeout, process)

    def wait_ready(self, timeout: float, process: subprocess.Popen | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise BrokerError(
                    f"the broker exited with code {process.returncode}:\n{self.log_tail()}"
                )
            if port_is_open("127.0.0.1", self.port) and _answers_metadata(self.bootstrap_servers):
                return
            time.sleep(0.5)
        raise BrokerError(
            f"the broker did not accept connections in {timeout:.0f}s\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the broker; return whether one was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """Kill the broker at once, as a crash would (for outage tests)."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)

    def log_tail(self, lines: int = 40) -> str:
        path = self.log_dir / "server.out"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM that arrive in the block take effect when it ends, as they
    would have (a Python handler, not the kernel's mask: a child started in the block
    must not inherit blocked signals). Outside the main thread, nothing is held."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, lambda received, _frame: caught.append(received))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in caught:
            signal.raise_signal(number)


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _answers_metadata(bootstrap_servers: str) -> bool:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers,
            request_timeout_ms=3000,
            client_id="wirewatch-probe",
        )
    except (KafkaError, OSError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()
