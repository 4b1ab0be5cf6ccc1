"""Special-cause rules of NHS England's "Making Data Count", one small function each.

Every rule takes the series and its limits and returns, per point, the side of the signal:
+1 (high), -1 (low) or 0 (no signal). Every point of a qualifying run is flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kpi.settings import ALLOWED_RUN_LENGTHS, DEFAULT_RUN_LENGTH

IMPROVEMENT = "improvement"
CONCERN = "concern"
NEUTRAL = "neutral"
COMMON = "common"
TWO_OF_THREE_WINDOW = 3
TWO_OF_THREE_NEEDED = 2


@dataclass(frozen=True)
class Limits:
    """Per-point centre, 3-sigma and 2-sigma limits of a control chart."""

    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_2sigma: np.ndarray
    upper_2sigma: np.ndarray


def outside_limits(values: np.ndarray, limits: Limits, run_length: int) -> np.ndarray:
    """A point above the upper or below the lower limit."""
    return np.where(values > limits.upper, 1, np.where(values < limits.lower, -1, 0))


def trend(values: np.ndarray, limits: Limits, run_length: int) -> np.ndarray:
    """run_length points in a row, each strictly higher (or lower) than the one before."""
    sides = np.zeros(len(values), dtype=int)
    steps = np.sign(np.diff(values))
    start = 0
    for i in range(1, len(steps) + 1):
        if i == len(steps) or steps[i] != steps[start] or steps[start] == 0:
            points = i - start + 1
            if steps[start] != 0 and points >= run_length:
                sides[start:i + 1] = int(steps[start])
            start = i
    return sides


def two_of_three(values: np.ndarray, limits: Limits, run_length: int) -> np.ndarray:
    """2 of 3 consecutive points beyond 2 sigma on the same side (outside the limits counts)."""
    sides = np.zeros(len(values), dtype=int)
    windows = len(values) - TWO_OF_THREE_WINDOW + 1
    if windows < 1:
        return sides
    beyond = np.where(values > limits.upper_2sigma, 1,
                      np.where(values < limits.lower_2sigma, -1, 0))
    for side in (1, -1):
        on_side = beyond == side
        counts = np.convolve(on_side, np.ones(TWO_OF_THREE_WINDOW, dtype=int), mode="valid")
        qualifying = counts >= TWO_OF_THREE_NEEDED  # per window start
        covered = np.zeros(len(values), dtype=bool)
        for offset in range(TWO_OF_THREE_WINDOW):
            covered[offset:offset + windows] |= qualifying
        sides[on_side & covered] = side
    return sides


def shift(values: np.ndarray, limits: Limits, run_length: int) -> np.ndarray:
    """run_length points in a row on one side of the centre line (a point on it breaks the run)."""
    side_of_centre = np.sign(values - limits.centre).astype(int)
    sides = np.zeros(len(values), dtype=int)
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or side_of_centre[i] != side_of_centre[start]:
            if side_of_centre[start] != 0 and i - start >= run_length:
                sides[start:i] = side_of_centre[start]
            start = i
    return sides


Rule = Callable[[np.ndarray, Limits, int], np.ndarray]

# Precedence: the first rule that fires on a point names it.
RULES: tuple[tuple[str, Rule], ...] = (
    ("outside_limits", outside_limits),
    ("trend", trend),
    ("two_of_three", two_of_three),
    ("shift", shift),
)


def detect(values: np.ndarray, limits: Limits,
           run_length: int = DEFAULT_RUN_LENGTH) -> tuple[list[str], np.ndarray]:
    """Per point, the highest-precedence rule that fired ('' if none) and its side (+1/-1/0)."""
    if run_length not in ALLOWED_RUN_LENGTHS:
        raise ValueError(f"run length must be one of {ALLOWED_RUN_LENGTHS}, not {run_length}")
    values = np.asarray(values, dtype=float)
    names = [""] * len(values)
    sides = np.zeros(len(values), dtype=int)
    for name, rule in RULES:
        fired = rule(values, limits, run_length)
        for i in np.flatnonzero((fired != 0) & (sides == 0)):
            names[i] = name
            sides[i] = fired[i]
    return names, sides


def variation(side: int, direction: str) -> str:
    """improvement / concern / neutral for a signal's side and the KPI's direction; common if
    none."""
    if side == 0:
        return COMMON
    if direction == "neutral":
        return NEUTRAL
    good_side = 1 if direction == "higher" else -1
    return IMPROVEMENT if side == good_side else CONCERN
