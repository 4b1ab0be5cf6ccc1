"""The board pack's KPI sections: the cover, the headline KPIs with their verdicts, the Making
Data Count summary of every KPI, the control charts of every concern and the department
funnels. Verdicts from kpi.spc.verdict and the attention list, as on the pages."""

from __future__ import annotations

import pandas as pd

from kpi.engine import compute
from kpi.export import now_iso
from kpi.present.formatting import detail_text, format_value, is_missing, value_text
from kpi.present.funnel_chart import funnel_chart
from kpi.present.pages import OVERVIEW_COMPARED, OVERVIEW_HEADLINES
from kpi.present.spc_charts import spc_chart
from kpi.present.spc_labels import Badge, assurance_badge, attention_summary, verdict_badge
from kpi.report.context import Report
from kpi.report.page import esc, section_html, table_html
from kpi.spc.attention import CONCERN_SIGNAL, NEVER_MET_SIGNAL, attention, attention_counts
from kpi.spc.compare import department_funnel_of, pooled_kpis, with_pooled
from kpi.spc.months import data_through
from kpi.spc.series import complete_by, spc_by_department, spc_details
from kpi.spc.verdict import verdict_of
from kpi.stats import SUPPRESSION_THRESHOLD

WHOLE_FILTER = "All departments in the filter"
SOURCE_NAMES = {"visits": "Visits", "complaints": "Complaints",
                "patient_survey": "Patient survey", "staff_survey": "Staff survey"}


def _threshold(r: Report, kpi_id: str) -> int:
    return r.kpis[kpi_id].min_n or SUPPRESSION_THRESHOLD


def cover(r: Report) -> str:
    """The title page: the filter in words, its window as read, the data's as-of dates."""
    facts = [("Filter", r.flt.describe()), ("Window read", f"{r.scope.start} to {r.scope.end}"),
             ("Departments", f"{len(r.scope.departments):,}")]
    facts += [(f"{SOURCE_NAMES.get(s, s)} data as of", "no data" if d is None else d.isoformat())
              for s, d in r.as_of.items()]
    facts.append(("Generated", now_iso()))
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    return (f'<section class="cover" id="cover"><h1>Patient experience: board pack</h1>'
            f"<dl>{rows}</dl><p class=\"note\">Values withheld where fewer than the small-cell "
            f"threshold answered; verdicts are those of the dashboard's control charts (Making "
            f"Data Count): the signal of the latest complete month, and the assurance against "
            f"the target.</p></section>")


def _badges(table: pd.DataFrame) -> tuple[Badge, Badge, dict]:
    """The verdict and assurance badges of one KPI's control-chart table, and its verdict."""
    found = verdict_of(table)
    return (verdict_badge(found["status"]),
            assurance_badge(found["assurance"], found["target"]), found)


def _badge_html(badge: Badge, kind: str) -> str:
    return f'<div class="{kind} badge-{esc(badge.colour)}">{esc(badge.text)}</div>'



def headlines(r: Report) -> str:
    """One tile per area: the value (as the export's value_display), n and interval, and the
    control chart's verdict and assurance."""
    ids = [k for k in OVERVIEW_HEADLINES.values() if k in r.kpis]
    rows = compute(r.con, ids, r.flt).set_index("kpi_id")
    tables = spc_details(r.con, ids, r.flt, r.settings)
    tiles = []
    for area, kpi_id in OVERVIEW_HEADLINES.items():
        if kpi_id not in r.kpis:
            continue
        row = rows.loc[kpi_id]
        verdict, assurance, _ = _badges(tables[kpi_id])
        tiles.append(
            f'<div class="tile" data-kpi="{esc(kpi_id)}"><div class="area">{esc(area)}</div>'
            f"<div>{esc(r.kpis[kpi_id].label)}</div>"
            f'<div class="value">{esc(value_text(row, _threshold(r, kpi_id)))}</div>'
            f'<div class="note">{esc(detail_text(row))}</div>'
            f'{_badge_html(verdict, "verdict")}{_badge_html(assurance, "assurance")}</div>')
    return section_html("headlines", "Headline KPIs", f'<div class="tiles">{"".join(tiles)}</div>')


