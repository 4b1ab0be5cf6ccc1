"""The pure logic behind the pages: date presets, department verdicts,
and the export page's command line."""

import math
import shlex
from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import Kpi
from kpi.filters import Filter
from kpi.spc.compare import (
    BETTER,
    NO_DATA,
    NOT_COMPARED,
    SIMILAR,
    TOO_FEW,
    WITHHELD,
    WORSE,
    against_overall,
    pooled_reference,
    with_pooled,
)
from ui.exporting import cli_command
from ui.periods import (
    ALL_DATES,
    CUSTOM,
    LAST_3,
    LAST_12,
    YEAR_TO_DATE,
    matching_preset,
    preset_window,
)
from ui.tables import attention_table

D = date.fromisoformat
NAN = math.nan
FIRST = D("2022-07-01")


@pytest.mark.parametrize("preset, last, expected", [
    (LAST_3, "2025-06-30", ("2025-04-01", "2025-06-30")),
    (LAST_12, "2025-06-30", ("2024-07-01", "2025-06-30")),
    (YEAR_TO_DATE, "2025-06-30", ("2025-01-01", "2025-06-30")),
    (ALL_DATES, "2025-06-30", ("2022-07-01", "2025-06-30")),
    (LAST_3, "2025-02-28", ("2024-12-01", "2025-02-28")),   # across the new year
    (LAST_3, "2025-03-15", ("2024-12-01", "2025-02-28")),   # the part month is left out
    (LAST_12, "2026-12-04", ("2025-12-01", "2026-11-30")),  # the demo: not = YTD
    (YEAR_TO_DATE, "2026-12-04", ("2026-01-01", "2026-12-04")),  # year to date stays
    (ALL_DATES, "2025-03-15", ("2022-07-01", "2025-03-15")),  # all dates stays
    (LAST_12, "2024-02-29", ("2023-03-01", "2024-02-29")),  # leap day
    (LAST_12, "2023-01-31", ("2022-07-01", "2023-01-31")),  # never before the first data
    (LAST_3, "2022-07-20", ("2022-07-01", "2022-07-20")),   # no complete month: all there is
])
def test_preset_windows_are_complete_months_before_the_current_one(preset, last, expected):
    assert preset_window(preset, FIRST, D(last)) == tuple(map(D, expected))


@pytest.mark.parametrize("start, end, expected", [
    ("2025-04-01", "2025-06-30", LAST_3),
    ("2024-07-01", "2025-06-30", LAST_12),
    ("2022-07-01", "2025-06-30", ALL_DATES),
    ("2025-04-02", "2025-06-30", CUSTOM),
    ("2025-04-01", "2025-06-29", CUSTOM),
])
def test_matching_preset(start, end, expected):
    assert matching_preset(D(start), D(end), FIRST, D("2025-06-30")) == expected


def test_an_unknown_preset_is_refused():
    with pytest.raises(ValueError):
        preset_window(CUSTOM, FIRST, D("2025-06-30"))


def rows(*cells, unit="%", n=100):
    """Engine-shaped rows from (kpi_id, direction, value, ci_low, ci_high, suppressed); a
    proportion with n = denominator."""
    return pd.DataFrame([{"kpi_id": k, "direction": d, "value": v, "ci_low": lo, "ci_high": hi,
                          "suppressed": s, "department_id": None, "n": n, "unit": unit,
                          "numerator": NAN if math.isnan(v) else v * n / 100, "denominator": n}
                         for k, d, v, lo, hi, s in cells])


# Overall 50 % on n = 400 -> funnel spread 100 x sqrt(0.5 x 0.5) = 50; a department of n = 100
# has sigma 5: 95 % limits 50 +- 9.8, 99.8 % limits 50 +- 15.45.
@pytest.mark.parametrize("direction, value, suppressed, unit, expected", [
    ("higher", 70.0, False, "%", BETTER),     # z = 4
    ("higher", 30.0, False, "%", WORSE),
    ("higher", 64.0, False, "%", SIMILAR),    # z = 2.8: outside 95 %, inside 99.8 %: grey
    ("higher", 50.0, False, "%", SIMILAR),
    ("lower", 70.0, False, "%", WORSE),
    ("lower", 30.0, False, "%", BETTER),
    ("neutral", 70.0, False, "%", NOT_COMPARED),
    ("higher", 70.0, False, "minutes", NOT_COMPARED),  # a median has no funnel
    ("higher", NAN, True, "%", WITHHELD),
    ("higher", NAN, False, "%", NO_DATA),
])
def test_a_department_on_the_funnel_of_the_whole_filter(direction, value, suppressed, unit,
                                                        expected):
    overall = rows(("k", direction, 50.0, 48.0, 52.0, False), unit=unit, n=400)
    group = rows(("k", direction, value, NAN, NAN, suppressed), unit=unit)
    assert list(against_overall(group, overall)) == [expected]


@pytest.mark.parametrize("min_n, expected", [
    ({}, BETTER), ({"k": 100}, BETTER), ({"k": 101}, TOO_FEW), ({"other": 500}, BETTER)])
def test_a_department_with_too_few_is_not_judged(min_n, expected):
    overall = rows(("k", "higher", 50.0, 48.0, 52.0, False), n=400)
    group = rows(("k", "higher", 70.0, 65.0, 75.0, False))  # n = 100
    assert list(against_overall(group, overall, min_n)) == [expected]


