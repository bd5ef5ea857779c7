"""A webhook the alert sender will refuse (loopback, private, link-local, unless
WIREWATCH_ALLOW_PRIVATE_ADDRESSES is set) is saved with a warning saying so, at
`subscriptions add` and `load`, as `feeds add` warns of a feed (issue 25, item 8).
Only address literals and loopback names: no lookup leaves the machine."""

from __future__ import annotations

import os

import pytest

from harness.services import invoke_wirewatch


def _cli(tmp_path, *args: str, **settings: str):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        **settings,
    }
    return invoke_wirewatch(env, "subscriptions", *args)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9000/hook", "non-public address (127.0.0.1)"),
        ("https://localhost/hook", "localhost is a loopback name"),
        ("http://[::1]/hook", "non-public address (::1)"),
        ("http://192.168.1.20/alerts", "non-public address (192.168.1.20)"),
        ("http://169.254.169.254/latest", "non-public address (169.254.169.254)"),
    ],
)
def test_subscriptions_add_warns_of_a_webhook_the_sender_refuses(tmp_path, url, why):
    done = _cli(tmp_path, "add", "w", "--webhook", url)
    assert done.returncode == 0 and "saved subscription w" in done.stdout
    [warning] = done.stderr.strip().splitlines()
    assert warning.startswith("warning: alerts to ") and "will not be sent" in warning
    assert why in warning and "WIREWATCH_ALLOW_PRIVATE_ADDRESSES=true" in warning
    allowed = _cli(
        tmp_path, "add", "w2", "--webhook", url, WIREWATCH_ALLOW_PRIVATE_ADDRESSES="true"
    )
    assert allowed.returncode == 0 and allowed.stderr == ""


def test_the_warning_hides_the_webhooks_secret_parts(tmp_path):
    done = _cli(tmp_path, "add", "w", "--webhook", "http://user:hunter2@10.0.0.5/t/s3cr3t?k=v")
    assert done.returncode == 0
    assert "non-public address (10.0.0.5)" in done.stderr
    assert "hunter2" not in done.stderr and "s3cr3t" not in done.stderr


def test_subscriptions_load_warns_of_each_refused_webhook_and_saves_them(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text(
        "- {id: local, delivery: {kind: webhook, target: 'http://127.0.0.1:9000/h'}}\n"
        "- {id: filed, delivery: {kind: file, target: a.jsonl}}\n"
    )
    done = _cli(tmp_path, "load", str(path))
    assert done.returncode == 0, done.stderr
    [warning] = done.stderr.strip().splitlines()
    assert "non-public address (127.0.0.1)" in warning and "(subscription local)" in warning
    assert '"local"' in _cli(tmp_path, "list", "--format", "jsonl").stdout
