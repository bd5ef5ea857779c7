"""Subscriptions are checked when saved (issue 14, item 8): what the probe saw accepted
and later dead (country ZZ, a file:// or ftp:// webhook, notaurl, not-an-email, a file
outside the alert files directory) is refused by `subscriptions add` and `load` with
the reason, and a file target outside the directory is refused at delivery too."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from pydantic import ValidationError

from harness.services import invoke_wirewatch
from schemas.alert import Subscription
from sinks.alerts.channels import PermanentFailure, append_to_file, file_target


def _sub(**delivery) -> dict:
    return {"id": "s1", "countries": ["UA"], "delivery": {"kind": "webhook", **delivery}}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({**_sub(target="https://hooks.example/x"), "countries": ["ZZ"]}, "unknown country"),
        (_sub(target="file:///etc/passwd"), "http(s) URL"),
        (_sub(target="ftp://hooks.example/x"), "http(s) URL"),
        (_sub(target="notaurl"), "http(s) URL"),
        (_sub(target="https://"), "http(s) URL"),
        (_sub(kind="email", target="not-an-email"), "not an email address"),
        (_sub(kind="email", target="a@b@c.example"), "not an email address"),
        (_sub(kind="file", target="alerts.jsonl", secret="k"), "signs webhooks only"),
        (_sub(target="https://hooks.example/\x00"), "target"),
        ({**_sub(target="https://hooks.example/x"), "keywords": [""]}, "keywords"),
        ({**_sub(target="https://hooks.example/x"), "min_fatalities": -1}, "min_fatalities"),
    ],
)
def test_a_bad_subscription_is_refused_by_the_schema(record, reason):
    with pytest.raises(ValidationError) as caught:
        Subscription.model_validate_json(json.dumps(record))
    assert reason in str(caught.value)


def test_good_targets_pass_and_an_email_is_normalised():
    webhook = Subscription.model_validate_json(json.dumps(_sub(target="https://h.example/x")))
    assert webhook.delivery.target == "https://h.example/x"
    mail = Subscription.model_validate_json(
        json.dumps(_sub(kind="email", target="Analyst@Example.ORG"))
    )
    assert mail.delivery.target == "Analyst@example.org"


def test_a_file_target_must_lie_inside_the_alert_files_directory(tmp_path):
    base = tmp_path / "alerts"
    assert file_target("watch/ua.jsonl", base) == (base / "watch/ua.jsonl").resolve()
    assert file_target(str(base / "ua.jsonl"), base) == (base / "ua.jsonl").resolve()
    base.mkdir()
    (base / "out").symlink_to(tmp_path)
    for outside in (
        "/etc/passwd",
        "../escape.jsonl",
        str(tmp_path / "x.jsonl"),
        "out/x.jsonl",
        ".",
    ):
        with pytest.raises(ValueError, match="outside the alert files directory"):
            file_target(outside, base)


def test_delivery_refuses_a_stored_file_target_outside_the_directory(tmp_path):
    """A subscription saved before targets were checked cannot write elsewhere."""
    from tests.test_alerting import _alert, _ganja_versions

    sub = Subscription.model_validate_json(
        json.dumps(_sub(kind="file", target=str(tmp_path / "elsewhere.jsonl")))
    )
    with pytest.raises(PermanentFailure, match="outside"):
        append_to_file(_alert(_ganja_versions()[0]), sub, tmp_path / "alerts")
    assert not (tmp_path / "elsewhere.jsonl").exists()


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
    }
    return invoke_wirewatch(env, "subscriptions", *args)


def test_add_and_load_refuse_with_the_reason_and_save_nothing(tmp_path):
    refused = [
        ("add", "a", "--country", "ZZ", "--webhook", "https://h.example/x"),
        ("add", "b", "--webhook", "file:///etc/passwd"),
        ("add", "c", "--email", "not-an-email"),
        ("add", "d", "--file", "/etc/cron.d/wirewatch"),
    ]
    for args in refused:
        done = _cli(tmp_path, *args)
        assert done.returncode != 0 and "Error:" in done.stderr, (args, done.stderr)
    path = tmp_path / "subs.yaml"
    path.write_text(
        "- {id: ok, countries: [UA], delivery: {kind: file, target: ua.jsonl}}\n"
        "- {id: bad, delivery: {kind: file, target: ../../outside.jsonl}}\n"
    )
    done = _cli(tmp_path, "load", str(path))
    assert done.returncode != 0 and "subscription bad" in done.stderr and "outside" in done.stderr
    listed = _cli(tmp_path, "list", "--format", "jsonl")
    assert listed.returncode == 0 and listed.stdout.strip() == ""  # nothing saved
    path.write_text("- {id: ok, countries: [UA], delivery: {kind: file, target: ua.jsonl}}\n")
    assert _cli(tmp_path, "load", str(path)).returncode == 0
    assert '"ok"' in _cli(tmp_path, "list", "--format", "jsonl").stdout
