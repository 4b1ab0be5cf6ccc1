"""The earliest and latest date of each source's date columns, as SQL."""

from __future__ import annotations

from kpi.store.schema import table_sql

# Each source's date columns; the first one filters and groups the source.
SOURCE_DATES = {
    "visits": ("visits", ("visit_date",)),
    "patient_survey": ("patient_responses", ("response_date",)),
    "complaints": ("complaints", ("received_date", "acknowledged_date", "resolved_date")),
    "staff_survey": ("staff_responses", ("response_date",)),
    "reviews": ("reviews", ("review_date", "response_date")),
}


def extremes_sql(con=None) -> str:
    """SQL rows (source, first, last): the earliest and latest date of each date column
    (with `con`, a table a later version added is read as empty where it is missing)."""
    parts = [f"SELECT '{source}' AS source, min({column}) AS first, max({column}) AS last "
             f"FROM {table if con is None else table_sql(con, table)}"
             for source, (table, columns) in SOURCE_DATES.items() for column in columns]
    return " UNION ALL ".join(parts)
