"""HCAHPS benchmarks: the star and percentile rules by hand, the committed benchmark table on its
own (no CMS file needed), and `python -m kpi benchmark` on a hospital computed by hand."""

import csv
import io
import json
from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from kpi.cli import main as cli_main
from kpi.engine.hcahps import benchmark_rows, star_window
from kpi.filters import Filter
from kpi.hcahps.measures import MEASURE_CODES, NO_STAR, STAR_LABEL
from kpi.hcahps.standing import BENCHMARK_COLUMNS
from kpi.hcahps.stars import measure_star, mid_rank_percentile, round_half_up, summary_star
from kpi.hcahps.table import NATION, BenchmarkTable, current_table, edition_files
from kpi.present.benchmark_words import summary_words
from kpi.store.connect import open_readonly
from tests.support.hcahps_db import build_hcahps_db

NURSE_CUTS = [86, 90, 92, 94]  # H_COMP_1, 2024Q3-2025Q2


@pytest.mark.parametrize("value, rounded", [
    (89.5, 90), (89.49, 89), (89.49999999999999, 90), (0.5, 1), (100, 100),
    (Fraction(7, 2), 4), (Fraction(23, 6), 4), (Fraction(21, 6), 4), (Fraction(20, 6), 3),
])
def test_round_half_up(value, rounded):
    assert round_half_up(value) == rounded


@pytest.mark.parametrize("linear, star", [
    (0, 1), (85.49, 1), (85.5, 2), (89.4, 2), (90, 3), (91.5, 4), (93.4, 4), (93.5, 5), (100, 5),
])
def test_measure_star_counts_the_cut_points_the_rounded_mean_reaches(linear, star):
    assert measure_star(linear, NURSE_CUTS) == star


ALL_FOUR = dict.fromkeys(MEASURE_CODES, 4)


@pytest.mark.parametrize("stars, summary", [
    (ALL_FOUR, 4),
    # (4+5+1+5 + 3.5 + 5) / 6 = 23.5/6 = 3.92
    ({**ALL_FOUR, "H_COMP_2": 5, "H_COMP_5": 1, "H_COMP_6": 5, "H_QUIET": 3,
      "H_HSP_RATING": 5, "H_RECMND": 5}, 4),
    # (3+3+3+3 + 3.5 + 3.5) / 6 = 3.167 -> 3; pairs count once each
    ({**dict.fromkeys(MEASURE_CODES, 3), "H_CLEAN": 4, "H_HSP_RATING": 4}, 3),
    # (3+3+3+4 + 3 + 4.5) / 6 = 20.5/6 = 3.42 -> 3
    ({**dict.fromkeys(MEASURE_CODES, 3), "H_COMP_6": 4, "H_HSP_RATING": 4, "H_RECMND": 5}, 3),
    # (4+4+4+4 + 3 + 2) / 6 = 21/6 = 3.5 exactly -> 4 (half up)
    ({**ALL_FOUR, "H_CLEAN": 3, "H_QUIET": 3, "H_HSP_RATING": 2, "H_RECMND": 2}, 4),
    ({**ALL_FOUR, "H_QUIET": None}, None),
    ({k: v for k, v in ALL_FOUR.items() if k != "H_COMP_5"}, None),
])
def test_summary_star(stars, summary):
    assert summary_star(stars) == summary


COUNTS = {50: 1, 75: 2, 90: 1}  # four hospitals


@pytest.mark.parametrize("value, percentile", [
    (75, 50),      # 100 x (1 + 2/2) / 4
    (50, 13),      # 100 x 0.5 / 4 = 12.5, half up
    (90, 88),      # 100 x 3.5 / 4 = 87.5
    (87.5, 75),    # 3 below, none equal
    (40, 1),       # 0, clamped
    (100, 99),     # 100, clamped
    (74.999999999999, 50),  # float noise of an exact 75
])
def test_mid_rank_percentile(value, percentile):
    assert mid_rank_percentile(value, COUNTS) == percentile