def summary(r: Report) -> str:
    """Every KPI of the catalog: value, n, the latest complete month and its variation icon,
    the assurance icon and the target (the Making Data Count summary)."""
    ids = list(r.kpis)
    rows = compute(r.con, ids, r.flt).set_index("kpi_id")
    tables = spc_details(r.con, ids, r.flt, r.settings)
    lines = []
    for kpi_id, kpi in r.kpis.items():
        row = rows.loc[kpi_id]
        verdict, assurance, found = _badges(tables[kpi_id])
        target = found["target"]
        lines.append((kpi.label, value_text(row, _threshold(r, kpi_id)),
                      "" if is_missing(row["n"]) else f"{int(row['n']):,}",
                      found["month"] or "", verdict.text, assurance.text,
                      "" if is_missing(target) else format_value(target, kpi.unit)))
    return section_html("summary", "Every KPI: variation and assurance", table_html(
        ["KPI", "Value", "n", "Latest complete month", "Variation", "Assurance", "Target"],
        lines, numbers=("Value", "n")))


def concerns(r: Report) -> str:
    """The attention list of the Overview (each department's control chart): the chart of
    every special-cause concern, and the targets never met."""
    ids = [k for k in OVERVIEW_COMPARED if k in r.kpis]
    tables = spc_by_department(r.con, ids, r.flt, r.settings)
    found = attention(tables)
    if found.empty:
        return section_html("concerns", "Concerns", '<p class="note">No department shows a '
                            "special-cause concern in its latest complete month, and no target "
                            "is never met.</p>")
    parts = [f"<p><strong>{esc(attention_summary(attention_counts(found)))}</strong></p>"]
    for row in found[found["signal"] == CONCERN_SIGNAL].to_dict("records"):
        kpi = r.kpis[row["kpi_id"]]
        table = tables[(tables["department_id"] == row["department_id"])
                       & (tables["kpi_id"] == row["kpi_id"])]
        name = r.names.get(row["department_id"], row["department_id"])
        parts.append(r.figures.html(spc_chart(
            table, kpi, r.settings.run_length, title=f"{kpi.label}: {name}",
            threshold=_threshold(r, kpi.id), min_n=r.settings.min_n_for(kpi.kind),
            through=data_through(complete_by(kpi, r.as_of), r.flt.end))))
    never = found[found["signal"] == NEVER_MET_SIGNAL]
    if len(never):
        parts.append("<h3>Targets never met</h3>" + table_html(
            ["Department", "KPI", "Since", "Latest month", "Latest value", "Target"],
            [(r.names.get(d, d), r.kpis[k].label, since or "", month or "",
              format_value(value, r.kpis[k].unit), format_value(target, r.kpis[k].unit))
             for d, k, since, month, value, target in never[
                 ["department_id", "kpi_id", "since", "latest_month", "latest_value",
                  "target"]].itertuples(index=False)]))
    return section_html("concerns", "Concerns: control charts", "".join(parts))


def funnels(r: Report) -> str | None:
    """The department funnel plot of each compared KPI that has one (shares, rates, NPS with
    counts); absent for a filter of fewer than two departments."""
    if len(r.scope.departments) < 2:
        return None
    ids = [k for k in OVERVIEW_COMPARED if k in r.kpis]
    by_dept = compute(r.con, ids, r.flt, ["department"])
    overall = with_pooled(compute(r.con, ids, r.flt), by_dept,
                          pooled_kpis(r.kpis[k] for k in ids))
    parts = []
    for kpi_id in ids:
        groups = by_dept[by_dept["kpi_id"] == kpi_id]
        found = department_funnel_of(r.kpis[kpi_id], groups, overall, r.settings)
        if found is not None:
            parts.append(r.figures.html(funnel_chart(
                groups, *found, r.names, WHOLE_FILTER,
                title=f"{r.kpis[kpi_id].label}: departments by n")))
    if not parts:
        return None
    return section_html("funnels", "Departments compared: funnel plots", "".join(parts) +
                        '<p class="note">Each dot is a department. The limits narrow as n grows '
                        "(Spiegelhalter funnel, 95 % dashed, 99.8 % dotted); only a department "
                        "outside 99.8 % is coloured.</p>")
