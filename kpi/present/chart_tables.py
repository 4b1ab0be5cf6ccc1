"""The numbers behind each chart as a table (a chart's "show as table"): built from the frame
the figure is built from, each value written as the chart writes it, withheld values in words
and their n never shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.present.charts import pair_kpis, pair_side
from kpi.present.formatting import format_interval, format_value, is_missing, value_text
from kpi.present.spc_charts import gap_reason
from kpi.present.spc_labels import limits_words, point_verdict
from kpi.spc.compare import BETTER, WORSE
from kpi.stats import SUPPRESSION_THRESHOLD

WITHIN_FUNNEL = "within 99.8 %"


def n_shown(row) -> str:
    """A row's n for a table: '1,234', or '' when withheld or unknown (a withheld group's n is
    as private as its value)."""
    if bool(row["suppressed"]) or is_missing(row["n"]):
        return ""
    return f"{int(row['n']):,}"


def interval_shown(row) -> str:
    """A row's 95 % interval for a table ('' when withheld or none)."""
    if bool(row["suppressed"]):
        return ""
    return format_interval(row["ci_low"], row["ci_high"], row["unit"])


def rows_table(rows: pd.DataFrame, names: Mapping[str, str],
               threshold: int = SUPPRESSION_THRESHOLD,
               labels: Mapping[str, str] | None = None,
               extra: Mapping[str, Sequence] | None = None) -> pd.DataFrame:
    """Engine rows (of one KPI or several, by department and/or month) as a table: department
    name, month, KPI (when several, named by `labels` else the catalog label), the value as
    shown, n, the 95 % interval and `extra` columns (one value per row); sorted by department,
    month and KPI order."""
    table = pd.DataFrame(index=rows.index)
    if "department_id" in rows:
        table["Department"] = rows["department_id"].map(lambda d: names.get(d, d))
    if "month" in rows and rows["month"].notna().any():
        table["Month"] = rows["month"]
    if rows["kpi_id"].nunique() > 1:
        table["KPI"] = [(labels or {}).get(k, label)
                        for k, label in zip(rows["kpi_id"], rows["kpi_label"])]
    records = rows.to_dict("records")
    table["Value"] = [value_text(r, threshold) for r in records]
    table["n"] = [n_shown(r) for r in records]
    table["95 % interval"] = [interval_shown(r) for r in records]
    for title, values in (extra or {}).items():
        table[title] = list(values)
    keys = [c for c in ("Department", "Month") if c in table]
    return table.sort_values(keys, kind="stable").reset_index(drop=True) if keys else \
        table.reset_index(drop=True)


def funnel_table(rows: pd.DataFrame, verdict: pd.Series, names: Mapping[str, str],
                 reference: str, threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """A funnel plot's departments: value, n, interval and where each lies against the 99.8 %
    limits around the `reference` (coloured on the chart only outside them)."""
    placed = [f"{v} than {reference.lower()} (outside 99.8 %)" if v in (BETTER, WORSE)
              else "" if is_missing(value) else WITHIN_FUNNEL
              for v, value in zip(verdict.reindex(rows.index), rows["value"])]
    return rows_table(rows, names, threshold, extra={"Funnel": placed})


def pair_table(rows: pd.DataFrame, x_kpi: str, y_kpi: str, names: Mapping[str, str],
               threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """A scatter of two KPIs: per department, each KPI's value as shown (withheld in words)."""
    pairs = pair_kpis(rows, x_kpi, y_kpi)
    columns = {}
    for suffix, kpi_id in (("_x", x_kpi), ("_y", y_kpi)):
        labelled = pairs[f"kpi_label{suffix}"].dropna()
        title = labelled.iloc[0] if len(labelled) else kpi_id
        columns[title] = [value_text(pair_side(p, suffix), threshold)
                          if not pd.isna(p[f"unit{suffix}"]) else "no data"
                          for p in pairs.to_dict("records")]
    table = pd.DataFrame({"Department": pairs["department_id"].map(lambda d: names.get(d, d)),
                          **columns})
    return table.sort_values("Department", kind="stable").reset_index(drop=True)


def spc_months_table(table: pd.DataFrame, kpi: Kpi, run_length: int,
              threshold: int = SUPPRESSION_THRESHOLD, through: date | None = None,
              min_n: int = 0) -> pd.DataFrame:
    """A control chart's months: value with unit (or why there is none), n, mean, limits and
    the month's verdict in words, as the chart's hover writes them."""
    table = table.sort_values("month").reset_index(drop=True)

    def limits(row) -> str:
        if is_missing(row["lower"]) or is_missing(row["upper"]):
            return ""
        return (f"{format_value(row['lower'], kpi.unit)} to {format_value(row['upper'], kpi.unit)}"
                f" ({limits_words(bool(row['trial_limits']))})")

    missing = table["value"].isna()
    records = table.to_dict("records")
    return pd.DataFrame({
        "Month": table["month"],
        "Value": [gap_reason(r, threshold) if gone else format_value(r["value"], kpi.unit)
                  for gone, r in zip(missing, records)],
        "n": [n_shown(r) for r in records],
        "Mean": [format_value(c, kpi.unit) if not is_missing(c) else "" for c in table["centre"]],
        "Limits": [limits(r) for r in records],
        "Verdict": ["" if gone else point_verdict(r, kpi.direction, run_length, through, min_n)
                    for gone, r in zip(missing, records)]})


def counts_table(labels: Sequence, counts: Sequence[int], label_title: str,
                 shares: Sequence[float] | None = None) -> pd.DataFrame:
    """Bars of counts: each label, its count and (when given) its share in %."""
    table = pd.DataFrame({label_title.capitalize(): list(labels),
                          "Count": [f"{int(c):,}" for c in counts]})
    if shares is not None:
        table["Share"] = ["" if pd.isna(s) else f"{s:.1f} %" for s in shares]
    return table


def stacked_table(rows: pd.DataFrame, category: str, stack: str, count: str,
                  names: Mapping[str, str], stack_order: Sequence[str],
                  category_title: str = "Department") -> pd.DataFrame:
    """Stacked bars as a table: one row per category (by name), one column per stack in the
    bars' order, 0 where the bar has no part."""
    wide = rows.pivot_table(index=category, columns=stack, values=count, aggfunc="sum",
                            observed=True).reindex(columns=list(stack_order)).fillna(0)
    wide = wide.astype(int).map(lambda c: f"{c:,}")
    wide.index = [names.get(v, v) for v in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    return wide.sort_index().rename_axis(category_title).reset_index()
