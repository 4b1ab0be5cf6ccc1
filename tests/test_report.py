"""The board pack (`python -m kpi report`): every section for the demo, nothing fetched from
another host, the export's numbers and the pages' verdicts, suppression, escaping, the CLI."""

from __future__ import annotations

import csv
import io
import re
import shutil

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from kpi.cli import main
from kpi.engine import compute
from kpi.engine.hcahps import benchmark_rows
from kpi.export import write_snapshot
from kpi.filters import Filter
from kpi.hcahps.measures import BY_CODE
from kpi.present.benchmark_words import percentile_words
from kpi.present.formatting import suppressed_text
from kpi.present.pages import OVERVIEW_COMPARED, OVERVIEW_HEADLINES
from kpi.present.spc_labels import assurance_badge, verdict_badge
from kpi.report import kpi_sections
from kpi.report.build import SECTIONS, board_pack, report_file_name
from kpi.report.context import report_context
from kpi.settings import Settings
from kpi.spc.attention import CONCERN_SIGNAL, attention
from kpi.spc.series import spc_by_department, spc_details
from kpi.spc.verdict import verdict_of
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap

EVERY_SECTION = ["cover", "headlines", "summary", "concerns", "funnels", "benchmarks", "drivers",
                 "themes"]
LAST_YEAR = Filter(start="2024-07-01", end="2025-06-30")


@pytest.fixture(scope="module")
def con(pages_demo):
    connection = open_readonly(pages_demo)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def pack(con) -> str:
    return board_pack(con, LAST_YEAR, Settings(), comments=LAST_YEAR)


def sections(text: str) -> list[str]:
    return re.findall(r'<section[^>]* id="([^"]+)"', text)


def without_plotly(text: str) -> str:
    assert text.count(get_plotlyjs()) == 1  # the bundle inlined exactly once
    return text.replace(get_plotlyjs(), "")


def test_the_demo_pack_has_every_section_in_order(pack):
    assert sections(pack) == EVERY_SECTION
    assert [s.__name__ for s in SECTIONS] == EVERY_SECTION


def test_nothing_is_fetched_from_another_host(pack):
    rest = without_plotly(pack)
    assert "http://" not in rest and "https://" not in rest
    assert not re.search(r"\b(src|href)\s*=", rest, re.IGNORECASE)
    assert not re.search(r"@import|@font-face|url\(|<link|<iframe|<img", rest, re.IGNORECASE)
    assert rest.count("Plotly.newPlot(") == rest.count('class="plotly-graph-div"') >= 5


def test_it_prints_a_section_a_page_on_a4_landscape(pack):
    assert "@media print" in pack and "size: A4 landscape" in pack
    assert re.search(r"section \{ break-before: page; page-break-before: always; \}", pack)


def tile(text: str, kpi_id: str) -> str:
    found = re.search(rf'<div class="tile" data-kpi="{re.escape(kpi_id)}">(.*?)</div></div>',
                      text)
    assert found, kpi_id
    return found.group(1)


