"""Overview: headline KPIs per area with the change vs the same period a year earlier and their
control-chart badges, departments compared, and what needs attention by each department's
control chart."""

import streamlit as st

from kpi.errors import UsageError
from kpi.hcahps.measures import GLOBAL_MEASURES
from kpi.hcahps.table import current_table
from kpi.present import pages
from kpi.present.benchmark_words import percentile_note
from kpi.present.formatting import markdown_plain
from kpi.spc.compare import change_vs_year_earlier, min_n_by_kpi, year_earlier
from kpi.spc.verdict import statuses
from ui.board_pack import board_pack_download
from ui.comparisons import benchmark_columns, reference, verdicts
from ui.context import page_context
from ui.drawings import drawn
from ui.spc_view import department_verdicts, needs_attention, tile_badges
from ui.tables import comparison_table
from ui.widgets import definitions, kpi_tile, page_header, stop_if_no_data, tile_columns

HEADLINES = pages.OVERVIEW_HEADLINES
COMPARED = pages.OVERVIEW_COMPARED
SHOWN = tuple(dict.fromkeys([*HEADLINES.values(), *COMPARED]))  # every KPI the page asks for


def show_tiles(ctx, whole) -> None:
    """One tile per area: the value, its change vs the same period a year earlier (coloured
    only when significant), n and interval, and the verdict and assurance badges of its
    control chart."""
    areas = {area: kpi_id for area, kpi_id in HEADLINES.items() if kpi_id in ctx.kpis}
    current = whole[whole["kpi_id"].isin(areas.values())]
    prior, changes = drawn(ctx, ("a year earlier", tuple(areas.values())),
                           lambda: _year_earlier(ctx, current, list(areas.values())))
    tables = ctx.spc_tables(areas.values())
    for column, (area, kpi_id) in zip(tile_columns(len(areas)), areas.items()):
        with column:
            st.subheader(area)
            kpi_tile(ctx.kpis[kpi_id], current.set_index("kpi_id").loc[kpi_id],
                     None if prior is None else prior.set_index("kpi_id").loc[kpi_id],
                     None if changes is None else changes.loc[kpi_id])
            tile_badges(ctx, kpi_id, tables[kpi_id])


def _year_earlier(ctx, current, kpi_ids: list[str]):
    """The headline KPIs' rows for the same period a year earlier and each one's change
    against it (both None when that period cannot be asked)."""
    try:
        prior = ctx.compute(kpi_ids, flt=year_earlier(ctx.flt))
    except UsageError:
        return None, None
    return prior, change_vs_year_earlier(current, prior, ctx.kpis,
                                         min_n_by_kpi(ctx.pick(kpi_ids).values(), ctx.settings))


def show_departments(ctx, whole) -> None:
    """Each department against the whole filter (table), and the department x KPI pairs whose
    control chart needs attention."""
    compared = [k for k in COMPARED if k in ctx.kpis]
    by_dept = ctx.compute(compared, ["department"])
    overall, name = reference(ctx, compared, whole)
    st.header("Departments compared")
    definitions(ctx.pick(compared).values())
    percentiles = benchmark_columns(ctx, GLOBAL_MEASURES)
    verdict, signals = drawn(ctx, ("departments judged", tuple(compared)), lambda: (
        verdicts(ctx, by_dept, overall, compared),
        statuses(department_verdicts(ctx, compared))))
    comparison_table(by_dept, overall, verdict, ctx.pick(compared), ctx.names, name, signals,
                     percentiles, "recommend_top_box")
    if percentiles:
        st.caption(markdown_plain(percentile_note(current_table())))

    st.header("Needs attention")
    needs_attention(ctx, compared)


def main() -> None:
    """Tiles, the department comparison table and the attention list for the sidebar filter."""
    ctx = page_context().asking(SHOWN)
    page_header("Overview", ctx, "Headline KPIs against the same period a year earlier, "
                                     "with their control-chart signals")
    whole = ctx.compute([kpi_id for kpi_id in SHOWN if kpi_id in ctx.kpis])
    stop_if_no_data(whole[whole["kpi_id"].isin(HEADLINES.values())], "data")
    show_tiles(ctx, whole)
    show_departments(ctx, whole)
    board_pack_download(ctx)


main()
