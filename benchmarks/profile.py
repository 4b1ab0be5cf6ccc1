"""What the time goes to: DuckDB's EXPLAIN ANALYZE of a page's slowest statement."""

from __future__ import annotations

import json
from pathlib import Path

from kpi.store.connect import open_readonly

TOP_OPERATORS = 6
DETAIL_KEYS = ("Table", "Conditions", "Groups", "Aggregates", "Join Type")


def _operators(node: dict):
    """Every operator of a JSON plan, depth first."""
    yield node
    for child in node.get("children", []):
        yield from _operators(child)


def _detail(extra: dict) -> str:
    parts = []
    for key in DETAIL_KEYS:
        if key in extra:
            value = extra[key]
            parts.append(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
    return "; ".join(parts)[:160]


def explain_analyze(db: Path, sql: str, params: dict | None, out: Path) -> dict:
    """Run the statement under EXPLAIN (ANALYZE, FORMAT JSON) on a fresh read-only connection;
    the whole plan goes to `out`, the summary (wall seconds, peak buffer memory, the operators
    with the most thread time) is returned."""
    con = open_readonly(db)
    try:
        plan = json.loads(con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql,
                                      params).fetchall()[0][1])
    finally:
        con.close()
    out.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    operators = [op for root in plan["operator"] for op in _operators(root)]
    cpu = sum(op.get("timing", 0.0) for op in operators) or 1.0
    top = sorted(operators, key=lambda op: -op.get("timing", 0.0))[:TOP_OPERATORS]
    return {"seconds": plan["query"]["total_time"],
            "peak_buffer_mb": plan["system"]["peak_buffer_memory"] / 2**20,
            "plan_file": str(out),
            "operators": [{"name": op["name"], "rows": op.get("intermediate_rows", 0),
                           "thread_seconds": op.get("timing", 0.0),
                           "share": op.get("timing", 0.0) / cpu,
                           "detail": _detail(op.get("extra_info", {}))} for op in top]}


def profile_misses(db: Path, engine: dict, limit_seconds: float, folder: Path,
                   worst: int = 3) -> list[dict]:
    """For the `worst` pages whose median exceeds the limit: where the page's time goes
    (SQL vs the rest) and the plan of its slowest statement."""
    missed = sorted((p for p in engine["pages"] if p["kpis"]["median"] > limit_seconds),
                    key=lambda p: -p["kpis"]["median"])[:worst]
    profiles = []
    for page in missed:
        profile, slowest = page["profile"], page["profile"]["slowest"]
        name = f"{page['page']}-{page['scenario']}".lower()
        out = folder / ("plan-" + "".join(c if c.isalnum() else "-" for c in name) + ".json")
        profiles.append({"page": page["page"], "scenario": page["scenario"],
                         "median": page["kpis"]["median"], "profiled_total": profile["total"],
                         "sql_seconds": profile["sql"], "statements": profile["statements"],
                         "heaviest": profile["heaviest"],
                         "slowest_seconds": slowest["seconds"], "slowest_sql": slowest["sql"],
                         "plan": explain_analyze(db, slowest["sql"], slowest["params"], out)})
    return profiles


def render_profiles(profiles: list[dict]) -> str:
    """The profiles in words: the page's SQL share and its slowest statement's busiest operators."""
    lines = []
    for p in profiles:
        plan = p["plan"]
        lines += [f"{p['page']}, {p['scenario']}: median {p['median']:.2f} s; one profiled run "
                  f"{p['profiled_total']:.2f} s; its {p['statements']} statements took "
                  f"{p['sql_seconds']:.2f} s together (those of different sources side by "
                  "side, so the sum may pass the run's time; the rest is Python/pandas).",
                  "  statements that took longest together (same SQL text):",
                  *[f"    {h['seconds']:6.2f} s {h['count']:3d}x  {h['sql']}"
                    for h in p["heaviest"]],
                  f"  slowest statement {p['slowest_seconds']:.2f} s; under EXPLAIN ANALYZE "
                  f"{plan['seconds']:.2f} s, peak buffer {plan['peak_buffer_mb']:,.0f} MB "
                  f"(plan: {plan['plan_file']}):",
                  *[f"    {op['share']:4.0%} of thread time  {op['name']}  "
                    f"{op['rows']:,} rows  {op['detail']}" for op in plan["operators"]],
                  "  statement: " + " ".join(p["slowest_sql"].split())[:300]]
    return "\n".join(lines)
