"""A filter's department rows taken from its window's table of every department of the reach.

The engine decides each department's cells per window, never per filter: a department's value,
counts and interval come from its own rows, and its withholding from the window's table of
every department (kpi.engine.disclosure; kpi.engine.hcahps likewise). So every department,
service-line or site filter of a window, and every one-department filter's whole rows, read
the same cells as the window's by-department table over the reach (tests/test_one_department.py
compares them with the engine's own answer for each filter).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["department_rows"]


def department_rows(table: pd.DataFrame, departments: Sequence[str],
                    whole: bool = False) -> pd.DataFrame:
    """These departments' rows of a by-department table, in its order and indexed from 0; with
    `whole` (one department) written as that filter's whole rows (department_id None)."""
    rows = table[table["department_id"].isin(departments)].reset_index(drop=True)
    if whole:
        rows["department_id"] = pd.Series([None] * len(rows), dtype=object)
    return rows
