"""Which months a chart judges (issue 11): complete and provisional months, limits from every
complete month up to the window's end, and the provisional month kept out of every verdict."""

import csv
import io
import math
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi.catalog.kpis import resolve_kpis
from kpi.engine import compute
from kpi.export import provisional_rows, snapshot_csv
from kpi.filters import Filter
from kpi.settings import DEFAULT_MIN_N, Settings
from kpi.spc.attention import attention, latest_point
from kpi.spc.chunky import measurement_unit, possible_values
from kpi.spc.limits import spc_table
from kpi.spc.months import (
    data_through,
    followed_cohort,
    last_complete_day,
    last_complete_month,
    provisional_months,
    too_few,
)
from kpi.spc.series import complete_by, spc_by_department, spc_csv, spc_details
from kpi.spc.verdict import statuses, verdict_of, verdicts
from tests.support.demo_test_helpers import built_demo
from ui.tables import signal_mark

D = date.fromisoformat
NAN = math.nan
END = D("2026-12-04")  # the demo: December holds 4 days
SIGNALS = ["month", "centre", "lower", "upper", "rule", "variation", "assurance", "provisional"]
KPIS = ["complaints_per_1000_visits", "nps", "seen_within_15_minutes", "median_wait_minutes",
        "patient_satisfaction", "staff_engagement", "complaint_count"]


@pytest.mark.parametrize("as_of, window_end, expected", [
    ("2026-12-04", None, "2026-11"),
    ("2026-11-30", None, "2026-11"),          # the last day completes the month
    ("2026-11-29", None, "2026-10"),
    ("2026-12-04", "2026-06-15", "2026-05"),  # a window ending mid-month cuts its month
    ("2026-12-04", "2026-06-30", "2026-06"),
    ("2026-01-03", None, "2025-12"),          # across the new year
    ("2024-02-29", None, "2024-02"),          # leap day
    (None, "2026-06-30", None),               # a source without data
])
def test_last_complete_month(as_of, window_end, expected):
    as_of, window_end = (None if d is None else D(d) for d in (as_of, window_end))
    assert last_complete_month(as_of, window_end) == expected


def test_data_through_and_last_complete_day():
    assert data_through(D("2026-12-04"), D("2026-06-15")) == D("2026-06-15")
    assert data_through(D("2026-12-04"), D("2027-01-31")) == D("2026-12-04")
    assert data_through(None, D("2026-06-15")) is None
    assert last_complete_day(D("2025-03-15")) == D("2025-02-28")
    assert last_complete_day(D("2025-03-31")) == D("2025-03-31")


def test_provisional_months_flags_only_months_after_the_last_complete_one():
    months = ["2026-10", "2026-11", "2026-12"]
    assert provisional_months(months, D("2026-12-04")).tolist() == [False, False, True]
    assert provisional_months(months, D("2026-12-31")).tolist() == [False, False, False]
    assert provisional_months(months, None).tolist() == [False, False, False]


def test_a_month_not_judged_takes_no_part_in_limits_rules_or_assurance():
    """The spec's vector XmR [10, 50, 40, 30] (mean 32.5, limits -20.7 / 85.7) with a fifth,
    unjudged month of 1000: same limits, no rule, no variation for it, trial from 4 points."""
    series = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"],
                           "value": [10.0, 50.0, 40.0, 30.0, 1000.0], "n": 20,
                           "judged": [True, True, True, True, False]})
    table = spc_table(series, "lower", target=-30.0)
    assert table["centre"].iloc[0] == pytest.approx(32.5)
    assert table["upper"].iloc[0] == pytest.approx(85.7)
    assert table["lower"].iloc[0] == pytest.approx(-20.7)
    last = table.iloc[-1]
    assert math.isnan(last["centre"]) and last["rule"] == "" and last["variation"] == ""
    assert table["variation"].iloc[:4].tolist() == ["common"] * 4
    assert set(table["assurance"]) == {"never met"}  # from the judged months' limits
    few = table.assign(provisional=False, too_few=~series["judged"], chunky=False)
    assert latest_point(few)["month"] == "2025-05"  # what the verdict reads: too few
    assert (verdict_of(few)["status"], verdict_of(few)["first_judged"]) == ("too few", "2025-01")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from built_demo(tmp_path_factory.mktemp("verdicts") / "px.duckdb", END, scale=0.2)


