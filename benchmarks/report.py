"""The results as one table: each measurement, its figure per scale, the target, pass/miss."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

TARGET_SCALE = 25.0
ENGINE_SECONDS = 0.5
SPEEDUP = 20.0
ENGINE_RSS_MB = 1.5 * 1024
INGEST_ROWS_PER_SECOND = 1_000_000
MONTHLY_SECONDS = 10.0
BROWSER_SECONDS = {"warm reload": 2.0, "filter change": 1.5}


@dataclass
class Row:
    """One measurement: (number, text) per scale, the target in words and its check."""

    label: str
    target: str = ""
    ok: Callable[[float], bool] | None = None
    cells: dict[float, tuple[float, str]] = field(default_factory=dict)

    def verdict(self, scale: float | None) -> str:
        """pass / miss at the target scale ('' when there is no target or no figure)."""
        if self.ok is None or scale is None or scale not in self.cells:
            return ""
        value = self.cells[scale][0]
        return "" if math.isnan(value) else ("pass" if self.ok(value) else "MISS")


class Table:
    """Rows in the order they are first added."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}

    def add(self, scale: float, label: str, value: float, text: str, target: str = "",
            ok: Callable[[float], bool] | None = None) -> None:
        """Set one cell (the row is created on first use)."""
        row = self.rows.setdefault(label, Row(label, target, ok))
        row.cells[scale] = (value, text)


def _seconds(timing: dict | None) -> tuple[float, str]:
    if not timing:
        return math.nan, "-"
    return timing["median"], f"{timing['median']:.3f} s (first {timing['first']:.2f})"


def _agreement(engine: dict, pandas: dict) -> tuple[float, str]:
    """KPI fingerprints (rows, sum of values, sum of n) that differ between the two sides."""
    theirs = {(p["scenario"], p["page"]): p["fingerprints"] for p in pandas["pages"]}
    compared = differ = 0
    for page in engine["pages"]:
        for mine, other in zip(page["fingerprints"], theirs.get((page["scenario"], page["page"]),
                                                              [])):
            for kpi_id in set(mine) | set(other):
                compared += 1
                a, b = mine.get(kpi_id), other.get(kpi_id)
                if a is None or b is None or not all(
                        math.isclose(x, y, rel_tol=1e-7, abs_tol=1e-7) for x, y in zip(a, b)):
                    differ += 1
    if not compared:
        return math.nan, "none compared"
    return differ, f"{differ} of {compared} differ"


def _stopped_page_seconds(pandas: dict | None, page: dict) -> float | None:
    """How long the pandas baseline had been computing this page when it was stopped (a lower
    bound of its time; only with one run a page), else None."""
    unfinished = (pandas or {}).get("unfinished") or {}
    if (unfinished.get("scenario"), unfinished.get("page")) != (page["scenario"], page["page"]):
        return None
    return unfinished.get("seconds") if unfinished.get("runs") == 1 else None


