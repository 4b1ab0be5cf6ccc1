"""kpi.present.spc_charts and kpi.present.spc_labels: points styled by variation (colour and
shape), limits and target drawn, the rule in words on hover, and every month without a value
explained."""

import math
from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import Kpi
from kpi.present.chart_titles import PAIRED_TITLE_CHARS
from kpi.present.spc_charts import VARIATION_STYLE, month_dates, spc_chart
from kpi.present.spc_labels import (
    assurance_badge,
    assurance_text,
    chart_words,
    rule_words,
    signal_side,
    signal_text,
    variation_badge,
)
from kpi.spc.limits import ALWAYS_MET, HIT_AND_MISS, NEVER_MET, spc_table

NAN = math.nan
WAIT = Kpi(id="median_wait_minutes", label="Median wait", area="Time", unit="minutes",
           direction="lower", source="visits", kind="median_wait", description="")
SHARE = Kpi(id="seen_within_15_minutes", label="Seen <b>fast</b>", area="Time", unit="%",
            direction="higher", source="visits", kind="seen_within", description="")


def spc_rows(cells, target=NAN, trial=False, chart="xmr"):
    """An spc_detail table from (month, value, n, rule, variation, suppressed); limits
    centre 30, 20 to 40 on every month with a value."""
    rows = []
    for month, value, n, rule, variation, suppressed in cells:
        present = not math.isnan(value)
        rows.append({"kpi_id": "k", "month": month, "value": value, "n": n,
                     "centre": 30.0 if present else NAN, "lower": 20.0 if present else NAN,
                     "upper": 40.0 if present else NAN, "rule": rule, "variation": variation,
                     "assurance": "", "target": target, "trial_limits": trial,
                     "chart": chart, "provisional": False, "suppressed": suppressed,
                     "too_few": False, "chunky": False})
    return pd.DataFrame(rows)


TABLE = spc_rows([
    ("2025-01", 31.0, 40, "", "common", False),
    ("2025-02", NAN, pd.NA, "", "", True),        # withheld: fewer than 11 responses
    ("2025-03", 45.5, 38, "outside_limits", "concern", False),
    ("2025-04", NAN, 0, "", "", False),           # no data at all
    ("2025-05", 12.0, 41, "trend", "improvement", False),
    ("2025-06", 36.0, 39, "shift", "neutral", False),
], target=35.0)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_points_are_coloured_and_shaped_by_variation():
    fig = spc_chart(TABLE, WAIT, run_length=7)
    expected = {"Common cause": ("common", ["2025-01-01"]),
                "Special cause — concern": ("concern", ["2025-03-01"]),
                "Special cause — improvement": ("improvement", ["2025-05-01"]),
                "Special cause — neither better nor worse": ("neutral", ["2025-06-01"])}
    for name, (variation, months) in expected.items():
        points = trace(fig, name)
        assert (points.marker.color, points.marker.symbol) == VARIATION_STYLE[variation]
        assert list(points.x) == months
    symbols = [style[1] for style in VARIATION_STYLE.values()]
    assert len(set(symbols)) == len(symbols)  # never colour alone


def test_limits_mean_and_target_are_drawn():
    fig = spc_chart(TABLE, WAIT, run_length=7)
    upper = trace(fig, "Process limits")
    lower = trace(fig, "Process limits (lower)")
    assert upper.line.dash == "dash" and lower.showlegend is False
    assert upper.y[0] == 40.0 and math.isnan(upper.y[1]) and upper.y[2] == 40.0
    assert upper.connectgaps and lower.y[0] == 20.0
    assert trace(fig, "Mean").y[0] == 30.0
    target = trace(fig, "Target (35 min)")
    assert set(target.y) == {35.0} and len(target.y) == 6
    assert "process limits from every complete month to the window's end" in \
        fig.layout.title.subtitle.text
    assert fig.layout.title.subtitle.text.startswith("XmR chart")


