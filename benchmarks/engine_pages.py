"""Engine time per dashboard page after a filter change: `python -m benchmarks.engine_pages DB`.

Each page's engine calls (as in views/*.py) for four scenarios (all departments, one
department, the last 12 months, every KPI by department x month), run in a child process on a
fresh read-only connection: one warm-up, then the median of --runs. Prints one line per page
and scenario, the slowest single call, and the child's peak RSS. With --pandas, another child
times loading every base table into pandas (the usual way), for the speedup ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SATISFACTION = ["patient_satisfaction", "domain_top_box[communication]",
                "domain_top_box[discharge]", "domain_top_box[empathy]",
                "domain_top_box[environment]", "domain_top_box[fft]", "domain_top_box[privacy]",
                "domain_top_box[responsiveness]", "domain_top_box[wait_time]"]
HEADLINES = ["patient_satisfaction", "nps", "complaints_per_1000_visits", "staff_engagement",
             "seen_within_15_minutes"]
COMPARED = ["patient_satisfaction", "recommend_top_box", "nps", "return_visit_rate",
            "complaints_per_1000_visits", "ack_within_3_working_days", "staff_engagement",
            "staff_wellbeing", "enps", "seen_within_15_minutes", "median_wait_minutes"]
# page -> calls: (kpi ids, group by, on the prior period)
PAGES = {
    "Overview": [(list(dict.fromkeys(HEADLINES + COMPARED)), (), False),
                 (HEADLINES, (), True), (COMPARED, ("department",), False)],
    "Satisfaction": [(["patient_satisfaction", "satisfaction_mean_score", "survey_responses"],
                      (), False), (SATISFACTION, ("month",), False),
                     (SATISFACTION, ("department",), False),
                     (["patient_satisfaction"], ("department", "month"), False)],
    "Loyalty": [(["recommend_top_box", "nps", "return_visit_rate"], (), False),
                *[([k], (g,), False) for k in ("recommend_top_box", "nps", "return_visit_rate")
                  for g in ("department", "month")]],
    "Complaints": [(["complaint_count", "complaints_per_1000_visits",
                     "ack_within_3_working_days", "resolved_within_7_days",
                     "median_days_to_resolve", "open_complaints"], (), False),
                   (["complaint_count"], ("month",), False),
                   (["complaints_per_1000_visits"], ("month",), False),
                   (["ack_within_3_working_days", "resolved_within_7_days"], ("month",), False)],
    "Staff morale": [(["staff_engagement", "staff_wellbeing", "enps"], (), False),
                     *[([k], ("department",), False)
                       for k in ("staff_engagement", "staff_wellbeing", "enps")],
                     (["staff_engagement", "patient_satisfaction"], ("department",), False)],
    "Respect for time": [(["median_wait_minutes", "seen_within_15_minutes"], (), False),
                         *[([k], g, False) for k in ("median_wait_minutes",
                                                     "seen_within_15_minutes")
                           for g in (("month",), ("department", "month"))]],
}
EXPORT = [(None, ("department", "month"), False)]


def _scenarios(con, department: str):
    from kpi.engine import default_window
    from kpi.filters import Filter
    from ui.periods import LAST_12, preset_window
    first, last = default_window(con)
    start, end = preset_window(LAST_12, first, last)
    return {"all departments": (Filter(start=first, end=last), PAGES),
            f"one department ({department})": (
                Filter(departments=(department,), start=first, end=last), PAGES),
            "last 12 months": (Filter(start=start, end=end), PAGES),
            "by department x month": (Filter(start=first, end=last), {"Export": EXPORT})}


def child(db: Path, runs: int, department: str, only: str | None) -> dict:
    """Time every page of every scenario on one read-only connection (this process)."""
    from kpi.engine import compute
    from kpi.store.connect import open_readonly
    con = open_readonly(db)
    results = {}
    for scenario, (flt, pages) in _scenarios(con, department).items():
        if only and not scenario.startswith(only):
            continue
        for page, calls in pages.items():
            def run_page():
                slowest = 0.0
                for kpi_ids, group_by, prior in calls:
                    started = time.perf_counter()
                    compute(con, kpi_ids, flt.prior_period() if prior else flt, group_by)
                    slowest = max(slowest, time.perf_counter() - started)
                return slowest
            seconds, slowest = [], []
            for i in range(runs + 1):
                started = time.perf_counter()
                slowest.append(run_page())
                seconds.append(time.perf_counter() - started)
            results[f"{scenario} | {page}"] = {
                "first": seconds[0], "median": statistics.median(seconds[1:]),
                "slowest_call": statistics.median(slowest[1:])}
    con.close()
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def load_into_pandas(db: Path) -> dict:
    """Seconds to load every base table into pandas DataFrames (this process), and peak RSS."""
    from kpi.store.connect import open_readonly
    from kpi.store.schema import TABLES
    con = open_readonly(db)
    started = time.perf_counter()
    frames = {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}
    seconds = time.perf_counter() - started
    rows = sum(len(f) for f in frames.values())
    return {"seconds": seconds, "rows": rows,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(args: list[str]) -> dict:
    command = [sys.executable, "-m", "benchmarks.engine_pages", *args]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    """Run the child for a database and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--department", default="ED")
    parser.add_argument("--only", default=None, help="scenario name prefix")
    parser.add_argument("--pandas", action="store_true", help="also time loading into pandas")
    parser.add_argument("--child", choices=("engine", "pandas"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.db, args.runs, args.department, args.only)
                         if args.child == "engine" else load_into_pandas(args.db)))
        return 0
    results = _child([str(args.db), "--child", "engine", "--runs", str(args.runs),
                      "--department", args.department, *(["--only", args.only] if args.only
                                                         else [])])
    rss = results.pop("peak_rss_mb")
    print(f"{'scenario | page':55s} {'median':>8s} {'first':>8s} {'slowest call':>13s}")
    for name, r in results.items():
        print(f"{name:55s} {r['median']:8.3f} {r['first']:8.3f} {r['slowest_call']:13.3f}")
    print(f"engine peak RSS: {rss:.0f} MB")
    if args.pandas:
        loaded = _child([str(args.db), "--child", "pandas"])
        slowest = max(r["median"] for r in results.values())
        print(f"pandas: loading {loaded['rows']:,} rows took {loaded['seconds']:.1f} s, peak RSS "
              f"{loaded['peak_rss_mb']:.0f} MB; that alone is {loaded['seconds'] / slowest:.0f}x "
              f"the slowest page ({slowest:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
