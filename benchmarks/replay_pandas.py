"""The usual way, for comparison: base tables loaded into pandas once, each page's recorded
KPI calls computed in memory by the independent reference of tests/support/kpi_reference.py.

    python -m benchmarks.replay_pandas --db X.duckdb --workload W.json --runs 1 --out R.json
"""

from __future__ import annotations

import time

import pandas as pd

from benchmarks.workload import (
    filter_of,
    fingerprint,
    load_workload,
    page_calls,
    peak_rss_mb,
    progress,
    replay_arguments,
    timed_runs,
    write_result,
)
from kpi.store.connect import open_readonly
from tests.support.kpi_reference import Reference, load_tables

SURVEY_SOURCES = {"patient_survey", "staff_survey"}
EMPTY_ANSWERS = pd.DataFrame({
    "response_id": pd.Series(dtype="int64"), "department_id": pd.Series(dtype=object),
    "month": pd.Series(dtype=object), "question_id": pd.Series(dtype=object),
    "domain": pd.Series(dtype=object), "scale": pd.Series(dtype=object),
    "answer": pd.Series(dtype="int64"), "top": pd.Series(dtype=bool),
    "linear": pd.Series(dtype=float), "promoter": pd.Series(dtype=bool),
    "detractor": pd.Series(dtype=bool)})


class PageReference(Reference):
    """The reference restricted to the sources a call needs, so the baseline does no work the
    page did not ask for; a survey audience with nothing to score contributes no answers."""

    def __init__(self, tables: dict[str, pd.DataFrame], depts: list[str], start, end,
                 group_by, sources: set[str], chart: bool = False):
        super().__init__(tables, depts, start, end, tuple(group_by), chart)
        self.sources = sources

    def _answers(self, audience: str) -> pd.DataFrame:
        if f"{audience}_survey" not in self.sources:
            return EMPTY_ANSWERS
        try:
            return super()._answers(audience)
        except TypeError:  # the reference cannot score an empty selection (string dtypes)
            if len(self.select(self.t[f"{audience}_responses"], "response_date")):
                raise
            return EMPTY_ANSWERS

    def survey(self) -> dict:
        """Survey KPIs, when the call asks for any."""
        return super().survey() if self.sources & SURVEY_SOURCES else {}

    def visits(self) -> dict:
        """Visit KPIs, when the call asks for any."""
        return super().visits() if "visits" in self.sources else {}

    def complaints(self) -> dict:
        """Complaint KPIs, when the call asks for any."""
        return super().complaints() if "complaints" in self.sources else {}


def departments_of(table: pd.DataFrame, flt) -> list[str]:
    """The department ids a filter keeps (its departments, service lines and sites)."""
    keep = pd.Series(True, index=table.index)
    for column, chosen in (("department_id", flt.departments),
                           ("service_line", flt.service_lines), ("site", flt.sites)):
        if chosen:
            keep &= table[column].isin(chosen)
    return list(table.department_id[keep])


def reference_kpis(tables: dict[str, pd.DataFrame], call: dict) -> pd.DataFrame:
    """One recorded KPI call computed in pandas: kpi_id, department_id, month, value, n."""
    flt = filter_of(call["filter"])
    if flt.start is None or flt.end is None:
        raise ValueError(f"the recorded filter has no complete window: {call['filter']}")
    reference = PageReference(tables, departments_of(tables["departments"], flt), flt.start,
                              flt.end, call["group_by"], set(call["sources"]),
                              chart="spc" in call)
    rows = reference.all_kpis()
    return rows[rows.kpi_id.isin(call["resolved"])]


def main() -> None:
    """Load the tables, replay the workload in pandas, write timings, fingerprints and RSS
    (before and after every page, so a run stopped at its cap keeps what it measured and
    which page it was computing since when)."""
    args = replay_arguments(__doc__, default_runs=1)
    # The usual way is pandas as it comes: text in its default (Arrow) storage, not the Python
    # strings the app sets for its small frames (kpi/__init__.py), with which the base tables'
    # tens of millions of text cells passed 16 GB at scale 25 before a page was computed.
    pd.reset_option("mode.string_storage")
    started = time.perf_counter()
    con = open_readonly(args.db)
    tables = load_tables(con)
    con.close()
    load = {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(),
            "rows": sum(len(t) for t in tables.values())}
    progress(f"pandas: tables loaded in {load['seconds']:.1f} s")
    pages = []

    def write(complete: bool = False, **unfinished) -> None:
        write_result(args.out, {"load": load, "pages": pages, "peak_rss_mb": peak_rss_mb(),
                                "complete": complete,
                                **({"unfinished": unfinished} if unfinished else {})})

    for scenario, page, kpi_calls, _ in page_calls(load_workload(args.workload)):
        progress(f"pandas: {page}, {scenario}")
        write(scenario=scenario, page=page, runs=args.runs, started_at=time.time())
        last = {}

        def compute_page(calls=kpi_calls, kept=last):
            kept["frames"] = [reference_kpis(tables, c) for c in calls]
        timing = timed_runs(compute_page, args.runs, warm_up=False)
        pages.append({"scenario": scenario, "page": page, "kpis": timing,
                      "fingerprints": [fingerprint(f) for f in last["frames"]]})
        write()
    write(complete=True)


if __name__ == "__main__":
    main()
