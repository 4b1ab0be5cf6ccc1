"""The committed benchmark tables (one JSON file per CMS edition, made by kpi.hcahps.derive):
the benchmark period, the star cut points and the national and state distributions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kpi.errors import PxError
from kpi.hcahps.stars import mid_rank_percentile

DATA_DIR = Path(__file__).parent / "data"
NATION = "US"  # the region key of the national distribution
TOP_BOX, LINEAR_MEAN = "top_box", "linear_mean"


@dataclass(frozen=True)
class BenchmarkTable:
    """One CMS edition: its file name, the period it covers and its parsed content."""

    name: str
    start: str
    end: str
    content: dict

    @property
    def period(self) -> str:
        """The benchmark period as the benchmark CSV writes it: 'start..end'."""
        return f"{self.start}..{self.end}"

    def states(self) -> list[str]:
        """The states (and territories) with at least one hospital in the table."""
        regions = {r for m in self.content["measures"].values() for r in m[TOP_BOX]["counts"]}
        return sorted(regions - {NATION})

    def cut_points(self, code: str) -> list[int]:
        """The lowest linear mean of 2, 3, 4 and 5 stars for one measure in this edition."""
        return list(self.content["star_cut_points"][code])

    def counts(self, code: str, kind: str = TOP_BOX, region: str = NATION) -> dict[int, int]:
        """{value: hospitals} of one measure's top-box % (or linear mean) in one region (empty
        for a state without hospitals)."""
        dense = self.content["measures"][code][kind]["counts"].get(region)
        if not dense:
            return {}
        low, hospitals = dense[0], dense[1:]
        return {low + i: n for i, n in enumerate(hospitals) if n}

    def percentile(self, code: str, value: float, region: str = NATION,
                   kind: str = TOP_BOX) -> int | None:
        """The mid-rank percentile (1..99) of a value among the region's hospitals."""
        return mid_rank_percentile(value, self.counts(code, kind, region))


def edition_files() -> list[Path]:
    """The committed editions, oldest period first (their names start with the period)."""
    return sorted(DATA_DIR.glob("hcahps_*.json"))


@cache
def read_table(path: Path) -> BenchmarkTable:
    """One edition's table from its JSON file."""
    content = json.loads(path.read_text(encoding="utf-8"))
    return BenchmarkTable(path.name, content["period"]["start"], content["period"]["end"], content)


def current_table() -> BenchmarkTable:
    """The newest committed edition (PxError when none is committed)."""
    files = edition_files()
    if not files:
        raise PxError(f"no HCAHPS benchmark table in {DATA_DIR}")
    return read_table(files[-1])
