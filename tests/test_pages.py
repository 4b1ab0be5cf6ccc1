"""The dashboard pages under AppTest on a small demo database: render, filter, URL, export."""

import csv
import io
import json
import shlex
import shutil
import tomllib
from datetime import date

import duckdb
import pytest

from kpi import engine
from kpi.catalog.kpis import resolve_kpis
from kpi.cli import main as cli_main
from kpi.demo.build import build_demo
from kpi.filters import Filter
from kpi.present.comparison_words import change_text
from kpi.present.formatting import markdown_plain
from kpi.settings import Settings
from kpi.spc.compare import change_vs_year_earlier, min_n_by_kpi, year_earlier
from kpi.store.connect import DatabaseReplaced, db_version, open_readonly
from kpi.store.derived import rebuild as derive
from kpi.store.swap import write_swap
from tests.support.apptest_helpers import (  # noqa: F401 (a fixture)
    APP,
    fresh_caches,
    open_app,
    open_tab,
    use_database,
)
from tests.support.damaged_db import KINDS, damage, damaged_inside
from tests.support.demo_test_helpers import PAGES_END as END
from ui import data, dropped_link, startup
from ui.exporting import deferred_snapshot

PAGES = {"views/overview.py": "Overview", "views/satisfaction.py": "Satisfaction",
         "views/comments.py": "What patients say", "views/benchmarks.py": "Benchmarks",
         "views/loyalty.py": "Loyalty", "views/reputation.py": "Reputation",
         "views/complaints.py": "Complaints",
         "views/staff.py": "Staff morale", "views/waits.py": "Respect for time",
         "views/export.py": "Export"}
# Hand-written display formats of the Overview tiles (not kpi.present.formatting's).
TILE_FORMATS = {"patient_satisfaction": "{:.1f} %", "nps": "{:+.1f}",
                "complaints_per_1000_visits": "{:.2f}", "staff_engagement": "{:.1f} %",
                "seen_within_15_minutes": "{:.1f} %"}


