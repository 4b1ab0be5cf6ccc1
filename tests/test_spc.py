"""SPC: XmR limits from published vectors, each rule at its edges, precedence, charts, assurance."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi.spc import limits as spc
from kpi.spc.rules import (
    Limits,
    detect,
    outside_limits,
    shift,
    trend,
    two_of_three,
    variation,
)


def flat_limits(n, centre=0.0, lower=-3.0, upper=3.0, lower2=-2.0, upper2=2.0):
    full = np.ones(n)
    return Limits(centre * full, lower * full, upper * full, lower2 * full, upper2 * full)


def test_xmr_published_vector():
    limits = spc.xmr_limits(np.array([10, 50, 40, 30]))
    assert limits.centre[0] == pytest.approx(32.5)
    assert limits.upper[0] == pytest.approx(32.5 + 2.66 * 20)   # 85.7
    assert limits.lower[0] == pytest.approx(32.5 - 2.66 * 20)   # -20.7
    assert round(limits.upper[0], 1) == 85.7 and round(limits.lower[0], 1) == -20.7
    assert limits.upper_2sigma[0] == pytest.approx(32.5 + 1.7733 * 20)


RULE_CASES = [
    # (rule, values, run_length, expected sides)
    (trend, [1, 2, 3, 4, 5, 6, 7], 7, [1] * 7),
    (trend, [1, 2, 3, 4, 5, 6], 7, [0] * 6),
    (trend, [1, 2, 3, 4, 5, 6], 6, [1] * 6),
    (trend, [7, 6, 5, 4, 3, 2, 1, 5], 7, [-1] * 7 + [0]),
    (trend, [1, 2, 3, 3, 4, 5, 6, 7], 7, [0] * 8),                    # a tie breaks the run
    (trend, [1, 2, 3, 3, 4, 5, 6, 7], 6, [0] * 8),                    # 3,4,5,6,7 is only 5
    (trend, [1, 2, 3, 3, 4, 5, 6, 7, 8], 6, [0, 0, 0, 1, 1, 1, 1, 1, 1]),
    (trend, [0, 1, 2, 3, 4, 5, 6, 7, 8], 7, [1] * 9),                  # every point flagged
    (trend, [], 7, []),
    (trend, [5], 7, [0]),
    (shift, [1] * 7, 7, [1] * 7),
    (shift, [1] * 6, 7, [0] * 6),
    (shift, [1] * 6, 6, [1] * 6),
    (shift, [1, 1, 1, 0, 1, 1, 1, 1], 7, [0] * 8),                    # on the centre breaks it
    (shift, [-1] * 8 + [1], 7, [-1] * 8 + [0]),
    (shift, [], 7, []),
    (two_of_three, [2.5, 0, 2.5], 7, [1, 0, 1]),
    (two_of_three, [2.5, 0, 0, 2.5], 7, [0, 0, 0, 0]),                # 4 apart: no window of 3
    (two_of_three, [2.5, -2.5, 0], 7, [0, 0, 0]),                     # opposite sides
    (two_of_three, [-3.5, -2.1, 1], 7, [-1, -1, 0]),                  # outside the limits counts
    (two_of_three, [2.0, 2.0, 2.0], 7, [0, 0, 0]),                    # on 2 sigma is not beyond
    (two_of_three, [2.5], 7, [0]),
    (two_of_three, [], 7, []),
    (two_of_three, [2.5, 2.5], 7, [0, 0]),                            # fewer than 3 points
    (two_of_three, [2.5, 2.5, 0, 2.5, 2.5], 7, [1, 1, 0, 1, 1]),      # overlapping windows
    (two_of_three, [0, 2.5, 0, 0, -2.5, -2.5], 7, [0, 0, 0, 0, -1, -1]),
    (outside_limits, [3.0, 3.01, -3.01, 0], 7, [0, 1, -1, 0]),
]


@pytest.mark.parametrize("rule, values, run_length, expected", RULE_CASES)
def test_rule_edges(rule, values, run_length, expected):
    values = np.array(values, dtype=float)
    assert list(rule(values, flat_limits(len(values)), run_length)) == expected


def test_precedence_names_the_strongest_rule():
    values = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 3.5])
    names, sides = detect(values, flat_limits(len(values)), run_length=7)
    assert names[-1] == "outside_limits"
    assert names[:-1] == ["trend"] * 6
    assert list(sides) == [1] * 7


def test_run_length_setting_is_checked():
    with pytest.raises(ValueError):
        detect(np.array([1.0]), flat_limits(1), run_length=5)


@pytest.mark.parametrize("side, direction, expected", [
    (1, "higher", "improvement"), (-1, "higher", "concern"),
    (1, "lower", "concern"), (-1, "lower", "improvement"),
    (1, "neutral", "neutral"), (0, "higher", "common"),
])
def test_variation_from_direction(side, direction, expected):
    assert variation(side, direction) == expected


def monthly(values, start_year=2024, **extra):
    months = pd.period_range(f"{start_year}-01", periods=len(values), freq="M").strftime("%Y-%m")
    return pd.DataFrame({"month": months, "value": values, "n": 100, **extra})


def test_spc_table_flags_outside_point_and_trial_limits():
    values = [50, 52, 49, 51, 50, 48, 52, 50, 90, 51, 49, 50]
    table = spc.spc_table(monthly(values), direction="lower")
    assert table.loc[8, "rule"] == "outside_limits"
    assert table.loc[8, "variation"] == "concern"
    assert not table["trial_limits"].any()
    short = spc.spc_table(monthly(values[:11]), direction="lower")
    assert short["trial_limits"].all()


def test_missing_months_are_kept_but_left_out_of_limits():
    table = spc.spc_table(monthly([10, 50, None, 40, 30]), direction="higher")
    assert math.isnan(table.loc[2, "centre"]) and table.loc[2, "rule"] == ""
    assert table.loc[0, "centre"] == pytest.approx(32.5)
    assert table.loc[0, "upper"] == pytest.approx(85.7)


def test_rebase_computes_limits_per_segment():
    values = [10.0] * 6 + [20.0] * 6
    values[1], values[7] = 11.0, 21.0
    table = spc.spc_table(monthly(values), direction="higher", rebase=[date(2024, 7, 1)])
    assert table.loc[0, "centre"] == pytest.approx(61 / 6)
    assert table.loc[11, "centre"] == pytest.approx(121 / 6)


def test_empty_series():
    table = spc.spc_table(monthly([]), direction="higher", target=80.0)
    assert table.empty


@pytest.mark.parametrize("target, direction, expected", [
    (5.0, "higher", spc.ALWAYS_MET), (95.0, "higher", spc.NEVER_MET),
    (50.0, "higher", spc.HIT_AND_MISS), (95.0, "lower", spc.ALWAYS_MET),
    (5.0, "lower", spc.NEVER_MET), (None, "higher", ""), (50.0, "neutral", ""),
])
def test_assurance(target, direction, expected):
    assert spc.assurance(target, flat_limits(3, 50, 10, 90, 20, 80), direction) == expected


def test_p_chart_limits_by_hand():
    # p-bar = 30 / 200 = 0.15; sigma_i = sqrt(0.15 * 0.85 / n_i)
    limits = spc.attribute_limits(np.array([10, 20]), np.array([100, 100]), spc.P_CHART,
                                  laney=False)
    sigma = math.sqrt(0.15 * 0.85 / 100)
    assert limits.centre[0] == pytest.approx(15.0)
    assert limits.upper[0] == pytest.approx(100 * (0.15 + 3 * sigma))
    assert limits.lower[0] == pytest.approx(100 * (0.15 - 3 * sigma))


def test_u_chart_limits_and_floor_at_zero():
    # u-bar = 4 / 2000 per visit; sigma_i = sqrt(u / n_i); lower limit floored at 0
    limits = spc.attribute_limits(np.array([1, 3]), np.array([1000, 1000]), spc.u_chart(1000),
                                  laney=False)
    assert limits.centre[0] == pytest.approx(2.0)
    assert limits.upper[0] == pytest.approx(1000 * (0.002 + 3 * math.sqrt(0.002 / 1000)))
    assert limits.lower[0] == 0.0


def test_laney_widens_limits_for_overdispersed_large_denominators():
    num = np.array([1000, 1500, 1200, 1800, 900, 1600])
    den = np.full(6, 10000)
    plain = spc.attribute_limits(num, den, spc.P_CHART, laney=False)
    prime = spc.attribute_limits(num, den, spc.P_CHART)
    p = num.sum() / den.sum()
    z = (num / den - p) / np.sqrt(p * (1 - p) / den)
    sigma_z = np.abs(np.diff(z)).mean() / 1.128
    assert sigma_z > 1
    plain_width = plain.upper[0] - plain.centre[0]
    assert prime.upper[0] - prime.centre[0] == pytest.approx(sigma_z * plain_width)
