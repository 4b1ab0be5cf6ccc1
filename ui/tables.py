"""Display tables: the department x KPI comparison (coloured) and the 'needs attention' list."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from kpi.catalog.kpis import Kpi
from kpi.present.formatting import format_value, markdown_plain, value_text
from kpi.present.spc_labels import (
    TRIAL_LIMITS,
    VARIATION_BADGES,
    assurance_text,
    signal_text,
)
from kpi.spc.attention import CONCERN_SIGNAL, severity
from kpi.spc.compare import BETTER, WORSE
from kpi.spc.limits import NEVER_MET
from kpi.spc.rules import CONCERN
from kpi.spc.verdict import SIGNALS
from ui.layout import phone_layout
from ui.widgets import threshold

# Light tints of Okabe-Ito blue and vermillion, with the verdict also written in the cell.
VERDICT_STYLE = {BETTER: "background-color: #CCE3F0", WORSE: "background-color: #F6D2BC"}
WHOLE_FILTER = "All departments in the filter"
ROW_HEIGHT = 35  # st.dataframe's row height in pixels: the table shows every department


def comparison_table(by_dept: pd.DataFrame, overall: pd.DataFrame, verdict: pd.Series,
                     kpis: Mapping[str, Kpi], names: Mapping[str, str],
                     reference: str = WHOLE_FILTER,
                     signals: Mapping[tuple[str, str], str] | None = None,
                     added: Mapping[str, Mapping[str, str]] | None = None,
                     added_after: str | None = None) -> None:
    """Departments (rows) x KPIs (columns, in the order of `kpis`) under the `reference` row
    they are compared with, each cell coloured and marked 'better' / 'worse' only outside the
    99.8 % funnel limits (kpi.spc.compare.against_overall). KPIs without any value in the
    filter are named below instead of shown empty. `signals` (department, KPI) -> the
    variation of its control-chart verdict (kpi.spc.verdict), shown as its badge symbol.
    `added`: more columns (not on a phone), label -> department id (or '' for the reference
    row) -> text, after the KPI `added_after` (else after every KPI)."""
    both = pd.concat([by_dept, overall])
    with_data = set(both.loc[both["value"].notna() | both["suppressed"], "kpi_id"])
    ids = [kpi_id for kpi_id in kpis if kpi_id in with_data]
    rows = by_dept.assign(verdict=verdict)
    rows["text"] = [value_text(r, threshold(kpis[r["kpi_id"]]), compact=True)
                    + (f" · {r['verdict']}" if r["verdict"] in VERDICT_STYLE else "")
                    + signal_mark((signals or {}).get((r["department_id"], r["kpi_id"]), ""))
                    for r in rows.to_dict("records")]
    text = rows.pivot(index="department_id", columns="kpi_id", values="text")
    marks = rows.pivot(index="department_id", columns="kpi_id", values="verdict")
    whole = pd.DataFrame([{r["kpi_id"]: value_text(r, threshold(kpis[r["kpi_id"]]),
                                                   compact=True)
                           for r in overall.to_dict("records")}], index=[""])
    shown, extra = ids, dict(added or {})
    if phone_layout() and ids:  # a phone: one KPI at a time, so its column is readable
        shown, extra = [st.selectbox("KPI compared", ids, format_func=lambda k: kpis[k].label,
                                     key="compared_kpi")], {}
    by_name = sorted(text.index, key=lambda d: names.get(d, d))
    text = pd.concat([whole, text.loc[by_name]])[shown]
    at = shown.index(added_after) + 1 if added_after in shown else len(shown)
    for offset, (label, cells) in enumerate(extra.items()):
        text.insert(at + offset, label, [cells.get(d, "") for d in text.index])
    text.index = [reference, *(names.get(d, d) for d in text.index[1:])]
    marks.index = [names.get(d, d) for d in marks.index]
    marks = marks.reindex(index=text.index, columns=text.columns)
    columns = {kpi_id: kpis[kpi_id].label for kpi_id in shown}
    styled = text.rename(columns=columns).style.apply(
        lambda _: marks.rename(columns=columns).map(lambda v: VERDICT_STYLE.get(v, "")),
        axis=None)
    st.dataframe(styled, height=ROW_HEIGHT * (len(text) + 1) + 3, column_config={
        columns[kpi_id]: st.column_config.TextColumn(columns[kpi_id],
                                                     help=markdown_plain(kpis[kpi_id].description))
        for kpi_id in shown})
    without = [kpis[k].label for k in kpis if k not in ids]
    if without:
        st.caption(f"No data in this filter, so not shown: {markdown_plain(', '.join(without))}.")
    st.caption(f"Blue 'better' / orange 'worse': the department lies outside the 99.8 % "
               f"funnel limits around the first row ({reference.lower()}) for its n; return "
               "visits are compared with the departments pooled. Medians, means, counts and "
               "multi-item scores are not compared; 'too few to judge' below the KPI's "
               "minimum n. ▲ ▼ ◆: the department's own control-chart verdict (its latest "
               "complete month), the same as in Needs attention.")


def attention_cards(table: pd.DataFrame) -> str:
    """attention_table's rows as a markdown list for a phone, the signal beside its department
    and KPI: '- **Ward A · Would recommend**: ▼ Special cause — concern: ... (latest 71.0 %
    (2025-05), since 2025-03)'."""
    return "\n".join(
        f"- **{markdown_plain(r['Department'])} · {markdown_plain(r['KPI'])}**: "
        f"{markdown_plain(r['Signal'])} (latest {markdown_plain(r['Latest value'])}"
        + (f", since {markdown_plain(r['Since'])}" if pd.notna(r["Since"]) and r["Since"] else "") + ")"
        for r in table.to_dict("records"))


def signal_mark(status: str) -> str:
    """' ▼' for a special-cause verdict (its badge symbol), '' otherwise."""
    return f" {VARIATION_BADGES[status].symbol}" if status in SIGNALS else ""


def attention_table(found: pd.DataFrame, kpis: Mapping[str, Kpi], names: Mapping[str, str],
                    run_length: int) -> pd.DataFrame:
    """kpi.spc.attention.attention's rows for display, most severe first (outside the limits,
    2 of 3, runs, never met), then by department name: department, KPI, latest value with its
    month, the signal in words (badge and rule, or the target never met; 'trial limits' when
    fewer than MIN_POINTS_FOR_FIRM_LIMITS months had a value) and since when."""
    def signal(row: pd.Series) -> str:
        kpi = kpis[row["kpi_id"]]
        if row["signal"] == CONCERN_SIGNAL:
            text = signal_text(CONCERN, row["rule"], kpi.direction, run_length)
        else:
            text = assurance_text(NEVER_MET, row["target"], kpi.unit)
        return f"{text} · {TRIAL_LIMITS}" if row["trial_limits"] else text

    table = pd.DataFrame({
        "Department": found["department_id"].map(lambda d: names.get(d, d)),
        "KPI": found["kpi_id"].map(lambda k: kpis[k].label),
        "Latest value": [f"{format_value(r['latest_value'], kpis[r['kpi_id']].unit)} "
                         f"({r['latest_month']})" for r in found.to_dict("records")],
        "Signal": [signal(r) for r in found.to_dict("records")],
        "Since": found["since"]})
    ranks = [severity(s, r) for s, r in zip(found["signal"], found["rule"])]
    return (table.assign(_rank=ranks).sort_values(["_rank", "Department", "KPI"], kind="stable")
            .drop(columns="_rank").reset_index(drop=True))
