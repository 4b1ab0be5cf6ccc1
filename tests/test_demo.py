"""The demo database: deterministic, scales linearly, valid against the contract, private."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pytest

from kpi.cli import main
from kpi.demo.build import build_demo, demo_story
from kpi.demo.hospital import (
    COMMENTS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    SURVEY_MODES,
    VISIT_TYPES,
)
from kpi.scoring import SCALES, scales_sql_values
from kpi.store.connect import open_readonly
from kpi.store.meta import read_meta
from tests.support.demo_test_helpers import END, query, share_salt, sorted_tables
from tests.support.demo_test_helpers import SMALL_SCALE as SCALE

START = date(2023, 12, 1)      # first day of the month 35 months before END's month


def test_same_seed_and_end_give_identical_data_another_seed_differs(recent_demo, tmp_path):
    path, _ = recent_demo
    again, other = tmp_path / "again.duckdb", tmp_path / "other.duckdb"
    share_salt(path, again)
    share_salt(path, other)
    build_demo(again, seed=7, scale=SCALE, end=END)
    build_demo(other, seed=8, scale=SCALE, end=END)
    first = sorted_tables(path)
    assert sorted_tables(again) == first
    different = sorted_tables(other)
    assert different["departments"] == first["departments"]
    assert different["visits"] != first["visits"]
    assert different["patient_answers"] != first["patient_answers"]


def test_returned_counts_match_the_tables_and_the_load_log(recent_demo):
    path, counts = recent_demo
    con = open_readonly(path)
    try:
        for table, rows in counts.items():
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows
        assert dict(con.execute("SELECT table_name, rows FROM loads WHERE source = 'demo'")
                    .fetchall()) == counts
        meta = read_meta(con)
    finally:
        con.close()
    assert set(counts) == {"departments", "questions", "visits", "patient_responses",
                           "patient_answers", "complaints", "staff_responses", "staff_answers",
                           "reviews"}
    assert (meta["is_demo"], meta["demo_seed"], meta["demo_scale"], meta["demo_end"]) == (
        "true", "7", "0.02", "2026-11-15")


def _volumes(path):
    """Rows per source outside the small unit (whose volume does not scale)."""
    return query(path, """
        SELECT (SELECT count(*) FROM visits WHERE department_id <> 'PALL') AS visits,
               (SELECT count(*) FROM patient_responses WHERE department_id <> 'PALL') AS surveys,
               (SELECT count(*) FROM staff_responses WHERE department_id <> 'PALL') AS staff,
               (SELECT count(*) FROM complaints WHERE department_id <> 'PALL') AS complaints
        """).iloc[0]


def test_volumes_grow_linearly_with_scale(recent_demo, tmp_path):
    path, _ = recent_demo
    double = tmp_path / "double.duckdb"
    build_demo(double, seed=7, scale=2 * SCALE, end=END)
    small, large = _volumes(path), _volumes(double)
    # 1,000,000 visits per 36 full months at scale 1; END cuts the last month at day 15 of 30.
    expected_visits = SCALE * 1_000_000 * (1 - 15 / 30 / 36)
    assert small["visits"] == pytest.approx(expected_visits, rel=0.03)
    assert small["surveys"] == pytest.approx(SCALE * 60_000, rel=0.1)
    assert small["staff"] == pytest.approx(SCALE * 10_000, rel=0.15)
    assert small["complaints"] == pytest.approx(SCALE * 4_000, rel=0.3)
    for column, tolerance in (("visits", 0.03), ("surveys", 0.1), ("staff", 0.15),
                              ("complaints", 0.35)):
        assert large[column] / small[column] == pytest.approx(2, rel=tolerance), column


def test_question_catalog_covers_every_scale_and_the_kpi_domains(recent_demo):
    q = query(recent_demo[0], "SELECT * FROM questions")
    patient, staff = q[q.audience == "patient"], q[q.audience == "staff"]
    assert set(patient.scale) == set(SCALES)
    assert 18 <= len(patient) <= 22
    assert patient.question_id.str.fullmatch(r"Q_[A-Z_]+").all()
    by_domain = patient.groupby("domain").scale.apply(sorted).to_dict()
    assert by_domain["overall"] == ["rating0_10"]
    assert by_domain["recommend"] == ["rating0_10", "recommend4"]
    assert by_domain["fft"] == ["experience5"]
    assert set(by_domain["discharge"]) == {"yesno"}
    assert {"communication", "responsiveness", "wait_time", "privacy", "environment",
            "empathy"} <= set(by_domain)
    assert staff.groupby("domain").scale.apply(sorted).to_dict() == {
        "engagement": ["agree5"] * 3, "wellbeing": ["agree5"] * 2,
        "recommend_workplace": ["rating0_10"]}
    assert q.top_box_min.isna().all()


def test_departments_span_service_lines_and_sites(recent_demo):
    d = query(recent_demo[0], "SELECT * FROM departments")
    assert len(d) == 12 and d.department_id.is_unique
    assert set(d.service_line) == {"Inpatient", "Outpatient", "Emergency"}
    assert 2 <= d.site.nunique() <= 3
    story = demo_story(END)
    assert {"ED", story.improving_department, story.small_unit,
            story.stable_department} <= set(d.department_id)


def test_dates_cover_36_months_ending_at_end(recent_demo):
    dates = query(recent_demo[0], """
        SELECT min(visit_date) AS lo, max(visit_date) AS hi,
               count(DISTINCT date_trunc('month', visit_date)) AS months,
               (SELECT max(greatest(received_date, acknowledged_date, resolved_date))
                FROM complaints) AS complaints_hi,
               (SELECT min(response_date) FROM staff_responses) AS staff_lo,
               (SELECT max(response_date) FROM patient_responses) AS survey_hi
        FROM visits""").iloc[0]
    assert (dates.lo.date(), dates.hi.date(), dates.months) == (START, END, 36)
    assert dates.complaints_hi.date() <= END and dates.survey_hi.date() <= END
    assert dates.staff_lo.date() >= START
    assert demo_story(END).months[0] == START and demo_story(END).months[-1] == date(2026, 11, 1)


@pytest.mark.parametrize("table", ["patient_answers", "staff_answers"])
def test_no_answer_outside_its_scale(recent_demo, table):
    bad = query(recent_demo[0], f"""
        SELECT count(*) AS n FROM {table} a JOIN questions q USING (question_id)
        JOIN {scales_sql_values()} USING (scale)
        WHERE a.answer < scales.low OR a.answer > scales.high""").n[0]
    assert bad == 0


def test_codes_and_links_follow_the_contract(recent_demo):
    path = recent_demo[0]
    checks = query(path, """
        SELECT
          (SELECT count(*) FROM visits WHERE wait_minutes < 0) AS negative_waits,
          (SELECT count(*) FROM complaints WHERE acknowledged_date < received_date
             OR resolved_date < received_date) AS early_dates,
          (SELECT count(*) FROM patient_responses r WHERE visit_id IS NOT NULL AND NOT EXISTS
             (SELECT 1 FROM visits v WHERE v.visit_id = r.visit_id
              AND v.visit_date = r.response_date AND v.department_id = r.department_id))
             AS broken_links,
          (SELECT count(*) - count(DISTINCT visit_id) FROM visits) AS duplicate_visits,
          (SELECT count(*) - count(DISTINCT response_id) FROM patient_responses) AS dup_responses
        """).iloc[0]
    assert checks.to_dict() == dict.fromkeys(checks.index, 0)
    values = query(path, """
        SELECT 'visit_type' AS col, visit_type AS v FROM visits UNION
        SELECT 'mode', mode FROM patient_responses UNION
        SELECT 'category', category FROM complaints UNION
        SELECT 'severity', severity FROM complaints""").groupby("col").v.apply(set)
    assert values["visit_type"] == set(VISIT_TYPES)
    assert values["mode"] == set(SURVEY_MODES)
    assert values["category"] == set(COMPLAINT_CATEGORIES)
    assert values["severity"] == set(COMPLAINT_SEVERITIES)


def test_no_raw_patient_key_in_the_database_file(recent_demo):
    data = recent_demo[0].read_bytes()
    assert re.search(rb"PK[0-9A-F]{16}", data) is None
    assert query(recent_demo[0], "SELECT count(DISTINCT patient_hash) AS n FROM visits").n[0] > 1000


def test_blanks_comments_and_modes_look_like_a_real_survey(recent_demo):
    path = recent_demo[0]
    s = query(path, """
        SELECT count(*) AS surveys, count(comment) AS comments, count(visit_id) AS linked,
          (SELECT count(*) FROM patient_answers) AS answers,
          (SELECT count(*) FROM questions WHERE audience = 'patient') AS questions,
          count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM patient_answers a
                                             WHERE a.response_id = r.response_id)) AS blank
        FROM patient_responses r""").iloc[0]
    blank_share = 1 - s.answers / (s.surveys * s.questions)
    assert 0.04 <= blank_share <= 0.07
    assert s.blank >= 1
    assert 0.25 <= s.comments / s.surveys <= 0.35
    assert 0.9 <= s.linked / s.surveys < 1


def test_comment_phrases_exercise_quoting_and_formula_guards():
    text = "".join(COMMENTS)
    for tricky in (",", '"', "\n", "\N{SMILING FACE WITH SMILING EYES}"):
        assert tricky in text
    assert any(c.startswith("=") for c in COMMENTS)
    assert not any(re.search(r"\d{5,}", c) for c in COMMENTS)


def test_patients_return_same_day_later_and_elsewhere(recent_demo):
    r = query(recent_demo[0], """
        WITH v AS (SELECT patient_hash, visit_date, department_id FROM visits)
        SELECT
          (SELECT count(*) FROM (SELECT patient_hash FROM v GROUP BY 1 HAVING count(*) > 1))
            / (SELECT count(DISTINCT patient_hash) FROM v) AS repeat_share,
          (SELECT count(*) FROM v a JOIN v b USING (patient_hash)
             WHERE a.visit_date = b.visit_date AND a.department_id < b.department_id)
            AS same_day_elsewhere,
          (SELECT count(*) FROM v a JOIN v b USING (patient_hash)
             WHERE b.visit_date BETWEEN a.visit_date + 1 AND a.visit_date + 365
               AND a.department_id <> b.department_id) AS later_elsewhere""").iloc[0]
    assert 0.15 <= r.repeat_share <= 0.5
    assert r.same_day_elsewhere > 0 and r.later_elsewhere > 0


def test_complaint_deadlines_are_neither_always_met_nor_never(recent_demo):
    c = query(recent_demo[0], "SELECT * FROM complaints")
    received = c.received_date.values.astype("datetime64[D]")
    deadline = np.busday_offset(received, 3, roll="backward")
    acked = c.acknowledged_date.values.astype("datetime64[D]")
    resolved = c.resolved_date.values.astype("datetime64[D]")
    in_time = (acked <= deadline).mean()
    resolved_7 = (resolved <= received + np.timedelta64(7, "D")).mean()
    assert 0.5 < in_time < 0.95
    assert 0.2 < resolved_7 < 0.7
    open_share = c.resolved_date.isna().groupby(c.received_date >= "2026-10-01").mean()
    assert 0 < open_share[False] < open_share[True] < 1


@pytest.mark.parametrize("scale", [0.001, 0.01])
def test_tiny_scales_build(tmp_path, scale):
    counts = build_demo(tmp_path / "tiny.duckdb", scale=scale, end=date(2024, 2, 29))
    assert counts["departments"] == 12 and counts["visits"] > 0


def test_end_defaults_to_today_and_the_cli_reports_rows(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "demo", "--scale", "0.001", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert f"built the demo database {db}" in out and "visits:" in out
    con = open_readonly(db)
    try:
        meta = read_meta(con)
    finally:
        con.close()
    assert meta["demo_end"] in {date.today().isoformat(),
                                (date.today() - timedelta(days=1)).isoformat()}
    assert meta["demo_seed"] == "3"
