"""Control charts on the dashboard (AppTest, demo at scale 0.1 where the stories are reliable):
every trend page draws SPC charts, the Overview shows the signal badges, and 'needs
attention' comes from each department's control chart."""

import base64
import json
from collections import Counter
from datetime import date

import numpy as np
import pytest

import kpi.spc.compare
import kpi.spc.verdict
import ui.comparisons
import ui.spc_view
from kpi import engine
from kpi.demo.build import build_demo
from kpi.filters import Filter
from kpi.present import pages
from kpi.present.formatting import markdown_plain
from kpi.present.spc_labels import assurance_badge, verdict_badge
from kpi.reach import EVERY_DEPARTMENT
from kpi.settings import DEFAULT_MIN_N, Settings
from kpi.spc.series import SPC_COLUMNS, spc_detail
from kpi.spc.verdict import verdict_of
from kpi.store.connect import open_readonly
from tests.support.apptest_helpers import (  # noqa: F401 (a fixture)
    fresh_caches,
    open_app,
    open_tab,
    use_database,
)
from tests.support.demo_test_helpers import PAGES_END as END
from ui import data
from ui.tables import WHOLE_FILTER

LAST_12 = Filter(start=date(2024, 7, 1), end=END)
# Each trend page and the KPIs its control charts show (columns all render, tabs when open):
# the satisfaction selectbox starts on its first KPI; no patient of the last 12 months has a
# full year of follow-up, so the loyalty page draws no yearly return-visit chart (the 90-day
# rate's months to March 2025 have their follow-up).
TREND_PAGES = {
    "views/satisfaction.py": (pages.SATISFACTION_OVERALL,),
    "views/loyalty.py": tuple(k for k in pages.LOYALTY if k != "return_visit_rate"),
    "views/complaints.py": pages.COMPLAINTS_VOLUME + pages.COMPLAINTS_DEADLINES,
    "views/staff.py": pages.STAFF,
    "views/waits.py": pages.WAITS,
}
# The trend pages whose control charts are tabs, only the open one drawn (ui.spc_view.spc_trends):
# the tabs' key and their KPIs.
SPC_TABS = {"views/complaints.py": ("spc_deadlines_tab", pages.COMPLAINTS_DEADLINES),
            "views/staff.py": ("spc_staff_tab", pages.STAFF)}
CHART_TITLES = {"recommend_top_box": "Would recommend",
                "return_visit_rate_90d": "Return visits within 90 days"}  # else the KPI's label
HEADLINES = list(pages.OVERVIEW_HEADLINES.values())
DEFAULTS = Settings()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages_spc") / "px.duckdb"
    build_demo(path, seed=7, scale=0.1, end=END)
    return path


