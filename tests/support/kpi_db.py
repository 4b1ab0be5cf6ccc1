"""A tiny hand-made hospital database whose every KPI can be computed by hand (see kpi_cases)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from kpi.demo.build import build_demo
from kpi.store.connect import open_readonly
from kpi.store.derived import rebuild as derive
from kpi.store.salt import load_salt, patient_hash_sql
from kpi.store.swap import write_swap

DEPARTMENTS = """
INSERT INTO departments VALUES
  ('D1', 'Cardiology ward', 'Inpatient', 'North'),
  ('D2', 'Outpatient clinic', 'Outpatient', 'North'),
  ('D3', 'Emergency', 'Emergency', 'South')
"""

# COM2 and DIS are never answered; ENV's top box is raised to 5 by top_box_min. Six
# questions carry an HCAHPS measure code (hcahps_measure).
QUESTIONS = """
INSERT INTO questions (question_id, audience, domain, scale, question_text, top_box_min,
                       hcahps_measure) VALUES
  ('OVR', 'patient', 'overall', 'rating0_10', 'Overall rating', NULL, 'H_HSP_RATING'),
  ('REC4', 'patient', 'recommend', 'recommend4', 'Would you recommend', NULL, 'H_RECMND'),
  ('REC10', 'patient', 'recommend', 'rating0_10', 'How likely to recommend', NULL, NULL),
  ('COM1', 'patient', 'communication', 'frequency4', 'Nurses listened', NULL, 'H_COMP_1'),
  ('COM2', 'patient', 'communication', 'frequency4', 'Doctors explained', NULL, 'H_COMP_2'),
  ('PRV', 'patient', 'privacy', 'yesno', 'Privacy respected', NULL, NULL),
  ('ENV', 'patient', 'environment', 'agree5', 'The ward was clean', 5, 'H_CLEAN'),
  ('DIS', 'patient', 'discharge', 'yesno', 'Discharge information', NULL, 'H_COMP_6'),
  ('ENG1', 'staff', 'engagement', 'agree5', 'I look forward to work', NULL, NULL),
  ('WEL1', 'staff', 'wellbeing', 'agree5', 'I feel well at work', NULL, NULL),
  ('SREC', 'staff', 'recommend_workplace', 'rating0_10', 'Recommend as a workplace', NULL, NULL)
"""

# P1 returns on the leap day 2024-02-29 = 2023-03-01 + 365 days (in another department);
# P2 returns 366 days later (too late); P3 has two visits on one day (no return);
# P4 returns after 10 days; P5 is censored; P6 has two same-day visits; P7 sets as_of.
VISITS = [
    ("V01", "P1", "D1", "2023-03-01", 10), ("V02", "P1", "D2", "2024-02-29", 20),
    ("V03", "P2", "D1", "2023-03-01", 15), ("V04", "P2", "D1", "2024-03-01", None),
    ("V05", "P3", "D1", "2023-03-01", 30), ("V06", "P3", "D1", "2023-03-01", 5),
    ("V07", "P4", "D1", "2023-01-10", None), ("V08", "P4", "D1", "2023-01-20", None),
    ("V09", "P5", "D1", "2024-01-10", None), ("V10", "P5", "D1", "2024-01-20", None),
    ("V11", "P6", "D2", "2023-02-01", None), ("V12", "P6", "D2", "2023-02-01", None),
    ("V13", "P7", "D3", "2024-03-31", 0),
]

# as_of(complaints) = 2024-04-01 (C6's resolution). Weekdays: C1 Friday, C2 Saturday,
# C3 Thursday (leap day), C4 Monday, C5 Thursday, C6 Wednesday, C7 Monday.
# The contract's first columns (owner and outcome, optional, come after them).
INSERT_COMPLAINTS = ("INSERT INTO complaints (complaint_id, department_id, received_date, "
                     "category, severity, acknowledged_date, resolved_date) VALUES")
COMPLAINTS = f"""
{INSERT_COMPLAINTS}
  ('C1', 'D1', DATE '2024-03-01', 'communication', 'low', DATE '2024-03-06', DATE '2024-03-08'),
  ('C2', 'D1', DATE '2024-03-02', 'wait_time', 'low', DATE '2024-03-07', DATE '2024-03-10'),
  ('C3', 'D1', DATE '2024-02-29', 'clinical_care', 'high', NULL, NULL),
  ('C4', 'D2', DATE '2024-01-15', 'billing', NULL, DATE '2024-01-16', DATE '2024-01-20'),
  ('C5', 'D1', DATE '2024-03-28', 'privacy', NULL, DATE '2024-03-29', NULL),
  ('C6', 'D2', DATE '2023-12-20', 'access', 'moderate', DATE '2023-12-27', DATE '2024-04-01'),
  ('C7', 'D3', DATE '2024-02-05', 'other', NULL, DATE '2024-02-05', DATE '2024-02-06')
