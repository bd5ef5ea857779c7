"""``make up``: the whole pipeline on this machine, each slow step shown as it runs, and
stopped cleanly, whatever it is doing, by Ctrl-C or SIGTERM.

Every child runs in a process group of its own (the broker in a session of its own), so
that a stop reaches the processes they start too, and in the order chosen here: the
API, the collector, the replay and the worker first, the broker last. A `try/finally`
covers every step from the first, the broker's start included: a Ctrl-C while Kafka is
starting stops it (its pid file is written before a signal can act). One `up` per state
directory (`infra.state_lock`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from infra.broker import BrokerError, LocalBroker, MavenProgress, fetch_jars, pinned_kafka_version
from infra.kafka_admin import ensure_topics
from infra.settings import ApiSection, Settings
from infra.state_lock import StateDirInUse, hold_state_dir
from wirewatch.render import event_line, plain

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 30.0  # how long a child may take to stop before it is killed
MAVEN_LINE_EVERY = 25  # files between two printed lines (the spinner shows each)


def _wirewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "wirewatch", *args]


class _Children:
    """The processes `up` started, each the leader of its own process group."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.running: list[tuple[str, subprocess.Popen]] = []
        self.hurry = False  # a second Ctrl-C while stopping: kill, do not wait

    def start(self, name: str, args: list[str], log: Path | None) -> subprocess.Popen:
        """Start NAME writing to LOG (to this terminal when None)."""
        with contextlib.ExitStack() as stack:
            output = stack.enter_context(log.open("ab")) if log is not None else None
            process = subprocess.Popen(
                args,
                stdout=output,
                stderr=subprocess.STDOUT if output is not None else None,
                stdin=subprocess.DEVNULL,
                process_group=0,  # its own group: the terminal's Ctrl-C reaches `up` alone
            )
        self.running.append((name, process))
        return process

    def stop(self) -> None:
        """SIGINT to every group, then wait for each, killing the group after the grace."""
        alive = [(name, process) for name, process in self.running if process.poll() is None]
        for _, process in alive:
            _signal_group(process.pid, signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, process in alive:
            self.console.print(f"[bold]{name}[/] stopping (pid {process.pid})")
            while process.poll() is None and time.monotonic() < deadline and not self.hurry:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
            if process.poll() is None:
                self.console.print(f"[bold]{name}[/] did not stop: killed")
        for _, process in self.running:
            # whatever is left of a group (its leader gone or not) is killed
            _signal_group(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)


def _signal_group(group: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, number)


def _interrupt(_number: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM acts as Ctrl-C does (KeyboardInterrupt) for the block."""
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in STOP_SIGNALS:
        signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def run_up(settings: Settings) -> int:
    console = Console(stderr=True)
    try:
        with hold_state_dir(settings.state_dir), _stop_signals_interrupt():
            return _run_up(settings, console)
    except StateDirInUse as error:
        console.print("[red]Error:[/]", plain(str(error)), soft_wrap=True)
        return 1


def dashboard_address(api: ApiSection) -> str:
    """Where `wirewatch serve` shows the dashboard: the first thing an analyst needs."""
    host = api.host
    if ":" in host:  # an IPv6 address is bracketed in a URL
        host = f"[{host}]"
    return f"http://{host}:{api.port}/"


def _run_up(settings: Settings, console: Console) -> int:
    children = _Children(console)
    broker: LocalBroker | None = None  # the broker this `up` starts, to stop at the end
    dashboard = dashboard_address(settings.api)
    # the first address printed, before the slow steps push it off the screen
    console.print(
        f"[bold]dashboard[/] {dashboard} (open it once the api line below appears; "
        "Ctrl-C stops everything)",
        soft_wrap=True,
        highlight=False,
    )
    try:
        if settings.uses_own_broker:
            _fetch_jars(settings.cache_dir, console)
        _prepare_places(console)
        if settings.uses_own_broker:
            own = LocalBroker.from_settings(settings)
            if own.is_running():
                console.print(
                    f"[bold]kafka[/] [yellow]a broker is already running on this state "
                    f"directory, not started by this `up`[/]: pid {own.pid()}, from "
                    f"{own.pid_file} (left by an earlier `up` or `wirewatch kafka start`). "
                    "Using it, and leaving it running: `wirewatch kafka stop` stops it.",
                    soft_wrap=True,
                )
            else:
                broker = own
                console.print(
                    f"[bold]kafka[/] starting Apache Kafka {pinned_kafka_version()} on "
                    f"{own.bootstrap_servers} (log: {own.log_dir / 'server.out'})"
                )
            _start_broker(own, console)
        ensure_topics(settings.kafka)
        _start_pipeline(settings, console, children)
        worker_log = settings.state_dir / "worker.log"
        worker = children.running[0][1]
        console.print(
            f"[bold]events[/] as they are stored (on the map: {dashboard}; "
            "Ctrl-C stops everything)",
            soft_wrap=True,
            highlight=False,
        )
        _follow_events(settings.resolved_database_url, worker, console)
        console.print(f"[red]the worker exited with code {worker.returncode}; see {worker_log}[/]")
        return 1
    except BrokerError as error:
        console.print("[red]kafka could not start:[/]", plain(str(error)))
        return 1
    except KeyboardInterrupt:
        console.print("\nstopping ...")
        return 0
    finally:
        _stop_everything(children, broker, console)


def _stop_everything(children: _Children, broker: LocalBroker | None, console: Console) -> None:
    """Stop the children, then the broker; a second Ctrl-C (or SIGTERM) kills at once."""

    def hurry(_number: int, _frame: FrameType | None) -> None:
        children.hurry = True

    for number in STOP_SIGNALS:
        signal.signal(number, hurry)
    children.stop()
    if broker is not None and broker.is_running():
        console.print(f"[bold]kafka[/] stopping (pid {broker.pid()})")
        broker.stop(timeout=2.0 if children.hurry else GRACE_SECONDS)
        console.print("[bold]kafka[/] stopped")


def _fetch_jars(cache_dir: Path, console: Console) -> None:
    version = pinned_kafka_version()
    what = f"[bold]maven[/] fetching the jars of Apache Kafka {version}"
    with console.status(what) as spinner:

        def show(progress: MavenProgress) -> None:
            done = f"{progress.downloaded} files downloaded, {progress.copied} jars copied"
            spinner.update(f"{what}: {done} ({progress.latest})")
            if (progress.downloaded + progress.copied) % MAVEN_LINE_EVERY == 0:
                console.print(f"[bold]maven[/] {done}", highlight=False)

        libs = fetch_jars(cache_dir, version, progress=show)
    console.print(f"[bold]kafka[/] the jars of Apache Kafka {version} are in {libs}")


def _prepare_places(console: Console) -> None:
    """The place index the worker loads, built here with a progress bar when missing."""
    from processors.extraction.gazetteer import prepare_gazetteer

    console.print("[bold]places[/] checking the place index (GeoNames)")
    columns = (
        TextColumn("[bold]places[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("building the place index", total=None)

        def show(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        path, built = prepare_gazetteer(show)
    console.print(f"[bold]places[/] index {'built and saved in' if built else 'ready:'} {path}")


def _start_broker(broker: LocalBroker, console: Console) -> None:
    address = broker.bootstrap_servers
    with console.status(f"[bold]kafka[/] waiting for the broker on {address}"):
        broker.start()
    console.print(f"[bold]kafka[/] ready, pid {broker.pid()}")


def _start_pipeline(settings: Settings, console: Console, children: _Children) -> None:
    """The worker, the collector and the API, then the replay of the seeds."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    worker_log = settings.state_dir / "worker.log"
    console.print(f"[bold]worker[/] starting (log: {worker_log})")
    children.start("worker", _wirewatch("worker"), worker_log)
    collector_log = settings.state_dir / "collector.log"
    console.print(
        f"[bold]collector[/] polling the feeds in {settings.resolved_feeds_file} "
        f"(add some with `wirewatch feeds add URL`; log: {collector_log})"
    )
    children.start("collector", _wirewatch("collect"), collector_log)
    api_log = settings.state_dir / "api.log"
    dashboard = dashboard_address(settings.api)
    console.print(
        f"[bold]api[/] the dashboard at {dashboard}, the API at {dashboard}api/events "
        f"(docs: {dashboard}docs; log: {api_log})",
        soft_wrap=True,
        highlight=False,
    )
    children.start("api", _wirewatch("serve"), api_log)
    console.print(f"[bold]replay[/] {settings.seeds_dir}")
    replay = children.start("replay", _wirewatch("replay", str(settings.seeds_dir)), None)
    replay.wait()


def _follow_events(database_url: str, worker: subprocess.Popen, console: Console) -> None:
    """Print each new event version until the worker exits (or Ctrl-C)."""
    from sinks.storage import connect, list_events

    engine = connect(database_url)
    shown: dict[str, int] = {}
    while worker.poll() is None:
        for item in sorted(list_events(engine), key=lambda e: e.last_updated):
            if shown.get(item.event_id) != item.version:
                shown[item.event_id] = item.version
                console.print(plain(event_line(item)), soft_wrap=True)
        time.sleep(1.0)
