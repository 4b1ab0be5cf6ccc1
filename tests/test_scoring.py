"""Every answer scale of kpi.scoring: valid codes, linear 0-100 values, top box and its override."""

import math

import duckdb
import pytest

from kpi import scoring
from kpi.scoring import SCALES


def test_the_scales_are_exactly_those_of_the_data_contract():
    assert {name: (s.low, s.high, s.default_top_box) for name, s in SCALES.items()} == {
        "frequency4": (1, 4, 4),
        "yesno": (0, 1, 1),
        "rating0_10": (0, 10, 9),
        "recommend4": (1, 4, 4),
        "agree5": (1, 5, 4),
        "experience5": (1, 5, 4),
    }


VALIDITY = [
    ("frequency4", [1, 2, 3, 4, 4.0], [0, 5, 2.5, -1]),
    ("yesno", [0, 1, 1.0], [2, -1, 0.5]),
    ("rating0_10", [0, 5, 9, 10], [11, -1, 9.5, 2.5]),
    ("recommend4", [1, 4], [0, 5, 3.5]),
    ("agree5", [1, 3, 5], [0, 6, 2.5]),
    ("experience5", [1, 5], [0, 6, 4.5]),
]


@pytest.mark.parametrize("scale, valid, invalid", VALIDITY)
def test_valid_codes(scale, valid, invalid):
    assert [SCALES[scale].is_valid(a) for a in valid] == [True] * len(valid)
    assert [SCALES[scale].is_valid(a) for a in invalid] == [False] * len(invalid)


def test_a_missing_answer_is_not_valid():
    assert not any(s.is_valid(math.nan) for s in SCALES.values())


# Linear value, by the data contract's formulas: frequency4/recommend4 100(a-1)/3,
# yesno 100a, rating0_10 10a, agree5/experience5 100(a-1)/4.
LINEAR = [
    ("frequency4", 1, 0.0), ("frequency4", 2, 33.3333), ("frequency4", 3, 66.6667),
    ("frequency4", 4, 100.0),
    ("yesno", 0, 0.0), ("yesno", 1, 100.0),
    ("rating0_10", 0, 0.0), ("rating0_10", 7, 70.0), ("rating0_10", 10, 100.0),
    ("recommend4", 3, 66.6667), ("recommend4", 1, 0.0),
    ("agree5", 1, 0.0), ("agree5", 3, 50.0), ("agree5", 4, 75.0), ("agree5", 5, 100.0),
    ("experience5", 2, 25.0), ("experience5", 5, 100.0),
]


@pytest.mark.parametrize("scale, answer, value", LINEAR)
def test_linear_value(scale, answer, value):
    assert SCALES[scale].linear(answer) == pytest.approx(value, abs=1e-4)


# (scale, top_box_min override or None, answers in the top box, answers below it)
TOP_BOX = [
    ("frequency4", None, [4], [1, 2, 3]),
    ("yesno", None, [1], [0]),
    ("rating0_10", None, [9, 10], [0, 6, 7, 8]),
    ("recommend4", None, [4], [1, 2, 3]),
    ("agree5", None, [4, 5], [1, 2, 3]),
    ("experience5", None, [4, 5], [1, 2, 3]),
    ("rating0_10", 10, [10], [8, 9]),
    ("rating0_10", 7, [7, 8, 9, 10], [6]),
    ("agree5", 5, [5], [4]),
    ("frequency4", 3, [3, 4], [2]),
    ("recommend4", 3, [3, 4], [1, 2]),
]


@pytest.mark.parametrize("scale, override, top, below", TOP_BOX)
def test_top_box(scale, override, top, below):
    s = SCALES[scale]
    assert [s.is_top_box(a, override) for a in top] == [True] * len(top)
    assert [s.is_top_box(a, override) for a in below] == [False] * len(below)


@pytest.mark.parametrize("override, expected", [(None, 9), (10, 10), (0, 0)])
def test_top_box_threshold_uses_the_override_when_given(override, expected):
    assert scoring.top_box_threshold(SCALES["rating0_10"], override) == expected


def test_nps_constants_split_rating0_10_into_three_groups():
    scale = SCALES[scoring.NPS_SCALE]
    assert scoring.NPS_SCALE == "rating0_10"
    assert (scoring.NPS_DETRACTOR_MAX, scoring.NPS_PROMOTER_MIN) == (6, 9)
    assert scoring.NPS_PROMOTER_MIN == scale.default_top_box


def test_scales_sql_values_lists_every_scale():
    rows = duckdb.sql(f"SELECT * FROM {scoring.scales_sql_values()} ORDER BY scale").fetchall()
    assert rows == sorted((s.name, s.low, s.high, s.default_top_box) for s in SCALES.values())
