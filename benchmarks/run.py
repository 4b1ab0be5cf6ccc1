"""Health-system scale on a laptop: ingest, each page's KPIs in the engine and in plain pandas,
peak memory, and the Overview in real Chromium, at each scale; one table with the targets.

    python -m benchmarks.run [--scales 1,25] [--runs 5] [--skip-browser] [--work DIR]
    python -m benchmarks.run --only concurrency [--scales 1] [--sessions 1,5,10,20]
                             [--replicas 1,2] [--db FILE]

Data come from `python -m kpi demo --scale S --csv` (reused for the same scale and day); the
results go to WORK/results.json and WORK/results.md as well as the terminal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from benchmarks.browser import browser_timings
from benchmarks.children import run_module
from benchmarks.concurrency import measure_concurrency, render_concurrency
from benchmarks.delivery import ensure_delivery, ingest_phases, scale_dir, timed_ingest
from benchmarks.machine import machine, render_machine
from benchmarks.monthly import measure_monthly
from benchmarks.profile import profile_misses, render_profiles
from benchmarks.report import ENGINE_SECONDS, Table, add_scale, render
from benchmarks.workload import ROOT, load_workload, progress

DEFAULT_WORK = ROOT / "benchmarks" / "work"


def parse_args(argv=None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,25", help="comma-separated demo scales")
    parser.add_argument("--runs", type=int, default=5, help="timed engine runs per page")
    parser.add_argument("--pandas-runs", type=int, default=1, help="timed pandas runs per page")
    parser.add_argument("--pandas-max-gb", type=float, default=10.0,
                        help="stop the pandas baseline when its RSS passes this")
    parser.add_argument("--pandas-timeout", type=float, default=3600, metavar="SECONDS",
                        help="stop the pandas baseline after this long (its pages so far count)")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-monthly", action="store_true",
                        help="skip the monthly load (the last whole month on top of the rest)")
    parser.add_argument("--skip-concurrency", action="store_true")
    parser.add_argument("--only", choices=["concurrency"],
                        help="run only this benchmark (on WORK's database of each scale, or --db)")
    parser.add_argument("--sessions", default="1,5,10,20",
                        help="comma-separated numbers of sessions at once (concurrency)")
    parser.add_argument("--think", type=float, default=1.0, metavar="SECONDS",
                        help="mean pause between a session's steps (concurrency)")
    parser.add_argument("--replicas", default="1,2",
                        help="comma-separated numbers of servers on the one database file, each "
                             "layout measured in turn, sessions spread (concurrency; 2 is the "
                             "README's layout for two cores: one server per core)")
    parser.add_argument("--db", type=Path,
                        help="with --only concurrency: measure this database once, labelled with the "
                             "last of --scales (read-only)")
    parser.add_argument("--delete-csv", action="store_true",
                        help="delete each CSV delivery once its ingest is measured")
    parser.add_argument("--pages", help="comma-separated page titles (default: every page)")
    parser.add_argument("--scenarios", help="comma-separated scenario name prefixes")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: print the table of WORK/results.json again")
    return parser.parse_args(argv)


def _selection(args) -> list[str]:
    return ([*(["--pages", args.pages] if args.pages else []),
             *(["--scenarios", args.scenarios] if args.scenarios else [])])


def _pandas(args, db: Path, workload: Path, folder: Path) -> dict | None:
    """The pandas baseline's result (partial when it was stopped at its cap), or None."""
    if args.skip_pandas:
        return None
    out = folder / "pandas.json"
    out.unlink(missing_ok=True)
    run = run_module("benchmarks.replay_pandas",
                     ["--db", str(db), "--workload", str(workload), "--runs",
                      str(args.pandas_runs), "--out", str(out)], folder / "logs" / "pandas.log",
                     max_rss_mb=args.pandas_max_gb * 1024, timeout=args.pandas_timeout)
    if not out.exists():
        return {"load": {"seconds": float("nan"), "peak_rss_mb": run["peak_rss_mb"], "rows": 0},
                "pages": [], "peak_rss_mb": run["peak_rss_mb"], "stopped": run["stopped"]}
    result = json.loads(out.read_text())
    result.update(stopped=run["stopped"], peak_rss_mb=max(result["peak_rss_mb"],
                                                          run["peak_rss_mb"]))
    unfinished = result.get("unfinished")
    if unfinished and run["stopped"]:
        unfinished["seconds"] = time.time() - unfinished["started_at"]
    return result


def measure_scale(scale: float, args) -> dict:
    """Every measurement at one scale."""
    folder = scale_dir(args.work, scale)
    progress(f"scale {scale:g}: the demo delivery")
    delivery = ensure_delivery(args.work, scale)
    db = folder / "px.duckdb"
    progress(f"scale {scale:g}: ingest")
    ingest = timed_ingest(Path(delivery["folder"]), db, delivery["rows"])
    monthly = None
    if not args.skip_monthly:
        progress(f"scale {scale:g}: the monthly load on top of the history, and a full rebuild")
        monthly = measure_monthly(Path(delivery["folder"]), folder)
    if args.delete_csv:
        shutil.rmtree(delivery["folder"])
    workload = folder / "workload.json"
    progress(f"scale {scale:g}: recording the pages' engine calls in AppTest")
    run_module("benchmarks.record_pages",
               ["--db", str(db), "--out", str(workload), *_selection(args)],
               folder / "logs" / "record.log")
    progress(f"scale {scale:g}: engine")
    run_module("benchmarks.replay_engine",
               ["--db", str(db), "--workload", str(workload), "--runs", str(args.runs), "--out",
                str(folder / "engine.json")], folder / "logs" / "engine.log")
    engine = json.loads((folder / "engine.json").read_text())
    browser = None
    if not args.skip_browser:  # before the long pandas baseline: the timings nearest the engine's
        progress(f"scale {scale:g}: browser")
        browser = browser_timings(db, folder / "logs" / "streamlit.log",
                                  _department(load_workload(workload)))
    concurrency = None if args.skip_concurrency else _concurrency(args, db, folder)
    progress(f"scale {scale:g}: pandas baseline")
    pandas = _pandas(args, db, workload, folder)
    progress(f"scale {scale:g}: profiles of pages over {ENGINE_SECONDS} s")
    return {"scale": scale, "delivery": delivery, "ingest": ingest, "monthly": monthly,
            "engine": engine, "pandas": pandas, "browser": browser, "concurrency": concurrency,
            "profiles": profile_misses(db, engine, ENGINE_SECONDS, folder)}


