"""The departments a filter lets one see, with their names, service lines and sites."""

from __future__ import annotations

import pandas as pd

from kpi.engine.meta import DEPARTMENTS_SQL
from kpi.engine.scope import resolve_scope
from kpi.filters import Filter


def departments(con, flt: Filter) -> pd.DataFrame:
    """The filter's departments (every one that may be seen for an empty Filter): department_id,
    department_name, service_line, site, sorted by id."""
    scope = resolve_scope(con, flt)
    return con.execute(f"SELECT * FROM ({DEPARTMENTS_SQL}) WHERE {scope.where_department()} "
                       "ORDER BY department_id", scope.params(dates=())).df()
