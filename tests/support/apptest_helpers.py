"""Shared by the AppTest page tests: open the app on a page, and fresh Streamlit caches."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import ROOT
from ui import data

APP = ROOT / "app.py"


@pytest.fixture(scope="module", autouse=True)
def fresh_caches():
    """Caches survive across AppTest instances in one process: start and end each module
    without them."""
    data.clear_caches()
    yield
    data.clear_caches()


def use_database(monkeypatch, db: Path, settings: Path) -> None:
    """Point the app at this database and settings file (a missing file means defaults)."""
    monkeypatch.setenv("PX_DB", str(db))
    monkeypatch.setenv("PX_SETTINGS", str(settings))


def open_app(page=None, params=None, prepare=None) -> AppTest:
    """Run the app once (the Overview), with these URL parameters (and `prepare(at)` first,
    e.g. a signed-in user), then switch to `page`; fails on any exception."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    if prepare:
        prepare(at)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab `label` of the tabs `key` (ui.tabs.open_tabs: only the open tab runs),
    as a click on it does: the page runs again; fails on any exception."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Everything the run drew (sidebar included) as text: labels, values, options, chart
    specifications and table cells, for a test that a word appears nowhere."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)
