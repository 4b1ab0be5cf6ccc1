"""Key drivers for the reader: each driver's label and quadrant of the priority matrix
(importance vs performance, cut at the shown drivers' means) and the ranked "fix first" list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kpis import domain_kpi

FIX_FIRST, KEEP, MONITOR, MAINTAIN = "fix first", "keep", "monitor", "maintain"
# Quadrant -> what it means, for the legend and the reader.
QUADRANTS = {
    FIX_FIRST: "goes strongly with the outcome and scores below the others: improve these first",
    KEEP: "goes strongly with the outcome and scores well: protect these strengths",
    MONITOR: "goes less with the outcome and scores below the others: watch, lower priority",
    MAINTAIN: "goes less with the outcome and scores well: keep as it is",
}
OUTCOME_NAMES = {"overall": "the overall rating", "recommend": "would recommend"}
LEVEL_NAMES = {"question": "Questions", "domain": "Domains"}
FIX_FIRST_SHOWN = 5
NO_DRIVERS = "No driver has answers with some variation in this filter."
NO_FIX_FIRST = "No driver is both above the mean importance and below the mean top-box %."
METHOD = ("Importance: Spearman's rank correlation between a patient's answer to the question "
          "(or mean score on the domain) and their answer to the outcome, over the respondents "
          "who answered both, with its 95 % interval. Performance: the top-box % in this filter. "
          "The lines cut at the mean importance and mean top-box % of the drivers shown. A "
          "correlation says what goes together, not what causes what.")


def driver_label(row) -> str:
    """A driver's name: the question's text (its id when it has none), or the domain's name."""
    if row["level"] == "domain":
        return domain_kpi(row["driver_id"]).label.removesuffix(" top-box %")
    text = row["question_text"]
    return row["driver_id"] if text is None or pd.isna(text) or not str(text).strip() else str(text)


def priority_table(drivers: pd.DataFrame, outcome: str, level: str = "question") -> pd.DataFrame:
    """The drivers of one outcome and level that have an importance and a top-box % (not
    withheld), with their label and quadrant; strongest first."""
    rows = drivers[(drivers["outcome"] == outcome) & (drivers["level"] == level)
                   & ~drivers["suppressed"].astype(bool)
                   & drivers["importance"].notna() & drivers["top_box"].notna()]
    rows = rows.assign(label=[driver_label(r) for r in rows.to_dict("records")])
    importance_cut, performance_cut = cut_lines(rows)
    high = rows["importance"] >= importance_cut
    low_score = rows["top_box"] < performance_cut
    quadrant = np.select([high & low_score, high, low_score], [FIX_FIRST, KEEP, MONITOR], MAINTAIN)
    return rows.assign(quadrant=quadrant).reset_index(drop=True)


def cut_lines(rows: pd.DataFrame) -> tuple[float, float]:
    """Where the matrix is cut: the mean importance and the mean top-box % of the rows (nan
    when there are none)."""
    if rows.empty:
        return float("nan"), float("nan")
    return float(rows["importance"].mean()), float(rows["top_box"].mean())


def fix_first(table: pd.DataFrame, limit: int = FIX_FIRST_SHOWN) -> pd.DataFrame:
    """The "fix first" drivers of a priority_table, ranked: strongest importance first (the
    lower top-box % first on a tie), at most `limit`, with their rank from 1."""
    chosen = table[table["quadrant"] == FIX_FIRST].sort_values(
        ["importance", "top_box"], ascending=[False, True], kind="stable").head(limit)
    return chosen.assign(rank=range(1, len(chosen) + 1)).reset_index(drop=True)


def withheld_words(drivers: pd.DataFrame, outcome: str, minimum: int) -> str | None:
    """Why an outcome's drivers are (partly) missing, or None when every driver is shown."""
    rows = drivers[drivers["outcome"] == outcome]
    if rows.empty or not rows["suppressed"].astype(bool).any():
        return None
    every = bool(rows["suppressed"].astype(bool).all())
    return (f"{'Key drivers are' if every else 'Some drivers are'} withheld: fewer than "
            f"{minimum:,} respondents answered both the question and {OUTCOME_NAMES[outcome]} "
            "in this filter.")


def fix_first_rows(chosen: pd.DataFrame) -> pd.DataFrame:
    """A fix_first list as the reader sees it: rank, driver, importance with its interval,
    top-box % and respondents, as text."""
    return pd.DataFrame({
        "Rank": chosen["rank"].astype(int).astype(str),
        "Driver": chosen["label"],
        "Importance (95 % interval)": [f"{r:.2f} ({lo:.2f} to {hi:.2f})" for r, lo, hi in
                                       zip(chosen["importance"], chosen["ci_low"], chosen["ci_high"])],
        "Top box": [f"{v:.0f} %" for v in chosen["top_box"]],
        "Respondents": [f"{int(n):,}" for n in chosen["n"]],
    })
