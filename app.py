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
from ui import audit_trail, data, layout, sidebar, signin, startup, text_fit
from ui.page_registry import pages_for

APP_TITLE = "Patient experience KPIs"


def navigation_pages(access: Access) -> list[st.Page]:
    """The st.Page of every page this person may open (the Overview first, the default)."""
    return [st.Page(path, title=title, default=index == 0)
            for index, (path, title) in enumerate(pages_for(access))]


def tab_title(page_title: str) -> str:
    """The browser tab's title of a page: 'Loyalty · Patient experience KPIs'."""
    return f"{page_title} · {APP_TITLE}"


def main() -> None:
    """Sign in, build the navigation and the sidebar, then run the chosen page."""
    st.set_page_config(page_title=APP_TITLE, layout="wide")
    access = signin.gate()
    page = st.navigation(navigation_pages(access))
    st.set_page_config(page_title=tab_title(page.title))  # each page its own browser tab title
    st.session_state[audit_trail.PAGE] = page.title
    startup.ensure_database(data.db_path())
    key = data.pin_db_key()
    startup.demo_banner(key)
    startup.stale_derived_warning(key)
    sidebar.render_filters(key)
    sidebar.render_data_as_of(key)
    layout.render_layout_toggle()
    text_fit.fit_text()
    page.run()


startup.run_safely(main)
