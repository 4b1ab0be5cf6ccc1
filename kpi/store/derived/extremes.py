"""The earliest and latest date of each source's date columns, as SQL."""

from __future__ import annotations

# Each source's date columns; the first one filters and groups the source.
SOURCE_DATES = {
    "visits": ("visits", ("visit_date",)),
    "patient_survey": ("patient_responses", ("response_date",)),
    "complaints": ("complaints", ("received_date", "acknowledged_date", "resolved_date")),
    "staff_survey": ("staff_responses", ("response_date",)),
}


def extremes_sql() -> str:
    """SQL rows (source, first, last): the earliest and latest date of each date column."""
    parts = [f"SELECT '{source}' AS source, min({column}) AS first, max({column}) AS last "
             f"FROM {table}"
             for source, (table, columns) in SOURCE_DATES.items() for column in columns]
    return " UNION ALL ".join(parts)
