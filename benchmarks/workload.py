"""Shared by the replay children: the recorded workload, filters, timing, fingerprints, RSS."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.filters import Filter

ROOT = Path(__file__).resolve().parent.parent


def replay_arguments(doc: str, default_runs: int) -> argparse.Namespace:
    """The command line of a replay child: --db, --workload, --runs, --out."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--workload", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=default_runs)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args()


def load_workload(path: Path) -> dict:
    """The workload JSON written by benchmarks.record_pages."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def filter_of(params: dict[str, list[str]]) -> Filter:
    """The Filter a recorded call's query parameters describe."""
    flt, warnings = Filter.from_query_params(params)
    if warnings:
        raise ValueError(f"recorded filter {params} does not round-trip: {warnings}")
    return flt


def page_calls(workload: dict):
    """(scenario name, page title, its KPI calls, its reader calls) for every recorded page."""
    for scenario in workload["scenarios"]:
        for page in scenario["pages"]:
            calls = page["calls"]
            yield (scenario["name"], page["page"], [c for c in calls if c["kind"] == "kpis"],
                   [c for c in calls if c["kind"] == "reader"])


def timed_runs(function: Callable[[], object], runs: int, warm_up: bool = True) -> dict:
    """Seconds of a warm-up call ('first') and the median of `runs` further calls; without a
    warm-up, 'first' is the first of the runs."""
    seconds = []
    for _ in range(runs + (1 if warm_up else 0)):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    timed = seconds[1:] if warm_up else seconds
    return {"first": seconds[0], "median": statistics.median(timed), "runs": timed}


def fingerprint(frame: pd.DataFrame) -> dict[str, list[float]]:
    """Per KPI: rows, sum of shown values, sum of shown n (to check two computations agree)."""
    out = {}
    for kpi_id, rows in frame.groupby("kpi_id", sort=True):
        values = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float)
        n = pd.to_numeric(rows["n"], errors="coerce").to_numpy(dtype=float)
        out[str(kpi_id)] = [len(rows), float(np.nansum(values)), float(np.nansum(n))]
    return out


def status_mb(pid: int | str, field: str = "VmRSS") -> float:
    """A process's resident set (VmRSS) or its peak so far (VmHWM) in MB, from /proc ("self"
    for this one); 0 when it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith(field)), 0.0)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB: the kernel's VmHWM of its own
    memory (ru_maxrss also counts the peak of the parent that started it, Linux keeps it across
    the exec)."""
    return status_mb("self", "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_result(path: Path, result: dict) -> None:
    """The child's result as JSON, replaced atomically (the parent may read it at any time)."""
    partial = Path(f"{path}.partial")
    partial.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    os.replace(partial, path)


def progress(message: str) -> None:
    """A progress line on stderr."""
    print(message, file=sys.stderr, flush=True)
