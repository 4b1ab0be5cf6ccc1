"""Around every page: errors shown in plain words (details to the server log), the first-start
demo build, the demo banner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from kpi.errors import PxError
from kpi.present.formatting import markdown_plain
from kpi.store.connect import DatabaseReplaced, damaged_database
from ui import data

LOG = logging.getLogger("px.app")
UNEXPECTED = ("Something went wrong while drawing this page. The details went to the server's "
              "log, not to this page. Reload the page or change the filter; if it happens "
              "again, tell whoever runs the dashboard.")


def run_safely(draw: Callable[[], None]) -> None:
    """Run `draw`: an expected failure shows its plain message, any other error a plain
    apology; the traceback goes to the server's log only, never to the browser."""
    try:
        draw()
    except DatabaseReplaced:  # a load swapped the file mid-run: draw again from the new one
        st.rerun()
    except PxError as err:
        LOG.warning("page stopped: %s", err)
        st.error(markdown_plain(err))
    except Exception as err:
        damaged = damaged_database(data.db_path(), err)  # found while reading, past the open
        LOG.exception("page failed")
        st.error(markdown_plain(damaged) if damaged else UNEXPECTED)


def ensure_database(path: Path) -> None:
    """Build the demo hospital at `path` if there is no database yet (with a spinner)."""
    if path.exists():
        return
    from kpi.demo.build import build_demo

    note = st.empty()
    with st.spinner("First start: building the demo hospital database. This takes a few seconds…"):
        try:
            build_demo(path, progress=lambda message: note.caption(message))
        except PxError as err:
            note.empty()
            st.info(f"The database is being prepared ({markdown_plain(err)}). Reload the page "
                    "in a moment.")
            st.stop()
    note.empty()


def demo_banner(key: data.DbKey) -> None:
    """Say clearly, on every page, when the numbers come from the synthetic demo hospital."""
    if data.meta(key).get("is_demo") == "true":
        st.warning("Demo data: a synthetic hospital made up by `python -m kpi demo`. No real "
                   "patients, staff or complaints. Load your own files with "
                   "`python -m kpi ingest FOLDER`.")


def stale_derived_warning(key: data.DbKey) -> None:
    """Say when the database predates this version's derived tables (pages then compute from
    the raw rows, correct but slow) and how to rebuild them."""
    if not data.derived_current(key):
        st.warning("This database was built by an older version of the dashboard, so every "
                   "page computes from the raw rows: correct, but slow on a large database. "
                   "Rebuild its summary tables once with `python -m kpi refresh` (or load new "
                   "data).")