def months_back(months: int) -> date:
    """The first day of the month `months` months before END's month."""
    index = END.year * 12 + END.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize("department", [None, "ED", "MED", "CARD"])
def test_the_signal_of_every_month_is_the_same_for_any_start(demo, department):
    depts = (department,) if department else ()
    tables = {back: spc_details(demo[1], KPIS, Filter(departments=depts, start=months_back(back),
                                                     end=END), Settings())
              for back in (12, 24, 36)}
    compared = 0
    for kpi_id in KPIS:
        shown = {back: t[kpi_id][t[kpi_id]["month"] >= months_back(12).isoformat()[:7]]
                 .reset_index(drop=True) for back, t in tables.items()}
        assert len(shown[12]) == 13
        # a month one window withholds (complementary suppression is decided per window) shows
        # nothing there; every month the three windows show carries the same signal
        both = ~(shown[12]["suppressed"] | shown[24]["suppressed"] | shown[36]["suppressed"])
        compared += int(both.sum())
        for back in (24, 36):
            pd.testing.assert_frame_equal(shown[12].loc[both, SIGNALS],
                                          shown[back].loc[both, SIGNALS])
    assert compared >= 13 * len(KPIS) // 2  # most months are compared


def test_by_department_tables_match_each_department_alone(demo):
    flt = Filter(start=months_back(12), end=END)
    together = spc_by_department(demo[1], KPIS, flt, Settings())
    for dept in ("ED", "PALL"):
        alone = spc_details(demo[1], KPIS, Filter(departments=(dept,), start=flt.start,
                                                  end=END), Settings())
        for kpi_id in KPIS:
            rows = together[(together["department_id"] == dept) & (together["kpi_id"] == kpi_id)]
            pd.testing.assert_frame_equal(rows.reset_index(drop=True)[SIGNALS],
                                          alone[kpi_id][SIGNALS])


def test_the_partial_month_is_provisional_and_never_reaches_the_attention_list(demo):
    tables = spc_by_department(demo[1], KPIS, Filter(start=months_back(12), end=END),
                               Settings())
    december = tables[tables["month"] == "2026-12"]
    assert december["provisional"].all() and (december["variation"] == "").all()
    assert december["value"].notna().any() and december["centre"].isna().all()
    assert not tables.loc[tables["month"] < "2026-12", "provisional"].any()
    found = attention(tables)
    assert not found.empty
    assert "2026-12" not in set(found["latest_month"]) | set(found["since"])


