"""The Complaints page's worklist tab: counts by status, choices, the table and its download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.engine.worklist import STATUSES, status_day
from kpi.export import snapshot_file_name, worklist_csv
from kpi.ingest.contract import COMPLAINT_CATEGORIES, SEVERITIES
from kpi.present.worklist import narrowed, readable, shown_table, status_counts, words
from ui import data
from ui.audit_trail import audited_download
from ui.drawings import drawn
from ui.exporting import download_allowed
from ui.layout import phone_layout
from ui.widgets import tile_columns

SHOWN_AT_MOST = 1000  # rows drawn on the page, most overdue first (the download holds every row):
# the whole hospital's worklist over all dates was 100 k rows, 14 MB sent to every session
ABOUT = ("One row per complaint received in the filter's window, and per complaint received "
         "earlier that was still open at its end; most overdue first. Acknowledgement and "
         "response deadlines are those of the KPIs: {ack} working days (Monday to Friday, less "
         "the delivered public holidays) and {response} calendar days after receipt. The "
         "complaint number is the complaints log's own case number; no patient id or name is "
         "shown or downloaded.")


def _metrics(counts: dict[str, int], day) -> None:
    """The counts by status, and the missed deadlines the KPIs count (rows of three, so that
    no label is cut)."""
    columns = tile_columns(6)
    for column, status in zip(columns, STATUSES):
        column.metric(status.capitalize(), f"{counts[status]:,}",
                      help=f"Status on {day} of the complaints in this list.")
    columns[4].metric("Acknowledgement missed", f"{counts['acknowledgement missed']:,}",
                      help="Received in the window, due by the data's as-of date and not "
                           "acknowledged in time: the acknowledgement KPI's due minus met.")
    columns[5].metric("Response missed", f"{counts['response missed']:,}",
                      help="Received in the window, due by the data's as-of date and not "
                           "resolved in time: the resolution KPI's due minus met.")
    st.caption(f"Not resolved on {day}: {counts['not resolved']:,} (the Open complaints KPI "
               "of this filter).")


def _rows_and_counts(ctx) -> tuple[dict[str, int], pd.DataFrame]:
    """The filter's worklist counts by status and its readable rows (shared read-only by every
    session with this filter: readable() of a whole hospital's 100 k rows costs a second)."""
    frame = data.worklist(ctx.key, ctx.flt)
    return status_counts(frame), (frame if frame.empty else readable(frame, ctx.names))


def show_worklist(ctx) -> None:
    """The worklist of the filter: counts, status / category / severity choices, the rows
    and a formula-safe CSV download of the rows chosen."""
    counts, rows = drawn(ctx, ("worklist",), lambda: _rows_and_counts(ctx), table=True)
    day = status_day(ctx.flt.end or data.default_window(ctx.key)[1],
                     data.data_as_of(ctx.key)["complaints"])
    ack, response = (ctx.kpis[k].days for k in ("ack_within_3_working_days",
                                                "resolved_within_7_days"))
    st.caption(ABOUT.format(ack=ack, response=response))
    if rows.empty:
        st.info("No complaint was received in this filter or open at its end.")
        return
    _metrics(counts, day)
    pick_status, pick_category, pick_severity = st.columns(3)
    chosen = narrowed(
        rows,
        pick_status.multiselect("Status", STATUSES, key="worklist_status", placeholder="All"),
        pick_category.multiselect("Category", [words(c) for c in COMPLAINT_CATEGORIES],
                                  key="worklist_category", placeholder="All"),
        pick_severity.multiselect("Severity", [words(c) for c in SEVERITIES],
                                  key="worklist_severity", placeholder="All"))
    if len(chosen) > SHOWN_AT_MOST:
        st.caption(f"Showing the {SHOWN_AT_MOST:,} most overdue of these {len(chosen):,} "
                   "complaints; narrow the choice above, or download them all.")
    st.dataframe(shown_table(chosen.head(SHOWN_AT_MOST), phone_layout()), hide_index=True)
    _download(ctx, chosen, day)


def _download(ctx, chosen, day) -> None:
    """The chosen rows as a formula-safe CSV, for those who may download this filter's
    departments (audited when clicked)."""
    allowed = download_allowed(ctx)
    if allowed is None:
        return
    if not allowed:
        st.caption("Downloads of these departments' complaints are not part of your access.")
        return
    st.download_button(f"Download these {len(chosen):,} complaints (CSV for Excel)",
                       audited_download(lambda: worklist_csv(chosen, excel=True), ctx.flt,
                                        len(chosen)),
                       file_name=snapshot_file_name(ctx.flt, "complaints-worklist"),
                       mime="text/csv", on_click="ignore", key="worklist_download")
    st.caption(f"Statuses on {day}. The file starts with the byte order mark Excel reads as "
               "UTF-8; a cell that a spreadsheet could run as a formula starts with '.")