"""

# D1, January 2024: 100 answered surveys (R000-R099) and one blank survey (R100).
# D2: 10 surveys in February (one on the leap day), 11 in March.
PATIENT_SURVEYS = """
INSERT INTO patient_responses
  SELECT printf('R%03d', i), 'D1', DATE '2024-01-01' + (i % 31)::INT, NULL, 'web', NULL
  FROM range(100) t(i);
INSERT INTO patient_responses VALUES ('R100', 'D1', DATE '2024-01-31', NULL, 'mail', ' ');
INSERT INTO patient_answers
  SELECT printf('R%03d', i), 'OVR', CASE WHEN i < 60 THEN 9 ELSE 5 END FROM range(100) t(i)
  UNION ALL SELECT printf('R%03d', i), 'REC10', CASE WHEN i < 70 THEN 10 WHEN i < 90 THEN 8
                                                      ELSE 3 END FROM range(100) t(i)
  UNION ALL SELECT printf('R%03d', i), 'REC4', CASE WHEN i < 80 THEN 4 ELSE 3 END
            FROM range(100) t(i)
  UNION ALL SELECT printf('R%03d', i), 'COM1', CASE WHEN i < 50 THEN 4 ELSE 2 END
            FROM range(100) t(i)
  UNION ALL SELECT printf('R%03d', i), 'PRV', CASE WHEN i < 15 THEN 1 ELSE 0 END
            FROM range(20) t(i)
  UNION ALL SELECT printf('R%03d', i), 'ENV', CASE WHEN i < 10 THEN 5 ELSE 4 END
            FROM range(40) t(i);
INSERT INTO patient_responses
  SELECT printf('S%02d', i), 'D2', DATE '2024-02-20' + i::INT, NULL, NULL, NULL FROM range(10) t(i)
  UNION ALL
  SELECT printf('T%02d', i), 'D2', DATE '2024-03-01' + i::INT, NULL, NULL, NULL FROM range(11) t(i);
INSERT INTO patient_answers
  SELECT printf('S%02d', i), 'OVR', 10 FROM range(10) t(i)
  UNION ALL SELECT printf('T%02d', i), 'OVR', CASE WHEN i < 4 THEN 9 ELSE 6 END FROM range(11) t(i);
"""

# Seven comments (kpi_cases needs none: comments are no KPI). D1 in January 2024, D2 on
# 2024-02-20 (its 10 February surveys) and in March (11 surveys); search characters % _ \ ' ".
COMMENTS = {
    "R000": "The nurses were kind and explained everything.",  # 2024-01-01, overall 9
    "R001": "Excellent care, thank you",  # 2024-01-02, overall 9
    "R060": 'Parking cost 100% more than last year, "long wait" at the barrier',  # 01-30, 5
    "R061": "Ask for Dr Smith at the_desk, she was rude",  # 2024-01-31, overall 5
    "S00": "Parking was awful",  # 2024-02-20, overall 10
    "T00": "Lovely staff but the wait was long",  # 2024-03-01, overall 9
    "T04": "Noise at night: C:\\ward\\bay 4, I can't sleep",  # 2024-03-05, overall 6
}

# D1, February 2024: 12 staff surveys; wellbeing answered by 10 only. D2: one survey.
STAFF_SURVEYS = """
INSERT INTO staff_responses
  SELECT printf('W%02d', i), 'D1', DATE '2024-02-01' + i::INT FROM range(12) t(i)
  UNION ALL SELECT 'W12', 'D2', DATE '2024-03-05';
