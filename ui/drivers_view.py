"""The key-drivers section of the Satisfaction page: the priority matrix and the fix-first list
of the filter, for the overall rating or would-recommend."""

from __future__ import annotations

import streamlit as st

from kpi.engine.drivers import LEVELS, OUTCOMES
from kpi.present.driver_chart import priority_matrix
from kpi.present.drivers import (
    LEVEL_NAMES,
    METHOD,
    NO_DRIVERS,
    NO_FIX_FIRST,
    OUTCOME_NAMES,
    fix_first,
    fix_first_rows,
    priority_table,
    withheld_words,
)
from ui import data
from ui.chart_view import show_chart
from ui.drawings import drawn


def key_drivers_section(ctx) -> None:
    """What goes with the chosen outcome most, against how well it scores: the priority matrix
    and the ranked fix-first list (withheld below the settings' minimum of respondents)."""
    st.header("Key drivers: what to fix first")
    minimum = ctx.settings.driver_min_respondents
    found = data.key_drivers(ctx.key, ctx.flt, minimum)
    outcome_column, level_column = st.columns(2)
    outcome = outcome_column.radio("Outcome", OUTCOMES, horizontal=True, key="drivers_outcome",
                                   format_func=lambda o: OUTCOME_NAMES[o].capitalize())
    level = level_column.radio("Drivers", LEVELS, horizontal=True, key="drivers_level",
                               format_func=LEVEL_NAMES.get)
    note = withheld_words(found, outcome, minimum)
    table = priority_table(found, outcome, level)
    if table.empty:
        st.info(note or NO_DRIVERS)
        return
    title = f"What goes with {OUTCOME_NAMES[outcome]}: {LEVEL_NAMES[level].lower()}"
    show_chart(drawn(ctx, ("priority matrix", minimum, title),
                     lambda: priority_matrix(table, title)), table, "drivers_matrix")
    chosen = fix_first(table)
    st.subheader("Fix first")
    if chosen.empty:
        st.caption(NO_FIX_FIRST)
    else:
        st.dataframe(fix_first_rows(chosen), hide_index=True)
    st.caption(METHOD + (f" {note}" if note else ""))
