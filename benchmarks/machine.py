"""The machine and the versions a run measured on (printed above the table)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from benchmarks.workload import ROOT

PACKAGES = ("duckdb", "pandas", "pyarrow", "numpy", "streamlit", "playwright")


def _first(path: str, prefix: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return "?"


def _command(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, cwd=ROOT,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> dict[str, str]:
    """nproc, CPU model, memory, load, Python and package versions, Chromium, git commit."""
    kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    dirty = _command(["git", "status", "--porcelain", "--untracked-files=no"])
    return {"cpus": str(os.cpu_count()), "cpu model": _first("/proc/cpuinfo", "model name"),
            "memory": f"{kb / 2**20:.1f} GB",
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "python": platform.python_version(),
            **{name: version(name) for name in PACKAGES},
            "chromium": _command(["/usr/bin/chromium", "--version"]),
            "git commit": _command(["git", "rev-parse", "--short", "HEAD"])
            + (" + uncommitted changes" if dirty else "")}


def render_machine(info: dict[str, str]) -> str:
    """One line per fact."""
    width = max(map(len, info))
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in info.items())
