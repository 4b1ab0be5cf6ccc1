"""The 9 o'clock meeting: 1, 5, 10, 20 people at once on the real server (`streamlit run`),
each level on a new server; per level the timings of benchmarks.sessions, errors, the
server's CPU and peak RSS, and the client's own CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from pathlib import Path

from benchmarks.sessions import run_sessions, summarise
from benchmarks.stream_client import StreamSession
from benchmarks.workload import status_mb
from tests.support.server import streamlit_process

TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.2
TARGET_SESSIONS, TARGET_P95, RSS_SESSIONS, TARGET_RSS_MB = 10, 3.0, 20, 2048


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process so far (its waited-for children included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS


class Sampler:
    """Samples a process's RSS in a thread; .peak_mb is the highest seen (or VmHWM if higher)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak_mb = max(self.peak_mb, status_mb(self.pid))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, status_mb(self.pid, "VmHWM"))


async def _warm_up(url: str) -> float:
    """One session opens the Overview (imports, connection, the default view's queries), as on
    a server that was already running before the meeting."""
    async with StreamSession(url) as session:
        return (await session.open()).seconds


def measure_level(db: Path, log: Path, sessions: int, think: float, seed: int,
                  env: dict[str, str] | None = None, replicas: int = 1) -> dict:
    """One level on new servers (`replicas` of them on the one database file, each session
    kept on one): warm-up, then `sessions` at once; timings and resources (CPU and peak RSS
    summed over the replicas)."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(streamlit_process(
            db, log.with_name(f"{log.stem}-{n}{log.suffix}") if replicas > 1 else log,
            env=env)) for n in range(replicas)]
        urls, pids = [url for url, _ in servers], [server.pid for _, server in servers]
        warm = max(asyncio.run(_warm_up(url)) for url in urls)
        load, client = os.getloadavg(), os.times()
        server_cpu = sum(map(cpu_seconds, pids))
        started = time.perf_counter()
        with contextlib.ExitStack() as sampling:
            samplers = [sampling.enter_context(Sampler(pid)) for pid in pids]
            steps = asyncio.run(run_sessions(urls, sessions, think, seed))
        wall = time.perf_counter() - started
        server_cpu = sum(map(cpu_seconds, pids)) - server_cpu
        after = os.times()
        client_cpu = after.user + after.system - client.user - client.system
        baseline = sum(status_mb(pid) for pid in pids)
    return {"sessions": sessions, "replicas": replicas, "think_seconds": think,
            "warm_up_seconds": warm, "seconds": wall, **summarise(steps),
            "server_cpu_seconds": server_cpu, "server_cores": server_cpu / wall,
            "server_peak_rss_mb": sum(s.peak_mb for s in samplers),
            "server_rss_after_mb": baseline,
            "client_cpu_seconds": client_cpu, "client_cores": client_cpu / wall,
            "load_average_before": " ".join(f"{x:.2f}" for x in load),
            "load_average_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "steps_detail": [vars(s) for s in steps]}


def measure_concurrency(db: Path, folder: Path, levels: list[int], think: float,
                        seed: int = 17, progress=print, replicas: int = 1) -> list[dict]:
    """Every level in turn, each on its own server(s) (logs in folder/logs)."""
    results = []
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    for sessions in levels:
        progress(f"concurrency: {sessions} session(s) at once on {replicas} server(s)")
        results.append(measure_level(db, folder / "logs" / f"streamlit-{sessions}.log",
                                     sessions, think, seed, replicas=replicas))
    return results


def _cell(figures: dict) -> str:
    return (f"{figures['p50']:6.2f} {figures['p95']:6.2f}" if figures["n"]
            else f"{'-':>6} {'-':>6}")


def verdicts(levels: list[dict]) -> list[str]:
    """The targets judged on these levels, for each layout of servers measured (a target whose
    level was not run is not judged)."""
    lines = []
    for replicas in sorted({level.get("replicas", 1) for level in levels}):
        found = {level["sessions"]: level for level in levels
                 if level.get("replicas", 1) == replicas}
        servers = f"{replicas} server{'s' if replicas > 1 else ''}"
        if TARGET_SESSIONS in found:
            level = found[TARGET_SESSIONS]
            ok = level["filter"]["p95"] <= TARGET_P95 and level["errors"] == 0
            lines.append(f"{TARGET_SESSIONS} sessions on {servers}: filter change p95 "
                         f"{level['filter']['p95']:.2f} s (<= {TARGET_P95:g} s), "
                         f"{level['errors']} errors (0): {'pass' if ok else 'MISS'}")
        if RSS_SESSIONS in found:
            peak = found[RSS_SESSIONS]["server_peak_rss_mb"]
            lines.append(f"{RSS_SESSIONS} sessions on {servers}: server peak RSS {peak:,.0f} MB "
                         f"(<= {TARGET_RSS_MB:,} MB): "
                         f"{'pass' if peak <= TARGET_RSS_MB else 'MISS'}")
    return lines


def render_concurrency(levels: list[dict]) -> str:
    """The levels side by side: seconds p50/p95 per kind of step, errors, CPU, peak RSS."""
    head = (f"{'sessions':>8} {'servers':>7} {'open p50/p95':>13} {'filter p50/p95':>14} "
            f"{'page p50/p95':>13} {'errors':>6} {'server cores':>12} {'server peak MB':>14} "
            f"{'client cores':>12}  load before")
    rows = [f"{lv['sessions']:>8} {lv.get('replicas', 1):>7} {_cell(lv['open']):>13} {_cell(lv['filter']):>14} "
            f"{_cell(lv['page']):>13} {lv['errors']:>6} {lv['server_cores']:>12.2f} "
            f"{lv['server_peak_rss_mb']:>14,.0f} {lv['client_cores']:>12.2f}  "
            f"{lv['load_average_before']}" for lv in levels]
    errors = [f"  {lv['sessions']} sessions: {m}" for lv in levels for m in lv["error_messages"]]
    return "\n".join([head, *rows, *verdicts(levels), *errors])