def test_the_spc_command_writes_provisional_last(demo):
    done = subprocess.run([sys.executable, "-m", "kpi", "--db", str(demo[0]), "spc", "--kpi",
                           "median_wait_minutes", "--department", "ED", "--start", "2026-01-01",
                           "--out", "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0])[-3:] == ["provisional", "too_few", "chunky"]  # additions after it
    assert {r["too_few"] for r in rows} == {r["chunky"] for r in rows} == {"false"}
    assert [r["month"] for r in rows] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert [r["provisional"] for r in rows] == ["false"] * 11 + ["true"]
    assert (rows[-1]["rule"], rows[-1]["variation"], rows[-1]["centre"]) == ("", "", "")
    assert all(r["variation"] for r in rows[:-1])


@pytest.mark.parametrize("end, group_by, expected", [
    (END, ["month"], {"2026-11": False, "2026-12": True}),
    (D("2026-06-15"), ["month"], {"2026-05": False, "2026-06": True}),  # cut by the window
    (D("2026-06-30"), ["month"], {"2026-05": False, "2026-06": False}),
    (END, [], {None: False}),                       # rows not grouped by month: false
])
def test_the_snapshot_says_which_months_are_provisional(demo, end, group_by, expected):
    rows = compute(demo[1], ["visits", "nps"], Filter(start=D("2026-05-01"), end=end), group_by)
    flags = dict(zip(rows["month"], provisional_rows(rows)))
    assert {m: flags[m] for m in expected} == expected
    text = snapshot_csv(rows, generated_at="2026-12-04T10:00:00+00:00")
    written = list(csv.DictReader(io.StringIO(text)))
    assert list(written[0])[-3:] == ["provisional", "value_display", "unit_label"]
    assert [r["provisional"] == "true" for r in written] == \
        [bool(f) for f in provisional_rows(rows)]


def test_each_source_has_its_own_as_of():
    rows = pd.DataFrame({"month": ["2026-11", "2026-11", None],
                         "data_as_of": [D("2026-11-30"), D("2026-11-20"), D("2026-11-20")],
                         "end": [D("2026-12-04")] * 3})
    assert provisional_rows(rows) == [False, True, False]
    assert np.array_equal(provisional_months(["2026-11"], D("2026-11-20")), [True])


@pytest.mark.parametrize("n, minimum, expected", [
    ([29, 30, 31], 30, [True, False, False]),
    ([5, pd.NA, 0], 30, [True, False, False]),  # withheld (NA) or n 0: no value to judge
    ([5, 50], [10, 60], [True, True]),           # one minimum per point
    ([5, 50], 0, [False, False]),                # 0: no minimum (counts)
])
def test_too_few(n, minimum, expected):
    counts = pd.array(n, dtype="Int64")
    assert too_few(counts, minimum).tolist() == expected
    # the same counts as floats with NaN for missing (the charts by department pass them so)
    assert too_few(counts.to_numpy(dtype=float, na_value=np.nan), minimum).tolist() == expected


def test_a_month_below_the_minimum_n_is_never_flagged_nor_in_the_limits(demo):
    """A department's median wait with a minimum of 1,000 waits: small months are shown as
    too few, take no part in limits or rules, and never reach the attention list."""
    settings = Settings(min_n={**DEFAULT_MIN_N, "median_wait": 1000})
    flt = Filter(start=months_back(12), end=END)
    tables = spc_by_department(demo[1], ["median_wait_minutes"], flt, settings)
    few = tables[tables["too_few"]]
    assert len(few) and (few["n"] < 1000).all() and few["value"].notna().all()
    assert (few["variation"] == "").all() and (few["rule"] == "").all()
    assert few["centre"].isna().all()
    judged = tables[tables["variation"] != ""]
    assert len(judged) and (judged["n"] >= 1000).all()
    found = attention(tables)
    for _, row in found.iterrows():
        rows = tables[(tables["department_id"] == row["department_id"])
                      & (tables["month"] >= row["since"])]
        assert not rows.loc[rows["month"] <= row["latest_month"], "too_few"].any()


def test_limits_ignore_a_month_with_too_few():
    """[10, 50, 40, 30] judged (limits -20.7 / 85.7) and a month of 500 on n = 3: no signal."""
    series = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"],
                           "value": [10.0, 50.0, 500.0, 40.0, 30.0],
                           "n": pd.array([20, 20, 3, 20, 20], dtype="Int64")})
    series["judged"] = ~too_few(series["n"], 10)
    table = spc_table(series, "lower")
    assert table["upper"].dropna().unique() == pytest.approx([85.7])
    assert table["variation"].tolist() == ["common", "common", "", "common", "common"]


@pytest.mark.parametrize("values, unit", [
    ([15, 15, 16], 1.0), ([15, 14.5, 16], 0.5), ([1.25, 2.5], 0.25), ([3.1, 2.2], 0.1),
    ([66.66666667, 70.0], None), ([], 1.0),
])
def test_measurement_unit(values, unit):
    assert measurement_unit(np.array(values, dtype=float)) == unit


@pytest.mark.parametrize("unit, lower, upper, expected", [
    (1.0, 14.2, 16.0, 2), (1.0, 14.0, 18.0, 5), (0.5, 14.2, 16.0, 4), (1.0, 14.2, 14.8, 0),
])
def test_possible_values_between_the_limits(unit, lower, upper, expected):
    assert possible_values(unit, lower, upper) == expected


