"""Patient-experience KPI dashboard: sign-in, the page registry, the shared sidebar, the
first-run demo.

Run with `streamlit run app.py`. The database is $PX_DB, else data/px.duckdb; with no database,
the first start builds the demo hospital.

The pages live in views/, not pages/: a pages/ folder beside app.py switches Streamlit to its
legacy multipage mode for a fresh server's first deep link (and in AppTest), which runs the
page file without this shell (no sidebar filter, no demo banner).
"""

import streamlit as st

from kpi.access.user import Access
from ui import audit_trail, data, sidebar, signin, startup

PAGES = [
    ("views/overview.py", "Overview"),
    ("views/satisfaction.py", "Satisfaction"),
    ("views/loyalty.py", "Loyalty"),
    ("views/complaints.py", "Complaints"),
    ("views/staff.py", "Staff morale"),
    ("views/waits.py", "Respect for time"),
]
EXPORT_PAGE = ("views/export.py", "Export")
AUDIT_PAGE = ("views/audit.py", "Audit")


def pages_for(access: Access) -> list[st.Page]:
    """The pages this person may open: exports only with an export right, the audit only with
    the audit right."""
    chosen = [*PAGES, *([EXPORT_PAGE] if not access.exports.empty else []),
              *([AUDIT_PAGE] if access.audit else [])]
    return [st.Page(path, title=title, default=path == PAGES[0][0]) for path, title in chosen]


def main() -> None:
    """Sign in, build the navigation and the sidebar, then run the chosen page."""
    st.set_page_config(page_title="Patient experience KPIs", layout="wide")
    access = signin.gate()
    page = st.navigation(pages_for(access))
    st.session_state[audit_trail.PAGE] = page.title
    startup.ensure_database(data.db_path())
    key = data.db_key()
    startup.demo_banner(key)
    startup.stale_derived_warning(key)
    sidebar.render_filters(key)
    sidebar.render_data_as_of(key)
    page.run()


startup.run_safely(main)
