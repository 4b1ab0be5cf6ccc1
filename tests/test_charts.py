"""kpi.present.charts and kpi.present.formatting: withheld values labelled in words, never
drawn as numbers."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from kpi.present import chart_titles, charts
from kpi.present.formatting import (
    detail_text,
    format_interval,
    format_n,
    format_value,
    value_text,
)
from kpi.present.heatmap import heatmap
from ui.chart_view import figure_title

NAMES = {"A": "Ward A", "B": "Ward B", "C": "Clinic C"}


def kpi_rows(cells, kpi_id="patient_satisfaction", label="Patient satisfaction", unit="%"):
    """Engine-shaped rows from (department, month, value, n, ci_low, ci_high, suppressed)."""
    return pd.DataFrame([
        {"kpi_id": kpi_id, "kpi_label": label, "unit": unit, "direction": "higher",
         "department_id": d, "month": m, "value": v, "n": n, "ci_low": lo, "ci_high": hi,
         "suppressed": s} for d, m, v, n, lo, hi, s in cells])


NAN = math.nan
BY_DEPT = kpi_rows([
    ("A", None, 82.5, 412, 78.5, 86.0, False),
    ("B", None, NAN, pd.NA, NAN, NAN, True),
    ("C", None, NAN, 0, NAN, NAN, False),
])
GRID = kpi_rows([
    ("A", "2025-01", 81.25, 40, 70.0, 90.0, False),
    ("A", "2025-02", NAN, pd.NA, NAN, NAN, True),
    ("B", "2025-01", 60.0, 30, 45.0, 75.0, False),
    ("B", "2025-02", NAN, 0, NAN, NAN, False),
])


@pytest.mark.parametrize("value, unit, compact, expected", [
    (82.14, "%", False, "82.1 %"),
    (3.4199, "per_1000", False, "3.42 per 1,000 visits"),
    (3.4199, "per_1000", True, "3.42"),
    (1234, "count", False, "1,234"),
    (0, "count", False, "0"),
    (12.0, "minutes", False, "12 min"),
    (12.5, "minutes", False, "12.5 min"),
    (5.5, "days", False, "5.5 days"),
    (42.0, "nps", False, "+42.0"),
    (-37.85, "nps", False, "-37.9"),
    (78.04, "score", False, "78.0 / 100"),
    (78.04, "score", True, "78.0"),
    (NAN, "%", False, "no data"),
    (None, "count", False, "no data"),
    (pd.NA, "%", False, "no data"),
])
def test_format_value(value, unit, compact, expected):
    assert format_value(value, unit, compact) == expected


def test_format_interval_and_n():
    assert format_interval(78.51, 86.0, "%") == "95 % CI 78.5 to 86.0 %"
    assert format_interval(NAN, 86.0, "%") == ""
    assert format_n(1234) == "n = 1,234"
    assert format_n(pd.NA) == ""


@pytest.mark.parametrize("index, value, detail", [
    (0, "82.5 %", "n = 412 · 95 % CI 78.5 to 86.0 %"),
    (1, "fewer than 11 responses", ""),
    (2, "no data", "n = 0"),
])
def test_value_and_detail_text(index, value, detail):
    row = BY_DEPT.iloc[index]
    assert value_text(row) == value
    assert detail_text(row) == detail


def test_value_text_uses_a_raised_threshold():
    assert value_text(BY_DEPT.iloc[1], threshold=20) == "fewer than 20 responses"


def test_department_chart_writes_value_and_n_or_the_reason():
    fig = charts.department_chart(BY_DEPT, NAMES)
    labels = {a.y: a.text for a in fig.layout.annotations}
    assert labels == {"Ward A": "82.5 (n = 412)", "Ward B": "fewer than 11 responses",
                      "Clinic C": "no data"}
    dots = next(t for t in fig.data if t.mode == "markers")
    assert list(dots.y) == ["Ward A"] and list(dots.x) == [82.5]
    interval = next(t for t in fig.data if t.mode == "lines")
    assert list(interval.x) == [78.5, 86.0, None]


def test_heatmap_leaves_withheld_cells_empty_and_marks_them():
    fig = heatmap(GRID, "department_id", "month", NAMES)
    heat = fig.data[0]
    assert list(heat.y) == ["Ward B", "Ward A"] and list(heat.x) == ["2025-01", "2025-02"]
    z = np.asarray(heat.z, dtype=float)
    assert z[1, 0] == 81.25 and np.isnan(z[1, 1]) and np.isnan(z[0, 1])
    assert heat.text[1][0] == "81.2" and heat.text[1][1] == "" and heat.text[0][1] == ""
    marks = fig.data[1]
    assert list(marks.x) == ["2025-02"] and list(marks.y) == ["Ward A"]
    assert list(marks.text) == ["<11"]
    assert not heat.reversescale
    assert heatmap(GRID, "department_id", "month", NAMES,
                          lower_is_better=True).data[0].reversescale


@pytest.mark.parametrize("min_n, coloured, labels", [
    (0, [[60.0, NAN], [81.25, NAN]], [["60.0", ""], ["81.2", ""]]),
    (35, [[NAN, NAN], [81.25, NAN]], [["n = 30", ""], ["81.2", ""]]),  # B has n 30 < 35
    (41, [[NAN, NAN], [NAN, NAN]], [["n = 30", ""], ["n = 40", ""]]),
])
def test_heatmap_cells_with_too_few_show_their_n_uncoloured(min_n, coloured, labels):
    heat = heatmap(GRID, "department_id", "month", NAMES, min_n=min_n).data[0]
    np.testing.assert_array_equal(np.asarray(heat.z, dtype=float), coloured)
    assert [list(row) for row in heat.text] == labels
    hover = heat.customdata[0][0]
    assert hover.endswith(f"Too few to judge (n < {min_n})") == (min_n > 30)


def test_scatter_plots_only_departments_with_both_values():
    both = pd.concat([
        BY_DEPT,
        kpi_rows([("A", None, 55.0, 80, 44.0, 65.0, False),
                  ("B", None, 50.0, 90, 40.0, 60.0, False),
                  ("C", None, 40.0, 70, 30.0, 50.0, False)], "staff_engagement",
                 "Staff engagement")])
    fig = charts.kpi_scatter(both, "staff_engagement", "patient_satisfaction", NAMES)
    assert list(fig.data[0].x) == [55.0] and list(fig.data[0].y) == [82.5]
    assert list(fig.data[0].text) == ["Ward A"]
    assert fig.layout.xaxis.title.text == "Staff engagement (%)"
    pairs = charts.pair_kpis(both, "staff_engagement", "patient_satisfaction")
    assert list(pairs["department_id"]) == ["A", "B", "C"]
    assert list(pairs["suppressed_y"]) == [False, True, False]
    assert list(pairs["plotted"]) == [True, False, False]  # B withheld, C no data


def test_count_bars_label_counts_and_shares():
    fig = charts.count_bars([0, 1, 2], [1, 0, 3], "answer", shares=[25.0, 0.0, 75.0])
    assert list(fig.data[0].x) == ["0", "1", "2"]
    assert list(fig.data[0].text) == ["25.0 %", "0.0 %", "75.0 %"]  # short, to fit a bar
    assert list(fig.data[0].hovertext) == ["0: 25.0 % (1)", "1: 0.0 % (0)", "2: 75.0 % (3)"]
    assert fig.layout.uniformtext.minsize == charts.BAR_TEXT_MIN_PX  # smaller: left out
    billing = charts.count_bars(["billing"], [7], "category").data[0]
    assert (list(billing.text), list(billing.hovertext)) == (["7"], ["billing: 7"])


LONG = ("Using any number from 0 (worst) to 10 (best), how would you rate this hospital "
        "<b>during your stay</b>? (n = 12,345 answers)")


@pytest.mark.parametrize("title, lines", [
    ("Complaints by month", ["Complaints by month"]),
    ("x" * 60, ["x" * 60]),  # one word longer than a line: left whole
    (LONG, ["Using any number from 0 (worst) to 10 (best), how",
            "would you rate this hospital &lt;b&gt;during your",
            "stay&lt;/b&gt;? (n = 12,345 answers)"]),  # at most 50 characters, then escaped
])
def test_a_long_title_is_broken_into_lines_that_fit_a_laptop_chart(title, lines):
    layout = charts.house_layout(title, 300)
    assert layout["title"]["text"].split("<br>") == lines
    more = chart_titles.TITLE_LINE_PX * (len(lines) - 1)
    assert (layout["margin"]["t"], layout["height"]) == (50 + more, 300 + more)
    assert figure_title(go.Figure(layout=layout)) == title  # the chart's name, read aloud
    # a chart that sets its own top margin (a subtitle under the title) keeps it, plus the lines
    assert charts.house_layout(title, 300, margin=dict(t=70))["margin"]["t"] == 70 + more


def test_stacked_bars_fill_missing_bands_with_zero_in_the_given_order():
    frame = pd.DataFrame({"department_id": ["A", "A", "B"],
                          "age_band": ["over 90 days", "0-7 days", "8-30 days"],
                          "complaints": [2, 1, 4]})
    bands = ("0-7 days", "8-30 days", "31-90 days", "over 90 days")
    fig = charts.stacked_bars(frame, "department_id", "age_band", "complaints", NAMES, bands)
    assert [t.name for t in fig.data] == list(bands)
    assert list(fig.data[0].y) == ["Ward B", "Ward A"]
    assert [list(t.x) for t in fig.data] == [[0, 1], [4, 0], [0, 0], [0, 2]]


@pytest.mark.parametrize("title, top", [("Visits <by> month", 50), (None, 20)])
def test_every_figure_has_the_house_layout(title, top, monkeypatch):
    """The house template (white, Okabe-Ito colours, legend below, axes that make room) is the
    default one, so base_layout sets only the height, title and margins. (Importing
    streamlit's plotly element after kpi.present.charts, as test collection may, makes its own
    theme the default: the app imports streamlit first.)"""
    monkeypatch.setattr(charts.pio.templates, "default", charts.HOUSE_TEMPLATE)
    fig = charts.base_layout(charts.go.Figure(), title, 300)
    full = fig.to_plotly_json()["layout"]
    template = full["template"]["layout"]
    assert tuple(template["colorway"]) == charts.OKABE_ITO
    assert template["plot_bgcolor"] == "white" and template["legend"]["orientation"] == "h"
    assert template["xaxis"]["automargin"] and template["yaxis"]["automargin"]
    assert full["height"] == 300 and full["margin"] == {"l": 10, "r": 10, "t": top, "b": 10}
    assert full.get("title", {}).get("text") == ("Visits &lt;by&gt; month" if title else None)


def test_a_figure_narrowed_for_a_phone_has_its_title_in_shorter_lines():
    fig = charts.house_figure([], LONG, 300, title=dict(subtitle=dict(text="s " * 30)))
    phone = chart_titles.with_title_lines(fig, chart_titles.PHONE_TITLE_CHARS)
    title, subtitle = phone.layout.title.text.split("<br>"), phone.layout.title.subtitle.text
    assert len(fig.layout.title.text.split("<br>")) == 3 and len(title) == 4
    assert max(map(len, title)) <= chart_titles.PHONE_TITLE_CHARS and " ".join(title) == \
        " ".join(fig.layout.title.text.split("<br>"))  # the same escaped words
    assert len(subtitle.split("<br>")) == 2 and "<br>" not in fig.layout.title.subtitle.text
    more = chart_titles.TITLE_LINE_PX + chart_titles.SUBTITLE_LINE_PX  # one line more of each
    assert (phone.layout.margin.t, phone.layout.height) == (fig.layout.margin.t + more,
                                                            fig.layout.height + more)
    assert fig.layout.title.text.count("<br>") == 2  # the shared figure is left as it was
    untitled = charts.house_figure([], None, 300)
    assert chart_titles.with_title_lines(untitled, 10) is untitled


# A house title hangs from the figure's top, so that its lines and a subtitle grow downwards.
HUNG = {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": chart_titles.TITLE_TOP_PX}}


@pytest.mark.parametrize("title, more, expected", [
    (None, {}, {"height": 300, "margin": {"l": 10, "r": 10, "t": 20, "b": 10}}),
    ("A <b>", {"margin": {"r": 190}},
     {"height": 300, "margin": {"l": 10, "r": 190, "t": 50, "b": 10},
      "title": {"text": "A &lt;b&gt;", **HUNG}}),
    ("T", {"title": {"subtitle": {"text": "s"}}, "margin": {"t": 70}, "barmode": "stack"},
     {"height": 300, "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
      "title": {"text": "T", **HUNG, "subtitle": {"text": "s"}}, "barmode": "stack"}),
    (None, {"title": {"subtitle": {"text": "s"}}, "height": 500},
     {"height": 500, "margin": {"l": 10, "r": 10, "t": 20, "b": 10},
      "title": {"subtitle": {"text": "s"}}}),
])
def test_house_layout_merges_nested_settings_into_the_house_ones(title, more, expected):
    """A nested setting (margin, title) adds to the house's; a plain one replaces it."""
    assert charts.house_layout(title, 300, **more) == expected