@pytest.mark.parametrize("values, chunky", [
    ([15, 15, 15, 15, 14, 15, 16, 15, 15, 15, 14, 15], True),     # the Dermatology
    ([15, 17, 12, 20, 14, 18, 11, 16, 19, 13, 15, 17], False),    # a unit fine enough
    ([15.2, 15.1, 15.3, 15.2, 14.9, 15.0, 15.1, 15.2], False),    # tenths: fine enough
])
def test_a_chunky_series_fires_no_rule_and_a_fine_one_is_judged(values, chunky):
    months = [f"2025-{m:02d}" for m in range(1, 13)][:len(values)]
    series = pd.DataFrame({"month": months, "value": np.array(values, dtype=float), "n": 500})
    table = spc_table(series, "lower", target=14.0)
    assert table["chunky"].all() == chunky and table["chunky"].any() == chunky
    if chunky:
        assert (table["rule"] == "").all() and (table["variation"] == "").all()
        assert set(table["assurance"]) == {""} and table["upper"].notna().all()
        assert attention(table.assign(department_id="DERM", kpi_id="median_wait_minutes",
                                      provisional=False, too_few=False)).empty
    else:
        assert (table["variation"] != "").all()


@pytest.mark.parametrize("kpi_id, days, as_of, complete", [
    ("return_visit_rate", 365, "2026-12-04", "2025-12-04"),
    ("return_visit_rate_90d", 90, "2026-12-04", "2026-09-05"),
    ("median_wait_minutes", None, "2026-12-04", "2026-12-04"),  # not a cohort: as_of itself
    ("return_visit_rate", 365, None, None),
])
def test_a_return_rates_month_is_complete_once_its_first_visits_are_followed(kpi_id, days,
                                                                               as_of, complete):
    kpi = resolve_kpis(None, [kpi_id])[0]
    assert kpi.days == days
    day = complete_by(kpi, {kpi.source: None if as_of is None else D(as_of)})
    assert day == (None if complete is None else D(complete))


def test_return_visits_raise_no_alarm_from_the_cohort_edges(demo):
    """The issue's "Return visit rate 7 points below the mean since 2025-12" in nine
    departments at once: 2025-12 held only the first visits of its first 4 days (the rest not
    followed a year yet) and is provisional now; and the demo's first months are no warm-up
    (patients seen before its data return too), so their rates do not lift the mean."""
    kpi_ids = ["return_visit_rate", "return_visit_rate_90d"]
    for start in (None, months_back(12)):
        tables = spc_by_department(demo[1], kpi_ids, Filter(start=start, end=END), Settings())
        assert attention(tables).empty
        provisional = tables[tables["provisional"]]
        assert provisional.groupby("kpi_id")["month"].min().to_dict() == {
            "return_visit_rate": "2025-12", "return_visit_rate_90d": "2026-09"}
        assert (provisional["variation"] == "").all()
        assert provisional.groupby("kpi_id")["department_id"].nunique().min() == 12
    whole = compute(demo[1], ["return_visit_rate"], Filter(end=END), ["month"]).set_index(
        "month")["value"]
    assert abs(whole[["2024-01", "2024-02", "2024-03"]].mean()
               - whole[["2025-01", "2025-02", "2025-03"]].mean()) < 3


def _csv_rows(table: pd.DataFrame) -> list[dict]:
    return list(csv.DictReader(io.StringIO(spc_csv(table))))


def test_the_spc_csv_says_a_month_was_too_few_to_judge(demo):
    settings = Settings(min_n={**DEFAULT_MIN_N, "median_wait": 10 ** 9})
    table = spc_details(demo[1], ["median_wait_minutes"],
                        Filter(departments=("ED",), start=months_back(6), end=END), settings)[
        "median_wait_minutes"]
    rows = _csv_rows(table)
    assert len(rows) == 7 and all(r["value"] for r in rows)
    assert {(r["too_few"], r["chunky"], r["rule"], r["variation"], r["centre"])
            for r in rows} == {("true", "false", "", "", "")}


