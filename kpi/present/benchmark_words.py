"""The Benchmarks page in words: ordinal percentiles ("72nd percentile nationally"), stars, and
the tables it shows (no Streamlit, no arithmetic on the KPIs: the engine's rows formatted)."""

from __future__ import annotations

import pandas as pd

from kpi.hcahps.measures import BY_CODE, NO_STAR, STAR_LABEL
from kpi.hcahps.table import BenchmarkTable
from kpi.present.formatting import NO_DATA, format_number, is_missing, suppressed_text

WITHHELD = "withheld"
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 72nd, 99th."""
    suffix = "th" if 10 <= number % 100 <= 20 else _SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


def percentile_words(percentile, where: str) -> str:
    """'72nd percentile nationally' ('no data' without one)."""
    return NO_DATA if is_missing(percentile) else f"{ordinal(int(percentile))} percentile {where}"


def star_words(star) -> str:
    """'★★★★☆ 4 of 5' for a star, else the reason there is none."""
    if is_missing(star):
        return NO_STAR
    return f"{'★' * int(star)}{'☆' * (5 - int(star))} {int(star)} of 5"


def period_words(table: BenchmarkTable) -> str:
    """The benchmark named: source, discharge period and hospitals."""
    return (f"CMS HCAHPS hospital file, patients discharged {table.start} to {table.end}, "
            f"{table.content['hospitals']:,} hospitals")


def percentile_note(table: BenchmarkTable) -> str:
    """What a 'US percentile' column beside the KPIs means, with the benchmark named."""
    return (f"US percentile: where the row's top-box % of the HCAHPS-coded questions would sit "
            f"among US hospitals ({period_words(table)}), not adjusted for patient mix or survey "
            "mode as CMS's are; the Benchmarks page has the method.")


def _cell(row, column: str, text, threshold: int) -> str:
    """The cell's words, or why it is withheld."""
    if row.suppressed:
        return f"{WITHHELD} ({suppressed_text(threshold)})"
    return text(getattr(row, column))


def standing_table(rows: pd.DataFrame, state: str | None, threshold: int) -> pd.DataFrame:
    """One line per measure of the filter: label, top-box %, surveys, national and state
    percentile in words, star estimate (withheld cells say so)."""
    def in_state(value) -> str:
        return percentile_words(value, f"in {state}") if state else "no state set"

    columns = {"top-box %": ("top_box", lambda v: format_number(v, "%")),
               "surveys": ("surveys", lambda v: f"{int(v):,}"),
               "nationally": ("national_percentile", lambda v: percentile_words(v, "nationally")),
               f"in {state or 'the state'}": ("state_percentile", in_state),
               "star estimate": ("measure_star", star_words)}
    return pd.DataFrame([{"measure": BY_CODE[row.measure].label,
                          **{name: _cell(row, column, text, threshold)
                             for name, (column, text) in columns.items()}}
                         for row in rows.itertuples()])


def percentile_cell(row) -> str:
    """One row's national percentile as '72nd' (or 'withheld', or 'no data')."""
    if row.suppressed:
        return WITHHELD
    return NO_DATA if is_missing(row.national_percentile) else ordinal(int(row.national_percentile))


def department_grid(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Departments x measures: each cell the national percentile as '72nd' (or 'withheld',
    or 'no data')."""
    cells = [(names.get(r.department_id, r.department_id), BY_CODE[r.measure].label,
              percentile_cell(r)) for r in rows.itertuples()]
    frame = pd.DataFrame(cells, columns=["department", "measure", "percentile"])
    order = list(dict.fromkeys(frame.measure))
    return frame.pivot(index="department", columns="measure", values="percentile")[order]


def percentile_columns(rows: pd.DataFrame, headers: dict[str, str]) -> dict[str, dict[str, str]]:
    """For a table beside other KPIs: '<header>: US percentile' -> department id ('' for a row
    not grouped by department) -> its percentile cell, for the measures of `headers` (code ->
    a short name) that the rows hold."""
    return {f"{header}: US percentile": {r.department_id: percentile_cell(r)
                                         for r in rows.itertuples() if r.measure == code}
            for code, header in headers.items() if code in set(rows.measure)}


def summary_words(rows: pd.DataFrame) -> str:
    """The summary star estimate with its label, or why there is none."""
    stars = rows.summary_star.dropna()
    if not stars.empty:
        return f"Summary star: {star_words(stars.iloc[0])} ({STAR_LABEL})."
    if rows.suppressed.any():
        return f"No summary star: a measure is {WITHHELD}, and the summary would carry its star."
    if len(rows) < len(BY_CODE):
        return ("No summary star: it needs all eight HCAHPS measures, and the question "
                f"catalog codes {len(rows)}.")
    return f"No summary star: every measure needs a star ({NO_STAR} on at least one)."
