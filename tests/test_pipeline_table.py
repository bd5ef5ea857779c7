"""The pipeline written once: the worker's agents, the offline pipeline and the topic
registry's stage list all come from the one table of stages (`schemas.topics.STAGES`,
with the handlers of `processors.pipeline.PIPELINE`), so they cannot disagree."""

from __future__ import annotations

from infra.settings import Settings
from processors.offline import InProcessPipeline
from processors.pipeline import PIPELINE, SINKS
from schemas.topics import PIPELINE_TOPICS, STAGE_READING, STAGES


def test_every_stage_of_the_registry_is_a_row_with_a_handler_or_a_sink():
    assert [stage.spec for stage in PIPELINE] + list(SINKS) == list(STAGES)
    assert all(stage.spec.outputs for stage in PIPELINE)
    assert STAGE_READING == {
        "articles.raw": "dedup+extract",
        "events.mentions": "merge+route",
        "events": "store",
        "alerts": "deliver",
    }
    assert [spec.name for spec in PIPELINE_TOPICS] == list(STAGE_READING)


def test_the_worker_runs_an_agent_per_stage_on_the_topic_the_table_names():
    from processors.stream.app import create_app

    settings = Settings(topic_prefix="p.")
    app = create_app(settings)
    read = {
        name.rsplit(".", 1)[-1]: agent.channel.get_topic_name()
        for name, agent in app.agents.items()
    }
    assert read == {spec.agent: settings.topic(spec.input.name) for spec in STAGES}


def test_the_offline_pipeline_runs_the_rows_the_worker_runs():
    pipeline = InProcessPipeline()
    assert list(pipeline.states) == [stage.spec.input.name for stage in PIPELINE]
    built = {type(state).__name__ for state in pipeline.states.values()}
    assert built == {"ArticleState", "EventState"}
