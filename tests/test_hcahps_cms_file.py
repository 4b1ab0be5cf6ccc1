"""The benchmark table and the star rules against the CMS file itself
(/work/shared/data/cms_hcahps_2025, or $PX_CMS_HCAHPS): skipped where the file is absent, as on
a clean clone in CI (the committed table is tested on its own in tests/test_hcahps.py)."""

import os
from pathlib import Path

import pandas as pd
import pytest

from kpi.hcahps.derive import derive_table
from kpi.hcahps.measures import BY_CODE, MEASURES, SUMMARY_STAR_ID
from kpi.hcahps.stars import measure_star, summary_star
from kpi.hcahps.table import current_table

CMS_FILE = Path(os.environ.get(
    "PX_CMS_HCAHPS",
    "/work/shared/data/cms_hcahps_2025/HCAHPS-Hospital-2024Q3-2025Q2.csv.gz"))
pytestmark = pytest.mark.skipif(
    not CMS_FILE.exists(),
    reason=f"the CMS HCAHPS file is not here ({CMS_FILE}; set PX_CMS_HCAHPS): the raw file is "
           "never in the repository")


@pytest.fixture(scope="module")
def cms() -> pd.DataFrame:
    return pd.read_csv(CMS_FILE, dtype=str, keep_default_na=False)


def _numbers(cms, measure_id: str, column: str) -> pd.DataFrame:
    """Facility, state and numeric value of one measure id, read here without kpi.hcahps."""
    rows = cms[cms["HCAHPS Measure ID"] == measure_id].copy()
    rows["value"] = pd.to_numeric(rows[column], errors="coerce")
    return rows.dropna(subset=["value"]).set_index("Facility ID")


def _direct(values: pd.Series, x: float) -> int:
    """The mid-rank percentile computed straight from the hospitals' values."""
    below, equal = int((values < x).sum()), int((values == x).sum())
    share = 100 * (2 * below + equal) / (2 * len(values))
    return min(99, max(1, int(share + 0.5)))  # half up (no value lands a hair from .5 here)


@pytest.mark.parametrize("code", ["H_COMP_1", "H_COMP_6", "H_CLEAN", "H_QUIET", "H_HSP_RATING",
                                  "H_RECMND"])
@pytest.mark.parametrize("region", ["US", "MA", "CA", "VT"])
def test_percentiles_match_a_direct_computation_on_the_file(cms, code, region):
    values = _numbers(cms, BY_CODE[code].top_box_id, "HCAHPS Answer Percent")
    if region != "US":
        values = values[values.State == region]
    table = current_table()
    for x in (0, 45, 60.5, 72, 72.4, 80, 88.25, 95, 100, *values.value.sample(5, random_state=1)):
        assert table.percentile(code, x, region) == _direct(values.value, x), (code, region, x)


def test_every_cms_measure_star_follows_from_the_cut_points(cms):
    table, checked = current_table(), 0
    for m in MEASURES:
        stars = _numbers(cms, m.star_id, "Patient Survey Star Rating").value
        means = _numbers(cms, m.linear_id, "HCAHPS Linear Mean Value").value
        both = pd.concat([stars.rename("star"), means.rename("mean")], axis=1, join="inner")
        cuts = table.cut_points(m.code)
        ours = both["mean"].map(lambda v, cuts=cuts: measure_star(v, cuts))
        assert (ours == both.star).all(), both[ours != both.star]
        checked += len(both)
    assert checked == 8 * 3176


def test_the_summary_rule_reproduces_every_cms_summary_star(cms):
    """From CMS's own measure stars, the summary rule gives CMS's published summary star for
    every one of the 3,176 hospitals that have one (no exception)."""
    published = _numbers(cms, SUMMARY_STAR_ID, "Patient Survey Star Rating").value
    stars = {m.code: _numbers(cms, m.star_id, "Patient Survey Star Rating").value
             for m in MEASURES}
    ours = {f: summary_star({code: s.get(f) for code, s in stars.items()}) for f in published.index}
    wrong = {f: (ours[f], published[f]) for f in published.index if ours[f] != published[f]}
    assert len(published) == 3176 and not wrong


@pytest.mark.slow
def test_the_committed_table_is_what_the_command_derives(tmp_path):
    assert derive_table(CMS_FILE) == current_table().content