def test_a_chart_beside_another_has_its_title_and_subtitle_in_shorter_lines():
    alone = spc_chart(TABLE, SHARE, 6, title="Complaints per 1,000 visits by month")
    paired = spc_chart(TABLE, SHARE, 6, title="Complaints per 1,000 visits by month",
                       title_chars=PAIRED_TITLE_CHARS)
    assert alone.layout.title.text == "Complaints per 1,000 visits by month"
    assert "<br>" not in alone.layout.title.subtitle.text and alone.layout.margin.t == 70
    assert paired.layout.title.text.split("<br>") == ["Complaints per 1,000", "visits by month"]
    assert paired.layout.title.subtitle.text.split("<br>") == [
        "XmR chart · process limits from every", "complete month to the window's end"]
    assert paired.layout.margin.t == 70 + 26 + 18  # a line more of each, above the plot
    assert paired.layout.height == alone.layout.height + 26 + 18
    # its neighbour's title fits one line, but keeps the same room: the plots start level
    short = spc_chart(TABLE, SHARE, 6, title="Complaints by month",
                      title_chars=PAIRED_TITLE_CHARS)
    assert "<br>" not in short.layout.title.text and short.layout.margin.t == paired.layout.margin.t


def test_trial_limits_are_named_and_no_target_no_line():
    fig = spc_chart(TABLE.assign(trial_limits=True, target=NAN, chart="p"), SHARE, 6)
    names = [t.name for t in fig.data]
    assert "Trial limits (fewer than 12 months)" in names
    assert not any(n.startswith("Target") for n in names)
    assert fig.layout.title.subtitle.text == ("p-chart · trial limits from every complete "
                                              "month to the window's end")


@pytest.mark.parametrize("month, run_length, expected", [
    ("2025-01", 7, "2025-01<br>31 min · n = 40<br>● Common cause"
                   "<br>process limits 20 min to 40 min · mean 30 min"),
    ("2025-03", 7, "2025-03<br>45.5 min · n = 38<br>▼ Special cause — concern: point outside "
                   "the limits<br>process limits 20 min to 40 min · mean 30 min"),
    ("2025-05", 6, "2025-05<br>12 min · n = 41<br>▲ Special cause — improvement: run of 6 "
                   "falling<br>process limits 20 min to 40 min · mean 30 min"),
    ("2025-06", 7, "2025-06<br>36 min · n = 39<br>◆ Special cause — neither better nor worse: "
                   "7 points on one side of the mean<br>process limits 20 min to 40 min · "
                   "mean 30 min"),
])
def test_hover_says_month_value_n_rule_and_limits(month, run_length, expected):
    fig = spc_chart(TABLE, WAIT, run_length)
    hovers = {x: h for t in fig.data if t.hovertext is not None
              for x, h in zip(t.x, t.hovertext)}
    assert hovers[f"{month}-01"] == expected


def test_months_without_a_value_are_gaps_explained_by_marks():
    fig = spc_chart(TABLE, WAIT, run_length=7, threshold=11)
    line = next(t for t in fig.data if t.name == "Median wait" and t.mode == "lines")
    assert math.isnan(line.y[1]) and math.isnan(line.y[3]) and not line.connectgaps
    marks = trace(fig, "No value: fewer than 11 responses or no data this month")
    assert list(marks.x) == ["2025-02-01", "2025-04-01"] and marks.yaxis == "y2"
    assert list(marks.hovertext) == ["2025-02<br>fewer than 11 responses",
                                     "2025-04<br>no data this month"]
    raised = spc_chart(TABLE, WAIT, run_length=7, threshold=20)
    assert "2025-02<br>fewer than 20 responses" in trace(
        raised, "No value: fewer than 20 responses or no data this month").hovertext


def test_a_series_without_any_value_has_only_explained_gaps():
    empty = spc_rows([("2025-01", NAN, pd.NA, "", "", True), ("2025-02", NAN, pd.NA, "", "", True)])
    fig = spc_chart(empty, SHARE, 7)
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        "No value: fewer than 11 responses"]