def test_the_headlines_show_the_exports_numbers_and_the_pages_verdicts(con, pack):
    ids = list(OVERVIEW_HEADLINES.values())
    out = io.StringIO()
    write_snapshot(out, con, ids, LAST_YEAR)
    exported = {row["kpi_id"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    tables = spc_details(con, ids, LAST_YEAR, Settings())
    for kpi_id in ids:
        shown = tile(pack, kpi_id)
        value = re.search(r'<div class="value">(.*?)</div>', shown).group(1)
        # the CSV cell is guarded against formulas: '+66.6 is the text +66.6
        assert value == exported[kpi_id]["value_display"].removeprefix("'")
        found = verdict_of(tables[kpi_id])
        assert verdict_badge(found["status"]).text in shown
        assert assurance_badge(found["assurance"], found["target"]).text in shown


def test_the_summary_lists_every_kpi(con, pack):
    summary = pack[pack.index('id="summary"'):pack.index('id="concerns"')]
    rows = compute(con, None, LAST_YEAR)
    assert summary.count("<tr>") == len(rows) + 1
    for label in rows["kpi_label"]:
        assert f"<td>{label}</td>" in summary


def test_a_chart_for_every_concern_of_the_attention_list(con, pack):
    found = attention(spc_by_department(con, list(OVERVIEW_COMPARED), LAST_YEAR, Settings()))
    concerns = found[found["signal"] == CONCERN_SIGNAL]
    part = pack[pack.index('id="concerns"'):pack.index('id="funnels"')]
    assert len(concerns) >= 1
    assert part.count('class="plotly-graph-div"') == len(concerns)


def test_the_funnels_centre_on_the_overviews_reference(con, monkeypatch):
    """Return visits: the departments pooled (sum of numerators / sum of denominators of the
    departments' rows), not the whole filter's one-cohort rate; a share: the whole filter."""
    window = Filter(start="2023-01-01", end="2024-06-30")  # return visits followed up
    drawn = {}

    def record(groups, verdict, funnel, *rest, **named):
        drawn[groups["kpi_id"].iloc[0]] = funnel
        return go.Figure()
    monkeypatch.setattr(kpi_sections, "funnel_chart", record)
    kpi_sections.funnels(report_context(con, window, Settings(), None))
    by_dept = compute(con, ["return_visit_rate"], window, ["department"])
    pooled = 100 * by_dept["numerator"].sum() / by_dept["denominator"].sum()
    whole = compute(con, ["return_visit_rate", "seen_within_15_minutes"], window).set_index(
        "kpi_id")["value"]
    assert drawn["return_visit_rate"][0] == pytest.approx(pooled)
    assert abs(pooled - whole["return_visit_rate"]) > 0.5  # the two references differ here
    assert drawn["seen_within_15_minutes"][0] == pytest.approx(whole["seen_within_15_minutes"])


def test_one_department_has_no_funnels_and_withheld_drivers(con):
    one = Filter(departments=("PALL",), start="2025-06-01", end="2025-06-30")
    text = board_pack(con, one, Settings(), comments=one)
    assert "funnels" not in sections(text) and "themes" not in sections(text)
    drivers = text[text.index('id="drivers"'):]
    assert "Key drivers are withheld: fewer than 100 respondents" in drivers
    assert suppressed_text(11) in text or "withheld" in tile(text, "patient_satisfaction")


def test_the_benchmarks_are_the_benchmark_commands_rows_in_the_pages_words(con, pack):
    rows = benchmark_rows(con, LAST_YEAR)
    part = pack[pack.index('id="benchmarks"'):pack.index('id="drivers"')]
    assert len(rows) == 7  # the demo codes 7 of the 8 measures
    assert "unadjusted estimate" in part and "national percentile" in part
    for row in rows.itertuples():
        label = BY_CODE[row.measure].label
        line = part[part.index(f"<td>{label}</td>"):]
        line = line[:line.index("</tr>")]
        assert percentile_words(row.national_percentile, "nationally") in line
        assert f"{int(row.surveys):,}" in line


def test_no_comment_reach_means_no_themes(con):
    assert "themes" not in sections(board_pack(con, LAST_YEAR, Settings(), comments=None))


def test_the_drivers_minimum_comes_from_the_settings(con):
    text = board_pack(con, LAST_YEAR, Settings(driver_min_respondents=100_000), comments=None)
    assert "Key drivers are withheld: fewer than 100,000 respondents" in text
    assert "Priority matrix" not in text


NASTY = "</script><script>alert(1)</script> <b>unit</b>"


@pytest.fixture(scope="module")
def nasty(pages_demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("nasty") / "px.duckdb"
    shutil.copyfile(pages_demo, path)
    with write_swap(path) as writer:
        writer.execute("UPDATE departments SET department_name = ? WHERE department_id = 'ED'",
                       [NASTY])
        writer.execute("UPDATE questions SET question_text = ? WHERE question_id = 'Q_QUIET'",
                       [NASTY])
    return path


def test_data_text_is_escaped_never_interpreted(nasty):
    connection = open_readonly(nasty)
    try:
        text = without_plotly(board_pack(connection, LAST_YEAR, Settings(), comments=LAST_YEAR))
    finally:
        connection.close()
    assert "<b>unit</b>" not in text and "alert(1)</script>" not in text
    assert "&lt;b&gt;unit&lt;/b&gt;" in text
    scripts = re.findall(r"<script[^>]*>", text)
    assert len(scripts) == text.count("Plotly.newPlot(") + 2  # figures, print resize, bundle


def test_the_cli_writes_the_pack_and_refuses_an_unknown_department(pages_demo, tmp_path, capsys):
    out = tmp_path / "pack.html"
    assert main(["--db", str(pages_demo), "report", "--out", str(out), "--department", "ED",
                 "--start", "2025-01-01"]) == 0
    text = out.read_text(encoding="utf-8")
    assert sections(text)[:4] == EVERY_SECTION[:4]
    assert "Department ED" in text or "Emergency" in text
    assert main(["--db", str(pages_demo), "report", "--out", str(tmp_path / "x.html"),
                 "--department", "NOPE"]) == 2  # wrong usage, as export
    assert "unknown department 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_the_file_name_names_the_filter():
    assert report_file_name(Filter(departments=("ED",), start="2025-01-01", end="2025-06-30")) \
        == "px-board-pack-ED-2025-01-01-to-2025-06-30.html"
