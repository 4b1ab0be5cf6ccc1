"""The demo's stories, found with plain SQL on the base tables (not the KPI engine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.demo.build import build_demo, demo_story
from tests.support.demo_test_helpers import END, query

STORY = demo_story(END)
STORY_SCALE = 0.2


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("stories") / "px.duckdb"
    build_demo(path, seed=7, scale=STORY_SCALE, end=END)
    return path


def monthly_top_box(db, audience_domain: str, question_filter: str) -> pd.DataFrame:
    """Top-box % per department and month (rows: month start, columns: department)."""
    table = "patient" if audience_domain == "patient" else "staff"
    df = query(db, f"""
        SELECT r.department_id, date_trunc('month', r.response_date) AS month,
               100 * avg(CASE WHEN q.scale = 'rating0_10' THEN (a.answer >= 9)::INT
                              ELSE (a.answer >= 4)::INT END) AS top_box
        FROM {table}_responses r JOIN {table}_answers a USING (response_id)
        JOIN questions q USING (question_id)
        WHERE {question_filter}
        GROUP BY ALL""")
    return df.pivot(index="month", columns="department_id", values="top_box").sort_index()


@pytest.fixture(scope="module")
def overall(db):
    return monthly_top_box(db, "patient", "q.domain = 'overall'")


@pytest.fixture(scope="module")
def engagement(db):
    return monthly_top_box(db, "staff", "q.domain = 'engagement'")


def test_story_dates_for_an_end_in_november_2026():
    assert STORY.start == pd.Timestamp("2023-12-01").date()
    assert STORY.ed_decline_start.isoformat() == "2026-06-01"
    assert STORY.programme_start.isoformat() == "2025-05-01"
    assert STORY.spike_month.isoformat() == "2026-03-01"
    assert (STORY.ed_department, STORY.improving_department, STORY.small_unit,
            STORY.stable_department, STORY.spike_category) == ("ED", "MED", "PALL", "CARD",
                                                               "billing")


def test_ed_median_wait_rises_month_by_month_over_the_last_six_months(db):
    waits = query(db, """
        SELECT date_trunc('month', visit_date) AS month, median(wait_minutes) AS wait
        FROM visits WHERE department_id = 'ED' GROUP BY 1 ORDER BY 1""").set_index("month").wait
    decline = waits[waits.index >= pd.Timestamp(STORY.ed_decline_start)]
    before = waits[waits.index < pd.Timestamp(STORY.ed_decline_start)]
    assert len(decline) == 6
    assert (np.diff(waits.iloc[-7:].to_numpy()) > 0).all()
    assert decline.iloc[-1] > 1.5 * before.median()
    assert before.max() < decline.iloc[1]
    assert (before.max() - before.min()) < 0.2 * before.median()


def test_ed_satisfaction_falls_with_the_waits(overall):
    ed = overall["ED"]
    late = ed[ed.index >= pd.Timestamp(STORY.ed_decline_start)].mean()
    early = ed[ed.index < pd.Timestamp(STORY.ed_decline_start)].mean()
    assert late < early - 8
    assert np.polyfit(np.arange(6), ed.iloc[-6:].to_numpy(), 1)[0] < 0


@pytest.mark.parametrize("measure", ["overall", "engagement"])
def test_improving_department_rises_after_its_staff_programme(request, measure):
    med = request.getfixturevalue(measure)[STORY.improving_department]
    start = pd.Timestamp(STORY.programme_start)
    before, after = med[med.index < start], med[med.index >= start]
    assert after.iloc[-6:].mean() > before.mean() + 12
    assert np.polyfit(np.arange(len(after)), after.to_numpy(), 1)[0] > 0.5
    assert abs(np.polyfit(np.arange(len(before)), before.to_numpy(), 1)[0]) < 1


def test_stable_department_shows_common_cause_noise_only(overall):
    card = overall[STORY.stable_department]
    assert abs(card.iloc[:12].mean() - card.iloc[-12:].mean()) < 8
    assert abs(np.polyfit(np.arange(len(card)), card.to_numpy(), 1)[0]) < 0.3


def test_complaints_spike_in_the_billing_month(db):
    months = query(db, """
        SELECT date_trunc('month', received_date) AS month, count(*) AS n,
               count(*) FILTER (WHERE category = 'billing') AS billing
        FROM complaints GROUP BY 1 ORDER BY 1""").set_index("month")
    spike = months.loc[pd.Timestamp(STORY.spike_month)]
    others = months.drop(pd.Timestamp(STORY.spike_month))
    assert spike.n >= 3 * months.n.median()
    assert spike.billing > 0.6 * spike.n
    assert others.n.max() < 2 * months.n.median()


def test_small_unit_has_monthly_survey_counts_under_the_threshold(db):
    counts = query(db, """
        SELECT date_trunc('month', response_date) AS month, count(*) AS n
        FROM patient_responses WHERE department_id = ?
        GROUP BY 1""", [STORY.small_unit]).n
    assert counts.sum() > 11
    assert ((counts >= 1) & (counts <= 10)).sum() >= 30


def test_staff_engagement_tracks_patient_satisfaction_across_departments(db):
    by_department = query(db, """
        WITH patient AS (
          SELECT r.department_id, avg((a.answer >= 9)::INT) AS satisfied
          FROM patient_responses r JOIN patient_answers a USING (response_id)
          WHERE a.question_id = 'Q_OVERALL_RATING' GROUP BY 1),
        staff AS (
          SELECT r.department_id, avg((a.answer >= 4)::INT) AS engaged
          FROM staff_responses r JOIN staff_answers a USING (response_id)
          JOIN questions q USING (question_id) WHERE q.domain = 'engagement' GROUP BY 1)
        SELECT * FROM patient JOIN staff USING (department_id)""")
    assert len(by_department) == 12
    assert np.corrcoef(by_department.satisfied, by_department.engaged)[0, 1] > 0.6