@pytest.fixture(autouse=True)
def px_env(demo_db, monkeypatch, tmp_path):
    use_database(monkeypatch, demo_db, tmp_path / "no-settings.toml")


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def spc_figures(at) -> dict[str, dict]:
    """The page's control charts by title on one line (those with a Mean line)."""
    return {fig["layout"]["title"]["text"].replace("<br>", " "): fig for fig in figures(at)
            if any(t.get("name") == "Mean" for t in fig["data"])}


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def numbers(field) -> list:
    """A figure JSON's array: a plain list, or plotly's typed array {dtype, bdata}."""
    if isinstance(field, dict):
        return list(np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"]))
    return list(field)


def expected_spc(db, kpi_id, flt=LAST_12, settings=DEFAULTS):
    return expected_detail(db, kpi_id, flt, settings)[SPC_COLUMNS]


def expected_detail(db, kpi_id, flt=LAST_12, settings=DEFAULTS):
    con = open_readonly(db)
    try:
        return spc_detail(con, kpi_id, flt, settings)
    finally:
        con.close()


def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


@pytest.mark.parametrize("page, kpi_ids", TREND_PAGES.items())
def test_every_trend_page_draws_control_charts_of_the_engines_series(demo_db, page, kpi_ids,
                                                                    monkeypatch, tmp_path):
    # At scale 0.1 a month holds few staff surveys and complaints: with the minimum n of
    # each kind at 0, every month is judged and every chart has limits to compare.
    no_minimum = tmp_path / "no-minimum.toml"
    no_minimum.write_text("[min_n]\n" + "".join(f"{kind} = 0\n" for kind in DEFAULT_MIN_N))
    use_database(monkeypatch, demo_db, no_minimum)
    at = open_app(page)
    kpis = data.kpis(data.db_key())
    key, tabbed = SPC_TABS.get(page, (None, ()))
    for kpi_id in kpi_ids:
        if kpi_id in tabbed:
            open_tab(at, key, markdown_plain(kpis[kpi_id].label))
        charts = spc_figures(at)
        assert kpi_id not in tabbed or not any(  # the other tabs' charts not drawn
            title.startswith(kpis[other].label) for title in charts for other in tabbed
            if other != kpi_id)
        fig = next(f for title, f in charts.items()
                   if title.startswith(CHART_TITLES.get(kpi_id, kpis[kpi_id].label)))
        expected = expected_spc(demo_db, kpi_id, settings=Settings(min_n=dict.fromkeys(
            DEFAULT_MIN_N, 0)))
        names = {t.get("name") for t in fig["data"]}
        assert {"Process limits", "Process limits (lower)"} <= names or \
            {"Trial limits (fewer than 12 months)"} <= names
        limits = next(t for t in fig["data"] if t.get("name", "").endswith("limits"))
        # a provisional last month (its source's as_of before June 30) has no limits: NaN
        assert numbers(limits["y"])[-1] == pytest.approx(expected["upper"].iloc[-1],
                                                          nan_ok=True)
        assert numbers(trace(fig, "Mean")["y"])[-1] == pytest.approx(expected["centre"].iloc[-1],
                                                                     nan_ok=True)
        assert len(limits["x"]) == 12 and limits["x"][0] == "2024-07-01"
    assert "How to read the control chart" in [p.proto.popover.label for p in at.get("popover")]


def test_months_with_too_few_are_marked_on_the_staff_charts():
    """The default minimum n (30 staff surveys a month) at scale 0.1: months are shown as too
    few to judge, never as a signal."""
    at = open_app("views/staff.py")
    fig = spc_figures(at).get("Staff engagement by month") or next(
        f for f in figures(at) if f["layout"]["title"]["text"] == "Staff engagement by month")
    names = {t.get("name") for t in fig["data"]}
    assert "Too few to judge (n < 30)" in names
    assert not names & {"Special cause — concern", "Special cause — improvement"}


def test_a_window_near_the_first_data_says_trial_limits():
    """Limits come from every complete month up to the window's end (the demo starts in
    2022-07): a window ending 2022-12 has 6 such months; one ending 2025-06 has 36."""
    at = open_app("views/waits.py", {"start": "2022-10-01", "end": "2022-12-31"})
    fig = spc_figures(at)["Median wait by month"]
    assert "Trial limits (fewer than 12 months)" in {t.get("name") for t in fig["data"]}
    assert fig["layout"]["title"]["subtitle"]["text"].startswith(
        "XmR chart · trial limits from every complete month to the window's end")
    at = open_app("views/waits.py", {"start": "2025-04-01", "end": "2025-06-30"})
    fig = spc_figures(at)["Median wait by month"]
    assert "Process limits" in {t.get("name") for t in fig["data"]}


def test_the_satisfaction_chart_follows_the_chosen_kpi():
    at = open_app("views/satisfaction.py")
    domain = data.kpis(data.db_key())["domain_top_box[communication]"]
    at.selectbox(key="spc_satisfaction_kpi").set_value(domain.id).run()
    assert list(spc_figures(at)) == [f"{domain.label} by month"]


def test_the_overview_shows_variation_and_assurance_badges_for_each_headline(demo_db):
    at = open_app()
    shown = badges(at)
    assert len(shown) == len(HEADLINES)
    for kpi_id, line in zip(HEADLINES, shown):
        found = verdict_of(expected_detail(demo_db, kpi_id))  # the one verdict
        variation = verdict_badge(found["status"])
        assurance = assurance_badge(found["assurance"], found["target"])
        assert line == (f":{variation.colour}-badge[{variation.text}] "
                        f":{assurance.colour}-badge[{assurance.text}]")
    assert ":gray-badge[○ No target set]" in shown[1]  # NPS has no default target


def test_needs_attention_lists_the_ed_wait_concern(demo_db):
    at = open_app()
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Department", "KPI", "Latest value", "Signal", "Since"]
    ed_wait = table[(table["Department"] == "Emergency Department")
                    & (table["KPI"] == "Median wait")]
    assert len(ed_wait) == 1
    assert ed_wait["Signal"].iloc[0] == ("▼ Special cause — concern: point outside the limits")
    ed = expected_spc(demo_db, "median_wait_minutes",
                      Filter(departments=("ED",), start=LAST_12.start, end=END))
    # Since: where the unbroken run of concern months up to the latest month began (the rising
    # waits of the decline, whose last months are outside the limits).
    run = ed.loc[ed["variation"] == "concern", "month"].tolist()
    assert run == ed["month"].tolist()[-len(run):] and len(run) >= 3
    assert ed_wait["Since"].iloc[0] == run[0]
    wait = ed["value"].iloc[-1]  # a median of whole minutes: whole or a half
    shown = f"{wait:.0f}" if float(wait).is_integer() else f"{wait:.1f}"
    assert ed_wait["Latest value"].iloc[0] == f"{shown} min (2025-06)"
    never_met = table[table["Signal"].str.startswith("✖")]
    assert never_met.empty or ed_wait.index[0] < never_met.index[0]  # concerns first


def test_the_settings_file_sets_targets(demo_db, tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[targets]\nnps = -50\n[spc]\nrun_length = 6\n", encoding="utf-8")
    monkeypatch.setenv("PX_SETTINGS", str(settings))
    at = open_app()
    expected = expected_spc(demo_db, "nps", settings=Settings(targets={"nps": -50.0},
                                                              run_length=6))
    assert expected["assurance"].iloc[0] == "always met"  # the premise
    assert ":blue-badge[✔ Target always met]" in badges(at)[1]
    assert any("target -50.0" in c.value for c in at.caption)


@pytest.mark.parametrize("text, message", [
    ("[spc]\nrun_length = 5\n", "must be 6 or 7"),
    ("[targets\n", "not a valid TOML file"),
    ("[capacity]\nduckdb_threads = 0\n", "must be a whole number of at least 1"),
    (None, "Is a directory"),
])
def test_a_broken_settings_file_is_reported_and_defaults_apply(tmp_path, monkeypatch, text,
                                                               message):
    settings = tmp_path / "settings.toml"
    if text is None:
        settings.mkdir()
    else:
        settings.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PX_SETTINGS", str(settings))
    at = open_app("views/waits.py")
    assert any(message in e.value for e in at.error)
    assert "Median wait by month" in spc_figures(at)


def test_a_target_for_an_unknown_kpi_is_named(tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[targets]\nno_such_kpi = 3\n", encoding="utf-8")
    monkeypatch.setenv("PX_SETTINGS", str(settings))
    at = open_app(params={"dept": "PALL"})  # one department: a quick first run
    assert any("no\\_such\\_kpi" in w.value for w in at.warning)


def test_one_department_is_compared_with_the_rest_of_the_hospital(demo_db):
    at = open_app(params={"dept": "ED"})
    table = at.dataframe[0].value
    assert list(table.index) == ["Rest of the hospital", "Emergency Department"]
    con = open_readonly(demo_db)
    try:
        others = tuple(d for d in data.departments(data.db_key(), EVERY_DEPARTMENT)["department_id"] if d != "ED")
        rest = engine.compute(con, ["patient_satisfaction"],
                              Filter(departments=others, start=LAST_12.start, end=END))
        returns = engine.compute(con, ["return_visit_rate"], Filter(
            departments=others, start=date(2023, 1, 1), end=date(2024, 6, 30)), ["department"])
    finally:
        con.close()
    assert table.loc["Rest of the hospital", "Patient satisfaction"].startswith(
        f"{rest['value'].iloc[0]:.1f} %")
    # return visits: each department's own first visits, the other departments pooled (as
    # each department is compared with the filter's departments pooled)
    at = open_app(params={"dept": "ED", "start": "2023-01-01", "end": "2024-06-30"})
    table = at.dataframe[0].value
    shown = returns[returns["value"].notna() & ~returns["suppressed"]]
    pooled = 100 * shown["numerator"].sum() / shown["denominator"].sum()
    assert len(shown) >= 5
    assert table.loc["Rest of the hospital", "Return visit rate"].startswith(f"{pooled:.1f} %")


def test_several_departments_show_the_pooled_value_their_verdicts_use(demo_db):
    window = {"start": "2023-01-01", "end": "2024-06-30"}
    at = open_app(params=window)
    table = at.dataframe[0].value
    con = open_readonly(demo_db)
    try:
        flt = Filter(start=date(2023, 1, 1), end=date(2024, 6, 30))
        returns = engine.compute(con, ["return_visit_rate"], flt, ["department"])
        cohort = engine.compute(con, ["return_visit_rate"], flt)["value"].iloc[0]
    finally:
        con.close()
    shown = returns[returns["value"].notna() & ~returns["suppressed"]]
    pooled = 100 * shown["numerator"].sum() / shown["denominator"].sum()
    assert len(shown) >= 5 and abs(pooled - cohort) >= 0.1  # the two values differ here
    assert table.loc[WHOLE_FILTER, "Return visit rate"].startswith(f"{pooled:.1f} %")


@pytest.mark.parametrize("page, title", [
    ("views/satisfaction.py", "Patient satisfaction: departments by n"),
    ("views/waits.py", "Seen within 15 minutes: departments by n"),
])
def test_topic_pages_draw_a_department_funnel(page, title):
    fig = next(f for f in figures(open_app(page)) if f["layout"]["title"]["text"] == title)
    names = {t.get("name") for t in fig["data"]}
    assert {"95 % limits", "99.8 % limits"} <= names
    assert fig["layout"]["xaxis"]["type"] == "log"


def test_open_complaints_is_named_a_backlog_on_the_windows_end():
    at = open_app("views/complaints.py")
    label = markdown_plain("Open complaints (backlog on 2025-06-30)")  # escaped for markdown
    assert label in [m.label for m in at.metric]


def test_return_visits_follow_the_latest_cohort_with_a_full_year():
    """Visits to 2025-06-30: the first visits of July 2023 to June 2024 have a full year of
    follow-up; the tile names that cohort (the sidebar's last 12 months have none yet)."""
    at = open_app("views/loyalty.py")
    label = markdown_plain("Return visits: first seen Jul 2023 - Jun 2024, followed 12 months")
    assert label in [m.label for m in at.metric]
    assert not [i for i in at.info if "follow-up" in i.value]


def test_return_visits_within_90_days_follow_the_latest_quarter_with_90_days(demo_db):
    """Visits to 2025-06-30: 2025-06-30 - 90 days = 2025-04-01, so the first visits of January
    to March 2025 have 90 days of follow-up; the tile names that cohort and shows the engine's
    value for those months, and a funnel compares the departments."""
    at = open_app("views/loyalty.py")
    label = markdown_plain("Return visits: first seen Jan 2025 - Mar 2025, followed 90 days")
    tile = next(m for m in at.metric if m.label == label)
    con = open_readonly(demo_db)
    try:
        cohort = engine.compute(con, ["return_visit_rate_90d"],
                                Filter(start=date(2025, 1, 1), end=date(2025, 3, 31)))
    finally:
        con.close()
    assert cohort["n"].iloc[0] > 0 and tile.value.startswith(f"{cohort['value'].iloc[0]:.1f} %")
    assert "Return visit rate (90 days): departments by n" in [
        f["layout"]["title"]["text"] for f in figures(at)]


def test_the_overviews_judgements_are_made_once_per_filter(monkeypatch):
    """Verdicts, control-chart statuses, the attention list and the changes against a year
    earlier are shared by every session of a filter, as the drawings are (ui/drawings.py); the
    departments' control-chart verdicts are made once for the table and the list."""
    calls = Counter()

    def counting(name, real):
        def counted(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return counted

    for module, name, counted_as in [
            (ui.comparisons, "verdicts", "verdicts"), (kpi.spc.verdict, "statuses", "statuses"),
            (ui.spc_view, "attention_of", "attention"),
            (ui.spc_view, "verdicts", "department verdicts"),
            (kpi.spc.compare, "change_vs_year_earlier", "change_vs_year_earlier")]:
        monkeypatch.setattr(module, name, counting(counted_as, getattr(module, name)))
    data.clear_caches()
    first, second = open_app(), open_app()  # two people, the same filter
    assert calls == {"verdicts": 1, "statuses": 1, "attention": 1, "change_vs_year_earlier": 1,
                     "department verdicts": 1}
    assert first.dataframe[-1].value.equals(second.dataframe[-1].value)
    assert [m.value for m in first.markdown] == [m.value for m in second.markdown]


def test_a_one_department_overview_asks_the_engine_once_for_its_rows_and_once_for_its_charts(
        monkeypatch):
    """For one department the Overview's rows and charts are the window's over every
    department (tests/test_one_department.py): one engine call each, shared with the rest of
    the hospital's returns by department; and as much for the year earlier, besides the rest
    of the hospital as a whole."""
    asked = []
    real = engine.compute

    def compute(con, kpi_ids, flt, group_by=(), chart=False):
        chosen = flt.departments
        asked.append((tuple(group_by), chart, "every" if not chosen else "ED"
                       if chosen == ("ED",) else "the rest" if "ED" not in chosen else chosen))
        return real(con, kpi_ids, flt, group_by, chart)

    monkeypatch.setattr(engine, "compute", compute)
    data.clear_caches()
    open_app(params={"dept": "ED", "start": "2025-01-01", "end": "2025-03-31"})
    assert sorted(asked) == sorted([
        (("department",), False, "every"),  # every KPI of the page, every department
        (("department",), False, "every"),  # the headlines a year earlier, every department
        (("department", "month"), True, "every"),  # every chart, every department
        ((), False, "the rest")])  # the rest of the hospital as a whole
