"""Targets per KPI: the catalog's defaults, overridden by the organisation's settings file."""

from __future__ import annotations

from kpi.catalog.kinds import Direction
from kpi.catalog.kpis import Kpi
from kpi.settings import Settings

# Defaults a hospital would start from; each can be changed in settings.toml [targets].
# HCAHPS national top-box averages are near 70 % for the rating and recommend items;
# NHS England expects complaints acknowledged within 3 working days.
DEFAULT_TARGETS: dict[str, float] = {
    "patient_satisfaction": 70.0,
    "recommend_top_box": 70.0,
    "ack_within_3_working_days": 90.0,
    "resolved_within_7_days": 50.0,
    "staff_engagement": 60.0,
    "seen_within_15_minutes": 50.0,
}


def target_for(kpi: Kpi, settings: Settings) -> float | None:
    """The KPI's target: the settings file's, else the catalog default, else None."""
    if kpi.direction == Direction.NEUTRAL:
        return None
    return settings.targets.get(kpi.id, DEFAULT_TARGETS.get(kpi.id))
