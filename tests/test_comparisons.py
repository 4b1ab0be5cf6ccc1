"""Comparisons that test something (issue 11): vs the same period a year earlier, coloured
only when significant at 95 % (two proportions, Poisson counts and rates, NPS difference;
medians, means and multi-item scores never coloured); departments on a funnel plot, and one
department against the rest of the hospital."""

import math
from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import Kpi
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.present.comparison_words import change_text, cohort_words
from kpi.present.funnel_chart import funnel_chart
from kpi.present.pages import cohort_months
from kpi.spc.compare import change_vs_year_earlier, rest_of_hospital, year_earlier
from kpi.spc.funnel import funnel_band, funnel_limits, funnel_spread
from kpi.spc.significance import (
    binomial_two_sided_p,
    nps_difference_z,
    poisson_rates_p,
    se_from_interval,
    two_proportions_z,
)

D = date.fromisoformat
NAN = math.nan


def test_two_proportions_z_by_hand():
    # pooled p = 120 / 200 = 0.6; se = sqrt(0.6 x 0.4 x (1/100 + 1/100)) = 0.069282
    assert two_proportions_z(70, 100, 50, 100) == pytest.approx(0.2 / 0.0692820, rel=1e-5)
    assert two_proportions_z(5, 10, 5, 10) == 0.0
    assert math.isnan(two_proportions_z(1, 0, 1, 10))


@pytest.mark.parametrize("k, n, p, expected", [
    (0, 10, 0.5, 2 / 1024),            # the two tails 0 and 10
    (1, 1, 0.5, 1.0),                  # one complaint against none: nothing to see
    (30, 40, 0.5, 0.0022214338),       # P(X >= 30) + P(X <= 10) of Binomial(40, 1/2)
    (5, 10, 0.5, 1.0),
    (0, 0, 0.5, 1.0),
])
def test_binomial_two_sided_p(k, n, p, expected):
    assert binomial_two_sided_p(k, n, p) == pytest.approx(expected, rel=1e-6)


def _exact_two_sided_p(k: int, n: int, successes: int, trials: int) -> float:
    """The two-sided p in whole numbers: p = successes / trials, each outcome's probability
    C(n, i) s^i (t - s)^(n - i) / t^n, summed over those no more likely than k's."""
    weights = [math.comb(n, i) * successes ** i * (trials - successes) ** (n - i)
               for i in range(n + 1)]
    return sum(w for w in weights if w <= weights[k]) / trials ** n


@pytest.mark.parametrize("k, n, successes, trials", [
    (480, 1000, 1, 2), (520, 1000, 1, 2), (640, 2000, 3, 10), (600, 2000, 3, 10),
    (0, 3000, 1, 1000), (31, 5000, 1, 250), (12, 12, 9, 10),
])
def test_binomial_two_sided_p_for_large_counts(k, n, successes, trials):
    # thousands of complaints: the running sum of log C(n, i) against whole-number arithmetic
    assert binomial_two_sided_p(k, n, successes / trials) == pytest.approx(
        _exact_two_sided_p(k, n, successes, trials), rel=1e-6)


def test_poisson_rates_compare_counts_given_their_exposures():
    # the Palliative unit: 1 complaint on 108 visits against 0 on 100 is not news
    assert poisson_rates_p(1, 108, 0, 100) == 1.0
    assert poisson_rates_p(30, 1000, 10, 1000) == pytest.approx(0.0022214338, rel=1e-6)
    assert math.isnan(poisson_rates_p(3, 0, 1, 10))


def test_nps_difference_and_its_standard_error():
    assert nps_difference_z(60.0, 3.0, 50.0, 4.0) == pytest.approx(2.0)
    # the catalog's test vector: 70 promoters, 10 detractors of 100 -> se 6.633 points
    assert se_from_interval(46.99906962, 73.00093038) == pytest.approx(
        100 * math.sqrt((0.8 - 0.36) / 100), rel=1e-6)