def test_labels_are_escaped_for_plotly():
    fig = spc_chart(TABLE, SHARE, 7, title="Seen <b>fast</b> by month")
    assert fig.layout.title.text == "Seen &lt;b&gt;fast&lt;/b&gt; by month"
    assert any(t.name == "Seen &lt;b&gt;fast&lt;/b&gt;" for t in fig.data)


def test_the_provisional_month_is_hollow_named_with_its_date_and_not_judged():
    table = TABLE.copy()
    table.loc[5, ["centre", "lower", "upper", "rule", "variation", "provisional"]] = \
        [NAN, NAN, NAN, "", "", True]
    fig = spc_chart(table, WAIT, run_length=7, through=date(2025, 6, 4))
    point = trace(fig, "Provisional (to 2025-06-04)")
    assert list(point.x) == ["2025-06-01"] and list(point.y) == [36.0]
    assert point.marker.symbol == "circle-open"
    assert point.hovertext[0].split("<br>") == [
        "2025-06", "36 min · n = 39",
        "Provisional (to 2025-06-04): not judged until the month is complete"]
    judged = [t for t in fig.data if t.name in {"Common cause", "Special cause — concern",
                                                "Special cause — improvement"}]
    assert all("2025-06-01" not in t.x for t in judged)
    assert not any(t.name.startswith("Special cause — neither") for t in fig.data)


def test_a_month_with_too_few_is_marked_and_says_the_minimum():
    table = TABLE.copy()
    table.loc[2, ["centre", "lower", "upper", "rule", "variation", "too_few"]] = \
        [NAN, NAN, NAN, "", "", True]
    fig = spc_chart(table, WAIT, run_length=7, min_n=1000)
    point = trace(fig, "Too few to judge (n < 1,000)")
    assert list(point.x) == ["2025-03-01"] and point.marker.symbol == "diamond-open"
    assert point.hovertext[0].split("<br>")[2] == ("Too few to judge (n < 1,000): below the "
                                                   "minimum for a verdict")
    assert all("2025-03-01" not in t.x for t in fig.data if t.name.startswith("Special"))


def test_a_chunky_series_is_labelled_and_its_points_not_judged():
    """Whole-minute median waits 15, 15, 15, 15, 14: mean 14.8, mean moving range 0.25,
    limits 14.135 to 15.465 hold one whole minute (15): limits drawn, points marked 'too
    coarse', no rule, no variation, no assurance."""
    series = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"],
                           "value": [15.0, 15.0, 15.0, 15.0, 14.0], "n": 300,
                           "suppressed": False})
    table = spc_table(series, "lower", target=10.0).assign(chart="xmr", provisional=False,
                                                            too_few=False)
    assert table["chunky"].all() and (table["rule"] == "").all()
    assert (table["variation"] == "").all() and set(table["assurance"]) == {""}
    assert (table["lower"].iloc[0], table["upper"].iloc[0]) == pytest.approx((14.135, 15.465))
    fig = spc_chart(table, WAIT, 7)
    point = trace(fig, "Too coarse to judge (chunky data)")
    assert len(point.x) == 5 and point.marker.symbol == "square-open"
    assert point.hovertext[0].split("<br>")[2].startswith("Too coarse to judge (chunky data): "
                                                          "fewer than 5 possible values")
    assert fig.layout.title.subtitle.text.replace("<br>", " ").endswith(
        "too coarse to judge (chunky data): no rules")
    assert not any(t.name.startswith(("Special", "Common")) for t in fig.data)


@pytest.mark.parametrize("target, edge", [(90.0, "▲ Target 90 min (above the chart)"),
                                          (2.0, "▼ Target 2 min (below the chart)")])
