"""The eight CMS HCAHPS measures a question may be coded with, and their columns in the CMS file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """One HCAHPS measure stem: its label and its measure ids in the CMS file (top-box %,
    linear mean score, star rating)."""

    code: str
    label: str
    top_box_id: str

    @property
    def linear_id(self) -> str:
        """The CMS measure id of its linear mean score."""
        return f"{self.code}_LINEAR_SCORE"

    @property
    def star_id(self) -> str:
        """The CMS measure id of its star rating."""
        return f"{self.code}_STAR_RATING"


MEASURES: tuple[Measure, ...] = (
    Measure("H_COMP_1", "Nurse communication", "H_COMP_1_A_P"),
    Measure("H_COMP_2", "Doctor communication", "H_COMP_2_A_P"),
    Measure("H_COMP_5", "Communication about medicines", "H_COMP_5_A_P"),
    Measure("H_COMP_6", "Discharge information", "H_COMP_6_Y_P"),
    Measure("H_CLEAN", "Cleanliness", "H_CLEAN_HSP_A_P"),
    Measure("H_QUIET", "Quietness", "H_QUIET_HSP_A_P"),
    Measure("H_HSP_RATING", "Hospital rating (9 or 10)", "H_HSP_RATING_9_10"),
    Measure("H_RECMND", "Would recommend (definitely yes)", "H_RECMND_DY"),
)
MEASURE_CODES = tuple(m.code for m in MEASURES)
BY_CODE = {m.code: m for m in MEASURES}
SUMMARY_STAR_ID = "H_STAR_RATING"

# The summary star averages these six: each composite alone, cleanliness with quietness, and
# the hospital rating with would-recommend (each pair first averaged).
STAR_GROUPS: tuple[tuple[str, ...], ...] = (
    ("H_COMP_1",), ("H_COMP_2",), ("H_COMP_5",), ("H_COMP_6",),
    ("H_CLEAN", "H_QUIET"), ("H_HSP_RATING", "H_RECMND"),
)
# The global measures (the hospital rated, recommended), with short names: the Overview's
# department table shows their US percentile beside the overall-rating and recommend KPIs.
GLOBAL_MEASURES = {"H_HSP_RATING": "Rating 9-10", "H_RECMND": "Recommend"}
STAR_LABEL = "unadjusted estimate: CMS adjusts for patient mix and survey mode"
NO_STAR = "not enough surveys for a star"
STAR_MIN_SURVEYS = 100  # CMS gives stars only with at least 100 completed surveys
