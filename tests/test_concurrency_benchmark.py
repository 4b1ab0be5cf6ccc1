"""The concurrency benchmark: its figures from hand-made steps, and one small level against a
real server on the tiny database."""

from __future__ import annotations

import math

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.concurrency import measure_level, render_concurrency, verdicts
from benchmarks.sessions import SEQUENCE, Step, percentiles, summarise
from benchmarks.stream_client import RERUNNING, Rerun, StreamSession
from tests.support.kpi_db import build_tiny_db


def test_percentiles_interpolate_between_the_timings():
    assert percentiles([1.0, 2.0, 3.0, 4.0, 5.0]) == {"n": 5, "p50": 3.0, "p95": 4.8, "max": 5.0}
    assert percentiles([2.0]) == {"n": 1, "p50": 2.0, "p95": 2.0, "max": 2.0}
    empty = percentiles([])
    assert empty["n"] == 0 and math.isnan(empty["p95"])


def test_failed_steps_are_errors_and_not_timings():
    steps = [Step(0, "open", "Overview", 1.0, 10), Step(0, "filter", "Period", 2.0, 20),
             Step(1, "open", "Overview", 3.0, 30),
             Step(1, "filter", "Period", 9.0, 40, "ValueError: boom"),
             Step(2, "error", "session", float("nan"), 0, "TimeoutError: ")]
    summary = summarise(steps)
    assert (summary["steps"], summary["errors"]) == (5, 2)
    assert summary["error_messages"] == ["TimeoutError: ", "ValueError: boom"]
    assert summary["open"] == {"n": 2, "p50": 2.0, "p95": 2.9, "max": 3.0}
    assert summary["filter"] == {"n": 1, "p50": 2.0, "p95": 2.0, "max": 2.0}
    assert summary["page"]["n"] == 0


def _level(sessions: int, p95: float, errors: int, peak: float, replicas: int = 1) -> dict:
    timing = {"n": 3, "p50": 1.0, "p95": p95, "max": p95}
    return {"sessions": sessions, "replicas": replicas, "open": timing, "filter": timing, "page": timing,
            "errors": errors, "error_messages": ["boom"] if errors else [],
            "server_cores": 1.5, "server_peak_rss_mb": peak, "client_cores": 0.01,
            "load_average_before": "1.00 1.00 1.00"}


@pytest.mark.parametrize("levels, expected", [
    ([_level(10, 3.0, 0, 900), _level(20, 9.0, 0, 2048)],
     ["10 sessions on 1 server: filter change p95 3.00 s (<= 3 s), 0 errors (0): pass",
      "20 sessions on 1 server: server peak RSS 2,048 MB (<= 2,048 MB): pass"]),
    ([_level(10, 2.0, 1, 900), _level(20, 9.0, 0, 2049)],
     ["10 sessions on 1 server: filter change p95 2.00 s (<= 3 s), 1 errors (0): MISS",
      "20 sessions on 1 server: server peak RSS 2,049 MB (<= 2,048 MB): MISS"]),
    ([_level(1, 9.0, 0, 9999)], []),  # the target levels were not run: nothing judged
    # each layout judged on its own levels: one server misses where two pass
    ([_level(10, 3.01, 0, 900), _level(20, 9.0, 0, 600), _level(10, 2.5, 0, 900, replicas=2),
      _level(20, 9.0, 0, 1100, replicas=2)],
     ["10 sessions on 1 server: filter change p95 3.01 s (<= 3 s), 0 errors (0): MISS",
      "20 sessions on 1 server: server peak RSS 600 MB (<= 2,048 MB): pass",
      "10 sessions on 2 servers: filter change p95 2.50 s (<= 3 s), 0 errors (0): pass",
      "20 sessions on 2 servers: server peak RSS 1,100 MB (<= 2,048 MB): pass"]),
    ([_level(10, 2.5, 0, 900, replicas=2)],  # a layout measured alone
     ["10 sessions on 2 servers: filter change p95 2.50 s (<= 3 s), 0 errors (0): pass"]),
])
def test_targets_are_judged_at_their_levels(levels, expected):
    assert verdicts(levels) == expected
    assert all(line in render_concurrency(levels) for line in expected)


@pytest.mark.slow
@pytest.mark.parametrize("replicas", [1, 2])
def test_two_sessions_walk_the_sequence_on_real_servers(tmp_path, replicas):
    db = build_tiny_db(tmp_path / "tiny.duckdb")
    level = measure_level(db, tmp_path / "streamlit.log", sessions=2, think=0.0, seed=1,
                          replicas=replicas)
    assert level["errors"] == 0, level["error_messages"]
    assert len(list(tmp_path.glob("streamlit*.log"))) == replicas
    filters = sum(kind == "filter" for kind, _ in SEQUENCE)
    assert level["filter"]["n"] == 2 * filters
    assert level["server_peak_rss_mb"] > 50 and level["server_cpu_seconds"] > 0
    # session 0's department has patient surveys in the last 3 months, session 1's none: its
    # Satisfaction page shows no tabs, so it walks the sequence without opening its two
    walked = {n: [s["what"] for s in level["steps_detail"] if s["session"] == n and
                  s["kind"] == "page"] for n in (0, 1)}
    assert walked == {0: ["Satisfaction", "tab Key drivers", "tab Comments", "Complaints",
                          "tab Worklist", "Respect for time", "Overview"],
                      1: ["Satisfaction", "Complaints", "tab Worklist", "Respect for time",
                          "Overview"]}
    assert level["steps"] == 2 * (1 + len(SEQUENCE)) - 2


def _forward(body: str | None = None, finished=None) -> ForwardMsg:
    msg = ForwardMsg()
    if body is None:
        msg.script_finished = finished
    else:
        msg.delta.new_element.markdown.body = body
    return msg


def _block(kind: str, value: str) -> ForwardMsg:
    msg = ForwardMsg()
    block = msg.delta.add_block
    if kind == "tab_container":
        block.tab_container.id = value
    else:
        block.tab.label = value
    return msg


def test_tabs_that_rerun_are_known_by_their_labels():
    """Tabs that run only the open one arrive as their container (its widget id), then a block
    per tab; tabs that do not track state (no id) are not noted; a run stopped for another
    keeps none of its tabs."""
    session, rerun = StreamSession("http://127.0.0.1:1"), Rerun(0.0, 0, 0)
    for msg in [_block("tab_container", "tabs-1"), _block("tab", "Scores"),
                _block("tab", "Key drivers"), _block("tab_container", ""),
                _block("tab", "By source"), _block("tab_container", "tabs-2"),
                _block("tab", "Worklist")]:
        assert session._note(msg, rerun) is False
    assert session.tabs == {"Scores": "tabs-1", "Key drivers": "tabs-1", "Worklist": "tabs-2"}
    session._note(_forward(finished=RERUNNING), rerun)
    assert session.tabs == {}


def test_a_run_stopped_for_a_rerun_leaves_only_the_next_runs_texts():
    """A run stopped early for another (a load replaced the database mid-run) drew part of the
    page; what the page shows is the next run's, so only its texts are the rerun's."""
    session, rerun = StreamSession("http://127.0.0.1:1"), Rerun(0.0, 0, 0)
    messages = [_forward("old as of"), _forward(finished=RERUNNING), _forward("new as of"),
                _forward("new tile"), _forward(finished=ForwardMsg.FINISHED_SUCCESSFULLY)]
    ends = [session._note(msg, rerun) for msg in messages]
    assert ends == [False, False, False, False, True]
    assert rerun.texts == ["new as of", "new tile"] and not rerun.exceptions