def test_no_hospitals_no_percentile():
    assert mid_rank_percentile(70, {}) is None


@pytest.mark.parametrize("start, end, window", [
    (date(2024, 1, 1), date(2024, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2023, 1, 10), date(2024, 4, 1), (date(2023, 4, 1), date(2024, 3, 31))),
    (date(2022, 1, 1), date(2024, 6, 29), (date(2023, 4, 1), date(2024, 3, 31))),
    (date(2024, 2, 1), date(2024, 12, 30), (date(2024, 4, 1), date(2024, 9, 30))),
    (date(2024, 1, 1), date(2024, 3, 31), (date(2024, 1, 1), date(2024, 3, 31))),
    (date(2024, 2, 1), date(2024, 3, 31), None),
])
def test_the_star_window_is_the_last_four_complete_quarters_of_the_filter(start, end, window):
    assert star_window(start, end) == window


# The committed table on its own (what a clean clone has).
def test_the_committed_table_is_small_and_named_by_its_period():
    files = edition_files()
    assert files and all(f.stat().st_size < 300_000 for f in files)
    table = current_table()
    assert table.name == f"hcahps_{table.start}_{table.end}.json"
    assert table.period == "2024-07-01..2025-06-30"
    content = table.content
    assert (content["rows_read"], content["hospitals"]) == (325856, 4792)
    assert content["source"]["file"] == "HCAHPS-Hospital-2024Q3-2025Q2.csv.gz"
    assert content["command"].startswith("python -m kpi.hcahps.derive ")
    assert content["summary_rule_check"] == {"hospitals_with_summary_star": 3176,
                                             "reproduced": 3176}


@pytest.mark.parametrize("code", MEASURE_CODES)
@pytest.mark.parametrize("kind", ["top_box", "linear_mean"])
def test_the_nation_is_the_sum_of_the_states(code, kind):
    table = current_table()
    national = table.counts(code, kind)
    summed: dict[int, int] = {}
    for state in table.states():
        for value, n in table.counts(code, kind, state).items():
            summed[value] = summed.get(value, 0) + n
    assert summed == national
    assert sum(national.values()) == table.content["measures"][code][kind]["hospitals"]
    assert all(0 <= v <= 100 for v in national)
    cuts = table.cut_points(code)
    assert len(cuts) == 4 and cuts == sorted(set(cuts))


def test_the_cut_points_of_the_edition():
    table = current_table()
    assert {code: table.cut_points(code) for code in MEASURE_CODES} == {
        "H_COMP_1": [86, 90, 92, 94], "H_COMP_2": [84, 89, 92, 95], "H_COMP_5": [71, 77, 81, 86],
        "H_COMP_6": [79, 83, 87, 90], "H_CLEAN": [79, 83, 88, 92], "H_QUIET": [72, 79, 84, 89],
        "H_HSP_RATING": [81, 86, 89, 93], "H_RECMND": [77, 83, 87, 91]}


# A hand-made benchmark: every measure's hospitals at 50, 75, 75, 90 nationally; MA at 90, 90.
def _dense(counts: dict[int, int]) -> list[int]:
    low = min(counts)
    return [low, *(counts.get(v, 0) for v in range(low, max(counts) + 1))]


HAND = BenchmarkTable("hand.json", "2024-07-01", "2025-06-30", {
    "hospitals": 4, "star_cut_points": current_table().content["star_cut_points"],
    "measures": {code: {kind: {"counts": {NATION: _dense(COUNTS), "MA": _dense({90: 2})}}
                        for kind in ("top_box", "linear_mean")} for code in MEASURE_CODES}})

