"""Shared pytest setup: run from the project root, the demo databases several modules read
(built once per session), and the folder for browser artefacts (`--artifacts DIR`)."""

import os
from pathlib import Path

import pytest

from kpi.demo.build import build_demo
from tests.support import ROOT
from tests.support.demo_test_helpers import END, PAGES_END, SMALL_SCALE

os.chdir(ROOT)  # app.py, its views/ and the CLI subprocesses resolve from the project root


def pytest_addoption(parser):
    """`--artifacts DIR`: keep the browser screenshots there instead of pytest's tmp path."""
    parser.addoption("--artifacts", type=Path, default=None, metavar="DIR",
                     help="folder for browser screenshots and timings (default: a pytest tmp "
                          "folder; test-artifacts/ is git-ignored)")


@pytest.fixture(scope="session")
def artifacts(request, tmp_path_factory) -> Path:
    """Where the browser tests write screenshots: --artifacts DIR, else a pytest tmp folder."""
    chosen = request.config.getoption("artifacts")
    if chosen is None:
        return tmp_path_factory.mktemp("artifacts")
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


@pytest.fixture(scope="session")
def pages_demo(tmp_path_factory) -> Path:
    """The demo hospital (seed 7, SMALL_SCALE, to PAGES_END) that the page, browser and
    attention tests read; never written (copy it first)."""
    path = tmp_path_factory.mktemp("pages_demo") / "px.duckdb"
    build_demo(path, seed=7, scale=SMALL_SCALE, end=PAGES_END)
    return path


@pytest.fixture(scope="session")
def recent_demo(tmp_path_factory) -> tuple[Path, dict]:
    """The demo hospital (seed 7, SMALL_SCALE, to END) and its row counts, read by the demo
    and delivery tests; never written."""
    path = tmp_path_factory.mktemp("recent_demo") / "px.duckdb"
    return path, build_demo(path, seed=7, scale=SMALL_SCALE, end=END)
