"""The filters as people type them, read off the query model (`EventQuery`): each
field's name, what is typed for it (text, a whole number, a number; once or several
times), its help text and its bounds. The API's parameters (`api.params`) and the
command line's options (`wirewatch events list/export`) are both made from this list,
so a filter is added, described and bounded in one place, the model, and the model
still reads and checks every value (a date, a box, a country's name arrive as text).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic.fields import FieldInfo

from sinks.event_query import EventQuery

# the bounds a number or a text may carry, as pydantic's Field and FastAPI's Query
# name them
_BOUNDS = {
    annotated_types.Gt: "gt",
    annotated_types.Ge: "ge",
    annotated_types.Lt: "lt",
    annotated_types.Le: "le",
    annotated_types.MinLen: "min_length",
    annotated_types.MaxLen: "max_length",
}


@dataclass(frozen=True)
class Filter:
    """One filter: NAME typed as TYPED (str, int or float), several times when MANY."""

    name: str
    help: str
    typed: type
    many: bool
    default: Any  # None, or the model's own default (the order)
    bounds: dict[str, float]  # gt, ge, lt, le of a number; min_length, max_length of text

    @property
    def option(self) -> str:
        """The command line's name for it."""
        return "--" + self.name.replace("_", "-")


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        left = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(left) == 1:
            return left[0]
    return annotation


def _bounds(annotation: Any) -> tuple[Any, dict[str, float]]:
    """The type under ANNOTATION's constraints, and those constraints by name."""
    if get_origin(annotation) is not Annotated:
        return annotation, {}
    base, *metadata = get_args(annotation)
    found: dict[str, float] = {}
    for item in metadata:
        parts = item.metadata if isinstance(item, FieldInfo) else [item]
        for part in parts:
            name = _BOUNDS.get(type(part))
            if name is not None:
                found[name] = getattr(part, name)
    return base, found


def filter_of(name: str, field: FieldInfo) -> Filter:
    """The filter of one field of the model: a number typed as one, with its bounds;
    a tuple given several times; anything else typed as text for the model to read."""
    if not field.description:
        raise TypeError(f"EventQuery.{name} has no description: it is the filter's help")
    annotation = _without_none(field.annotation)
    many = get_origin(annotation) is tuple
    base, bounds = _bounds(annotation)
    typed = base if base in (int, float, str) else str
    default = None if many else field.default
    return Filter(name, field.description, typed, many, default, bounds)


def filters() -> tuple[Filter, ...]:
    """Every filter of the model, in its order."""
    return tuple(filter_of(name, field) for name, field in EventQuery.model_fields.items())
