"""Patient-experience KPI dashboard: the page registry, the shared sidebar, the first-run demo.

Run with `streamlit run app.py`. The database is $PX_DB, else data/px.duckdb; with no database,
the first start builds the demo hospital.

The pages live in views/, not pages/: a pages/ folder beside app.py switches Streamlit to its
legacy multipage mode for a fresh server's first deep link (and in AppTest), which runs the
page file without this shell (no sidebar filter, no demo banner).
"""

import streamlit as st

from ui import data, sidebar, startup

PAGES = [
    st.Page("views/overview.py", title="Overview", default=True),
    st.Page("views/satisfaction.py", title="Satisfaction"),
    st.Page("views/loyalty.py", title="Loyalty"),
    st.Page("views/complaints.py", title="Complaints"),
    st.Page("views/staff.py", title="Staff morale"),
    st.Page("views/waits.py", title="Respect for time"),
    st.Page("views/export.py", title="Export"),
]


def main() -> None:
    """Build the navigation and the sidebar, then run the chosen page."""
    st.set_page_config(page_title="Patient experience KPIs", layout="wide")
    page = st.navigation(PAGES)
    startup.local_mode_gate()
    startup.ensure_database(data.db_path())
    key = data.db_key()
    startup.demo_banner(key)
    startup.stale_derived_warning(key)
    sidebar.render_filters(key)
    sidebar.render_data_as_of(key)
    page.run()


startup.run_safely(main)
