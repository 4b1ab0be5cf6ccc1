"""docs/kpis.md, generated from the catalog: run `python -m kpi.catalog.docs` to rewrite it."""

from __future__ import annotations

from pathlib import Path

from kpi.catalog.kinds import Unit
from kpi.catalog.kpis import Kpi, declared_kpis
from kpi.settings import MIN_N_REASONS
from kpi.stats import SUPPRESSION_THRESHOLD, Z95

DOCS_PATH = Path("docs/kpis.md")
UNIT_WORDS = {Unit.PERCENT: "percent (0-100)", Unit.COUNT: "count",
              Unit.PER_1000: "per 1,000 visits", Unit.MINUTES: "minutes", Unit.DAYS: "days",
              Unit.SCORE: "score (0-100)", Unit.NPS: "NPS (-100..100)",
              Unit.STARS: "stars (1-5)"}

INTRO = f"""# KPI catalog

Generated from `kpi/catalog/kpis.py` by `python -m kpi.catalog.docs`; do not edit by hand (a test
checks that this file equals the generator's output). Every tile, chart, table and CSV export
computes these KPIs through one engine (`kpi/engine/`).

- A KPI is computed for a filter (departments, service lines, sites, an inclusive date
  window) and optionally by department and/or calendar month; each group is computed as if
  it were the whole filter (what is withheld excepted, below).
- Nothing to count means no value (empty), never 0.
- Intervals are 95 % (z = {Z95}): Wilson for shares, the NPS interval for a single-question
  NPS, exact Poisson (Garwood) for the rate per 1,000, Student's t for the mean review
  rating; none for the other means, medians, counts, multi-question domains or an NPS
  averaged over several questions.
- Survey KPIs with 0 < n < {SUPPRESSION_THRESHOLD} are withheld (value, ratio, n and interval).
- Complementary suppression: wherever a withheld cell sits beside a shown total (a
  department beside the whole filter, a month beside its department's or the hospital's
  total), further cells are withheld, the next smallest n first, until no withheld n,
  numerator or value can be worked out by subtraction. The decision is made once per date
  window and KPI, on every department x month with their totals, and every tile, table,
  chart and export takes it; a filter's own totals are shown only where they follow from
  cells shown anyway. So a group may be withheld although its own n is large. Not
  covered: differences between two date windows. See `docs/privacy.md`.
- Working days are Monday to Friday, less the public holidays of the optional `holidays`
  file (without it, weekends only).

Verdicts (control charts, comparisons, attention; details in `docs/verdicts.md`):
- A month is complete when its source's as-of date (and the window's end) reaches its last
  day; the incomplete month is drawn hollow as "provisional (to DATE)" and never judged.
- Limits and rules come from every complete month up to the window's end; the window's start
  only chooses the months shown.
- A point whose n is below its KPI kind's minimum for a verdict (below) is "too few to judge";
  an XmR series with fewer than 5 possible values of its measurement unit between the limits
  is "chunky" (Wheeler) and fires no rule.
- One verdict per series (the latest complete month's signal) feeds the tile badge, the
  attention list and the CSV; changes are tested against the same period a year earlier (95 %)
  and departments are placed on a funnel (flagged only outside 99.8 %).
"""


def _computation(k: Kpi) -> str:
    parts = [f"kind `{k.kind}`"]
    for field in ("domain", "audience", "days", "minutes"):
        value = getattr(k, field)
        if value is not None:
            parts.append(f"{field} `{value}`")
    if k.chart_kind is not None:
        parts.append(f"its control chart plots kind `{k.chart_kind}`")
    return ", ".join(parts)


def _verdict(k: Kpi) -> str:
    minimum, reason = MIN_N_REASONS.get(k.kind, (0, "no minimum set"))
    if not minimum:
        return f"judged at any n ({reason})"
    return f"judged when n >= {minimum:,} ({reason})"


def _section(k: Kpi) -> str:
    suppression = (f"withheld when 0 < n < {k.min_n}" if k.min_n else "never withheld")
    return (f"### `{k.id}`: {k.label}\n\n{k.definition}\n\n"
            f"- area: {k.area}; unit: {UNIT_WORDS[k.unit]} (`{k.unit}`); "
            f"better: {k.direction}\n"
            f"- source: `{k.source}`; computed as {_computation(k)}; {suppression}\n"
            f"- verdict: {_verdict(k)}\n")


def render_markdown() -> str:
    """The whole of docs/kpis.md."""
    kpis = declared_kpis()
    table = ["| id | label | area | unit | better |", "|---|---|---|---|---|"]
    table += [f"| `{k.id}` | {k.label} | {k.area} | `{k.unit}` | {k.direction} |" for k in kpis]
    sections = "\n".join(_section(k) for k in kpis)
    return f"{INTRO}\n## Summary\n\n" + "\n".join(table) + f"\n\n## Definitions\n\n{sections}"


def main() -> None:
    """Rewrite docs/kpis.md from the catalog."""
    DOCS_PATH.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {DOCS_PATH}")


if __name__ == "__main__":
    main()
