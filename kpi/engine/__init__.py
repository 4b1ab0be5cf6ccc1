"""The engine's door: KPI results for a filter, and the facts about the data it is computed from."""

from kpi.engine.departments import departments
from kpi.engine.meta import data_as_of, default_window
from kpi.engine.table import COLUMNS, compute

__all__ = ["COLUMNS", "compute", "data_as_of", "default_window", "departments"]
