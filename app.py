"""Patient-experience KPI dashboard: the page registry, the shared sidebar, the first-run demo.

Run with `streamlit run app.py`. The database is $PX_DB, else data/px.duckdb; with no database,
the first start builds the demo hospital.
"""

import streamlit as st

from ui import data, sidebar, startup

PAGES = [
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/satisfaction.py", title="Satisfaction"),
    st.Page("pages/loyalty.py", title="Loyalty"),
    st.Page("pages/complaints.py", title="Complaints"),
    st.Page("pages/staff.py", title="Staff morale"),
    st.Page("pages/waits.py", title="Respect for time"),
    st.Page("pages/export.py", title="Export"),
]


def main() -> None:
    """Build the navigation and the sidebar, then run the chosen page."""
    st.set_page_config(page_title="Patient experience KPIs", layout="wide")
    page = st.navigation(PAGES)
    startup.ensure_database(data.db_path())
    key = data.db_key()
    startup.demo_banner(key)
    sidebar.render_filters(key)
    sidebar.render_data_as_of(key)
    page.run()


main()
