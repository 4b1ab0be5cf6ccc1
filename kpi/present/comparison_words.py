"""Words of a comparison with the same period a year earlier: coloured only when significant."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.present.formatting import format_change

VS_YEAR_EARLIER = "vs a year earlier"
NO_SIGNIFICANT_CHANGE = "no significant change"
NOT_TESTED_WORDS = "not tested"


def cohort_words(start: date, end: date, days: int) -> str:
    """The cohort a return rate follows: 'first seen Dec 2024 - Nov 2025, followed 12 months'
    (or '90 days' when the window is not a whole number of years)."""
    follow = f"{days // 365 * 12} months" if days % 365 == 0 else f"{days} days"
    return f"first seen {start:%b %Y} - {end:%b %Y}, followed {follow}"


def change_text(change: pd.Series, unit: str) -> tuple[str, bool]:
    """The change in words and whether to colour it (only a significant change of a KPI with
    a direction): '+1.05 vs a year earlier (worse)', '-0.1: no significant change' (short
    enough for a tile; the year-earlier value is written below it), '+2.0 vs a year earlier
    (not tested)'."""
    number = f"{format_change(change['change'], unit)} {VS_YEAR_EARLIER}"
    if change["significant"] is None or pd.isna(change["significant"]):
        return f"{number} ({NOT_TESTED_WORDS})", False
    if not change["significant"]:
        return f"{format_change(change['change'], unit)}: {NO_SIGNIFICANT_CHANGE}", False
    verdict = {True: "better", False: "worse"}.get(change["improved"])
    return (f"{number} ({verdict})", True) if verdict else (f"{number} (significant)", False)
