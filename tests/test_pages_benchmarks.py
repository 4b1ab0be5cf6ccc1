"""The Benchmarks page under AppTest on the small demo: the engine's percentiles in words, the
benchmark period named, the star estimate labelled, the state from the settings."""

import pandas as pd
import pytest

from kpi.engine.hcahps import benchmark_rows
from kpi.filters import Filter
from kpi.hcahps.measures import BY_CODE, GLOBAL_MEASURES
from kpi.present.benchmark_words import ordinal
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.apptest_helpers import fresh_caches, open_app, page_text, use_database  # noqa: F401
from ui import data

PAGE = "views/benchmarks.py"
LABEL = "unadjusted estimate: CMS adjusts for patient mix and survey mode"


def _tables(at):
    return [t.value for t in at.dataframe]


def test_the_page_shows_the_engines_percentiles_in_words(pages_demo, monkeypatch, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[benchmarks]\nstate = "MA"\n', encoding="utf-8")
    use_database(monkeypatch, pages_demo, settings)
    data.clear_caches()
    at = open_app(PAGE)
    assert at.title[0].value == "Benchmarks"
    flt = at.session_state["flt_filter"]
    con = open_readonly(pages_demo)
    try:
        rows = benchmark_rows(con, flt, "MA")
        by_department = benchmark_rows(con, flt, "MA", by_department=True)
    finally:
        con.close()
    standing, departments = _tables(at)
    assert list(standing.columns) == ["measure", "top-box %", "surveys", "nationally", "in MA",
                                      "star estimate"]
    assert list(standing.measure) == [BY_CODE[m].label for m in rows.measure]
    assert list(standing.nationally) == [f"{ordinal(int(p))} percentile nationally"
                                         for p in rows.national_percentile]
    assert list(standing["in MA"]) == [f"{ordinal(int(p))} percentile in MA"
                                       for p in rows.state_percentile]
    text = page_text(at)
    assert "2024-07-01 to 2025-06-30" in text and "4,792 hospitals" in text
    assert LABEL in text.replace("\\", "")
    assert "needs all eight HCAHPS measures" in text  # the demo codes seven
    assert len(departments) == by_department.department_id.nunique() == 12
    shown = by_department[~by_department.suppressed]
    assert sorted(departments.to_numpy().ravel()) == sorted(
        [ordinal(int(p)) for p in shown.national_percentile.dropna()]
        + ["no data"] * int(shown.national_percentile.isna().sum())
        + ["withheld"] * int(by_department.suppressed.sum()))


def test_without_a_state_the_page_says_how_to_set_one(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "absent.toml")
    data.clear_caches()
    at = open_app(PAGE)
    standing = _tables(at)[0]
    assert set(standing["in the state"]) == {"no state set"}
    assert "[benchmarks] state" in page_text(at).replace("\\", "")


def test_an_unknown_state_is_an_error_not_a_traceback(pages_demo, monkeypatch, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[benchmarks]\nstate = "ZZ"\n', encoding="utf-8")
    use_database(monkeypatch, pages_demo, settings)
    data.clear_caches()
    at = open_app(PAGE)
    assert any("state 'ZZ' has no hospital" in e.value.replace("\\", "") for e in at.error)
    assert not at.dataframe


@pytest.fixture
def uncoded(pages_demo, tmp_path):
    path = tmp_path / "uncoded.duckdb"
    path.write_bytes(pages_demo.read_bytes())
    with write_swap(path) as con:
        con.execute("UPDATE questions SET hcahps_measure = NULL")
    return path


def test_a_catalog_without_codes_says_so(uncoded, monkeypatch, tmp_path):
    use_database(monkeypatch, uncoded, tmp_path / "absent.toml")
    data.clear_caches()
    at = open_app(PAGE)
    assert any("hcahps_measure" in i.value for i in at.info)
    assert not at.dataframe


def _expected_percentiles(db, flt, reference_flt, names, reference) -> dict[str, dict[str, str]]:
    """The Overview's percentile columns computed here from the engine's benchmark rows."""
    con = open_readonly(db)
    try:
        rows = pd.concat([benchmark_rows(con, flt, None, by_department=True),
                          benchmark_rows(con, reference_flt, None)])
    finally:
        con.close()
    cells = {}
    for r in rows[rows.measure.isin(GLOBAL_MEASURES)].itertuples():
        text = ("withheld" if r.suppressed else "no data" if pd.isna(r.national_percentile)
                else ordinal(int(r.national_percentile)))
        label = f"{GLOBAL_MEASURES[r.measure]}: US percentile"
        cells.setdefault(label, {})[names.get(r.department_id, reference)] = text
    return cells


@pytest.mark.parametrize("dept", [None, "ED"], ids=["every department", "one department"])
def test_the_overview_department_table_has_the_us_percentiles(pages_demo, monkeypatch, tmp_path,
                                                              dept):
    use_database(monkeypatch, pages_demo, tmp_path / "absent.toml")
    data.clear_caches()
    at = open_app(params={"dept": dept} if dept else None)
    table = at.dataframe[0].value
    flt = at.session_state["flt_filter"]
    con = open_readonly(pages_demo)
    try:
        names = dict(con.execute("SELECT department_id, department_name FROM departments")
                     .fetchall())
    finally:
        con.close()
    reference_flt = (Filter(departments=tuple(d for d in names if d != dept), start=flt.start,
                            end=flt.end) if dept else flt)
    expected = _expected_percentiles(pages_demo, flt, reference_flt, names, table.index[0])
    assert list(table.columns[2:4]) == list(expected)  # beside the rating and recommend KPIs
    assert {label: table[label].to_dict() for label in expected} == expected
    assert table.index[0] == ("Rest of the hospital" if dept else "All departments in the filter")
    assert "among US hospitals (CMS HCAHPS hospital file" in page_text(at).replace("\\", "")


def test_the_overview_table_has_no_percentile_without_codes(uncoded, monkeypatch, tmp_path):
    use_database(monkeypatch, uncoded, tmp_path / "absent.toml")
    data.clear_caches()
    table = open_app().dataframe[0].value
    assert not [c for c in table.columns if "US percentile" in c]
