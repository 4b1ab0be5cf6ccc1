"""KPI rows from grouped aggregates: value, n, ratio and interval on every group of the grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.stats import wilson_interval_arrays

RESULT_FIELDS = ("value", "numerator", "denominator", "n", "ci_low", "ci_high")


@dataclass(frozen=True)
class KpiRows:
    """One KPI's results, one array element per group of the run's grid (in grid order)."""

    kpi: Kpi
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    n: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def kpi_rows(kpi: Kpi, table: pd.DataFrame, value, n, numerator=None, denominator=None,
             ci=None) -> KpiRows:
    """One KPI's rows on the table's groups with the given value, n, ratio and interval."""
    missing = np.full(len(table), np.nan)
    low, high = ci if ci is not None else (missing, missing)
    return KpiRows(kpi, value=_floats(value), n=_floats(n),
                   numerator=missing if numerator is None else _floats(numerator),
                   denominator=missing if denominator is None else _floats(denominator),
                   ci_low=_floats(low), ci_high=_floats(high))


def proportion_rows(kpi: Kpi, table: pd.DataFrame, numerator: str, denominator: str,
                    n: str | None = None) -> KpiRows:
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
    if isinstance(values, np.ndarray) and values.dtype == float:
        return values
    return pd.to_numeric(pd.Series(values), errors="raise").astype(float).to_numpy()