# measure: top box, linear mean, national and MA percentile, star (tests/support/hcahps_db.py)
BY_HAND = {
    "H_COMP_1": (75, 91.666666, 50, 1, 4), "H_COMP_2": (100, 100, 99, 99, 5),
    "H_COMP_5": (50, 66.666666, 13, 1, 1), "H_COMP_6": (90, 90, 88, 50, 5),
    "H_CLEAN": (90, 90, 88, 50, 4), "H_QUIET": (50, 83.333333, 13, 1, 3),
    "H_HSP_RATING": (75, 95, 50, 1, 5), "H_RECMND": (87.5, 95.833333, 75, 1, 5),
}


@pytest.fixture(scope="module")
def ward(tmp_path_factory):
    return build_hcahps_db(tmp_path_factory.mktemp("hcahps") / "ward.duckdb")


def test_the_standing_by_hand(ward):
    con = open_readonly(ward)
    try:
        rows = benchmark_rows(con, Filter(departments=("W1",)), "MA", table=HAND)
    finally:
        con.close()
    assert list(rows.measure) == list(MEASURE_CODES)
    for row in rows.itertuples():
        top, linear, national, state, star = BY_HAND[row.measure]
        assert row.top_box == pytest.approx(top) and row.linear_mean == pytest.approx(linear)
        assert (row.surveys, row.national_percentile, row.state_percentile, row.measure_star,
                row.summary_star) == (400, national, state, star, 4)
        assert row.star_note == "unadjusted estimate: CMS adjusts for patient mix and survey mode"


def test_a_small_cell_is_withheld_and_an_unknown_state_refused(ward):
    con = open_readonly(ward)
    try:
        rows = benchmark_rows(con, Filter(departments=("W2",)), None, table=HAND)
        with pytest.raises(Exception, match="state 'ZZ' has no hospital"):
            benchmark_rows(con, Filter(), "ZZ", table=HAND)
    finally:
        con.close()
    rating = rows.set_index("measure").loc["H_HSP_RATING"]
    assert bool(rating.suppressed) and rating[["top_box", "surveys", "national_percentile"]].isna().all()
    assert (rows.surveys.dropna() == 0).all() and rows.summary_star.isna().all()


def test_a_withheld_department_takes_a_complement_so_the_total_gives_nothing_away(ward):
    con = open_readonly(ward)
    try:
        rows = benchmark_rows(con, Filter(), None, by_department=True, table=HAND)
    finally:
        con.close()
    withheld = {(r.department_id, r.measure) for r in rows.itertuples() if r.suppressed}
    # W2 has 5 rating answers; the hospital's row shows 445, so the smallest other, W3's 40,
    # is withheld with it
    assert withheld == {("W2", "H_HSP_RATING"), ("W3", "H_HSP_RATING")}
    assert rows[rows.suppressed][["top_box", "surveys", "national_percentile"]].isna().all().all()
    assert rows[rows.department_id == "W1"].summary_star.eq(4).all()


# Filter -> its own rating row's surveys (None: withheld). W2 (5) and W3 (40) are withheld in
# the window's table: a filter's row is shown only as a sum of shown departments, or as the
# hospital's 445 less shown departments, so no two filters give W2's 5 by subtraction.
FILTER_ROWS = {(): 445, ("W1",): 400, ("W2", "W3"): 45, ("W2",): None, ("W3",): None,
               ("W1", "W2"): None, ("W1", "W3"): None}


@pytest.mark.parametrize("departments, surveys", FILTER_ROWS.items(), ids=map(str, FILTER_ROWS))
def test_a_filters_own_row_is_shown_only_where_it_follows_from_shown_cells(ward, departments,
                                                                           surveys):
    con = open_readonly(ward)
    try:
        rows = benchmark_rows(con, Filter(departments=departments), None, table=HAND)
    finally:
        con.close()
    rating = rows.set_index("measure").loc["H_HSP_RATING"]
    assert bool(rating.suppressed) == (surveys is None)
    assert (None if pd.isna(rating.surveys) else int(rating.surveys)) == surveys
    others = rows[rows.measure != "H_HSP_RATING"]
    assert not others.suppressed.any()
    assert others.summary_star.isna().all() or not rating.suppressed  # it carries the rating