INSERT INTO staff_answers
  SELECT printf('W%02d', i), 'ENG1', CASE WHEN i < 5 THEN 5 WHEN i < 9 THEN 4 ELSE 2 END
  FROM range(12) t(i)
  UNION ALL SELECT printf('W%02d', i), 'WEL1', CASE WHEN i < 6 THEN 4 ELSE 3 END FROM range(10) t(i)
  UNION ALL SELECT printf('W%02d', i), 'SREC', CASE WHEN i < 6 THEN 10 WHEN i < 9 THEN 8 ELSE 5 END
            FROM range(12) t(i)
  UNION ALL SELECT 'W12', 'ENG1', 5;
"""


# as_of(reviews) = 2024-03-31 (G6's reply). G4 is a review of site North (D1 and D2), G5 of
# site South (D3 only); the others name their department (G2 its site as well).
REVIEWS = """
INSERT INTO reviews VALUES
  ('G1', 'google', NULL, 'D1', DATE '2024-01-05', 5, 'Dr Smith and the nurses were kind',
   DATE '2024-01-06'),
  ('G2', 'google', 'North', 'D1', DATE '2024-01-20', 1, 'Parking was a nightmare',
   DATE '2024-01-30'),
  ('G3', 'yelp', NULL, 'D2', DATE '2024-02-10', 4, NULL, NULL),
  ('G4', 'nhs_website', 'North', NULL, DATE '2024-02-15', 2, 'Nobody answered the phone',
   DATE '2024-02-15'),
  ('G5', 'google', 'South', NULL, DATE '2024-03-01', 3, NULL, NULL),
  ('G6', 'google', NULL, 'D3', DATE '2024-03-10', 1, 'Rude at the desk', DATE '2024-03-31'),
  ('G7', 'yelp', NULL, 'D1', DATE '2024-03-20', 4, NULL, DATE '2024-03-22')
"""


def build_tiny_db(db_path: Path) -> Path:
    """Write the tiny database at db_path (replacing it) and return the path."""
    salt = load_salt(db_path)
    with write_swap(db_path, fresh=True) as con:
        con.execute(DEPARTMENTS)
        con.execute(QUESTIONS)
        rows = ", ".join(f"('{v}', '{k}', '{d}', DATE '{day}', {'NULL' if w is None else w})"
                         for v, k, d, day, w in VISITS)
        con.execute(
            f"INSERT INTO visits SELECT visit_id, {patient_hash_sql('patient_key')}, "
            f"department_id, visit_date, NULL, wait_minutes FROM (VALUES {rows}) "
            "AS t(visit_id, patient_key, department_id, visit_date, wait_minutes)",
            {"salt": salt})
        con.execute(COMPLAINTS)
        con.execute(PATIENT_SURVEYS)
        con.executemany("UPDATE patient_responses SET comment = ? WHERE response_id = ?",
                        [(text, response_id) for response_id, text in COMMENTS.items()])
        con.execute(STAFF_SURVEYS)
        con.execute(REVIEWS)
    return db_path


def without_derived(source, target):
    """A copy of the database as an older version wrote it: no derived tables."""
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("DELETE FROM meta WHERE key = ?", [derive.META_KEY])
        for table in derive.DERIVED_TABLES:
            con.execute(f"DROP TABLE {table}")
    finally:
        con.close()
    return target


def fast_and_plain(folder: Path, seed: int, scale: float, end):
    """For a fixture: the demo with its derived tables and a copy without (as an older version
    wrote it), both open read-only; yields (fast, plain), then closes them."""
    build_demo(folder / "fast.duckdb", seed=seed, scale=scale, end=end)
    fast = open_readonly(folder / "fast.duckdb")
    plain = open_readonly(without_derived(folder / "fast.duckdb", folder / "plain.duckdb"))
    try:
        assert derive.is_current(fast) and not derive.is_current(plain)
        yield fast, plain
    finally:
        fast.close()
        plain.close()
