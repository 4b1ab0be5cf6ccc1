"""Survey answer scales of the data contract: valid codes, top box, linear 0-100 values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """One answer scale: integer codes low..high, a default top box, a linear 0-100 mapping."""

    name: str
    low: int
    high: int
    default_top_box: int

    def is_valid(self, answer: float) -> bool:
        """True when the answer is a whole code within the scale."""
        return float(answer).is_integer() and self.low <= answer <= self.high

    def linear(self, answer: float) -> float:
        """The answer's linear 0-100 value: 100 * (a - low) / (high - low)."""
        return 100.0 * (answer - self.low) / (self.high - self.low)

    def is_top_box(self, answer: float, top_box_min: float | None = None) -> bool:
        """True when the answer reaches the top box (the question's override, else the scale's)."""
        return answer >= top_box_threshold(self, top_box_min)


SCALES: dict[str, Scale] = {s.name: s for s in (
    Scale("frequency4", 1, 4, 4),
    Scale("yesno", 0, 1, 1),
    Scale("rating0_10", 0, 10, 9),
    Scale("recommend4", 1, 4, 4),
    Scale("agree5", 1, 5, 4),
    Scale("experience5", 1, 5, 4),
)}

NPS_SCALE = "rating0_10"
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


def top_box_threshold(scale: Scale, top_box_min: float | None) -> float:
    """The lowest answer that counts as top box: the question's override, else the default."""
    return scale.default_top_box if top_box_min is None else top_box_min


def scales_sql_values() -> str:
    """A SQL VALUES list (name, low, high, default_top_box) of every scale, for joins."""
    rows = ", ".join(f"('{s.name}', {s.low}, {s.high}, {s.default_top_box})"
                     for s in SCALES.values())
    return f"(VALUES {rows}) AS scales(scale, low, high, default_top_box)"