def test_the_spc_csv_says_a_series_was_chunky():
    values = [15, 15, 15, 15, 14, 15, 16, 15, 15, 15, 14, 15]  # the Dermatology
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    table = spc_table(pd.DataFrame({"month": months, "value": np.array(values, dtype=float),
                                    "n": 500}), "lower")
    rows = _csv_rows(table.assign(kpi_id="median_wait_minutes", chart="xmr", provisional=False,
                                  too_few=False))
    assert {(r["chunky"], r["too_few"], r["rule"], r["variation"]) for r in rows} == {
        ("true", "false", "", "")}
    assert all(r["centre"] and r["lower"] and r["upper"] for r in rows)  # limits kept, drawn


COMPARED = ["patient_satisfaction", "recommend_top_box", "nps", "return_visit_rate",
            "complaints_per_1000_visits", "ack_within_3_working_days", "staff_engagement",
            "staff_wellbeing", "enps", "seen_within_15_minutes", "median_wait_minutes",
            "complaint_count", "open_complaints"]


def csv_status(text: str) -> tuple[str | None, str]:
    """From a `kpi spc` CSV: the latest complete month with a value and its variation."""
    rows = [r for r in csv.DictReader(io.StringIO(text))
            if r["provisional"] == "false" and r["value"] != ""]
    return (rows[-1]["month"], rows[-1]["variation"]) if rows else (None, "")


@pytest.mark.parametrize("start", [None, 12])
def test_tile_attention_list_and_csv_agree_for_every_kpi_and_department(demo, start):
    flt = Filter(start=months_back(start) if start else None, end=END)
    tables = spc_by_department(demo[1], COMPARED, flt, Settings())
    found = verdicts(tables)
    listed = attention(tables)
    concerns = set(zip(*listed[listed["signal"] == "concern"][["department_id", "kpi_id"]]
                       .to_numpy().T)) if len(listed) else set()
    never = set(zip(*listed[listed["signal"] == "never met"][["department_id", "kpi_id"]]
                    .to_numpy().T)) if len(listed) else set()
    assert len(found) == len(set(tables["department_id"])) * len(COMPARED)
    for department, rows in found.groupby("department_id"):
        alone = spc_details(demo[1], COMPARED, Filter(departments=(department,),
                                                      start=flt.start, end=END), Settings())
        for verdict in rows.to_dict("records"):
            verdict["month"] = None if pd.isna(verdict["month"]) else verdict["month"]
            kpi_id = verdict["kpi_id"]
            tile = verdict_of(alone[kpi_id])                      # what the tile badge reads
            assert (tile["status"], tile["month"], tile["assurance"]) == \
                (verdict["status"], verdict["month"], verdict["assurance"])
            month, variation = csv_status(spc_csv(alone[kpi_id]))  # what `kpi spc` writes
            assert month == verdict["month"]
            assert variation == (verdict["status"] if verdict["status"] not in
                                 ("too few", "chunky") else "")
            key = (department, kpi_id)
            assert (key in concerns) == (verdict["status"] == "concern")
            assert (key in never) == (verdict["assurance"] == "never met")
    assert "2026-12" not in set(found["month"])


@pytest.mark.parametrize("department, kpi_id, status, rule", [
    ("ED", "median_wait_minutes", "concern", "outside_limits"),      # waits rising since June
    ("ED", "seen_within_15_minutes", "concern", "outside_limits"),   # the example
    ("MED", "patient_satisfaction", "improvement", "shift"),          # the staff programme
    ("CARD", "patient_satisfaction", "common", ""),                  # the stable ward
])
def test_the_demo_stories_show_in_the_verdicts(demo, department, kpi_id, status, rule):
    table = spc_details(demo[1], [kpi_id], Filter(departments=(department,),
                                                  start=months_back(12), end=END),
                        Settings())[kpi_id]
    found = verdict_of(table)
    assert (found["status"], found["rule"], found["month"]) == (status, rule, "2026-11")