@pytest.mark.parametrize("start, end, expected", [
    ("2025-12-01", "2026-11-30", ("2024-12-01", "2025-11-30")),
    ("2024-02-29", "2024-03-31", ("2023-02-28", "2023-03-31")),  # a leap day
])
def test_year_earlier(start, end, expected):
    shifted = year_earlier(Filter(departments=("ED",), start=D(start), end=D(end)))
    assert (shifted.start, shifted.end) == tuple(map(D, expected))
    assert shifted.departments == ("ED",)


def test_year_earlier_needs_a_window():
    with pytest.raises(UsageError):
        year_earlier(Filter(start=D("2025-01-01")))


def kpi(kpi_id, unit, kind, direction="higher"):
    return Kpi(id=kpi_id, label=kpi_id, area="A", unit=unit, direction=direction,
               source="visits", kind=kind, description="")


KPIS = {k.id: k for k in [
    kpi("share", "%", "wait_within"), kpi("small", "%", "wait_within"),
    kpi("rate", "per_1000", "complaint_rate", "lower"), kpi("count", "count", "complaint_count",
                                                           "lower"),
    kpi("nps", "nps", "domain_nps"), kpi("wait", "minutes", "median_wait", "lower"),
    kpi("gone", "%", "wait_within")]}
WINDOW = {"start": D("2025-12-01"), "end": D("2026-11-30")}


def engine_rows(*cells):
    """(kpi_id, value, numerator, denominator, n, ci_low, ci_high, suppressed) as engine rows."""
    return pd.DataFrame([{"kpi_id": k, "direction": KPIS[k].direction, "value": v,
                          "numerator": x, "denominator": d, "n": n, "ci_low": lo,
                          "ci_high": hi, "suppressed": s, **WINDOW}
                         for k, v, x, d, n, lo, hi, s in cells])


NPS_NOW = (60 - 1.959964 * 3, 60 + 1.959964 * 3)     # se 3
NPS_BEFORE = (55 - 1.959964 * 4, 55 + 1.959964 * 4)  # se 4
# kpi_id: (value, numerator, denominator, n, ci_low, ci_high, suppressed) now and a year earlier
PAIRS = {
    "share": [(70.0, 70, 100, 100, NAN, NAN, False), (50.0, 50, 100, 100, NAN, NAN, False)],
    "small": [(80.0, 8, 10, 10, NAN, NAN, False), (40.0, 4, 10, 10, NAN, NAN, False)],
    "rate": [(30.0, 30, 1000, 1000, NAN, NAN, False), (10.0, 10, 1000, 1000, NAN, NAN, False)],
    "count": [(12.0, NAN, NAN, 12, NAN, NAN, False), (10.0, NAN, NAN, 10, NAN, NAN, False)],
    "nps": [(60.0, NAN, NAN, 100, *NPS_NOW, False), (55.0, NAN, NAN, 100, *NPS_BEFORE, False)],
    "wait": [(25.0, NAN, NAN, 500, NAN, NAN, False), (20.0, NAN, NAN, 500, NAN, NAN, False)],
    "gone": [(NAN, NAN, NAN, NAN, NAN, NAN, True), (50.0, 5, 10, 10, NAN, NAN, False)],
}
NOW, BEFORE = (engine_rows(*[(k, *cells[i]) for k, cells in PAIRS.items()]) for i in (0, 1))


@pytest.mark.parametrize("kpi_id, test, significant, improved, words, coloured", [
    ("share", "two proportions", True, True, "+20.0 vs a year earlier (better)", True),
    ("small", "", None, None, "+40.0 vs a year earlier (not tested)", False),  # n 10 < 30
    ("rate", "Poisson", True, False, "+20.00 vs a year earlier (worse)", True),
    ("count", "Poisson", False, None, "+2: no significant change", False),
    ("nps", "NPS difference", False, None, "+5.0: no significant change", False),  # z = 1.0
    ("wait", "", None, None, "+5.0 vs a year earlier (not tested)", False),  # a median
])
def test_change_vs_a_year_earlier_is_coloured_only_when_significant(
        kpi_id, test, significant, improved, words, coloured):
    found = change_vs_year_earlier(NOW, BEFORE, KPIS, {"small": 30})
    row = found.loc[kpi_id]
    assert (row["test"], row["significant"], row["improved"]) == (test, significant, improved)
    assert change_text(row, KPIS[kpi_id].unit) == (words, coloured)


