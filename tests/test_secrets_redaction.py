"""Webhook credentials and signing secrets stay out of logs, stored errors and listings
(issue 14, item 5): before, a webhook URL with a password appeared in the worker's log on
every attempt, in `alerts list` and `subscriptions test --send` errors, and
`subscriptions list --format jsonl` printed signing secrets."""

from __future__ import annotations

import json
import logging
import os
import subprocess

import pytest

from harness.services import invoke_wirewatch
from infra.redact import redact, shown_url
from tests.test_alerting import _alert, _ganja_versions, _send, _sub, receiver  # noqa: F401

SECRETS = ("pa55word", "T0KEN-IN-PATH", "qtoken123", "signing-k3y")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa55word@hooks.example/x", "https://hooks.example/…"),
        (
            "https://hooks.slack.example/services/T1/B2/T0KEN-IN-PATH",
            "https://hooks.slack.example/…",
        ),
        ("http://hooks.example:8080/?token=qtoken123", "http://hooks.example:8080/…"),
        ("https://hooks.example", "https://hooks.example"),
        ("not a url", "***"),
    ],
)
def test_a_webhook_is_shown_as_its_scheme_and_host(url, shown):
    assert shown_url(url) == shown


def test_redact_hides_every_secret_part_of_a_url_and_the_signing_secret():
    url = "https://user:pa55word@hooks.example/services/T0KEN-IN-PATH?token=qtoken123"
    text = f"POST {url} failed; path /services/T0KEN-IN-PATH; user:pa55word; key signing-k3y"
    hidden = redact(text, url, ["signing-k3y"])
    assert not any(secret in hidden for secret in SECRETS), hidden
    assert "https://hooks.example/…" in hidden


def test_a_failed_delivery_records_and_logs_no_credentials(receiver, caplog):  # noqa: F811
    v1, _ = _ganja_versions()
    receiver.status["/hook/T0KEN-IN-PATH?token=qtoken123"] = 410
    base = receiver.url("/hook/T0KEN-IN-PATH")
    url = base.replace("http://", "http://user:pa55word@") + "?token=qtoken123"
    sub = _sub(delivery={"kind": "webhook", "target": url, "secret": "signing-k3y"})
    with caplog.at_level(logging.INFO, logger="httpx"):
        delivered, _, error = _send(_alert(v1), sub)
    assert not delivered and error and "410" in error
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request" in logged
    for secret in SECRETS:
        assert secret not in error and secret not in logged, (secret, error, logged)


def _cli(state, *args: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")},
        "WIREWATCH_STATE_DIR": str(state),
    }
    return invoke_wirewatch(env, "subscriptions", *args)


def test_subscriptions_list_hides_secrets_unless_asked(tmp_path):
    url = "https://user:pa55word@hooks.example/services/T0KEN-IN-PATH?token=qtoken123"
    added = _cli(
        tmp_path, "add", "w", "--country", "UA", "--webhook", url, "--secret", "signing-k3y"
    )
    assert added.returncode == 0, added.stderr
    for form in (("--format", "jsonl"), ("--format", "table")):
        listed = _cli(tmp_path, "list", *form)
        assert listed.returncode == 0 and "hooks.example" in listed.stdout
        assert not any(secret in listed.stdout for secret in SECRETS), listed.stdout
    shown = _cli(tmp_path, "list", "--format", "jsonl", "--show-secrets")
    record = json.loads(shown.stdout)
    assert record["delivery"] == {"kind": "webhook", "target": url, "secret": "signing-k3y"}
