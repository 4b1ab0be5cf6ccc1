"""The dashboard pages under AppTest on a small demo database: render, filter, URL, export."""

import csv
import io
import json
import shlex
import shutil
from datetime import date

import duckdb
import pytest
from apptest_helpers import fresh_caches, open_app, use_database  # noqa: F401 (a fixture)

from kpi.cli import main as cli_main
from kpi.demo.build import build_demo
from kpi import engine
from kpi.catalog.kpis import resolve_kpis
from kpi.filters import Filter
from kpi.present.comparison_words import change_text
from kpi.settings import Settings
from kpi.spc.compare import change_vs_year_earlier, min_n_by_kpi, year_earlier
from kpi.present.formatting import markdown_plain
from kpi.store.connect import db_version, open_readonly
from kpi.store.derived import rebuild as derive
from kpi.store.swap import write_swap
from ui import data
from ui.exporting import deferred_snapshot

END = date(2025, 6, 30)
PAGES = {"views/overview.py": "Overview", "views/satisfaction.py": "Satisfaction",
         "views/loyalty.py": "Loyalty", "views/complaints.py": "Complaints",
         "views/staff.py": "Staff morale", "views/waits.py": "Respect for time",
         "views/export.py": "Export"}
# Hand-written display formats of the Overview tiles (not kpi.present.formatting's).
TILE_FORMATS = {"patient_satisfaction": "{:.1f} %", "nps": "{:+.1f}",
                "complaints_per_1000_visits": "{:.2f}", "staff_engagement": "{:.1f} %",
                "seen_within_15_minutes": "{:.1f} %"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "px.duckdb"
    build_demo(path, seed=7, scale=0.02, end=END)
    return path


@pytest.fixture(autouse=True)
def px_db(demo_db, monkeypatch, tmp_path):
    use_database(monkeypatch, demo_db, tmp_path / "no-settings.toml")
    return demo_db


def engine_rows(db, kpi_ids, flt, group_by=()):
    con = open_readonly(db)
    try:
        return engine.compute(con, kpi_ids, flt, group_by).set_index("kpi_id")
    finally:
        con.close()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page, title", PAGES.items())
def test_every_page_renders_with_the_demo_banner(page, title):
    at = open_app(page)
    assert at.title[0].value == title
    assert any("Demo data" in w.value for w in at.warning)


def test_overview_tiles_show_the_engines_numbers_and_change(px_db):
    at = open_app()
    flt = at.session_state["flt_filter"]
    assert (flt.start, flt.end) == (date(2024, 7, 1), END)  # default: last 12 months
    now = engine_rows(px_db, list(TILE_FORMATS), flt)
    before = engine_rows(px_db, list(TILE_FORMATS), year_earlier(flt))
    assert set(before["start"]) == {date(2023, 7, 1)} and set(before["end"]) == {date(2024, 6, 30)}
    con = open_readonly(px_db)
    kpis = {k.id: k for k in resolve_kpis(con, list(TILE_FORMATS))}
    con.close()
    changes = change_vs_year_earlier(now.reset_index(), before.reset_index(), kpis,
                                     min_n_by_kpi(kpis.values(), Settings()))
    shown = {m.label: m for m in at.metric}
    for kpi_id, fmt in TILE_FORMATS.items():
        tile = shown[now.loc[kpi_id, "kpi_label"]]
        assert tile.value == fmt.format(now.loc[kpi_id, "value"])
        change = now.loc[kpi_id, "value"] - before.loc[kpi_id, "value"]
        decimals = 2 if kpi_id == "complaints_per_1000_visits" else 1
        words, coloured = change_text(changes.loc[kpi_id], now.loc[kpi_id, "unit"])
        assert words.startswith(f"{change:+.{decimals}f}")
        assert tile.proto.delta == words
        assert coloured == bool(changes.loc[kpi_id, "significant"])


def test_a_department_choice_changes_the_numbers_and_the_url(px_db):
    at = open_app()
    everyone = metrics(at)
    at.multiselect(key="flt_departments").set_value(["ED"]).run()
    flt = at.session_state["flt_filter"]
    assert flt.departments == ("ED",)
    assert at.query_params["dept"] == "ED"
    ed = metrics(at)
    assert ed != everyone
    value = engine_rows(px_db, ["patient_satisfaction"], flt).loc["patient_satisfaction",
                                                                   "value"]
    assert ed["Patient satisfaction"] == f"{value:.1f} %"


def test_a_date_preset_sets_whole_months_and_the_url():
    at = open_app()
    at.pills(key="flt_preset").set_value("Last 3 months").run()
    flt = at.session_state["flt_filter"]
    assert (flt.start, flt.end) == (date(2025, 4, 1), END)
    assert at.query_params["start"] == "2025-04-01"
    assert at.date_input(key="flt_dates").value == (date(2025, 4, 1), END)


def test_a_shared_url_reopens_the_same_filter(px_db):
    params = {"dept": ["ED", "CARD"], "start": "2025-01-01", "end": "2025-03-31"}
    at = open_app("views/satisfaction.py", params)
    flt = Filter(departments=("CARD", "ED"), start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert at.session_state["flt_filter"] == flt
    assert sorted(at.multiselect(key="flt_departments").value) == ["CARD", "ED"]
    assert at.pills(key="flt_preset").value == "Custom"
    value = engine_rows(px_db, ["patient_satisfaction"], flt).loc["patient_satisfaction",
                                                                   "value"]
    assert metrics(at)["Patient satisfaction"] == f"{value:.1f} %"


@pytest.mark.parametrize("params, departments, window, words", [
    ({"dept": ["ED", "NOPE"], "start": "2025-02-30"}, ("ED",),
     (date(2024, 7, 1), END), ["NOPE", "2025-02-30"]),  # no usable date: the default
    ({"start": "2030-01-01"}, (), (date(2024, 7, 1), END), ["2030-01-01 to 2025-06-30"]),
    ({"dept": "![x](http://example.org/x.png)"}, (), (date(2024, 7, 1), END),
     ["![x](http://example.org/x.png)"]),  # quoted, never drawn as an image
])
def test_a_url_with_unusable_values_says_what_it_ignored(params, departments, window, words):
    at = open_app(params=params)
    flt = at.session_state["flt_filter"]
    assert flt.departments == departments and (flt.start, flt.end) == window
    texts = " ".join(w.value for w in at.sidebar.warning)
    assert all(markdown_plain(word) in texts for word in words)
    assert "](" not in texts


@pytest.mark.parametrize("page, label", [("views/satisfaction.py", "Patient satisfaction"),
                                         ("views/staff.py", "Staff engagement")])
def test_the_small_unit_is_withheld_in_words(px_db, page, label):
    flt = Filter(departments=("PALL",), start=date(2025, 6, 1), end=END)
    kpi_id = {"Patient satisfaction": "patient_satisfaction",
              "Staff engagement": "staff_engagement"}[label]
    assert engine_rows(px_db, [kpi_id], flt).loc[kpi_id, "suppressed"]  # the premise
    at = open_app(page, {"dept": "PALL", "start": "2025-06-01", "end": "2025-06-30"})
    assert label not in metrics(at)  # no number in a metric: the tile says why
    assert "**fewer than 11 responses**" in [m.value for m in at.markdown]


@pytest.mark.parametrize("page", ["views/overview.py", "views/complaints.py"])
def test_a_filter_that_leaves_no_department_says_so(page):
    at = open_app(page, {"service_line": "Emergency", "site": "Riverside"})
    assert any("No department matches" in i.value for i in at.info)
    assert not at.metric


def _rows_without_stamp(text: str) -> list[list[str]]:
    return [row[:-1] for row in csv.reader(io.StringIO(text))]


def test_the_export_download_is_the_file_the_shown_cli_command_writes(px_db, tmp_path):
    at = open_app("views/export.py", {"service_line": "Emergency", "start": "2025-01-01",
                                      "end": "2025-06-30"})
    at.multiselect(key="export_kpis").set_value(["patient_satisfaction", "complaint_count"])
    at.pills(key="export_by").set_value(["month", "department"]).run()
    assert at.get("download_button")[0].proto.label == "Download snapshot CSV"
    command = shlex.split(at.code[0].value)
    assert command[:4] == ["python", "-m", "kpi", "export"]
    assert command.count("--department") == 2  # ED and UCC: the Emergency service line
    out = tmp_path / "cli.csv"
    args = command[3:]
    args[args.index("--out") + 1] = str(out)
    assert cli_main(["--db", str(px_db), *args]) == 0
    flt = at.session_state["flt_filter"]
    rows = data.compute(db_version(px_db), ("patient_satisfaction", "complaint_count"), flt,
                        ("department", "month"))
    page_csv = deferred_snapshot(rows)()
    cli_csv = out.read_text(encoding="utf-8")
    assert _rows_without_stamp(page_csv) == _rows_without_stamp(cli_csv)
    assert len(_rows_without_stamp(cli_csv)) == 1 + 2 * 2 * 6  # header, 2 KPIs x 2 depts x 6


def test_the_first_start_without_a_database_builds_the_demo(tmp_path, monkeypatch):
    path = tmp_path / "fresh" / "px.duckdb"
    monkeypatch.setenv("PX_DB", str(path))
    built = []

    def small_demo(db_path, progress=None, **_):
        built.append(db_path)
        return build_demo(db_path, seed=7, scale=0.02, end=END, progress=progress)

    monkeypatch.setattr("kpi.demo.build.build_demo", small_demo)
    at = open_app()
    assert built == [path] and path.exists()
    assert any("Demo data" in w.value for w in at.warning)
    assert metrics(at)  # the Overview tiles are drawn from the new database


NASTY = "**Palliative** [care](http://example.org/x.png) <b>unit</b> $x$"


@pytest.fixture(scope="module")
def nasty_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("nasty") / "px.duckdb"
    shutil.copyfile(demo_db, path)
    with write_swap(path) as con:
        con.execute("UPDATE departments SET department_name = ? WHERE department_id = 'PALL'",
                    [NASTY])
    return path


def test_data_text_is_never_read_as_markdown_or_html(nasty_db, monkeypatch):
    monkeypatch.setenv("PX_DB", str(nasty_db))
    at = open_app("views/satisfaction.py", {"start": "2025-06-01", "end": "2025-06-30"})
    withheld = [c.value for c in at.caption if c.value.startswith("Comments withheld for")]
    assert withheld and markdown_plain(NASTY) in withheld[0] and NASTY not in withheld[0]
    figures = " ".join(json.dumps(json.loads(chart.proto.spec))
                       for chart in at.get("plotly_chart"))
    assert "&lt;b&gt;unit&lt;/b&gt;" in figures and "<b>unit</b>" not in figures


def test_a_database_with_stale_derived_tables_says_how_to_refresh(demo_db, tmp_path,
                                                                  monkeypatch):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = '0' WHERE key = ?", [derive.META_KEY])
    con.close()
    use_database(monkeypatch, old, tmp_path / "no-settings.toml")
    stale = [w.value for w in open_app().warning if "python -m kpi refresh" in w.value]
    assert len(stale) == 1 and "older version" in stale[0]
    assert cli_main(["--db", str(old), "refresh"]) == 0
    assert not [w.value for w in open_app().warning if "older version" in w.value]
