"""A `streamlit run app.py` server on a free local port, for the browser tests and benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until the server answers its health check (fail if it exits or takes too long)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not become healthy")


@contextlib.contextmanager
def streamlit_process(db: Path, log: Path, port: int | None = None, options: Sequence[str] = (),
                      env: dict[str, str] | None = None
                      ) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run the dashboard on the database (output to `log`), with more command-line options and
    environment variables; yields its URL and its process once healthy."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options],
            cwd=ROOT, env={**os.environ, "PX_DB": str(db), **(env or {})}, stdout=out,
            stderr=subprocess.STDOUT)
        try:
            wait_healthy(url, server)
            yield url, server
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextlib.contextmanager
def streamlit_server(db: Path, log: Path, port: int | None = None, options: Sequence[str] = (),
                     env: dict[str, str] | None = None) -> Iterator[str]:
    """streamlit_process yielding the URL only."""
    with streamlit_process(db, log, port, options, env) as (url, _):
        yield url
