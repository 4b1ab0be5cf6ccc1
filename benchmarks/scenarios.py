"""The four filter scenarios of a filter change, resolved against one database."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.engine import compute, default_window
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from ui.periods import LAST_12, preset_window

EXPORT_BY = ("department", "month")


@dataclass(frozen=True)
class Scenario:
    """A named filter; `export_by` set means the Export page grouped that way (only that page)."""

    name: str
    flt: Filter
    export_by: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The scenario as plain JSON values."""
        return {"name": self.name, "filter": self.flt.to_query_params(),
                "export_by": list(self.export_by)}


def busiest_department(con) -> str:
    """The department with the most visits (the heaviest single-department view)."""
    visits = compute(con, ["visits"], Filter(), ["department"])
    return str(visits.sort_values("value", ascending=False).department_id.iloc[0])


def scenarios(db_path) -> list[Scenario]:
    """All departments, one department (all dates), last 12 months, every KPI by
    department x month on the Export page (all dates)."""
    con = open_readonly(db_path)
    try:
        first, last = default_window(con)
        dept = busiest_department(con)
    finally:
        con.close()
    everything = Filter(start=first, end=last)
    start, end = preset_window(LAST_12, first, last)
    return [Scenario("all departments", everything),
            Scenario(f"one department ({dept})",
                     Filter(departments=(dept,), start=first, end=last)),
            Scenario("last 12 months", Filter(start=start, end=end)),
            Scenario("by department x month", everything, EXPORT_BY)]
