"""One filter vocabulary: the API's documented parameters and the command line's
options are made from the query model, so each lists every field of `EventQuery`
under its name, with the model's description as its help and the model's bounds.
No service: the API in-process over an empty SQLite file, the CLI in-process."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from harness.services import api_test_client
from sinks.event_query import EventQuery
from sinks.query_vocabulary import filters
from wirewatch.cli import main

FILTERED = ("/api/events", "/api/events/export", "/api/events/stream", "/api/stats")


def _flat(text: str) -> str:
    """TEXT with its line breaks undone (click wraps help text, breaking at hyphens)."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


def test_every_field_of_the_model_is_a_filter_with_help():
    assert [each.name for each in filters()] == list(EventQuery.model_fields)
    for each in filters():
        assert each.help == EventQuery.model_fields[each.name].description
        assert len(each.help) > 10, each.name


@pytest.fixture(scope="module")
def documented(tmp_path_factory) -> dict:
    url = f"sqlite:///{tmp_path_factory.mktemp('vocabulary') / 'events.db'}"
    with api_test_client(url) as client:
        return client.get("/openapi.json").json()


@pytest.mark.parametrize("path", FILTERED)
def test_the_api_documents_every_field_with_the_models_help_and_bounds(documented, path):
    parameters = {p["name"]: p for p in documented["paths"][path]["get"]["parameters"]}
    for name, field in EventQuery.model_fields.items():
        assert name in parameters, f"{path} does not take {name}"
        assert parameters[name]["description"] == field.description, (path, name)
    km = parameters["km"]["schema"]["anyOf"][0]
    assert (km["type"], km["exclusiveMinimum"], km["maximum"]) == ("number", 0, 20_000)
    killed = parameters["min_killed"]["schema"]["anyOf"][0]
    assert (killed["type"], killed["minimum"], killed["maximum"]) == ("integer", 0, 10_000_000)
    assert parameters["q"]["schema"]["anyOf"][0]["maxLength"] == 200
    assert parameters["country"]["schema"]["type"] == "array"
    assert parameters["sort"]["schema"]["default"] == "-date"


@pytest.mark.parametrize("command", ["list", "export"])
def test_the_cli_help_lists_every_field_with_the_models_help(command):
    result = CliRunner().invoke(main, ["events", command, "--help"])
    assert result.exit_code == 0, result.output
    shown = _flat(result.output)
    for name, field in EventQuery.model_fields.items():
        option = "--" + name.replace("_", "-")
        assert re.search(rf"{re.escape(option)} [A-Z]", shown), f"no {option}"
        assert _flat(field.description or "-") in shown, (command, name)
    assert "--km FLOAT RANGE" in shown and "[0<x<=20000]" in shown
    assert "--min-killed INTEGER RANGE" in shown and "[0<=x<=10000000]" in shown


def test_a_number_out_of_the_models_bounds_is_refused_by_both_naming_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    with api_test_client(url) as client:
        refused = client.get("/api/events", params={"min_killed": "-1"})
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "min_killed"
    result = CliRunner().invoke(main, ["events", "list", "--min-killed", "-1"])
    assert result.exit_code == 2 and "--min-killed" in result.output
