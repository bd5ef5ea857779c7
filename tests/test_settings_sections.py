"""Settings by section (issue 26, item 4): the variables are read and validated once, each
component's section and its policies are built once from them, feeds and webhooks have
their own private-address switch (the older one still opens both, with a notice), and
every variable the documentation names is one the settings read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from infra.policies import FetchLimits, RetryPolicy, SchedulePolicy
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PRIVATE = (
    "WIREWATCH_ALLOW_PRIVATE_ADDRESSES",
    "WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES",
    "WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES",
)


@pytest.fixture
def clean(monkeypatch, tmp_path):
    """No WIREWATCH_ variable from the caller's environment, no .env read."""
    for name in PRIVATE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_each_section_and_its_policies_are_built_once_from_the_variables(clean):
    clean.setenv("WIREWATCH_FETCH_MAX_BYTES", "65536")
    clean.setenv("WIREWATCH_POLL_MIN_INTERVAL_MINUTES", "2")
    clean.setenv("WIREWATCH_DELIVERY_ATTEMPTS", "3")
    clean.setenv("WIREWATCH_DELIVERY_BASE_DELAY", "0.25")
    settings = Settings()
    assert settings.collect is settings.collect and settings.delivery is settings.delivery
    assert settings.api is settings.api and settings.kafka is settings.kafka
    assert settings.collect.fetch == FetchLimits(
        connect_timeout=10.0,
        total_timeout=30.0,
        max_bytes=65536,
        max_redirects=5,
        user_agent=settings.user_agent,
        allow_private=False,
    )
    assert settings.collect.schedule == SchedulePolicy(15.0, 2.0, 1440.0, 0.1)
    assert settings.delivery.retry == RetryPolicy(attempts=3, base_delay=0.25, timeout=10.0)


@pytest.mark.parametrize(
    ("given", "feeds", "webhooks", "notice"),
    [
        ({}, False, False, False),
        ({"WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES": "true"}, True, False, False),
        ({"WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true"}, False, True, False),
        ({"WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}, True, True, True),
        (
            {
                "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
                "WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "false",
            },
            True,
            False,
            True,
        ),
    ],
)
def test_feeds_and_webhooks_each_have_their_own_private_address_switch(
    clean, given, feeds, webhooks, notice
):
    for name, value in given.items():
        clean.setenv(name, value)
    settings = Settings()
    assert settings.collect.allow_private_addresses is feeds
    assert settings.collect.fetch.allow_private is feeds
    assert settings.delivery.allow_private_addresses is webhooks
    if notice:
        line = settings.private_addresses_notice
        assert line is not None and "\n" not in line
        assert "WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES" in line
        assert "WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES" in line
        assert settings.collect.notice == settings.delivery.notice == line
    else:
        assert settings.private_addresses_notice is None
        assert settings.collect.notice is None and settings.delivery.notice is None


def test_a_copy_with_changed_variables_gets_sections_of_its_own(clean):
    """model_copy(update=...) skips validation: the copy's sections are built again."""
    base = Settings()
    copied = base.model_copy(update={"allow_private_addresses": True, "fetch_max_bytes": 4096})
    assert copied.collect.fetch.allow_private and copied.collect.fetch.max_bytes == 4096
    assert copied.delivery.allow_private_addresses
    assert not base.collect.fetch.allow_private and base.collect is not copied.collect


def test_the_older_switch_is_still_read_as_a_keyword_too():
    settings = Settings(allow_private_addresses=True)
    assert settings.collect.allow_private_addresses and settings.delivery.allow_private_addresses


def _read_by_settings() -> dict[str, str]:
    """Each variable the settings read, to the field it sets."""
    read = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names = alias.choices if isinstance(alias, AliasChoices) else [f"WIREWATCH_{name}"]
        read.update({str(variable).upper(): name for variable in names})
    return read


def _documented(read: dict[str, str]) -> list[str]:
    """The variables docs/configuration.md lists (a row's `_SUFFIX` names a sibling of
    the row's first variable) and docs/feeds.md names."""
    names = []
    for line in (ROOT / "docs/configuration.md").read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| (`[A-Z_]+`(?: / `[A-Z_]+`)*) \|", line)
        if row is None:
            continue
        first, *others = re.findall(r"`([A-Z_]+)`", row.group(1))
        names.append(first)
        for other in others:
            if not other.startswith("_"):
                names.append(other)
                continue
            parts = first.split("_")
            stems = ("_".join(parts[:cut]) for cut in range(len(parts) - 1, 0, -1))
            names.append(next((s + other for s in stems if s + other in read), first + other))
    feeds = (ROOT / "docs/feeds.md").read_text(encoding="utf-8")
    names += re.findall(r"\bWIREWATCH_[A-Z_]*[A-Z]\b", feeds)
    return list(dict.fromkeys(names))


def test_every_documented_variable_is_one_the_settings_read():
    read = _read_by_settings()
    documented = _documented(read)
    assert len(documented) > 60
    assert [name for name in documented if name not in read] == []


def test_every_documented_variable_sets_its_own_field(clean):
    """Set to its default (a value it must accept), each variable with a plain default
    is read into the field of its name, from the environment."""
    read = _read_by_settings()
    checked = 0
    for variable in _documented(read):
        field = read[variable]
        default = Settings.model_fields[field].default
        if type(default) not in (bool, int, float, str):
            continue  # unset by default, a path or computed: set by the tests of its use
        value = str(default).lower() if isinstance(default, bool) else str(default)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(variable, value)
            settings = Settings()
        assert field in settings.model_fields_set, variable
        assert getattr(settings, field) == default, variable
        checked += 1
    assert checked > 40


SECTIONS = ("_build_state", "_build_stream", "_build_api", "_build_collect", "_build_delivery")
LAYERS = ("deadletters", "infra", "ingest", "processors", "sinks", "api", "wirewatch")


def _carried_by_sections() -> set[str]:
    """The settings each section but kafka is built from: `self.X` in its builder (the
    flat variables, and a property such as resolved_alert_files_dir)."""
    tree = ast.parse((ROOT / "infra/settings.py").read_text(encoding="utf-8"))
    carried: set[str] = set()
    for builder in ast.walk(tree):
        if isinstance(builder, ast.FunctionDef) and builder.name in SECTIONS:
            carried |= {
                node.attr
                for node in ast.walk(builder)
                if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "self"
            }
    return carried - {"private_addresses_notice"}


def test_code_reads_a_setting_a_section_carries_through_that_section():
    """The sections are the source of truth: outside infra/settings.py no module reads
    one of their variables from the flat settings (`settings.poll_jitter`), so a
    component sees the value its section holds, policies included."""
    carried = _carried_by_sections()
    assert {"poll_jitter", "delivery_attempts", "api_host", "dedup_threshold"} <= carried
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if path == ROOT / "infra/settings.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in carried
                    and "settings" in ast.unparse(node.value).split(".")[-1].lower()
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert found == []
