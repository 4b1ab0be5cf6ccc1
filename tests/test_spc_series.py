"""SPC on the engine's monthly series: the demo hospital's stories are flagged, and the CLI."""

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import resolve_kpis
from kpi.demo.plan import DemoStory
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.series import SPC_COLUMNS, spc_detail, spc_details, spc_for_kpi
from kpi.spc.targets import target_for
from tests.support.demo_test_helpers import built_demo

pytestmark = pytest.mark.slow  # the demo at scale 1, where every story shows: about 4 s
END = date(2026, 11, 15)
STORY = DemoStory(months=())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from built_demo(tmp_path_factory.mktemp("spc") / "demo.duckdb", END, scale=1.0)


def series(con, kpi_id, department, **kw):
    """The complete months of a department's chart (END's month, November, is provisional)."""
    table = spc_for_kpi(con, kpi_id, Filter(departments=(department,)), Settings(), **kw)
    assert table["provisional"].tolist() == [False] * (len(table) - 1) + [True]
    return table[~table["provisional"]].reset_index(drop=True)


def test_ed_wait_deterioration_is_a_concern(demo):
    table = series(demo[1], "median_wait_minutes", STORY.ed_department)
    last = table.tail(3)
    assert set(last["variation"]) == {"concern"}
    assert "outside_limits" in set(last["rule"])


def test_improving_department_shows_improvement(demo):
    table = series(demo[1], "patient_satisfaction", STORY.improving_department)
    assert set(table.tail(6)["variation"]) == {"improvement"}
    assert table.loc[0, "chart"] == "p"


def test_complaint_spike_is_outside_the_limits(demo):
    table = spc_for_kpi(demo[1], "complaint_count", Filter(), Settings())
    spike = table.loc[table["rule"] == "outside_limits", "month"].tolist()
    assert spike == ["2026-03"]          # 8 months before the end month (2026-11)
    assert table.set_index("month").loc["2026-03", "variation"] == "concern"


def test_stable_department_is_common_cause(demo):
    table = series(demo[1], "patient_satisfaction", STORY.stable_department)
    assert set(table["variation"]) == {"common"}
    assert table["rule"].eq("").all()
    assert len(table) == 35 and not table["trial_limits"].any()


def test_rebasing_at_the_programme_start_gives_two_segments(demo):
    start = date(2025, 4, 1)            # 18 months before 2026-11 is 2025-05: rebase a month early
    table = series(demo[1], "patient_satisfaction", STORY.improving_department, rebase=[start])
    before = table[table["month"] < "2025-04"]["centre"].unique()
    after = table[table["month"] >= "2025-04"]["centre"].unique()
    assert len(before) == 1 and len(after) == 1 and after[0] > before[0]


def test_cli_writes_one_row_per_month(demo, tmp_path):
    out = tmp_path / "spc.csv"
    done = subprocess.run([sys.executable, "-m", "kpi", "--db", str(demo[0]), "spc", "--kpi",
                           "median_wait_minutes", "--department", "ED", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(SPC_COLUMNS)
    assert len(lines) == 1 + 36


@pytest.mark.parametrize("args, code, message", [
    (["--kpi", "no_such_kpi"], 2, "unknown KPI"),
    (["--kpi", "nps", "--department", "NOPE"], 2, "NOPE"),
    (["--kpi", "nps", "--start", "2024-02-30"], 2, "2024-02-30"),
])
def test_cli_rejections(demo, args, code, message):
    done = subprocess.run([sys.executable, "-m", "kpi", "--db", str(demo[0]), "spc", *args,
                           "--out", "-"], capture_output=True, text=True)
    assert done.returncode == code
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("kpi_id, targets, expected", [
    ("patient_satisfaction", {}, 70.0),                          # the catalog default
    ("patient_satisfaction", {"patient_satisfaction": 82.5}, 82.5),
    ("nps", {}, None),                                           # no default
    ("visits", {"visits": 100.0}, None),                         # neutral KPIs have no target
])
def test_target_for(demo, kpi_id, targets, expected):
    assert target_for(resolve_kpis(demo[1], [kpi_id])[0], Settings(targets=targets)) == expected


def test_target_reaches_the_verdict(demo):
    never = spc_for_kpi(demo[1], "seen_within_15_minutes", Filter(departments=("ED",)),
                        Settings(targets={"seen_within_15_minutes": 99.0}))
    assert set(never["assurance"]) == {"never met"} and set(never["target"]) == {99.0}


@pytest.mark.parametrize("department", [STORY.ed_department, None])
def test_several_kpis_in_one_call_equal_each_kpi_alone(demo, department):
    kpi_ids = ["patient_satisfaction", "nps", "complaints_per_1000_visits", "staff_engagement",
               "seen_within_15_minutes", "median_wait_minutes"]
    flt = Filter(departments=(department,) if department else (), start=date(2025, 1, 1))
    settings = Settings(targets={"nps": 40.0}, run_length=6)
    together = spc_details(demo[1], kpi_ids, flt, settings)
    assert list(together) == sorted(kpi_ids)
    for kpi_id in kpi_ids:
        alone = spc_detail(demo[1], kpi_id, flt, settings)
        pd.testing.assert_frame_equal(together[kpi_id], alone)
        assert len(alone) == 23  # January 2025 to November 2026
