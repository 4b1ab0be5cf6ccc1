"""CMS's star rules: a measure's star from its linear mean and the edition's cut points, the
summary star from the measure stars, and the mid-rank percentile; exact half-up rounding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kpi.hcahps.measures import STAR_GROUPS

FLOAT_NOISE_DIGITS = 9  # a value computed as 89.49999999999999 is the exact 89.5 it stands for


def round_half_up(value: float | Fraction) -> int:
    """The nearest integer, halves upwards (89.5 -> 90), float noise below 1e-9 ignored."""
    if isinstance(value, Fraction):
        return int((value + Fraction(1, 2)) // 1)
    exact = Decimal(repr(round(float(value), FLOAT_NOISE_DIGITS)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def measure_star(linear_mean: float, cut_points: Sequence[int]) -> int:
    """1 + the number of cut points (lower bounds of 2, 3, 4 and 5 stars) that the linear mean,
    rounded half up to an integer, reaches."""
    rounded = round_half_up(linear_mean)
    return 1 + sum(rounded >= cut for cut in cut_points)


def summary_star(stars: Mapping[str, int | None]) -> int | None:
    """Round half up of the mean of the six star groups (a pair's stars first averaged); None
    unless every measure of every group has a star."""
    codes = [code for group in STAR_GROUPS for code in group]
    if any(stars.get(code) is None for code in codes):
        return None
    means = [Fraction(sum(int(stars[c]) for c in group), len(group)) for group in STAR_GROUPS]
    return round_half_up(sum(means) / len(means))


def mid_rank_percentile(value: float, counts: Mapping[int, int]) -> int | None:
    """100 x (hospitals below + half of those equal) / hospitals, rounded half up and clamped to
    1..99, among hospitals whose values are counted as {value: hospitals}; None without any."""
    total = sum(counts.values())
    if not total:
        return None
    value = round(float(value), FLOAT_NOISE_DIGITS)
    below = sum(n for v, n in counts.items() if v < value)
    equal = sum(n for v, n in counts.items() if v == value)
    share = Fraction(100) * (Fraction(below) + Fraction(equal, 2)) / total
    return min(99, max(1, round_half_up(share)))