def test_the_ed_wait_concern_shows_on_the_hospital_median_wait_chart(demo):
    """The chart plots the grouped median: the hospital's monthly median wait is no longer
    rounded to whole minutes (which were too coarse to judge), so ED's rising waits show."""
    flt = Filter(start=months_back(12), end=END)
    table = spc_details(demo[1], ["median_wait_minutes"], flt, Settings())[
        "median_wait_minutes"]
    found = verdict_of(table)
    assert (found["status"], found["rule"], found["month"]) == ("concern", "outside_limits",
                                                                "2026-11")
    assert not table["chunky"].any() and measurement_unit(table["value"]) is None
    whole = compute(demo[1], ["median_wait_minutes"], flt, ["month"])
    assert measurement_unit(whole["value"]) in (0.5, 1.0)  # the tiles' median: whole minutes


def test_the_complaint_spike_is_the_only_point_outside_the_limits(demo):
    table = spc_details(demo[1], ["complaint_count"], Filter(end=END), Settings())[
        "complaint_count"]
    spike = table[table["rule"] == "outside_limits"]
    assert spike[["month", "variation"]].values.tolist() == [["2026-04", "concern"]]


@pytest.mark.parametrize("values, bounds, lower, upper", [
    ([10.0, 50.0, 40.0, 30.0], (0.0, np.inf), 0.0, 85.7),         # the spec's -20.7 at 0
    ([95.0, 99.0, 100.0, 92.0, 99.0], (0.0, 100.0), 83.7, 100.0),  # mean 97, mean MR 5: 110.3
    ([10.0, 50.0, 40.0, 30.0], (-np.inf, np.inf), -20.7, 85.7),    # unbounded: as computed
])
def test_limits_are_written_truncated_at_the_kpis_bounds(values, bounds, lower, upper):
    months = [f"2025-{m:02d}" for m in range(1, len(values) + 1)]
    table = spc_table(pd.DataFrame({"month": months, "value": values, "n": 500}), "higher",
                      bounds=bounds)
    assert (table["lower"].iloc[0], table["upper"].iloc[0]) == pytest.approx((lower, upper))


def test_the_department_table_marks_each_departments_verdict(demo):
    tables = spc_by_department(demo[1], ["median_wait_minutes", "patient_satisfaction"],
                               Filter(start=months_back(12), end=END), Settings())
    found = statuses(verdicts(tables))
    assert found[("ED", "median_wait_minutes")] == "concern"
    assert signal_mark(found[("ED", "median_wait_minutes")]) == " ▼"
    assert signal_mark(found[("MED", "patient_satisfaction")]) == " ▲"
    assert signal_mark(found[("CARD", "patient_satisfaction")]) == ""   # common cause
    assert signal_mark("too few") == signal_mark("chunky") == ""


def test_limits_fixed_after_n_months_hold_for_the_later_months():
    """12 months alternating 10 and 12 (mean 11, mean moving range 2: limits 5.68 to 16.32),
    then four months of 20: fixed after 12, every month has those limits and the four are
    outside them; unfixed, the limits widen over all 16 months."""
    values = [10.0, 12.0] * 6 + [20.0] * 4
    months = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(16)]
    series = pd.DataFrame({"month": months, "value": values, "n": 500})
    fixed = spc_table(series, "lower", fix_after=12)
    assert set(fixed["centre"]) == {11.0}
    assert (fixed["lower"].iloc[0], fixed["upper"].iloc[0]) == pytest.approx((5.68, 16.32))
    assert fixed["rule"].tolist()[-4:] == ["outside_limits"] * 4
    assert set(fixed["variation"].iloc[-4:]) == {"concern"}
    moving = spc_table(series, "lower")
    assert moving["centre"].iloc[0] == pytest.approx(13.25)


@pytest.mark.parametrize("as_of, days, months, expected", [
    ("2026-12-04", 365, 12, ("2024-12-01", "2025-11-30")),   # the example
    ("2026-11-30", 365, 12, ("2024-12-01", "2025-11-30")),
    ("2026-12-04", 90, 3, ("2026-06-01", "2026-08-31")),
    ("2025-06-30", 365, 12, ("2023-07-01", "2024-06-30")),
])
def test_followed_cohort(as_of, days, months, expected):
    assert followed_cohort(D(as_of), days, months) == tuple(map(D, expected))
    assert followed_cohort(None, days) is None
