"""Audit: who signed in, downloaded and read comments, when, on which page, with which filter."""

from datetime import UTC, datetime, timedelta

import streamlit as st

from kpi.access.audit import Event, audit_csv, audit_path, read_audit
from ui import data
from ui.audit_trail import audited_download
from ui.sidebar import current_filter

DAYS_SHOWN = 30


def main() -> None:
    """The audit entries of a date range and event, newest first, with a CSV download."""
    st.title("Audit")
    st.caption("Every sign-in, download and comment view, appended to its own file beside the "
               "database. Times are UTC.")
    today = datetime.now(UTC).date()
    picked = st.date_input("Days", (today - timedelta(days=DAYS_SHOWN - 1), today),
                           key="audit_days", format="YYYY-MM-DD")
    if not (isinstance(picked, (tuple, list)) and len(picked) == 2):
        st.info("Choose the first and the last day.")
        return
    events = {"every event": None, **{e.value.replace("_", " "): e for e in Event}}
    event = st.selectbox("Event", list(events), key="audit_event")
    entries = read_audit(audit_path(data.db_path()), picked[0], picked[1], events[event])
    st.caption(f"{len(entries):,} entries.")
    st.download_button("Download the audit CSV",
                       audited_download(lambda: audit_csv(entries), current_filter(),
                                        len(entries)),
                       file_name=f"px-audit-{picked[0]}-to-{picked[1]}.csv", mime="text/csv",
                       on_click="ignore")
    st.dataframe(entries, hide_index=True)


main()
