"""Control charts on the pages: a KPI's SPC chart with its signal badges, the badges of a
headline tile, and the Overview's 'needs attention' list from each department's chart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import streamlit as st

from kpi.catalog.kpis import Kpi
from kpi.present.chart_tables import spc_months_table
from kpi.present.chart_titles import PAIRED_TITLE_CHARS, TITLE_CHARS
from kpi.present.formatting import format_value, is_missing, markdown_plain
from kpi.present.spc_charts import spc_chart
from kpi.present.spc_labels import (
    Badge,
    assurance_badge,
    attention_summary,
    how_to_read,
    rule_words,
    signal_side,
    verdict_badge,
)
from kpi.spc.attention import attention_counts, attention_of
from kpi.spc.limits import TOO_FEW_FOR_FIRM_LIMITS
from kpi.spc.months import data_through
from kpi.spc.series import complete_by
from kpi.spc.verdict import verdict_of, verdicts
from ui import data
from ui.chart_view import show_chart
from ui.drawings import drawn
from ui.layout import phone_layout
from ui.tables import ROW_HEIGHT, attention_cards, attention_table
from ui.tabs import open_tabs
from ui.widgets import definitions, threshold

MAX_TABS = 4  # more KPIs than this: a selectbox instead of tabs


def badges_markdown(badges: Iterable[Badge]) -> str:
    """Badges as Streamlit markdown (colour and symbol, so never colour alone)."""
    return " ".join(f":{badge.colour}-badge[{badge.text}]" for badge in badges)


def signal_badges(table: pd.DataFrame, kpi: Kpi, run_length: int) -> None:
    """The KPI's verdict (kpi.spc.verdict: the latest complete month's signal) and the
    assurance against the target, as badges, with the month, the rule that fired and the
    target in words below."""
    found = verdict_of(table)
    target = found["target"]
    st.markdown(badges_markdown([verdict_badge(found["status"]),
                                 assurance_badge(found["assurance"], target)]))
    notes = []
    if found["month"] is not None:
        rule = rule_words(found["rule"], run_length, signal_side(found["status"], kpi.direction))
        notes.append(f"Latest complete month {found['month']}" + (f": {rule}" if rule else "")
                     + (f", since {found['since']}" if found["since"] not in (None, found["month"])
                        else ""))
    if not is_missing(target):
        notes.append(f"target {format_value(target, kpi.unit)}")
    if len(table) and bool(table["trial_limits"].iloc[0]):
        notes.append(f"trial limits: {TOO_FEW_FOR_FIRM_LIMITS} with a value")
    provisional = table["provisional"].astype(bool) & table["value"].notna()
    if provisional.any():
        notes.append(f"{table.loc[provisional, 'month'].iloc[-1]} is provisional: "
                     "not judged until it is complete")
    if notes:
        st.caption(" · ".join(notes))


def through(ctx, kpi: Kpi):
    """The last day of data behind the KPI's charts: the day its months are complete by (its
    source's as_of; less the follow-up for a return rate), or the window's end."""
    return data_through(complete_by(kpi, data.data_as_of(ctx.key)), ctx.flt.end)


def tile_badges(ctx, kpi_id: str, table: pd.DataFrame) -> None:
    """Under a headline tile: the badges of the KPI's control chart (its table) for the whole
    filter."""
    signal_badges(table, ctx.kpis[kpi_id], ctx.settings.run_length)


def spc_trend(ctx, kpi_id: str, key: str, label: str | None = None,
              table: pd.DataFrame | None = None, paired: bool = False) -> None:
    """One KPI's control chart by month for the whole filter (its table when the page has
    it already), its badges below; `paired` when it is drawn beside another chart (its
    title in shorter lines)."""
    kpi = ctx.kpis[kpi_id]
    table = ctx.spc(kpi_id) if table is None else table
    run_length = ctx.settings.run_length
    options = dict(threshold=threshold(kpi), through=through(ctx, kpi),
                   min_n=ctx.settings.min_n_for(kpi.kind))
    title = f"{label or kpi.label} by month"
    title_chars = PAIRED_TITLE_CHARS if paired else TITLE_CHARS
    show_chart(*drawn(ctx, ("control chart", kpi_id, title, title_chars), lambda: (
        spc_chart(table, kpi, run_length, title=title, title_chars=title_chars, **options),
        spc_months_table(table, kpi, run_length, **options))), key)
    signal_badges(table, kpi, run_length)


def spc_trends(ctx, kpi_ids: Sequence[str], key: str,
               labels: Mapping[str, str] | None = None) -> None:
    """Control charts of several KPIs: tabs (up to MAX_TABS; only the open one drawn),
    else a KPI selectbox."""
    labels = {kpi_id: (labels or {}).get(kpi_id, ctx.kpis[kpi_id].label) for kpi_id in kpi_ids}
    if len(kpi_ids) == 1:
        spc_trend(ctx, kpi_ids[0], key, labels[kpi_ids[0]])
    elif len(kpi_ids) <= MAX_TABS:
        tables = ctx.spc_tables(kpi_ids)
        names = {markdown_plain(labels[k]): k for k in kpi_ids}
        for kpi_id, tab in open_tabs(names, f"{key}_tab"):
            with tab:
                spc_trend(ctx, kpi_id, f"{key}_{kpi_id}", labels[kpi_id], tables[kpi_id])
    else:
        chosen = st.selectbox("KPI by month", list(kpi_ids), format_func=labels.get,
                              key=f"{key}_kpi")
        spc_trend(ctx, chosen, key, labels[chosen])


def how_to_read_popover(ctx) -> None:
    """A popover explaining the control charts' lines, colours, symbols and limits."""
    with st.popover("How to read the control chart"):
        st.markdown(how_to_read(ctx.settings.run_length))


