"""Run one measured child process: wall time, peak RSS from the kernel, an optional RSS cap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.workload import ROOT, status_mb

POLL_SECONDS = 0.25


def _copy_timestamped(stream, out, started: float) -> None:
    """Copy the child's output lines into the log, each prefixed with the seconds elapsed."""
    for line in stream:
        out.write(f"{time.perf_counter() - started:9.2f}  {line}")
        out.flush()


def run_child(args: list[str], log: Path, env: dict | None = None,
              max_rss_mb: float | None = None, timeout: float | None = None) -> dict:
    """Run `python <args>` from the repository root, its output timestamped into `log`;
    returns seconds, returncode, peak_rss_mb (child_peak_mb) and `stopped`, the reason when it
    was killed for crossing max_rss_mb or timeout."""
    log.parent.mkdir(parents=True, exist_ok=True)
    stopped, seen_mb, parent_peak_mb = None, 0.0, status_mb("self", "VmHWM")
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                   text=True, errors="replace")
        copier = threading.Thread(target=_copy_timestamped, args=(process.stdout, out, started))
        copier.start()
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            seen_mb = max(seen_mb, status_mb(process.pid, "VmHWM"))
            if max_rss_mb and status_mb(process.pid) > max_rss_mb:
                stopped = (f"stopped at the {max_rss_mb / 1024:g} GB memory cap "
                           f"after {elapsed:.0f} s")
            elif timeout and elapsed > timeout:
                stopped = f"stopped at the {timeout:g} s time limit"
            if stopped:
                process.send_signal(signal.SIGKILL)
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        copier.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": seconds, "returncode": process.returncode,
            "peak_rss_mb": child_peak_mb(usage.ru_maxrss / 1024, parent_peak_mb, seen_mb),
            "stopped": stopped, "log": str(log)}


def child_peak_mb(maxrss_mb: float, parent_peak_mb: float, seen_mb: float) -> float:
    """A finished child's peak RSS: the kernel's ru_maxrss when it is above the parent's own
    peak at the start (Linux gives a child at least its parent's peak, kept across the exec),
    else the highest VmHWM read while it ran (every POLL_SECONDS)."""
    return maxrss_mb if maxrss_mb > parent_peak_mb else seen_mb


def run_module(module: str, args: list[str], log: Path, **limits) -> dict:
    """run_child for `python -m module args`; raises when it fails without being stopped."""
    result = run_child(["-m", module, *args], log, **limits)
    if result["returncode"] != 0 and not result["stopped"]:
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{module} failed (exit {result['returncode']}); end of {log}:\n{tail}")
    return result