def add_scale(table: Table, result: dict) -> None:
    """Every measurement of one scale's result into the table."""
    s = result["scale"]
    ingest = result["ingest"]
    table.add(s, "ingest: rows (all files)", ingest["rows"], f"{ingest['rows']:,}")
    table.add(s, "ingest: seconds", ingest["seconds"], f"{ingest['seconds']:.1f} s")
    table.add(s, "ingest: rows per second", ingest["rows_per_second"],
              f"{ingest['rows_per_second']:,.0f}", ">= 1,000,000",
              lambda v: v >= INGEST_ROWS_PER_SECOND)
    if ingest.get("phases"):
        table.add(s, "ingest: read / check / load / after the load", ingest["seconds"],
                  " / ".join(f"{v:.1f}" for v in ingest["phases"].values()) + " s")
    table.add(s, "ingest: peak RSS", ingest["peak_rss_mb"], f"{ingest['peak_rss_mb']:,.0f} MB")
    _add_monthly(table, s, result.get("monthly"))
    table.add(s, "database size", ingest["db_mb"], f"{ingest['db_mb']:,.0f} MB")
    engine, pandas = result["engine"], result.get("pandas")
    theirs = {(p["scenario"], p["page"]): p for p in (pandas or {}).get("pages", [])}
    for page in engine["pages"]:
        name = f"{page['page']}, {page['scenario']}"
        value, text = _seconds(page["kpis"])
        table.add(s, f"engine: {name} ({page['calls']} calls)", value, text,
                  f"<= {ENGINE_SECONDS} s", lambda v: v <= ENGINE_SECONDS)
        if page["readers"]:
            table.add(s, f"engine breakdown reads: {name}", *_seconds(page["readers"]))
        other = theirs.get((page["scenario"], page["page"]))
        if not page["calls"]:
            continue  # a page that asks the engine nothing: no time to compare
        if other:
            table.add(s, f"pandas: {name}", other["kpis"]["median"],
                      f"{other['kpis']['median']:.2f} s")
            ratio = other["kpis"]["median"] / page["kpis"]["median"]
            table.add(s, f"speedup pandas/engine: {name}", ratio, f"{ratio:.1f}x",
                      f">= {SPEEDUP:g}x", lambda v: v >= SPEEDUP)
        elif stopped_at := _stopped_page_seconds(pandas, page):
            table.add(s, f"pandas: {name}", math.nan, f"over {stopped_at:,.0f} s (stopped)")
            least = stopped_at / page["kpis"]["median"]
            table.add(s, f"speedup pandas/engine: {name}",
                      least if least >= SPEEDUP else math.nan, f"over {least:,.0f}x",
                      f">= {SPEEDUP:g}x", lambda v: v >= SPEEDUP)
    table.add(s, "engine: peak RSS", engine["peak_rss_mb"], f"{engine['peak_rss_mb']:,.0f} MB",
              f"<= {ENGINE_RSS_MB:,.0f} MB", lambda v: v <= ENGINE_RSS_MB)
    if pandas:
        load = pandas["load"]
        table.add(s, "pandas: load tables into memory", load["seconds"],
                  f"{load['seconds']:.1f} s ({load['rows']:,} rows)")
        table.add(s, "pandas: RSS after the load", load["peak_rss_mb"],
                  f"{load['peak_rss_mb']:,.0f} MB")
        table.add(s, "pandas: peak RSS", pandas["peak_rss_mb"],
                  f"{pandas['peak_rss_mb']:,.0f} MB")
        table.add(s, "pandas: pages computed", len(pandas["pages"]),
                  f"{len(pandas['pages'])} of {len(engine['pages'])}"
                  + (f" ({pandas['stopped']})" if pandas.get("stopped") else ""))
        table.add(s, "engine vs pandas: KPI results that differ", *_agreement(engine, pandas),
                  "0", lambda v: v == 0)
    for what, seconds in (result.get("browser") or {}).items():
        limit = next((v for k, v in BROWSER_SECONDS.items() if what.startswith(k)), None)
        table.add(s, f"browser: {what}", seconds, f"{seconds:.2f} s",
                  f"<= {limit} s" if limit else "report",
                  (lambda v, limit=limit: v <= limit) if limit else None)


def _add_monthly(table: Table, s: float, monthly: dict | None) -> None:
    """The monthly load on top of the history, beside the full rebuild of the same database."""
    if not monthly:
        return
    table.add(s, "monthly load: rows (last whole month)", monthly["rows"],
              f"{monthly['rows']:,}")
    table.add(s, "monthly load on top: seconds", monthly["seconds"],
              f"{monthly['seconds']:.1f} s", f"<= {MONTHLY_SECONDS:g} s",
              lambda v: v <= MONTHLY_SECONDS)
    if monthly.get("phases"):
        table.add(s, "monthly load: read / check / load / after the load", monthly["seconds"],
                  " / ".join(f"{v:.1f}" for v in monthly["phases"].values()) + " s")
    table.add(s, "monthly: full rebuild of the derived tables (baseline)",
              monthly["full_rebuild_seconds"], f"{monthly['full_rebuild_seconds']:.1f} s")


def verdict_scale(scales: list[float]) -> float | None:
    """The scale the targets are judged at: the largest measured one at or above 25."""
    judged = [s for s in scales if s >= TARGET_SCALE]
    return max(judged) if judged else None


def render(table: Table, scales: list[float], markdown: bool = False) -> str:
    """The table as aligned text, or as a Markdown table."""
    judged = verdict_scale(scales)
    verdict_head = f"at scale {judged:g}" if judged else f"(targets: scale {TARGET_SCALE:g})"
    head = ["measurement", *[f"scale {s:g}" for s in scales], "target", verdict_head]
    body = [[r.label, *[r.cells.get(s, (0, "-"))[1] for s in scales], r.target,
             r.verdict(judged)] for r in table.rows.values()]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in [head, *body])