def test_house_figure_draws_as_the_figure_built_in_steps(monkeypatch):
    """One validation of traces and layout gives the figure that add_trace, update_layout,
    add_hline and add_vline give (the lines and the label drawn as plotly draws them)."""
    monkeypatch.setattr(charts.pio.templates, "default", charts.HOUSE_TEMPLATE)
    line = dict(color="#000000", width=1.5)
    stepwise = charts.go.Figure()
    stepwise.add_trace(charts.go.Scatter(x=[1, 2], y=[3, 4], mode="lines", name="a"))
    stepwise.add_trace(charts.go.Bar(x=[1], y=[2], marker=dict(color="#0072B2")))
    stepwise.add_hline(y=3.5, line=line, annotation_text="mean: 3.5")
    stepwise.add_vline(x=1.5, line=line)
    stepwise.update_layout(xaxis=dict(type="log"))
    charts.base_layout(stepwise, "Title", 420)
    stepwise.update_layout(margin=dict(r=190))
    shape, label = charts.across(3.5, line, "mean: 3.5")
    once = charts.house_figure(
        [dict(type="scatter", x=[1, 2], y=[3, 4], mode="lines", name="a"),
         dict(type="bar", x=[1], y=[2], marker=dict(color="#0072B2"))], "Title", 420,
        shapes=[shape, charts.upright(1.5, line)], annotations=label, xaxis=dict(type="log"),
        margin=dict(r=190))
    assert once.to_plotly_json() == stepwise.to_plotly_json()
    assert charts.across(1.0, line)[1] == []