def definitions_and_guide(ctx, kpis: Iterable[Kpi], label: str = "Definitions") -> None:
    """The KPI definitions and the control-chart guide, two popovers side by side."""
    with st.container(horizontal=True):
        definitions(kpis, label)
        how_to_read_popover(ctx)


def department_verdicts(ctx, kpi_ids: Sequence[str]) -> pd.DataFrame:
    """The control-chart verdict of each department of the filter x these KPIs
    (kpi.spc.verdict.verdicts), made once per filter and shared: the Overview's comparison
    table marks them and its attention list reads them."""
    return drawn(ctx, ("department verdicts", tuple(kpi_ids)),
                 lambda: verdicts(ctx.spc_by_department(kpi_ids)))


def needs_attention(ctx, kpi_ids: Sequence[str]) -> None:
    """Department x KPI pairs whose verdict is a special-cause concern in the latest complete
    month, or whose target is never met: counts, then every row, most severe first."""
    found = drawn(ctx, ("needs attention", tuple(kpi_ids)),
                  lambda: attention_of(department_verdicts(ctx, kpi_ids)))
    if found.empty:
        st.success("No department shows a special-cause concern in its latest complete month, "
                   "and no target is never met.")
        return
    st.markdown(f"**{attention_summary(attention_counts(found))}**")
    st.caption("From each department's own control chart: a special-cause concern in the "
               "latest complete month (the same verdict as its badge), or a target the limits "
               "say will not be met without a change. Most severe first."
               + (f" 'trial limits': {TOO_FEW_FOR_FIRM_LIMITS} had a value, so the limits may "
                  "still move." if found["trial_limits"].any() else ""))
    table = drawn(ctx, ("needs attention table", tuple(kpi_ids)), lambda: attention_table(
        found, ctx.kpis, ctx.names, ctx.settings.run_length))
    if phone_layout():
        st.markdown(attention_cards(table))
    else:
        st.dataframe(table, hide_index=True, height=ROW_HEIGHT * (len(table) + 1) + 3)
    how_to_read_popover(ctx)
