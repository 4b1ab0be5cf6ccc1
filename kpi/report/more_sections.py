"""The board pack's sections after the KPIs: key drivers (priority matrix and fix-first lists)
and the top themes of the patients' comments (counts only: no comment's text is written)."""

from __future__ import annotations

from kpi.comments.custom import comment_themes
from kpi.comments.match import ThemeFinder
from kpi.engine.breakdowns import patient_comments
from kpi.engine.drivers import OUTCOMES, key_drivers
from kpi.errors import UsageError
from kpi.present.driver_chart import priority_matrix
from kpi.present.drivers import (
    METHOD,
    NO_DRIVERS,
    NO_FIX_FIRST,
    OUTCOME_NAMES,
    driver_label,
    fix_first,
    fix_first_rows,
    priority_table,
    withheld_words,
)
from kpi.report.context import Report
from kpi.report.page import esc, section_html, table_html

THEME_COMMENTS = 200_000  # comments read for the themes (newest first)
TOP_THEMES = 10


def drivers(r: Report) -> str:
    """Key drivers of the overall rating (matrix of the questions) and fix-first lists for both
    outcomes, the domains' importance; withheld below the settings' minimum of respondents."""
    minimum = r.settings.driver_min_respondents
    found = key_drivers(r.con, r.flt, minimum)
    parts = []
    for outcome in OUTCOMES:
        table = priority_table(found, outcome)
        note = withheld_words(found, outcome, minimum)
        parts.append(f"<h3>What goes with {esc(OUTCOME_NAMES[outcome])}</h3>")
        if table.empty:
            parts.append(f'<p class="note">{esc(note or NO_DRIVERS)}</p>')
            continue
        if outcome == OUTCOMES[0]:
            parts.append(r.figures.html(priority_matrix(
                table, f"Priority matrix: questions and {OUTCOME_NAMES[outcome]}")))
        chosen = fix_first(table)
        rows = fix_first_rows(chosen)
        parts.append("<p><strong>Fix first</strong></p>" + (table_html(
            list(rows.columns), rows.itertuples(index=False),
            numbers=("Rank", "Top box", "Respondents")) if len(rows) else
            f'<p class="note">{esc(NO_FIX_FIRST)}</p>'))
        if note:
            parts.append(f'<p class="note">{esc(note)}</p>')
    domains = found[(found["level"] == "domain") & ~found["suppressed"].astype(bool)
                    & found["importance"].notna()]
    if len(domains):
        wide = domains.pivot_table(index="driver_id", columns="outcome", values="importance")
        parts.append("<h3>Domains</h3>" + table_html(
            ["Domain", *[f"Importance: {OUTCOME_NAMES[o]}" for o in OUTCOMES if o in wide]],
            [(driver_label({"level": "domain", "driver_id": d}),
              *[f"{wide.loc[d, o]:.2f}" for o in OUTCOMES if o in wide])
             for d in wide.sort_values(wide.columns[0], ascending=False).index],
            numbers=[f"Importance: {OUTCOME_NAMES[o]}" for o in OUTCOMES]))
    parts.append(f'<p class="note">{esc(METHOD)}</p>')
    return section_html("drivers", "Key drivers: what to fix first", "".join(parts))


def themes(r: Report) -> str | None:
    """How many of the filter's comments mention each theme (the top TOP_THEMES), departments
    with few surveys left out as on the pages; absent without comments or comment access."""
    if r.comments is None:
        return None
    try:
        found = patient_comments(r.con, r.comments, limit=THEME_COMMENTS)
    except UsageError:
        return None
    if found.shown.empty:
        return None
    known = comment_themes()
    finder = ThemeFinder(known)
    counts: dict[str, int] = {}
    for text, times in found.shown["comment"].value_counts().items():
        for theme_id in finder.themes(text):
            counts[theme_id] = counts.get(theme_id, 0) + int(times)
    total = len(found.shown)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_THEMES]
    body = table_html(["Theme", "Comments", "Share of comments"],
                      [(known[t].label, f"{n:,}", f"{100 * n / total:.0f} %") for t, n in top],
                      numbers=("Comments", "Share of comments"))
    withheld = (f" Comments of {len(found.withheld_departments):,} department(s) with fewer "
                "surveys than the small-cell threshold are left out." if found.withheld_departments
                else "")
    return section_html("themes", "What patients write about: top comment themes",
                        body + f'<p class="note">{total:,} comments in this filter; a comment '
                        f"may mention several themes. Counts only: no comment is quoted."
                        f"{esc(withheld)}</p>")
