"""Smoke test of the benchmark harness at a tiny scale, and its parts with hand-made figures."""

from __future__ import annotations

import json
import re
import sys

import pytest

from benchmarks.children import child_peak_mb, run_child
from benchmarks.delivery import ingest_phases, written_rows
from benchmarks.record_pages import app_pages
from benchmarks.report import Table, add_scale, render, verdict_scale
from benchmarks.run import main

PRINTED = """\
     0.41  demo: 36/36 months generated (20,009 visits, 1,245 patient surveys)
     0.52  wrote the demo delivery to /tmp/x
     0.52  departments: 12 rows
     0.52  visits: 1,000,361 rows
     0.53  patient_survey: 0 rows
"""
INGESTED = """\
     0.25  departments: 12 rows read
     3.00  visits: 1,000,361 rows read
     4.00  departments: 12 rows loaded
     9.50  visits: 1,000,361 rows loaded
     9.60  departments: 12 rows
"""


def test_rows_are_read_from_the_demo_output(tmp_path):
    log = tmp_path / "demo.log"
    log.write_text(PRINTED)
    assert written_rows(log) == {"departments": 12, "visits": 1_000_361, "patient_survey": 0}


@pytest.mark.parametrize("text, phases", [
    (INGESTED, {"read": 3.0, "check": 1.0, "load": 5.5, "finish": 0.5}),
    (PRINTED, None),
])
def test_ingest_phases_come_from_the_timestamped_log(tmp_path, text, phases):
    log = tmp_path / "ingest.log"
    log.write_text(text)
    found = ingest_phases(log, 10.0)
    assert found == (None if phases is None else pytest.approx(phases))


def test_app_pages_follow_the_navigation():
    pages = app_pages()
    assert pages[0][1] == "Overview" and "Export" in [title for _, title in pages]
    assert all(path.endswith(".py") for path, _ in pages)


def _timing(median: float) -> dict:
    return {"first": median * 2, "median": median, "runs": [median]}


def _result(scale: float, engine_seconds: float, pandas_seconds: float, pandas_sum: float,
            rows_per_second: float) -> dict:
    page = {"scenario": "all departments", "page": "Overview", "calls": 2, "readers": None}
    fingerprints = [{"nps": [1, 12.5, 40.0]}, {"visits": [3, 30.0, 30.0]}]
    return {"scale": scale,
            "ingest": {"seconds": 2.0, "rows": 2 * rows_per_second,
                       "rows_per_second": rows_per_second, "peak_rss_mb": 300.0, "db_mb": 9.0},
            "engine": {"pages": [{**page, "kpis": _timing(engine_seconds),
                                  "fingerprints": fingerprints}], "peak_rss_mb": 1600.0},
            "pandas": {"load": {"seconds": 1.0, "peak_rss_mb": 500.0, "rows": 10},
                       "pages": [{**page, "kpis": _timing(pandas_seconds),
                                  "fingerprints": [{"nps": [1, pandas_sum, 40.0]},
                                                   fingerprints[1]]}],
                       "peak_rss_mb": 700.0, "stopped": "stopped at the 10 GB memory cap"},
            "browser": {"warm reload": 2.5, "filter change: Last 3 months": 1.2,
                        "cold first load": 6.0}}


def test_a_page_that_asks_the_engine_nothing_gets_no_speedup():
    result = _result(25, 0.0, 0.001, 12.5, 1_500_000)
    for side in (result["engine"], result["pandas"]):
        side["pages"][0]["calls"] = 0
    table = Table()
    add_scale(table, result)
    assert "engine: Overview, all departments (0 calls)" in table.rows
    assert not [label for label in table.rows if label.startswith(("pandas: Overview",
                                                                   "speedup"))]


def test_targets_are_judged_at_scale_25_only():
    table = Table()
    add_scale(table, _result(1, 0.2, 1.0, 12.5, 300_000))
    add_scale(table, _result(25, 0.4, 10.0, 12.6, 1_500_000))
    rows = table.rows
    assert verdict_scale([1, 25]) == 25 and verdict_scale([1, 5]) is None
    expected = {"engine: Overview, all departments (2 calls)": ("0.400 s (first 0.80)", "pass"),
                "speedup pandas/engine: Overview, all departments": ("25.0x", "pass"),
                "ingest: rows per second": ("1,500,000", "pass"),
                "engine: peak RSS": ("1,600 MB", "MISS"),
                "engine vs pandas: KPI results that differ": ("1 of 2 differ", "MISS"),
                "browser: warm reload": ("2.50 s", "MISS"),
                "browser: filter change: Last 3 months": ("1.20 s", "pass"),
                "browser: cold first load": ("6.00 s", ""),
                "pandas: pages computed": ("1 of 1 (stopped at the 10 GB memory cap)", "")}
    for label, (text, verdict) in expected.items():
        assert (rows[label].cells[25][1], rows[label].verdict(25)) == (text, verdict), label
    assert rows["speedup pandas/engine: Overview, all departments"].cells[1][1] == "5.0x"
    assert rows["engine vs pandas: KPI results that differ"].cells[1][1] == "0 of 2 differ"
    assert render(table, [1, 25]).splitlines()[0].split() == [
        "measurement", "scale", "1", "scale", "25", "target", "at", "scale", "25"]


SPEEDUP_ROW = "speedup pandas/engine: Overview, all departments"
PANDAS_ROW = "pandas: Overview, all departments"


