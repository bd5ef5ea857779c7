"""The extraction the worker and `wirewatch extract` run: the function the settings name
(`WIREWATCH_EXTRACTOR`, the project's own by default), each article within the time
budget (`WIREWATCH_EXTRACT_BUDGET_SECONDS`).

An article over the budget is stopped and fails with `OverBudget`: the worker's error
policy sends it to the dead letters, `wirewatch extract` reports its line. The place
index is loaded before the budget starts counting, so no article pays for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from infra.settings import SettingUnusable
from infra.time_budget import time_budget
from processors.extraction.gazetteer import get_gazetteer
from schemas.article import Article
from schemas.event import EventMention

Extractor = Callable[[Article], list[EventMention]]


def named_extractor(name: str) -> Extractor:
    """The function NAME (module:function) names; SettingUnusable if there is none."""
    module, _, function = name.partition(":")
    try:
        found = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as error:
        raise SettingUnusable(
            f"setting WIREWATCH_EXTRACTOR: cannot load {name!r}: {error}"
        ) from None
    if not callable(found):
        raise SettingUnusable(f"setting WIREWATCH_EXTRACTOR: {name!r} is not a function")
    return found


def budgeted_extractor(name: str, budget: float) -> Extractor:
    """The extractor NAME names (the extractor setting), each article stopped past
    BUDGET seconds (the extract_budget_seconds setting; 0: no limit)."""
    extract = named_extractor(name)
    reason = f"extraction took longer than {budget:g} s (WIREWATCH_EXTRACT_BUDGET_SECONDS); stopped"

    def extract_within_budget(article: Article) -> list[EventMention]:
        get_gazetteer()  # loaded once per process, outside the budget
        with time_budget(budget, reason):
            return extract(article)

    return extract_within_budget