def test_a_far_target_is_an_edge_marker_and_the_axis_fits_the_data(target, edge):
    fig = spc_chart(TABLE.assign(target=target), WAIT, run_length=7)
    assert not any(t.name.startswith("Target") for t in fig.data)
    assert [a.text for a in fig.layout.annotations] == [edge]
    low, high = fig.layout.yaxis.range  # values 12 to 45.5, limits 20 to 40: margin 8 %
    assert (low, high) == pytest.approx((12.0 - 2.68, 45.5 + 2.68))


def test_a_real_spc_table_draws_its_limits():
    """The spec's test vector: XmR of [10, 50, 40, 30] -> mean 32.5, limits -20.7 / 85.7."""
    series = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03", "2025-04"],
                           "value": [10.0, 50.0, 40.0, 30.0], "n": [20, 20, 20, 20],
                           "suppressed": False})
    table = spc_table(series, "lower").assign(chart="xmr", provisional=False, too_few=False)
    fig = spc_chart(table, WAIT, 7)
    assert trace(fig, "Mean").y[0] == pytest.approx(32.5)
    assert trace(fig, "Trial limits (fewer than 12 months)").y[0] == pytest.approx(85.7)
    assert trace(fig, "Trial limits (fewer than 12 months) (lower)").y[0] == pytest.approx(-20.7)
    assert month_dates(pd.Series(["2024-02"])) == ["2024-02-01"]


@pytest.mark.parametrize("rule, run_length, side, expected", [
    ("outside_limits", 7, 1, "point outside the limits"),
    ("trend", 7, 1, "run of 7 rising"),
    ("trend", 6, -1, "run of 6 falling"),
    ("trend", 7, 0, "run of 7 rising or falling"),
    ("two_of_three", 7, -1, "2 of 3 months near a limit"),
    ("shift", 7, 0, "7 points on one side of the mean"),
    ("shift", 6, 1, "6 points above the mean"),
    ("shift", 7, -1, "7 points below the mean"),
    ("", 7, 0, ""),
])
def test_rule_words(rule, run_length, side, expected):
    assert rule_words(rule, run_length, side) == expected


@pytest.mark.parametrize("variation, direction, side", [
    ("improvement", "higher", 1), ("concern", "higher", -1),
    ("improvement", "lower", -1), ("concern", "lower", 1),
    ("neutral", "neutral", 0), ("common", "higher", 0), ("", "lower", 0),
])
def test_signal_side(variation, direction, side):
    assert signal_side(variation, direction) == side


@pytest.mark.parametrize("variation, text, colour", [
    ("improvement", "▲ Special cause — improvement", "blue"),
    ("concern", "▼ Special cause — concern", "orange"),
    ("neutral", "◆ Special cause — neither better nor worse", "violet"),
    ("common", "● Common cause", "gray"),
    ("", "○ No value to judge", "gray"),
])
def test_variation_badges(variation, text, colour):
    badge = variation_badge(variation)
    assert (badge.text, badge.colour) == (text, colour)


@pytest.mark.parametrize("assurance, target, text", [
    (ALWAYS_MET, 70.0, "✔ Target always met"),
    (NEVER_MET, 70.0, "✖ Target never met"),
    (HIT_AND_MISS, 70.0, "↕ Target sometimes met"),
    ("", NAN, "○ No target set"),
    ("", None, "○ No target set"),
    ("", 70.0, "○ Target not assessed (too few months)"),
])
def test_assurance_badges(assurance, target, text):
    assert assurance_badge(assurance, target).text == text


def test_signal_and_assurance_text():
    assert signal_text("concern", "trend", "lower", 7) == \
        "▼ Special cause — concern: run of 7 rising"
    assert signal_text("common", "", "higher", 7) == "● Common cause"
    assert assurance_text(NEVER_MET, 90.0, "%") == "✖ Target never met (target 90.0 %)"
    assert assurance_text("", NAN, "%") == "○ No target set"
    assert [chart_words(c) for c in ("xmr", "p", "u")] == ["XmR chart", "p-chart", "u-chart"]
