"""Date presets of the sidebar (last 3 / 12 complete months, year to date, all), relative to
the data."""

from __future__ import annotations

from datetime import date

from kpi.spc.months import last_complete_day

LAST_3 = "Last 3 months"
LAST_12 = "Last 12 months"
YEAR_TO_DATE = "Year to date"
ALL_DATES = "All dates"
CUSTOM = "Custom"
PRESETS = (LAST_3, LAST_12, YEAR_TO_DATE, ALL_DATES)
DEFAULT_PRESET = LAST_12


def _month_start(day: date, months_back: int) -> date:
    """The first day of the month `months_back` calendar months before day's month."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def preset_window(preset: str, first: date, last: date) -> tuple[date, date]:
    """The (start, end) a preset means for data running from first to last: the last 3 or 12
    complete months (the incomplete month of `last` left out; everything when no month is
    complete), the year to date, or all dates."""
    complete = last_complete_day(last)
    starts = {LAST_3: _month_start(complete, 2), LAST_12: _month_start(complete, 11),
              YEAR_TO_DATE: date(last.year, 1, 1), ALL_DATES: first}
    if preset not in starts:
        raise ValueError(f"unknown date preset {preset!r}")
    if preset in (LAST_3, LAST_12) and complete >= first:
        return max(starts[preset], first), complete
    return max(starts[preset], first), last


def matching_preset(start: date | None, end: date | None, first: date, last: date) -> str:
    """The preset whose window is exactly (start, end), else CUSTOM."""
    for preset in PRESETS:
        if preset_window(preset, first, last) == (start, end):
            return preset
    return CUSTOM
