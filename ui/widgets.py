"""Small Streamlit pieces every page uses: page header, KPI tiles, definitions, empty notices."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from kpi.catalog.kinds import Direction
from kpi.catalog.kpis import Kpi
from kpi.present.comparison_words import change_text
from kpi.present.formatting import (
    detail_text,
    markdown_plain,
    n_counts,
    suppressed_short,
    suppressed_text,
    unit_label,
    value_text,
)
from kpi.stats import SUPPRESSION_THRESHOLD

DELTA_COLOURS = {Direction.HIGHER: "normal", Direction.LOWER: "inverse", Direction.NEUTRAL: "off"}
BETTER_WORDS = {Direction.HIGHER: "higher is better", Direction.LOWER: "lower is better"}
TILES_PER_ROW = 3
HOW_CALCULATED = "How is this calculated"
WITHHELD_WHY = ("The value is withheld to protect anonymity: this group has few responses, or "
                "showing it would let a small group's number be worked out by subtraction "
                "(small-cell rule, docs/privacy.md).")


def threshold(kpi: Kpi) -> int:
    """The small-cell threshold that withholds this KPI's values (the default when none)."""
    return kpi.min_n or SUPPRESSION_THRESHOLD


def page_header(title: str, ctx, intro: str | None = None) -> None:
    """The page title and the page context's filter in words, departments by name."""
    st.title(title)
    st.caption(markdown_plain(ctx.flt.describe(ctx.names)) + (f". {intro}" if intro else ""))


def stop_if_no_data(frame: pd.DataFrame, what: str) -> None:
    """A friendly note and an early stop when nothing in the filter has a value."""
    if frame.empty or not (frame["value"].notna() | frame["suppressed"].astype(bool)).any():
        st.info(f"No {what} in this filter. Choose more departments or a longer period "
                "in the sidebar.")
        st.stop()


def stop_if_no_departments(flt_departments: Iterable[str]) -> None:
    """A friendly note and an early stop when the filter leaves no department."""
    if not list(flt_departments):
        st.info("No department matches this filter: widen the service line or site choice "
                "in the sidebar.")
        st.stop()


def kpi_tile(kpi: Kpi, row: pd.Series, prior: pd.Series | None = None,
             change: pd.Series | None = None, label: str | None = None) -> None:
    """A bordered metric: value with unit, change vs the same period a year earlier (coloured
    only when significant), n and interval below, the definition behind the help icon;
    withheld values say so in words."""
    if bool(row["suppressed"]):
        withheld_tile(label or kpi.label, kpi)
    else:
        delta, coloured = None, False
        if change is not None and not pd.isna(change["change"]):
            delta, coloured = change_text(change, row["unit"])
        st.metric(markdown_plain(label or kpi.label), value_text(row, threshold(kpi), compact=True),
                  delta=delta,
                  delta_color=DELTA_COLOURS.get(kpi.direction, "off") if coloured else "off",
                  help=markdown_plain(kpi.description), border=True)
    lines = [detail_text(row, n_counts(kpi.kind))]
    if prior is not None:
        lines.append(f"A year earlier ({prior['start']} to {prior['end']}): "
                     f"{value_text(prior, threshold(kpi))}")
    st.caption("  \n".join(line for line in lines if line))


def withheld_tile(label: str, kpi: Kpi) -> None:
    """A tile whose value is withheld: the reason in words, sized to fit (a metric cuts it)."""
    with st.container(border=True):
        st.markdown(markdown_plain(label), help=markdown_plain(kpi.description))
        st.markdown(f"**{suppressed_text(threshold(kpi))}**")
        st.caption(WITHHELD_WHY)


def definitions(kpis: Iterable[Kpi], label: str = "Definitions") -> None:
    """A popover with the catalog definition of each KPI shown nearby."""
    with st.popover(label):
        for kpi in kpis:
            st.markdown(f"**{markdown_plain(kpi.label)}** · unit {unit_label(kpi.unit)} · "
                        f"{BETTER_WORDS.get(kpi.direction, 'neither direction is better')}")
            st.caption(markdown_plain(kpi.description))
            if kpi.method:
                with st.expander(HOW_CALCULATED):
                    st.caption(markdown_plain(kpi.method))


def tiles(kpis: dict[str, Kpi], rows: pd.DataFrame, labels: dict[str, str] | None = None
          ) -> None:
    """One tile per KPI of `kpis` (in that order, at most 3 a row) from the engine's rows."""
    labels = labels or {}
    by_id = rows.set_index("kpi_id")
    for column, kpi_id in zip(tile_columns(len(kpis)), kpis):
        with column:
            kpi_tile(kpis[kpi_id], by_id.loc[kpi_id], label=labels.get(kpi_id))


def tile_columns(count: int, per_row: int = TILES_PER_ROW) -> list:
    """Columns for `count` tiles, in rows of at most `per_row` (so labels are not cut)."""
    columns = []
    for first in range(0, count, per_row):
        columns += st.columns(per_row)[:min(per_row, count - first)]
    return columns


def headline(ctx, kpi_ids, what: str, labels: dict[str, str] | None = None,
             data_kpi: str | None = None) -> pd.DataFrame:
    """The page's headline tiles for the whole filter with their definitions; stops with a
    note when `data_kpi` (else any of them) has no data. Returns the engine's rows."""
    rows = ctx.compute(kpi_ids)
    stop_if_no_data(rows[rows["kpi_id"] == data_kpi] if data_kpi else rows, what)
    definitions(ctx.pick(kpi_ids).values())
    tiles(ctx.pick(kpi_ids), rows, labels)
    return rows


def withheld_legend(rows: pd.DataFrame, kpi: Kpi) -> None:
    """Under a grid or trend with withheld cells: what '<11' and the grey crosses mean."""
    if rows["suppressed"].astype(bool).any():
        limit = threshold(kpi)
        st.caption(f"{suppressed_short(limit)} and grey crosses: {suppressed_text(limit)} in "
                   f"that group, or in another group it would give away. {WITHHELD_WHY}")