@pytest.fixture(autouse=True)
def px_db(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


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
    ({"start": "2030-01-01"}, (), (date(2024, 7, 1), END),
     ["no data in the window from 2030-01-01"]),
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
    rows = list(csv.reader(io.StringIO(text)))
    stamp = rows[0].index("generated_at")
    return [row[:stamp] + row[stamp + 1:] for row in rows]


def test_the_export_download_is_the_file_the_shown_cli_command_writes(px_db, tmp_path):
    at = open_app("views/export.py", {"service_line": "Emergency", "start": "2025-01-01",
                                      "end": "2025-06-30"})
    at.multiselect(key="export_kpis").set_value(["patient_satisfaction", "complaint_count"])
    at.pills(key="export_by").set_value(["month", "department"]).run()
    excel, plain = at.get("download_button")
    assert excel.proto.label == "Download for Excel (CSV, UTF-8 with BOM)"
    assert excel.proto.type == "primary" and plain.proto.label == "Download plain CSV (UTF-8)"
    assert "byte order mark" in " ".join(c.value for c in at.caption)
    command = shlex.split(at.code[0].value)
    assert command[:4] == ["python", "-m", "kpi", "export"]
    assert command[command.index("--service-line") + 1] == "Emergency"  # the filter as chosen
    out = tmp_path / "cli.csv"
    args = command[3:]
    args[args.index("--out") + 1] = str(out)
    assert cli_main(["--db", str(px_db), *args]) == 0
    flt = at.session_state["flt_filter"]
    rows = data.compute(db_version(px_db), ("patient_satisfaction", "complaint_count"), flt,
                        ("department", "month"))
    page_csv = deferred_snapshot(rows, flt)()
    cli_csv = out.read_text(encoding="utf-8")
    assert _rows_without_stamp(page_csv) == _rows_without_stamp(cli_csv)
    excel_csv = deferred_snapshot(rows, flt, excel=True)()
    assert excel_csv.startswith("\ufeffkpi_id,") and not cli_csv.startswith("\ufeff")
    assert _rows_without_stamp(excel_csv[1:]) == _rows_without_stamp(cli_csv)
    assert len(_rows_without_stamp(cli_csv)) == 1 + 2 * 2 * 6  # header, 2 KPIs x 2 depts x 6
    records = list(csv.DictReader(io.StringIO(cli_csv)))
    assert {(r["filter_departments"], r["filter_service_lines"], r["filter_sites"])
            for r in records} == {("", "Emergency", "")}


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
def nasty_db(pages_demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("nasty") / "px.duckdb"
    shutil.copyfile(pages_demo, path)
    with write_swap(path) as con:
        con.execute("UPDATE departments SET department_name = ? WHERE department_id = 'PALL'",
                    [NASTY])
    return path


def test_data_text_is_never_read_as_markdown_or_html(nasty_db, monkeypatch):
    monkeypatch.setenv("PX_DB", str(nasty_db))
    at = open_app("views/satisfaction.py", {"start": "2025-06-01", "end": "2025-06-30"})
    figures = " ".join(json.dumps(json.loads(chart.proto.spec))
                       for chart in at.get("plotly_chart"))
    assert "&lt;b&gt;unit&lt;/b&gt;" in figures and "<b>unit</b>" not in figures
    open_tab(at, "satisfaction_tab", "Comments")
    withheld = [c.value for c in at.caption if c.value.startswith("Comments withheld for")]
    assert withheld and markdown_plain(NASTY) in withheld[0] and NASTY not in withheld[0]


def test_a_database_with_stale_derived_tables_says_how_to_refresh(pages_demo, tmp_path,
                                                                  monkeypatch):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(pages_demo, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = '0' WHERE key = ?", [derive.META_KEY])
    con.close()
    use_database(monkeypatch, old, tmp_path / "no-settings.toml")
    stale = [w.value for w in open_app().warning if "python -m kpi refresh" in w.value]
    assert len(stale) == 1 and "older version" in stale[0]
    assert cli_main(["--db", str(old), "refresh"]) == 0
    assert not [w.value for w in open_app().warning if "older version" in w.value]


def test_the_server_config_binds_locally_and_keeps_error_details_off_the_page():
    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("page", ["views/overview.py", "views/satisfaction.py",
                                  "views/export.py"])
def test_an_unexpected_error_shows_a_plain_message_and_logs_the_traceback(page, monkeypatch,
                                                                          caplog):
    def broken(*_, **__):
        raise RuntimeError("boom in /srv/px/secret_module.py")

    monkeypatch.setattr(data, "compute", broken)
    at = open_app(page)  # fails on any exception element
    assert [e.value for e in at.error] == [startup.UNEXPECTED]
    shown = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    assert "secret_module" not in shown and "Traceback" not in shown
    assert "Traceback" in caplog.text and "secret_module.py" in caplog.text


@pytest.mark.parametrize("page", ["views/overview.py", "views/export.py"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_database_is_named_on_the_page_with_how_to_rebuild_it(pages_demo, kind, page,
                                                                         tmp_path, monkeypatch):
    db = damage(kind, pages_demo, tmp_path / "px.duckdb")
    use_database(monkeypatch, db, tmp_path / "no-settings.toml")
    at = open_app(page)  # fails on any exception element
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(f"{markdown_plain(db)} is not a readable")
    assert "restore a backup" in errors[0] and not at.metric
    assert db.is_dir() == (kind == "directory")  # never replaced by a demo


def test_a_damaged_block_found_while_drawing_a_page_is_named_not_shown_as_a_traceback(
        pages_demo, tmp_path, monkeypatch):
    db = damaged_inside(pages_demo, tmp_path / "px.duckdb")
    use_database(monkeypatch, db, tmp_path / "no-settings.toml")
    errors = [e.value for e in open_app().error]  # fails on any exception element
    assert errors == [markdown_plain(f"{db} is not a readable database (a part of it fails "
                                     "DuckDB's checksum): build a new one with `python -m kpi "
                                     "--db NEW_PATH demo` or `python -m kpi --db NEW_PATH "
                                     "ingest FOLDER`, or restore a backup of this file")]


def test_a_run_reads_one_database_version_and_redraws_when_a_load_replaced_it(monkeypatch):
    """A load may swap the file while a page is drawn: the run reads the file's key once (so
    the sidebar and the page cannot show two versions) and, when the version it pinned was
    replaced before it was opened, the page is drawn again from the new file."""
    data.clear_caches()  # no connection cached yet: the first open meets the replacement
    keys_read, opened = [], []
    read_key, open_version = data.db_key, data.open_version

    def replaced_once(key):
        opened.append(key)
        if len(opened) == 1:
            raise DatabaseReplaced(APP)
        return open_version(key)

    with monkeypatch.context() as patch:
        patch.setattr(data, "db_key", lambda: keys_read.append(1) or read_key())
        patch.setattr(data, "open_version", replaced_once)
        at = open_app()  # fails on any exception element
    assert len(opened) == 2 and len(keys_read) == 2  # the stopped run and its redraw, once each
    assert not at.error and metrics(at) == metrics(open_app()) and metrics(at)


LAST_12 = "2024-07-01 to 2025-06-30 (last 12 months)"
# (link, departments and window shown, the sidebar's warnings); {first} is the demo's first date
URL_CASES = {
    "start-0001": ({"start": "0001-01-01"}, (), ("{first}", "2025-06-30"), [
        "Dates before the first data ({first}) are not shown.",
        "Showing: All departments, {first} to 2025-06-30 (all dates)."]),
    "end-9999": ({"dept": "ED", "start": "2025-01-01", "end": "9999-12-31"}, ("ED",),
                 ("2025-01-01", "2025-06-30"), [
        "Dates after the last data (2025-06-30) are not shown.",
        "Showing: Department ED, 2025-01-01 to 2025-06-30 (year to date)."]),
    "both-ends": ({"start": "0001-01-01", "end": "9999-12-31"}, (), ("{first}", "2025-06-30"), [
        "Dates before the first data ({first}) are not shown.",
        "Dates after the last data (2025-06-30) are not shown.",
        "Showing: All departments, {first} to 2025-06-30 (all dates)."]),
    "no-data": ({"start": "0001-01-01", "end": "0001-12-31"}, (), ("2024-07-01", "2025-06-30"), [
        ("Ignored the dates in the link: no data in the window 0001-01-01 to 0001-12-31: the "
         "data run from {first} to 2025-06-30."), f"Showing: All departments, {LAST_12}."]),
    "reversed": ({"start": "2025-03-01", "end": "2025-01-01"}, (), ("2024-07-01", "2025-06-30"), [
        "Ignored the dates: the start 2025-03-01 is after the end 2025-01-01.",
        f"Showing: All departments, {LAST_12}."]),
    "tab-id": ({"dept": ["\tED", "CARD"]}, ("CARD",), ("2024-07-01", "2025-06-30"), [
        "Ignored unknown departments in the link: '\\tED'.",
        f"Showing: Department CARD, {LAST_12}."]),
}


@pytest.mark.parametrize("params, departments, window, warnings", URL_CASES.values(),
                         ids=URL_CASES.keys())
def test_a_link_beyond_the_data_or_unusable_shows_a_named_view_with_warnings(
        px_db, params, departments, window, warnings):
    con = open_readonly(px_db)
    first = engine.default_window(con)[0].isoformat()
    con.close()
    at = open_app(params=params)  # fails on any exception element
    flt = at.session_state["flt_filter"]
    start, end = (date.fromisoformat(day.format(first=first)) for day in window)
    assert (flt.departments, flt.start, flt.end) == (departments, start, end)
    assert [w.value for w in at.sidebar.warning] == [
        markdown_plain(text.format(first=first)) for text in warnings]
    assert (at.query_params["start"], at.query_params["end"]) == (str(start), str(end))
    assert at.metric  # the page is drawn for the view the warning names


def test_a_link_streamlit_dropped_whole_is_named_by_the_browser_with_the_view():
    """Streamlit empties a link of over 1000 parameters before the app runs: the sidebar then
    carries the script that warns from the URL the browser opened (tests/test_browser.py runs
    it)."""
    too_many = {"dept": "ED", "start": "2025-01-01", **{f"p{i}": "1" for i in range(1000)}}
    at = open_app(params=too_many)
    flt = at.session_state["flt_filter"]
    assert (flt.departments, flt.start, flt.end) == ((), date(2024, 7, 1), END)
    assert not at.sidebar.warning
    scripts = dropped_scripts(at)
    assert len(scripts) == 1 and json.dumps(dropped_link.message(
        f"All departments, {LAST_12}")) in scripts[0]
    assert 'split("&").length > 1000' in scripts[0]
    at.multiselect(key="flt_departments").set_value(["ED"]).run()
    assert not dropped_scripts(at)  # another view chosen: the warning no longer applies
    assert ["pxEnterApplies" in frame.proto.srcdoc for frame in at.sidebar.get("iframe")] == [
        True]  # the script that makes Enter apply a typed date stays


def dropped_scripts(at) -> list[str]:
    """The sidebar's scripts that warn of a dropped link."""
    return [frame.proto.srcdoc for frame in at.sidebar.get("iframe")
            if 'id="dropped"' in frame.proto.srcdoc]