def test_nothing_is_compared_with_a_withheld_whole_filter_value():
    overall = rows(("k", "higher", NAN, NAN, NAN, True))
    group = rows(("k", "higher", 58.0, 55.0, 60.0, False))
    assert list(against_overall(group, overall)) == [NOT_COMPARED]


def test_a_pooled_kpi_is_compared_with_its_departments_not_the_whole_filter():
    """Return visits: the whole filter's 35 % is not the departments' reference; pooled, the
    two departments (40 % and 60 % of 100 each) give 50 %, and neither is outside 99.8 %."""
    overall = rows(("k", "higher", 35.0, NAN, NAN, False), n=400)
    groups = rows(("k", "higher", 40.0, NAN, NAN, False), ("k", "higher", 60.0, NAN, NAN, False))
    assert list(against_overall(groups, overall)) == [SIMILAR, BETTER]   # against 35 %
    reference = with_pooled(overall, groups, ["k"])
    assert reference[["kpi_id", "value", "n"]].values.tolist() == [["k", 50.0, 200]]
    assert list(against_overall(groups, reference)) == [SIMILAR, SIMILAR]
    assert with_pooled(overall, None, []).equals(overall)  # nothing pooled: unchanged


def test_one_department_is_compared_with_the_rest_of_the_hospital_pooled():
    """Return visits of one department (30 % of 100) against the rest of the hospital: its
    departments pooled, 70 + 50 of 100 + 100 = 60 % of n = 200 (a withheld one adds nothing),
    not the department with itself; z = (30 - 60) / (100 x sqrt(0.6 x 0.4) / 10) = -6.1."""
    rest = rows(("k", "higher", 70.0, NAN, NAN, False), ("k", "higher", 50.0, NAN, NAN, False),
                ("k", "higher", 90.0, NAN, NAN, True))
    rest["department_id"] = ["B", "C", "D"]
    reference = pooled_reference(rest)
    assert reference[["kpi_id", "department_id", "value", "numerator", "denominator", "n",
                      "suppressed"]].values.tolist() == [["k", None, 60.0, 120.0, 200, 200, False]]
    department = rows(("k", "higher", 30.0, NAN, NAN, False))
    assert list(against_overall(department, reference)) == [WORSE]


@pytest.mark.parametrize("flt, name, expected", [
    (Filter(start=D("2025-01-01"), end=D("2025-06-30")), "all-2025-01-01-to-2025-06-30",
     "--start 2025-01-01 --end 2025-06-30 --by department"),
    (Filter(service_lines=("Emergency",), start=D("2025-01-01"), end=D("2025-06-30")),
     "Emergency-2025-01-01-to-2025-06-30",
     "--service-line Emergency --start 2025-01-01 --end 2025-06-30 --by department"),
    (Filter(departments=("ED", "UCC"), sites=("North",)), "ED+UCC+North-first-to-last",
     "--department ED --department UCC --site North --by department"),
    (Filter(departments=("O'Brien ward",)), "O_Brien_ward-first-to-last",
     "--department 'O'\"'\"'Brien ward' --by department"),
])
def test_the_cli_command_carries_the_filter_as_chosen_and_names_it_in_the_file(flt, name,
                                                                                expected):
    command = cli_command(["nps"], flt, ["department"])
    assert command == f"python -m kpi export --out px-snapshot-{name}.csv --kpi nps {expected}"
    assert shlex.split(command)[-1] == "department"


def test_the_attention_table_words_each_signal_concerns_first_by_department_name():
    kpis = {"wait": Kpi(id="wait", label="Median wait", area="Time", unit="minutes",
                        direction="lower", source="visits", kind="median", description=""),
            "seen": Kpi(id="seen", label="Seen in time", area="Time", unit="%",
                        direction="higher", source="visits", kind="share", description="")}
    names = {"ED": "Emergency", "AA": "Zoo ward", "UCC": "Urgent care"}
    found = pd.DataFrame([
        ("AA", "seen", "never met", "", "2024-07", "2025-06", 12.25, 50.0, False),
        ("ED", "seen", "never met", "", "2024-09", "2025-05", 1.5, 50.0, True),
        ("UCC", "wait", "concern", "trend", "2025-01", "2025-06", 61.0, NAN, False),
        ("ED", "wait", "concern", "outside_limits", "2024-12", "2025-06", 87.0, NAN, True),
    ], columns=["department_id", "kpi_id", "signal", "rule", "since", "latest_month",
                "latest_value", "target", "trial_limits"])
    table = attention_table(found, kpis, names, run_length=6)
    assert table.values.tolist() == [
        ["Emergency", "Median wait", "87 min (2025-06)",
         "▼ Special cause — concern: point outside the limits · trial limits", "2024-12"],
        ["Urgent care", "Median wait", "61 min (2025-06)",
         "▼ Special cause — concern: run of 6 rising", "2025-01"],
        ["Emergency", "Seen in time", "1.5 % (2025-05)",
         "✖ Target never met (target 50.0 %) · trial limits", "2024-09"],
        ["Zoo ward", "Seen in time", "12.2 % (2025-06)",
         "✖ Target never met (target 50.0 %)", "2024-07"]]
