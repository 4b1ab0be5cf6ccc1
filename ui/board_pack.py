"""The Overview's board pack download: the HTML file `python -m kpi report` writes for the
filter, offered to those who may download its departments and audited when clicked."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kpi.report.build import board_pack, report_file_name
from ui import data
from ui.audit_trail import audited_download
from ui.exporting import download_allowed
from ui.signin import current_access

ABOUT = ("One HTML file for the board: the filter's headline KPIs with their verdicts, every "
         "KPI's variation and assurance, the control chart of every concern, the department "
         "funnels, the key drivers and the top comment themes. It opens in any browser without "
         "a network and prints to PDF (a section a page).")


def board_pack_download(ctx) -> None:
    """The board pack of the filter as a download button (for those who may download these
    departments); comment themes only within the person's comment reach."""
    allowed = download_allowed(ctx)
    if allowed is None:
        return
    if not allowed:
        st.caption("The board pack of these departments is not part of your download access.")
        return
    reach = current_access().comments
    comments = None if reach.empty else replace(ctx.flt, within=reach)
    flt, settings, key = ctx.flt, ctx.settings, ctx.key

    def make() -> str:
        with data.cursor(key) as cur:
            return board_pack(cur, flt, settings, comments)

    st.download_button("Board pack (HTML, prints to PDF)",
                       audited_download(make, flt, len(ctx.kpis)),
                       file_name=report_file_name(flt), mime="text/html", on_click="ignore",
                       key="board_pack_download", help=ABOUT)
