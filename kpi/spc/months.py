"""Which months a control chart may judge: a month is complete once the data reach its last
day; the incomplete (provisional) month is shown but never judged."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


def month_of(day: date) -> str:
    """The 'YYYY-MM' month of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def data_through(as_of: date | None, window_end: date | None = None) -> date | None:
    """The last day a chart's months hold data for: the source's as_of, or the window's end
    when earlier (None when the source has no data)."""
    return None if as_of is None else min(as_of, window_end or as_of)


def last_complete_day(through: date) -> date:
    """The last day of the latest month complete by `through` (through itself at a month's
    end, else the last day of the month before)."""
    if (through + timedelta(days=1)).day == 1:
        return through
    return through.replace(day=1) - timedelta(days=1)


def followed_cohort(as_of: date | None, days: int, months: int = 12
                    ) -> tuple[date, date] | None:
    """The latest `months` complete calendar months whose every first visit has `days` of
    follow-up by as_of (index date + days <= as_of): (their first day, their last day)."""
    if as_of is None:
        return None
    end = last_complete_day(as_of - timedelta(days=days))
    index = end.year * 12 + end.month - months
    return date(index // 12, index % 12 + 1, 1), end


def last_complete_month(as_of: date | None, window_end: date | None = None) -> str | None:
    """The latest 'YYYY-MM' month whose last day is on or before both the source's as_of and
    the window's end (None when there is no as_of)."""
    through = data_through(as_of, window_end)
    return None if through is None else month_of(last_complete_day(through))


def provisional_months(months, as_of: date | None, window_end: date | None = None) -> np.ndarray:
    """Per 'YYYY-MM' month: True when it is incomplete (its last day after as_of or after the
    window's end); False for every month when the source has no as_of."""
    months = np.asarray(months, dtype=object)
    last = last_complete_month(as_of, window_end)
    if last is None:
        return np.zeros(len(months), dtype=bool)
    return months > last


def too_few(n, minimum) -> np.ndarray:
    """Per point: True when 0 < n < the minimum for a verdict (one number, or one per point);
    n 0 or missing (no data, withheld) is not 'too few': there is no value to judge."""
    if isinstance(n, np.ndarray) and n.dtype.kind == "f":
        counts = n
    else:
        counts = np.asarray(pd.array(n, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    with np.errstate(invalid="ignore"):
        return (counts > 0) & (counts < minimum)
