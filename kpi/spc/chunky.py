"""Chunky data (Wheeler): a measurement unit too coarse for the variation, so that fewer than
five possible values lie between the limits and an XmR chart's rules give false alarms."""

from __future__ import annotations

import numpy as np

MIN_POSSIBLE_VALUES = 5     # Wheeler: fewer than 5 values within the limits is inadequate
UNITS_PER_ONE = (1, 2, 4, 10, 20, 100)  # candidate units: 1, 0.5, 0.25, 0.1, 0.05, 0.01
UNIT_TOLERANCE = 1e-9


def measurement_unit(values: np.ndarray) -> float | None:
    """The coarsest unit (1, 0.5, 0.25, 0.1, 0.05 or 0.01) every value is a whole multiple
    of; None when the values are finer (no unit to speak of)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    for per_one in UNITS_PER_ONE:
        scaled = values * per_one
        if np.all(np.abs(scaled - np.round(scaled)) < UNIT_TOLERANCE * np.maximum(1, scaled)):
            return 1.0 / per_one
    return None


def possible_values(unit: float, lower: float, upper: float) -> int:
    """How many multiples of `unit` lie between the limits (both included)."""
    return max(0, int(np.floor(upper / unit + UNIT_TOLERANCE)
                      - np.ceil(lower / unit - UNIT_TOLERANCE)) + 1)


def is_chunky(values: np.ndarray, lower: float, upper: float) -> bool:
    """True when the values' measurement unit leaves fewer than 5 possible values between
    the (constant, XmR) limits."""
    unit = measurement_unit(values)
    if unit is None or not (np.isfinite(lower) and np.isfinite(upper)):
        return False
    return possible_values(unit, lower, upper) < MIN_POSSIBLE_VALUES