def _rows(capsys, ward, *args) -> list[dict]:
    assert cli_main(["--db", str(ward), "benchmark", "--out", "-", *args]) == 0
    text = capsys.readouterr().out
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == BENCHMARK_COLUMNS
    return list(reader)


def _national(code: str, top: float) -> int:
    """The percentile computed here from the committed JSON: hospitals below and equal."""
    content = json.loads(edition_files()[-1].read_text(encoding="utf-8"))
    low, *hospitals = content["measures"][code]["top_box"]["counts"]["US"]
    values = [low + i for i, n in enumerate(hospitals) for _ in range(n)]
    share = 100 * (sum(v < top for v in values) + sum(v == top for v in values) / 2) / len(values)
    return min(99, max(1, int(Fraction(share).limit_denominator(10**6) + Fraction(1, 2))))


def test_the_benchmark_command_by_hand(capsys, ward, monkeypatch, tmp_path):
    monkeypatch.setenv("PX_SETTINGS", str(tmp_path / "absent.toml"))
    rows = _rows(capsys, ward, "--department", "W1")
    assert [r["measure"] for r in rows] == list(MEASURE_CODES)
    for row in rows:
        top, linear, _, _, star = BY_HAND[row["measure"]]
        assert float(row["top_box"]) == pytest.approx(top)
        assert float(row["linear_mean"]) == pytest.approx(linear)
        assert (row["surveys"], row["measure_star"], row["summary_star"]) == ("400", str(star), "4")
        assert row["national_percentile"] == str(_national(row["measure"], top))
        assert (row["state_percentile"], row["benchmark_period"]) == ("", "2024-07-01..2025-06-30")


def test_the_command_reads_the_state_and_withholds_stars_without_a_complete_quarter(
        capsys, ward, monkeypatch, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[benchmarks]\nstate = "ma"\n', encoding="utf-8")
    monkeypatch.setenv("PX_SETTINGS", str(settings))
    rows = _rows(capsys, ward, "--department", "W1", "--start", "2024-10-02")
    # from October the hospital's ratings are W1's and W2's 5: W1's rating row would give them
    assert [r["measure"] for r in rows if not r["state_percentile"]] == ["H_HSP_RATING"]
    assert all(r["state_percentile"] for r in rows if r["measure"] != "H_HSP_RATING")
    assert all(r["measure_star"] == r["summary_star"] == "" for r in rows)  # no whole quarter
    assert int(rows[0]["surveys"]) == 91  # 2024-10-02..12-31


def test_the_command_refuses_an_unknown_department(capsys, ward):
    assert cli_main(["--db", str(ward), "benchmark", "--out", "-", "--department", "X9"]) == 2
    assert "unknown department 'X9'" in capsys.readouterr().err


# measures coded, summary star, a measure withheld -> the words under the standing table
SUMMARY_CASES = {
    "a star": (8, 4, False, f"Summary star: ★★★★☆ 4 of 5 ({STAR_LABEL})."),
    "a measure withheld": (8, None, True, "No summary star: a measure is withheld, and the "
                                          "summary would carry its star."),
    "seven coded": (7, None, False, "No summary star: it needs all eight HCAHPS measures, and "
                                    "the question catalog codes 7."),
    "a measure without star": (8, None, False, f"No summary star: every measure needs a star "
                                               f"({NO_STAR} on at least one)."),
}


@pytest.mark.parametrize("coded, star, withheld, words", SUMMARY_CASES.values(),
                         ids=SUMMARY_CASES.keys())
def test_the_summary_star_in_words(coded, star, withheld, words):
    rows = pd.DataFrame({"summary_star": pd.array([star] * coded, dtype="Int64"),
                         "suppressed": [withheld] + [False] * (coded - 1)})
    assert summary_words(rows) == words
