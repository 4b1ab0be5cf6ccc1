"""Departments compared on the pages: the reference they are compared with (the whole filter,
or the rest of the hospital when one department is chosen) and the funnel plot of a KPI."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from kpi.errors import PxError, UsageError
from kpi.filters import Filter
from kpi.present.benchmark_words import percentile_columns
from kpi.present.chart_tables import funnel_table
from kpi.present.formatting import markdown_plain
from kpi.present.funnel_chart import funnel_chart
from kpi.spc.compare import (
    against_overall,
    department_funnel_of,
    min_n_by_kpi,
    pooled_kpis,
    rest_of_hospital,
    with_pooled,
)
from ui import data, judged_tables
from ui.chart_view import show_chart
from ui.drawings import drawn
from ui.tables import WHOLE_FILTER
from ui.widgets import threshold

REST_OF_HOSPITAL = "Rest of the hospital"
REST_OF_YOURS = "Rest of your departments"


def reference_filter(ctx) -> tuple[Filter | None, str]:
    """The filter departments are compared with and its name: the rest of the hospital (or of
    the person's departments) when the filter holds one department, else None for the whole
    filter."""
    chosen = data.filter_departments(ctx.key, ctx.flt)
    if len(chosen) == 1:
        every = data.departments(ctx.key, ctx.flt.within)["department_id"]
        try:
            return rest_of_hospital(ctx.flt, every, chosen[0]), (
                REST_OF_HOSPITAL if ctx.flt.within.every else REST_OF_YOURS)
        except UsageError:  # no other department
            pass
    return None, WHOLE_FILTER


def reference(ctx, kpi_ids: Sequence[str], whole: pd.DataFrame | None = None
              ) -> tuple[pd.DataFrame, str]:
    """The rows departments are compared with, and their name (reference_filter); the whole
    filter's are `whole`, when the page has them. A pooled KPI's row is its departments pooled
    (with_pooled): the value its verdicts use, shown."""
    flt, name = reference_filter(ctx)
    pooled = sorted(pooled_kpis(ctx.pick(kpi_ids).values()))
    plain = [k for k in kpi_ids if k not in pooled]
    if flt is not None:  # compared like with like: the rest's departments pooled
        by_dept = ctx.compute(pooled, ["department"], flt=flt) if pooled else None
        rows = ctx.compute(plain, flt=flt) if plain else by_dept.iloc[:0]
    else:  # the filter's departments pooled, as each of them is compared with
        rows = whole[whole["kpi_id"].isin(kpi_ids)] if whole is not None else ctx.compute(kpi_ids)
        by_dept = ctx.compute(kpi_ids, ["department"]) if pooled else None
    return with_pooled(rows, by_dept, pooled), name


def benchmark_columns(ctx, measures: dict[str, str]) -> dict[str, dict[str, str]]:
    """The US percentile columns of these HCAHPS measures (code -> short name) for the
    department table: each department of the filter, and '' for the reference row
    (kpi.present.benchmark_words); none when no question carries the measures or the
    benchmark cannot be read."""
    flt, _ = reference_filter(ctx)
    try:
        rows = pd.concat([judged_tables.benchmarks(ctx.key, ctx.flt, None, True),
                          judged_tables.benchmarks(ctx.key, flt or ctx.flt, None, False)])
    except PxError:
        return {}
    return percentile_columns(rows, measures)


def verdicts(ctx, by_dept: pd.DataFrame, overall: pd.DataFrame, kpi_ids) -> pd.Series:
    """Each department row's funnel verdict (better / worse only outside 99.8 %) against
    `overall`, the rows of reference()."""
    return against_overall(by_dept, overall, min_n_by_kpi(ctx.pick(kpi_ids).values(),
                                                          ctx.settings))


def department_funnel(ctx, kpi_id: str, key: str) -> None:
    """The funnel plot of one KPI's departments for the filter (a note where the KPI has no
    funnel: medians, means, counts, multi-item scores)."""
    kpi = ctx.kpis[kpi_id]
    found = drawn(ctx, ("funnel", kpi_id), lambda: _funnel(ctx, kpi))
    if found is None:
        st.caption(f"No funnel plot: {markdown_plain(kpi.label)} is not a share, rate or NPS "
                   "with counts in this filter.")
        return
    show_chart(*found, key)
    st.caption("Each dot is a department. The limits narrow as n grows (Spiegelhalter funnel, "
               "95 % dashed, 99.8 % dotted); only a department outside 99.8 % is coloured.")


def _funnel(ctx, kpi) -> tuple | None:
    """The funnel plot of one KPI's departments and its table, or None without a funnel."""
    by_dept = ctx.compute([kpi.id], ["department"])
    overall, name = reference(ctx, [kpi.id])
    found = department_funnel_of(kpi, by_dept, overall, ctx.settings)
    if found is None:
        return None
    verdict, funnel = found
    return (funnel_chart(by_dept, verdict, funnel, ctx.names, name,
                         title=f"{kpi.label}: departments by n"),
            funnel_table(by_dept, verdict, ctx.names, name, threshold(kpi)))
