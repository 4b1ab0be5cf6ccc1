"""KPI rows from grouped aggregates: every group of the grid, value, n, ratio and interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog import Kpi
from kpi.sql_filter import KEYS
from kpi.stats import wilson_interval_arrays

ROW_COLUMNS = ["kpi_id", *KEYS, "value", "numerator", "denominator", "n", "ci_low", "ci_high"]


def kpi_rows(kpi: Kpi, table: pd.DataFrame, value, n, numerator=None, denominator=None,
             ci=None) -> pd.DataFrame:
    """One KPI's rows: the table's group keys with the given value, n, ratio and interval."""
    missing = np.full(len(table), np.nan)
    low, high = ci if ci is not None else (missing, missing)
    return pd.DataFrame({
        "kpi_id": kpi.id, "department_id": table["department_id"].to_numpy(),
        "month": table["month"].to_numpy(), "value": _floats(value),
        "numerator": missing if numerator is None else _floats(numerator),
        "denominator": missing if denominator is None else _floats(denominator),
        "n": _floats(n), "ci_low": _floats(low), "ci_high": _floats(high)},
        columns=ROW_COLUMNS)


def proportion_rows(kpi: Kpi, table: pd.DataFrame, numerator: str, denominator: str,
                    n: str | None = None) -> pd.DataFrame:
    """A share in percent with its Wilson interval; empty where the denominator is 0."""
    num, den = _floats(table[numerator]), _floats(table[denominator])
    return kpi_rows(kpi, table, value=percent(num, den),
                    n=den if n is None else table[n], numerator=num, denominator=den,
                    ci=wilson_interval_arrays(num, den))


def percent(numerator, denominator) -> np.ndarray:
    """100 x numerator / denominator, NaN (never 0) where the denominator is 0."""
    num, den = _floats(numerator), _floats(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / den, np.nan)


def _floats(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="raise").astype(float).to_numpy()
