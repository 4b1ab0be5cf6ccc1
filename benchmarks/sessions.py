"""Many people at once: N protocol-level sessions (benchmarks.stream_client) that all open the
Overview together, then each walks the recorded sequence of filter changes and page switches."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import numpy as np

from benchmarks.stream_client import Rerun, StreamSession

OWN_DEPARTMENT = "own department"  # stands for the department this session's person looks at
# The recorded sequence after the Overview opens: what a quality officer does in a morning.
# (kind, argument): a filter change sets a sidebar widget (label, shown values), a page
# change opens a page by its title, a tab opens a tab of the page by its label (counted with
# the page changes: both open something new to look at).
SEQUENCE = (
    ("filter", ("Period", ["Last 3 months"])),
    ("filter", ("Departments", [OWN_DEPARTMENT])),
    ("page", "Satisfaction"),
    ("tab", "Key drivers"),
    ("filter", ("Period", ["All dates"])),
    ("tab", "Comments"),
    ("page", "Complaints"),
    ("tab", "Worklist"),
    ("filter", ("Departments", [])),
    ("page", "Respect for time"),
    ("filter", ("Period", ["Last 12 months"])),
    ("page", "Overview"),
)
KINDS = ("open", "filter", "page")  # the kinds of timed steps; a tab counts as a page


@dataclass
class Step:
    """One timed step of one session."""

    session: int
    kind: str
    what: str
    seconds: float
    received_bytes: int
    error: str | None = None


def _department(session: StreamSession, number: int) -> str:
    """The session's own department: the busiest-first order is unknown to a client, so the
    sessions take the Departments options in turn (session 0 the first)."""
    options = session.options["Departments"]
    return options[number % len(options)]


async def _step(session: StreamSession, kind: str, argument, number: int) -> Rerun:
    if kind == "open":
        return await session.open()
    if kind == "page":
        return await session.go_to(argument)
    if kind == "tab":
        return await session.open_tab(argument)
    label, values = argument
    values = [_department(session, number) if v == OWN_DEPARTMENT else v for v in values]
    return await session.choose(label, values)


def _what(kind: str, argument) -> str:
    if kind == "filter":
        return f"{argument[0]}: {', '.join(argument[1]) or 'all'}"
    if kind == "tab":
        return f"tab {argument}"
    return argument or "Overview"


async def run_session(url: str, number: int, think: float, seed: int) -> list[Step]:
    """One person's session: open the Overview, then the recorded sequence with a think time
    of `think` x U(0.5, 1.5) seconds between steps; stops at the first failure."""
    pause = random.Random(seed * 1000 + number)
    steps: list[Step] = []
    try:
        async with StreamSession(url) as session:
            for kind, argument in (("open", None), *SEQUENCE):
                if steps:
                    await asyncio.sleep(think * pause.uniform(0.5, 1.5))
                if kind == "tab" and argument not in session.tabs:
                    continue  # this page shows no such tab for this filter (no data)
                rerun = await _step(session, kind, argument, number)
                error = "; ".join(rerun.exceptions) or None
                steps.append(Step(number, "page" if kind == "tab" else kind,
                                  _what(kind, argument), rerun.seconds, rerun.received_bytes,
                                  error))
                if error:
                    return steps
    except Exception as err:  # a dropped connection or timeout counts as the step's error
        steps.append(Step(number, "error", "session", float("nan"), 0,
                          f"{type(err).__name__}: {err}"[:300]))
    return steps


async def run_sessions(urls: list[str], count: int, think: float, seed: int) -> list[Step]:
    """`count` sessions at once (all open the Overview together), session n on server
    n mod len(urls) (a sticky balancer); every step of every one."""
    runs = await asyncio.gather(*(run_session(urls[n % len(urls)], n, think, seed)
                                  for n in range(count)))
    return [step for steps in runs for step in steps]


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and max of the timings (NaN when there are none; linear interpolation)."""
    if not seconds:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "max": float("nan")}
    return {"n": len(seconds), "p50": float(np.percentile(seconds, 50)),
            "p95": float(np.percentile(seconds, 95)), "max": float(max(seconds))}


def summarise(steps: list[Step]) -> dict:
    """Per kind of step (open, filter, page): n, p50, p95, max of the good steps; errors with
    their first messages."""
    good = [s for s in steps if s.error is None]
    errors = [s for s in steps if s.error is not None]
    return {"steps": len(steps), "errors": len(errors),
            "error_messages": sorted({s.error for s in errors})[:5],
            **{kind: percentiles([s.seconds for s in good if s.kind == kind]) for kind in KINDS},
            "received_mb": sum(s.received_bytes for s in steps) / 2**20}