@pytest.mark.parametrize("unfinished, pandas_cell, speedup_cell", [
    ({"scenario": "all departments", "page": "Overview", "runs": 1, "seconds": 1200.0},
     "over 1,200 s (stopped)", ("over 3,000x", "pass")),
    ({"scenario": "all departments", "page": "Overview", "runs": 1, "seconds": 6.0},
     "over 6 s (stopped)", ("over 15x", "")),  # a lower bound under the target: no verdict
    ({"scenario": "all departments", "page": "Overview", "runs": 2, "seconds": 1200.0},
     None, None),  # stopped in its second run: the elapsed time bounds no one run
    ({"scenario": "one department (ED)", "page": "Overview", "runs": 1, "seconds": 1200.0},
     None, None),
    (None, None, None),
])
def test_a_page_the_pandas_baseline_did_not_finish(unfinished, pandas_cell, speedup_cell):
    result = _result(25, 0.4, 10.0, 12.5, 1_500_000)
    result["pandas"].update(pages=[], unfinished=unfinished,
                            stopped="stopped at the 1300 s time limit")
    table = Table()
    add_scale(table, result)
    rows = table.rows
    assert (rows[PANDAS_ROW].cells[25][1] if PANDAS_ROW in rows else None) == pandas_cell
    assert ((rows[SPEEDUP_ROW].cells[25][1], rows[SPEEDUP_ROW].verdict(25))
            if SPEEDUP_ROW in rows else None) == speedup_cell
    agreement = rows["engine vs pandas: KPI results that differ"]
    assert (agreement.cells[25][1], agreement.verdict(25)) == ("none compared", "")


def test_a_child_over_its_memory_cap_is_stopped(tmp_path):
    grow = "import time; x = bytearray(400 * 2**20); x[::4096] = b'1' * len(x[::4096]); " \
           "time.sleep(30)"
    stopped = run_child(["-c", grow], tmp_path / "grow.log", max_rss_mb=150)
    assert stopped["stopped"].startswith("stopped at the") and stopped["peak_rss_mb"] > 150
    small = run_child(["-c", "import time; time.sleep(0.6); print('hello')"],
                      tmp_path / "small.log")
    assert small["stopped"] is None and small["returncode"] == 0 and small["peak_rss_mb"] > 1
    assert (tmp_path / "small.log").read_text().split()[-1] == "hello"


@pytest.mark.parametrize("maxrss, parent_peak, seen, peak", [
    (500.0, 300.0, 480.0, 500.0),  # above the parent's peak: the kernel's figure is the child's
    (1400.0, 1400.0, 60.0, 60.0),  # the parent's peak handed down: what was read while it ran
    (1400.0, 1500.0, 900.0, 900.0),
])
def test_a_childs_peak_is_its_own_not_its_parents(maxrss, parent_peak, seen, peak):
    assert child_peak_mb(maxrss, parent_peak, seen) == peak


def test_a_small_child_of_a_large_parent_reports_a_small_peak(tmp_path):
    ballast = bytearray(600 * 2**20)
    ballast[::4096] = b"1" * len(ballast[::4096])  # this process's peak is now over 600 MB
    del ballast
    own = "import time; from benchmarks.workload import peak_rss_mb; time.sleep(0.6); " \
          "print(round(peak_rss_mb()))"
    run = run_child(["-c", own], tmp_path / "own.log")
    assert run["returncode"] == 0 and 1 < run["peak_rss_mb"] < 300
    assert 1 < int((tmp_path / "own.log").read_text().split()[-1]) < 300


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="peak RSS from /proc and wait4")
def test_the_whole_harness_at_a_tiny_scale(tmp_path, capsys):
    main(["--scales", "0.02", "--runs", "1", "--skip-browser", "--skip-concurrency", "--pages", "Overview",
          "--scenarios", "all", "--work", str(tmp_path)])
    printed = capsys.readouterr().out
    saved = json.loads((tmp_path / "results.json").read_text())
    result = saved["results"][0]
    assert result["ingest"]["rows"] == sum(result["delivery"]["rows"].values()) > 1000
    assert [(p["page"], p["scenario"]) for p in result["engine"]["pages"]] == [
        ("Overview", "all departments")]
    assert result["engine"]["pages"][0]["calls"] >= 2
    workload = json.loads(next(tmp_path.glob("scale-0.02/*/workload.json")).read_text())
    overview = workload["scenarios"][0]["pages"][0]["calls"]
    assert {c.get("spc") for c in overview} == {None, "spc_details", "spc_by_department"}
    assert all(c["group_by"] for c in overview if c.get("spc"))
    for line in ("engine: Overview, all departments", "speedup pandas/engine: Overview",
                 "engine vs pandas: KPI results that differ"):
        assert line in printed
    assert re.search(r"KPI results that differ +0 of \d+ differ +0", printed)
    assert "| measurement | scale 0.02 |" in (tmp_path / "results.md").read_text()
    assert result["ingest"]["phases"]["load"] > 0
    assert result["monthly"]["rows"] > 0 and result["monthly"]["full_rebuild_seconds"] > 0
    assert "monthly load on top: seconds" in printed
    main(["--render", "--work", str(tmp_path)])
    assert capsys.readouterr().out.split("\n\n")[1] == printed.split("\n\n")[1]
