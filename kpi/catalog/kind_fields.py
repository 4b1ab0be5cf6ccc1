"""The fields a KPI is declared with (the catalog's entries are frozen objects of this class)."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.catalog.kinds import Direction, Kind, Source, Unit


@dataclass(frozen=True)
class Kpi:
    """One KPI: what it is called, what it means, and how the engine computes it.

    `kind` names the computation; `domain`/`audience` select survey questions; `days` is the
    return window (return_rate), working days (ack) or calendar days (resolved); `minutes`
    the wait limit; `min_n` the small-cell threshold (0 = never suppressed); `chart_kind`
    the kind whose values the KPI's control chart plots instead (None: the KPI's own).
    `description` says what the KPI is in plain words; `method` (optional) names the
    statistics behind it, shown behind a "How is this calculated" expander.
    """

    id: str
    label: str
    area: str
    unit: Unit
    direction: Direction
    source: Source
    kind: Kind
    description: str
    domain: str | None = None
    audience: str | None = None
    days: int | None = None
    minutes: int | None = None
    min_n: int = 0
    chart_kind: Kind | None = None
    method: str = ""

    @property
    def definition(self) -> str:
        """The description followed by the method: the whole definition, for files and the
        command line."""
        return f"{self.description} {self.method}".strip()
