"""Display text for KPI values: units, intervals, n and the small-cell message (no UI imports)."""

from __future__ import annotations

import html
import math
import re
from typing import Any

from kpi.catalog.kinds import Kind, Unit
from kpi.stats import SUPPRESSION_THRESHOLD

# How each unit of the catalog is written: decimals, the unit after the number, and the unit in
# compact places (tiles, tables) whose label already names it.
_UNIT_STYLE: dict[str, tuple[int, str, str]] = {
    Unit.PERCENT: (1, " %", " %"),
    Unit.COUNT: (0, "", ""),
    Unit.PER_1000: (2, " per 1,000 visits", ""),
    Unit.MINUTES: (1, " min", " min"),
    Unit.DAYS: (1, " days", " days"),
    Unit.SCORE: (1, " / 100", ""),
    Unit.NPS: (1, "", ""),
    Unit.STARS: (2, " stars", " ★"),
}

NO_DATA = "no data"
# Characters Streamlit's markdown gives a meaning to (CommonMark, $ for LaTeX, : for directives).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def is_missing(value: Any) -> bool:
    """True for None and NaN (pandas NA included): a value that must never be shown as 0."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return True


def suppressed_text(threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """The words shown instead of a withheld value."""
    return f"fewer than {threshold} responses"


def suppressed_short(threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """The short marker of a withheld value for tight places (heatmap cells)."""
    return f"<{threshold}"


def format_number(value: Any, unit: str) -> str:
    """The bare number in the unit's precision (no unit text): '82.1', '1,234', '+42.0'."""
    if is_missing(value):
        return NO_DATA
    decimals, _, _ = _UNIT_STYLE.get(unit, (1, "", ""))
    number = float(value)
    if unit == Unit.NPS:
        return f"{number:+,.{decimals}f}"
    if decimals == 1 and unit in ("minutes", "days") and number.is_integer():
        decimals = 0
    return f"{number:,.{decimals}f}"


def format_change(value: Any, unit: str) -> str:
    """A difference of two values, always signed, in the unit's precision: '+1.6', '-0.25'."""
    if is_missing(value):
        return NO_DATA
    decimals, _, _ = _UNIT_STYLE.get(unit, (1, "", ""))
    return f"{float(value):+,.{decimals}f}"


def format_value(value: Any, unit: str, compact: bool = False) -> str:
    """A value with its unit, e.g. '82.1 %', '3.42 per 1,000 visits' (compact: '3.42'), '+12.0';
    'no data' if empty."""
    if is_missing(value):
        return NO_DATA
    _, suffix, compact_suffix = _UNIT_STYLE.get(unit, (1, "", ""))
    return f"{format_number(value, unit)}{compact_suffix if compact else suffix}"


def format_interval(low: Any, high: Any, unit: str) -> str:
    """The 95 % interval as text ('95 % CI 80.0 to 84.2 %'), or '' where there is none."""
    if is_missing(low) or is_missing(high):
        return ""
    _, suffix, _ = _UNIT_STYLE.get(unit, (1, "", ""))
    return f"95 % CI {format_number(low, unit)} to {format_number(high, unit)}{suffix}"


# What n counts, by kind (docs: the data contract's n).
_N_COUNTS = {Kind.DOMAIN_TOP_BOX: "responses", Kind.DOMAIN_MEAN: "responses",
             Kind.DOMAIN_NPS: "answers", Kind.RESPONSE_COUNT: "surveys",
             Kind.VISIT_COUNT: "visits", Kind.MEDIAN_WAIT: "visits with a wait",
             Kind.WAIT_WITHIN: "visits with a wait",
             Kind.GROUPED_MEDIAN_WAIT: "visits with a wait", Kind.RETURN_RATE: "patients followed",
             Kind.COMPLAINT_COUNT: "complaints", Kind.COMPLAINT_RATE: "visits",
             Kind.ACK_WITHIN_WORKING_DAYS: "complaints due", Kind.RESOLVED_WITHIN_DAYS:
             "complaints due", Kind.MEDIAN_DAYS_TO_RESOLVE: "resolved complaints",
             Kind.OPEN_COMPLAINTS: "complaints"}


def n_counts(kind: str) -> str:
    """What a KPI kind's n counts ('visits', 'responses'), '' when not known."""
    return _N_COUNTS.get(kind, "")


def format_n(n: Any, counts: str = "") -> str:
    """The n a value rests on ('n = 1,234', with what it counts: 'n = 1,234 visits'), or ''
    when unknown."""
    if is_missing(n):
        return ""
    return f"n = {int(n):,}" + (f" {counts}" if counts else "")


def value_text(row: Any, threshold: int = SUPPRESSION_THRESHOLD, compact: bool = False) -> str:
    """A KPI row's value for display: the withheld message, 'no data', or the value with unit."""
    if bool(row["suppressed"]):
        return suppressed_text(threshold)
    return format_value(row["value"], row["unit"], compact)


def detail_text(row: Any, counts: str = "") -> str:
    """A KPI row's n (with what it `counts`) and interval, joined ('n = 412 responses · 95 % CI
    78.0 to 85.1 %'); '' if withheld."""
    if bool(row["suppressed"]):
        return ""
    parts = [format_n(row["n"], counts), format_interval(row["ci_low"], row["ci_high"], row["unit"])]
    return " · ".join(p for p in parts if p)


_UNIT_LABELS = {Unit.PERCENT: "%", Unit.COUNT: "count", Unit.PER_1000: "per 1,000 visits",
                Unit.MINUTES: "minutes", Unit.DAYS: "days", Unit.SCORE: "score (0-100)",
                Unit.NPS: "score (-100 to 100)", Unit.STARS: "stars (1-5)"}


def unit_label(unit: str) -> str:
    """The unit in words, for axis and column titles."""
    return _UNIT_LABELS.get(unit, unit)


def unit_words(unit: str) -> str:
    """The unit spelled out wholly, for a file read away from the dashboard: 'percent', 'per
    1,000 visits', 'minutes'."""
    return "percent" if unit == Unit.PERCENT else unit_label(unit)


def markdown_plain(text: Any) -> str:
    """Data text (a department name, a question) made literal for a markdown element."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def html_plain(text: Any) -> str:
    """Data text made literal for plotly's labels, which read a little HTML (<b>, <a>)."""
    return html.escape(str(text), quote=False)
