"""The CSV files that leave the app: the contract's KPI snapshot (one writer for the CLI and the
dashboard's download), the complaints worklist and the patients' comments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from numbers import Real
from typing import TextIO

import pandas as pd

from kpi.csv_cells import csv_text, number_cell, text_cell
from kpi.engine import COLUMNS, compute
from kpi.filters import Filter
from kpi.present.comments import TABLE_COLUMNS as COMMENT_COLUMNS
from kpi.present.formatting import unit_words, value_text
from kpi.spc.months import last_complete_month

FILTER_COLUMNS = ["filter_departments", "filter_service_lines", "filter_sites"]
DISPLAY_COLUMNS = ["value_display", "unit_label"]
SNAPSHOT_COLUMNS = [*COLUMNS, "generated_at", *FILTER_COLUMNS, "provisional", *DISPLAY_COLUMNS]
WORKLIST_COLUMNS = ["complaint_id", "department_id", "department", "received_date", "category",
                    "severity", "owner", "outcome", "ack_due", "acknowledged_date", "response_due",
                    "resolved_date", "status", "overdue_working_days", "age_days"]
WORKLIST_NUMBERS = ("overdue_working_days", "age_days")
# Excel reads a CSV file as UTF-8 only when it starts with this byte order mark.
EXCEL_BOM = "\ufeff"
ALL = Filter()  # every department, the whole window
NUMBER_COLUMNS = ("value", "numerator", "denominator", "n", "ci_low", "ci_high")


def now_iso() -> str:
    """The current local time as an ISO timestamp with its UTC offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _cell(column: str, value) -> str:
    if column in NUMBER_COLUMNS and (value is None or isinstance(value, Real) or value is pd.NA):
        return number_cell(value)
    return text_cell(value.item() if hasattr(value, "item") else value)


def provisional_rows(df: pd.DataFrame) -> list[bool]:
    """Per engine row: True when its month is incomplete (after the last month complete by
    both its source's as_of and the window's end); False for rows not grouped by month."""
    return [isinstance(month, str) and month > (last_complete_month(as_of, end) or month)
            for month, as_of, end in zip(df["month"], df["data_as_of"], df["end"])]


def filter_cells(flt: Filter) -> dict[str, str]:
    """The filter that made a snapshot: its department ids, service lines and sites, each joined
    by ';' (empty for all)."""
    return dict(zip(FILTER_COLUMNS, (";".join(flt.departments), ";".join(flt.service_lines),
                                     ";".join(flt.sites))))


def display_cells(df: pd.DataFrame) -> dict[str, list[str]]:
    """Per engine row: the value as the dashboard shows it (rounded, with its unit, or the
    withheld or no-data words) and the unit spelled out."""
    rows = df[["suppressed", "value", "unit"]].to_dict("records")
    return {"value_display": [value_text(row) for row in rows],
            "unit_label": [unit_words(row["unit"]) for row in rows]}


def snapshot_csv(df: pd.DataFrame, generated_at: str | None = None, flt: Filter = ALL,
                 excel: bool = False) -> str:
    """The snapshot CSV text of an engine result computed for flt (generated_at: an ISO
    timestamp, else now); for Excel, led by the UTF-8 byte order mark."""
    stamp = generated_at or now_iso()
    frame = df.assign(generated_at=stamp, **filter_cells(flt), provisional=provisional_rows(df),
                      **display_cells(df))[SNAPSHOT_COLUMNS]
    text = csv_text(SNAPSHOT_COLUMNS, ([_cell(c, v) for c, v in zip(SNAPSHOT_COLUMNS, row)]
                                       for row in frame.itertuples(index=False, name=None)))
    return EXCEL_BOM + text if excel else text


def write_snapshot(out: TextIO, con, kpi_ids: Sequence[str] | None, flt: Filter,
                   group_by: Sequence[str] = (), generated_at: str | None = None,
                   excel: bool = False) -> None:
    """Compute the KPIs (every KPI when kpi_ids is empty) and write the snapshot CSV to out
    (for Excel: led by the UTF-8 byte order mark)."""
    out.write(snapshot_csv(compute(con, kpi_ids or None, flt, group_by), generated_at, flt,
                           excel))


def snapshot_file_name(flt: Filter, what: str = "snapshot") -> str:
    """A file name that names the filter: px-snapshot-ED-2026-01-01-to-2026-11-30.csv (all
    departments when unfiltered; ids, service lines and sites kept to safe characters)."""
    chosen = [*flt.departments, *flt.service_lines, *flt.sites]
    words = "+".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", w) for w in chosen)[:60] or "all"
    window = f"{flt.start or 'first'}-to-{flt.end or 'last'}"
    return f"px-{what}-{words}-{window}.csv"


def worklist_csv(frame: pd.DataFrame, excel: bool = False) -> str:
    """The complaints worklist (kpi.present.worklist.readable rows) as CSV through the
    formula-safe cells: codes as words, dates ISO, numbers as numbers (for Excel, led by the
    UTF-8 byte order mark)."""
    return _table_csv(frame, WORKLIST_COLUMNS, WORKLIST_NUMBERS, excel)


def comments_csv(table: pd.DataFrame, excel: bool = False) -> str:
    """Comments (kpi.present.comments.comment_table rows: masked text) as CSV through the
    formula-safe cells: a comment starting with = + - @ is prefixed with ', one holding a line
    break is quoted; the score as a number (for Excel, led by the UTF-8 byte order mark)."""
    return _table_csv(table, COMMENT_COLUMNS, ("score",), excel)


def _table_csv(frame: pd.DataFrame, columns: list[str], numbers: Sequence[str],
               excel: bool) -> str:
    """These columns of the frame as CSV: number cells for `numbers`, text cells otherwise."""
    rows = frame[columns].itertuples(index=False, name=None)
    text = csv_text(columns, ([number_cell(v) if c in numbers else text_cell(v)
                               for c, v in zip(columns, row)] for row in rows))
    return EXCEL_BOM + text if excel else text
