"""Record what each page asks the engine: run the app in AppTest with kpi.engine.table.compute,
the control-chart series (kpi.spc.series) and the breakdown reads wrapped, once per filter
scenario, with empty caches per page.

    python -m benchmarks.record_pages --db X.duckdb --out workload.json
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from kpi.access.user import LOCAL_ACCESS
from ui.page_registry import pages_for

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
EXPORT_GROUPING_KEY = "export_by"
TIMEOUT_SECONDS = 1800


def app_pages() -> list[tuple[str, str]]:
    """(path, title) of every page the local-mode navigation offers, in its order."""
    return pages_for(LOCAL_ACCESS)


# The control-chart functions the pages call (through ui.judged_tables) and the grouping each asks of
# the engine; a recorded call replays the whole function, control charts included.
SPC_FUNCTIONS = {"spc_details": ["month"], "spc_by_department": ["department", "month"]}


class Recorder:
    """Wraps kpi.engine.table.compute (below the Streamlit cache: only misses reach it), the
    control-chart series of kpi.spc.series (their own engine call inside is not recorded
    again) and ui.data.read (the breakdown reads), keeping the calls of the current page."""

    def __init__(self) -> None:
        from kpi import engine
        from kpi.catalog import kpis as catalog
        from kpi.spc import series as spc_series
        from ui import data

        self.calls: list[dict] = []
        self._inside_spc = False
        compute, read = engine.compute, data.read

        def kpi_call(con, kpi_ids, flt, group_by) -> dict:
            kpis = catalog.resolve_kpis(con, kpi_ids)
            return {"kind": "kpis", "kpi_ids": list(kpi_ids) if kpi_ids else None,
                    "resolved": [k.id for k in kpis], "sources": sorted({k.source for k in kpis}),
                    "filter": flt.to_query_params(), "group_by": list(group_by)}

        def recording_compute(con, kpi_ids, flt, group_by=(), **options):
            result = compute(con, kpi_ids, flt, group_by, **options)  # a refused call is not replayed
            if not self._inside_spc:
                self.calls.append(kpi_call(con, kpi_ids, flt, group_by))
            return result

        def recording_spc(name, function):
            def recorded(con, kpi_ids, flt, settings):
                self.calls.append({**kpi_call(con, kpi_ids, flt, SPC_FUNCTIONS[name]),
                                   "spc": name, "run_length": settings.run_length,
                                   "targets": dict(settings.targets)})
                self._inside_spc = True
                try:
                    return function(con, kpi_ids, flt, settings)
                finally:
                    self._inside_spc = False
            return recorded

        for name in SPC_FUNCTIONS:
            setattr(spc_series, name, recording_spc(name, getattr(spc_series, name)))

        def recording_read(key, reader, flt):
            call = {"kind": "reader", "reader": f"{reader.__module__}.{reader.__qualname__}",
                    "filter": flt.to_query_params()}
            if call not in self.calls:
                self.calls.append(call)
            return read(key, reader, flt)

        engine.compute, data.read = recording_compute, recording_read

    def take(self) -> list[dict]:
        """The calls recorded since the last take."""
        calls, self.calls = self.calls, []
        return calls


def _run(at, action) -> None:
    action(at).run()
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    if at.error:  # the app shows an unexpected error as a plain message (run_safely)
        raise RuntimeError(f"the page showed an error: {at.error[0].value}")


def record_scenario(recorder: Recorder, scenario: dict, pages: list[tuple[str, str]],
                    titles: list[str] | None = None) -> list[dict]:
    """The engine calls of every page (those titled, when given; only Export, grouped, when
    the scenario groups). The app's default page runs first in any case."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
    for key, values in scenario["filter"].items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    st.cache_data.clear()
    recorder.take()
    _run(at, lambda a: a)
    recorded = []
    for index, (path, title) in enumerate(pages):
        grouped = bool(scenario["export_by"])
        if (grouped and Path(path).stem != "export") or (titles and title not in titles):
            continue
        if index > 0:
            st.cache_data.clear()
            recorder.take()
            _run(at, lambda a, page=path: a.switch_page(page))
        if grouped:
            st.cache_data.clear()
            recorder.take()
            _run(at, lambda a: a.pills(key=EXPORT_GROUPING_KEY).set_value(scenario["export_by"]))
        recorded.append({"page": title, "path": path, "calls": recorder.take()})
    return recorded


def record(db: Path, scenarios: list[dict], titles: list[str] | None = None) -> dict:
    """The workload: every scenario's pages (those titled, when given) and their recorded
    engine calls."""
    os.environ["PX_DB"] = str(db)
    os.chdir(ROOT)
    recorder = Recorder()
    pages = app_pages()
    return {"db": str(db), "pages": pages,
            "scenarios": [{**s, "pages": record_scenario(recorder, s, pages, titles)}
                          for s in scenarios]}


def main() -> None:
    """Record the workload of the database's scenarios into a JSON file."""
    from benchmarks.scenarios import scenarios

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", help="comma-separated page titles (default: every page)")
    parser.add_argument("--scenarios", help="comma-separated scenario name prefixes")
    args = parser.parse_args()
    prefixes = args.scenarios.split(",") if args.scenarios else [""]
    chosen = [s.to_json() for s in scenarios(args.db) if s.name.startswith(tuple(prefixes))]
    titles = args.pages.split(",") if args.pages else None
    args.out.write_text(json.dumps(record(args.db.resolve(), chosen, titles), indent=1))


if __name__ == "__main__":
    main()
