"""What people type, read one way everywhere: the command line's options, the API's
parameters and subscription files all parse a box here, so the same words mean the
same thing wherever they are given, and a bad one is refused in the same one line.

A box is west,south,east,north in degrees, the order of GeoJSON's ``bbox``. West
greater than east crosses the antimeridian. Subscriptions once took
south,west,north,east: numbers that only make sense in that order are refused with
the order to write them in, never silently read either way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from schemas.base import WireModel

BOX_ORDER = "west,south,east,north"
Degrees = Annotated[float, Field(allow_inf_nan=False)]


def box_problem(west: float, south: float, east: float, north: float) -> str | None:
    """What is wrong with a box of these sides, or None when it is one."""
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        return "longitudes (west, east) must lie between -180 and 180"
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        return "latitudes (south, north) must lie between -90 and 90"
    if south > north:
        return "south is above north"
    return None


class BoundingBox(WireModel):
    """A box in degrees; west greater than east crosses the antimeridian."""

    west: Degrees
    south: Degrees
    east: Degrees
    north: Degrees

    @model_validator(mode="after")
    def _a_box(self) -> Self:
        problem = box_problem(self.west, self.south, self.east, self.north)
        if problem:
            raise ValueError(problem)
        return self

    def __str__(self) -> str:
        return f"{self.west:g},{self.south:g},{self.east:g},{self.north:g}"


def box_of(numbers: Sequence[float]) -> BoundingBox:
    """NUMBERS, west,south,east,north, as a box; a ValueError of one line otherwise,
    which gives the numbers in the right order when they read as the old
    south,west,north,east."""
    if len(numbers) != 4:
        raise ValueError(f"expected 4 numbers, {BOX_ORDER}, not {len(numbers)}")
    west, south, east, north = numbers
    problem = box_problem(west, south, east, north)
    if problem is None:
        return BoundingBox(west=west, south=south, east=east, north=north)
    # as the old order: south, west, north, east
    if box_problem(numbers[1], numbers[0], numbers[3], numbers[2]) is None:
        fixed = ",".join(f"{n:g}" for n in (numbers[1], numbers[0], numbers[3], numbers[2]))
        raise ValueError(
            f"{problem}: these read as south,west,north,east (the old order); "
            f"give {BOX_ORDER}: {fixed}"
        )
    raise ValueError(f"{problem} (the order is {BOX_ORDER})")


def parse_box(text: str) -> BoundingBox:
    """A box written as "west,south,east,north" (the CLI's and the API's form)."""
    parts = text.split(",")
    if len(text) > 100 or len(parts) != 4:
        raise ValueError(f"expected {BOX_ORDER} in degrees, 4 numbers apart by commas")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"expected {BOX_ORDER} in degrees, as numbers") from None
    if not all(math.isfinite(n) for n in numbers):
        raise ValueError(f"expected {BOX_ORDER} in degrees, as finite numbers")
    return box_of(numbers)


def box_value(value: Any) -> Any:
    """A box as a file or a request may give it: "w,s,e,n", a list [w, s, e, n], or a
    mapping naming its sides (any order: the names say which is which). Anything else
    is handed on for the model to refuse."""
    if isinstance(value, str):
        return parse_box(value)
    if isinstance(value, list | tuple):
        if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
            raise ValueError(f"expected {BOX_ORDER} in degrees, as numbers")
        if not all(math.isfinite(n) for n in value):
            raise ValueError(f"expected {BOX_ORDER} in degrees, as finite numbers")
        return box_of([float(n) for n in value])
    if isinstance(value, Mapping):
        return dict(value)
    return value