def _concurrency(args, db: Path, folder: Path) -> list[dict]:
    """Every level of sessions at once on the database, for each layout of servers
    (benchmarks.concurrency)."""
    return [level for replicas in args.replicas.split(",")
            for level in measure_concurrency(db, folder / "concurrency",
                                             [int(n) for n in args.sessions.split(",")],
                                             args.think, progress=progress,
                                             replicas=int(replicas))]


def only_concurrency(args, scale: float) -> dict:
    """The concurrency benchmark alone at one scale: on --db, else on WORK's database of the
    scale (built from the demo delivery when there is none)."""
    folder = scale_dir(args.work, scale)
    db = args.db or folder / "px.duckdb"
    if not db.exists():
        delivery = ensure_delivery(args.work, scale)
        timed_ingest(Path(delivery["folder"]), db, delivery["rows"])
    return {"scale": scale, "db": str(db), "concurrency": _concurrency(args, db, folder)}


def _department(workload: dict) -> str:
    """The single department of the one-department scenario (else the first in the data)."""
    chosen = [s["filter"]["dept"][0] for s in workload["scenarios"] if "dept" in s["filter"]]
    return chosen[0] if chosen else "ED"


def write_reports(work: Path, info: dict, results: list[dict], command: str) -> str:
    """The table (returned) and WORK/results.json, WORK/results.md."""
    table = Table()
    for result in results:
        add_scale(table, result)
    scales = [r["scale"] for r in results]
    text = render(table, scales)
    profiles = "\n\n".join(f"scale {r['scale']:g}:\n{render_profiles(r['profiles'])}"
                           for r in results if r["profiles"])
    meeting = concurrency_text(results)
    (work / "results.json").write_text(json.dumps(
        {"command": command, "machine": info, "results": results}, indent=1, default=str))
    (work / "results.md").write_text(
        f"# Benchmark results\n\n`{command}`\n\n```\n{render_machine(info)}\n```\n\n"
        f"{render(table, scales, markdown=True)}\n\n## What the time goes to\n\n"
        f"```\n{profiles or 'every page met its target'}\n```\n\n## Many people at once\n\n"
        f"```\n{meeting or 'not measured'}\n```\n", encoding="utf-8")
    return f"{render_machine(info)}\n\n{text}\n\n{profiles}\n\n{meeting}"


def write_concurrency(work: Path, info: dict, results: list[dict], command: str) -> str:
    """The concurrency tables (returned) and WORK/concurrency.json, WORK/concurrency.md."""
    text = f"{render_machine(info)}\n\n{concurrency_text(results)}"
    (work / "concurrency.json").write_text(json.dumps(
        {"command": command, "machine": info, "results": results}, indent=1, default=str))
    (work / "concurrency.md").write_text(f"# Many people at once\n\n`{command}`\n\n"
                                         f"```\n{text}\n```\n", encoding="utf-8")
    return text


def concurrency_text(results: list[dict]) -> str:
    """The concurrency table of each scale that has one."""
    return "\n\n".join(f"scale {r['scale']:g}, sessions at once:\n"
                       f"{render_concurrency(r['concurrency'])}"
                       for r in results if r.get("concurrency"))


def rerender(work: Path) -> str:
    """The table of an earlier run, from WORK/results.json (reports written again)."""
    saved = json.loads((work / "results.json").read_text())
    for result in saved["results"]:
        log = Path(result["delivery"]["folder"]).parent / "logs" / "ingest.log"
        if not result["ingest"].get("phases") and log.exists():
            result["ingest"]["phases"] = ingest_phases(log, result["ingest"]["seconds"])
    return write_reports(work, saved["machine"], saved["results"], saved["command"])


def main(argv=None) -> None:
    """Measure each scale in turn, writing the reports after each, and print the table."""
    import sys

    args = parse_args(argv)
    args.work = args.work.resolve()
    if args.render:
        print(rerender(args.work))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv)
    info, results = machine(), []
    started = time.perf_counter()
    if args.only == "concurrency":
        scales = [float(s) for s in args.scales.split(",")]
        measured = scales[-1:] if args.db else scales
        print(write_concurrency(args.work, info, [only_concurrency(args, scale)
                                                  for scale in measured], command))
        return
    for scale in (float(s) for s in args.scales.split(",")):
        results.append(measure_scale(scale, args))
        text = write_reports(args.work, info, results, command)
    print(text)
    print(f"\n{time.perf_counter() - started:.0f} s in all; "
          f"{args.work / 'results.md'} and results.json written")


if __name__ == "__main__":
    main()