def test_a_withheld_value_has_no_change():
    row = change_vs_year_earlier(NOW, BEFORE, KPIS).loc["gone"]
    assert math.isnan(row["change"]) and row["earlier_value"] == 50.0
    assert row["significant"] is None and row["improved"] is None


def reference_row(value, n, unit="%", ci=(NAN, NAN)):
    return pd.Series({"value": value, "n": n, "denominator": n if unit != "nps" else NAN,
                      "ci_low": ci[0], "ci_high": ci[1]})


@pytest.mark.parametrize("unit, row, expected", [
    ("%", reference_row(50.0, 400), (50.0, 50.0)),             # 100 sqrt(0.5 x 0.5)
    ("%", reference_row(90.0, 400), (90.0, 30.0)),             # 100 sqrt(0.9 x 0.1)
    ("per_1000", reference_row(4.0, 10000, "per_1000"), (4.0, math.sqrt(4000))),
    ("nps", reference_row(60.0, 100, "nps", (46.99906962, 73.00093038)),
     (60.0, 100 * math.sqrt(0.44))),                          # sd of the catalog's vector
    ("minutes", reference_row(20.0, 400, "minutes"), None),   # a median: no funnel
    ("%", reference_row(NAN, 0), None),
])
def test_funnel_spread(unit, row, expected):
    found = funnel_spread(unit, row)
    assert found == (None if expected is None else pytest.approx(expected))


def test_funnel_band_and_limits():
    # centre 50, spread 50: at n = 100 sigma 5, 95 % at +-9.8, 99.8 % at +-15.45
    bands = funnel_band([50, 59, 61, 66, NAN], pd.array([100, 100, 100, 100, 100]), 50, 50)
    assert bands.tolist() == ["inside", "inside", "outside 95 %", "outside 99.8 %", ""]
    curves = funnel_limits(50.0, 50.0, 10000, bounds=(0.0, 100.0))
    at_100 = curves.iloc[(curves["n"] - 100).abs().argmin()]
    assert at_100["upper_998"] - 50 == pytest.approx(3.090232 * 50 / math.sqrt(at_100["n"]))
    assert curves["lower_998"].min() == 0.0 and curves["upper_998"].max() == 100.0
    assert funnel_limits(50.0, 50.0, 1000, n_min=40)["n"].iloc[0] == pytest.approx(40)


def test_the_funnel_chart_colours_only_departments_outside_99_8():
    groups = pd.DataFrame({"department_id": ["A", "B", "C"], "unit": "%",
                           "value": [70.0, 61.0, 50.0], "n": [100, 100, 400]})
    verdict = pd.Series(["better", "no different", "no different"])
    fig = funnel_chart(groups, verdict, (50.0, 50.0), {"A": "Ward A"}, "All departments")
    names = {t.name: t for t in fig.data}
    assert list(names["better (outside 99.8 %)"].hovertext) == ["Ward A<br>70.0 % · n = 100"]
    assert list(names["within 99.8 %"].x) == [100.0, 400.0]
    assert {"95 % limits", "99.8 % limits"} <= set(names)
    assert fig.layout.xaxis.type == "log"


def test_one_department_is_compared_with_the_rest_of_the_hospital():
    flt = Filter(departments=("ED",), start=D("2025-01-01"), end=D("2025-12-31"))
    rest = rest_of_hospital(flt, ["CARD", "ED", "MED"], "ED")
    assert (rest.departments, rest.start, rest.end) == (("CARD", "MED"), flt.start, flt.end)
    with pytest.raises(UsageError):
        rest_of_hospital(flt, ["ED"], "ED")


@pytest.mark.parametrize("days, expected", [
    (365, "first seen Dec 2024 - Nov 2025, followed 12 months"),
    (90, "first seen Dec 2024 - Nov 2025, followed 90 days"),
])
def test_cohort_words(days, expected):
    assert cohort_words(D("2024-12-01"), D("2025-11-30"), days) == expected


@pytest.mark.parametrize("days, months", [(365, 12), (730, 12), (364, 3), (90, 3)])
def test_a_return_rate_tile_follows_a_year_or_the_latest_quarter(days, months):
    assert cohort_months(days) == months
