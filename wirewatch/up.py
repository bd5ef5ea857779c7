"""``make up``: the whole pipeline on this machine, stopped cleanly with Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from rich.console import Console

from infra.broker import BrokerError, LocalBroker, pinned_kafka_version
from infra.kafka_admin import ensure_topics
from infra.settings import Settings
from wirewatch.render import event_line


def _wirewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "wirewatch", *args]


def run_up(settings: Settings) -> int:
    console = Console(stderr=True)
    broker: LocalBroker | None = None
    worker: subprocess.Popen | None = None
    collector: subprocess.Popen | None = None
    server: subprocess.Popen | None = None
    if settings.uses_own_broker:
        broker = LocalBroker.from_settings(settings)
        started_broker = not broker.is_running()
        console.print(
            f"[bold]kafka[/] Apache Kafka {pinned_kafka_version()} on {broker.bootstrap_servers}"
        )
        try:
            broker.start()
        except BrokerError as error:
            console.print(f"[red]could not start Kafka:[/] {error}")
            return 1
        if not started_broker:
            broker = None  # it was running before us: leave it running
    ensure_topics(settings)
    try:
        log_path = settings.state_dir / "worker.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        console.print(f"[bold]worker[/] starting (log: {log_path})")
        with log_path.open("ab") as log:
            worker = subprocess.Popen(_wirewatch("worker"), stdout=log, stderr=subprocess.STDOUT)
        collector_log = settings.state_dir / "collector.log"
        feeds_file = settings.resolved_feeds_file
        console.print(
            f"[bold]collector[/] polling the feeds in {feeds_file} "
            f"(add some with `wirewatch feeds add URL`; log: {collector_log})"
        )
        with collector_log.open("ab") as log:
            collector = subprocess.Popen(
                _wirewatch("collect"), stdout=log, stderr=subprocess.STDOUT
            )
        api_log = settings.state_dir / "api.log"
        address = f"http://{settings.api.host}:{settings.api.port}"
        console.print(f"[bold]api[/] {address}/api/events (docs: {address}/docs; log: {api_log})")
        with api_log.open("ab") as log:
            server = subprocess.Popen(_wirewatch("serve"), stdout=log, stderr=subprocess.STDOUT)
        console.print(f"[bold]replay[/] {settings.seeds_dir}")
        subprocess.run(_wirewatch("replay", str(settings.seeds_dir)), check=False)
        console.print("[bold]events[/] as they are stored (Ctrl-C stops everything)")
        _follow_events(settings, worker, console)
        console.print(f"[red]the worker exited with code {worker.returncode}; see {log_path}[/]")
        status = 1
    except KeyboardInterrupt:
        console.print("\nstopping ...")
        status = 0
    finally:
        for process in (server, collector, worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if broker is not None:
            broker.stop()
            console.print("kafka stopped")
    return status


def _follow_events(settings: Settings, worker: subprocess.Popen, console: Console) -> None:
    """Print each new event version until the worker exits (or Ctrl-C)."""
    from sinks.storage import connect, list_events

    engine = connect(settings.resolved_database_url)
    shown: dict[str, int] = {}
    while worker.poll() is None:
        for item in sorted(list_events(engine), key=lambda e: e.last_updated):
            if shown.get(item.event_id) != item.version:
                shown[item.event_id] = item.version
                console.print(event_line(item), soft_wrap=True)
        time.sleep(1.0)
