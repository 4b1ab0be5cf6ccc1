"""A one-ward hospital (and two small wards that only rate: W2 five, W3 forty) whose HCAHPS
standing is computed by hand: 400 surveys, one each day of 2024 and again from 2024-01-01 for
the 34 after the 366th, answering one question per measure (two for discharge information), so
every measure has a star and the summary star is known.

Answers of survey i (0..399), top box and linear mean by hand, star by the 2024Q3-2025Q2 cuts:
    NURSE  frequency4 3 if i%4==0 else 4      top 75    linear 91.667 -> 92  4 stars (92)
    DOCTOR frequency4 4                        top 100   linear 100          5 stars
    MEDS   frequency4 2 if i%2==0 else 4      top 50    linear 66.667 -> 67  1 star  (71)
    DIS_A  yesno 1;  DIS_B 0 if i%5==0 else 1 top 90    linear 90            5 stars (90)
    CLEAN  frequency4 1 if i%10==0 else 4     top 90    linear 90            4 stars (88)
    QUIET  frequency4 3 if i%4<2 else 4       top 50    linear 83.333 -> 83  3 stars (79)
    RATE   rating0_10 8 if i%4==0 else 10     top 75    linear 95            5 stars (93)
    REC    recommend4 3 if i%8==0 else 4      top 87.5  linear 95.833 -> 96  5 stars (91)
Summary: (4 + 5 + 1 + 5 + (4 + 3)/2 + (5 + 5)/2) / 6 = 23.5 / 6 = 3.92 -> 4."""

from __future__ import annotations

from pathlib import Path

from kpi.store.swap import write_swap

SURVEYS = 400
QUESTIONS = [  # question_id, scale, measure, answer of survey i as SQL
    ("NURSE", "frequency4", "H_COMP_1", "CASE WHEN i % 4 = 0 THEN 3 ELSE 4 END"),
    ("DOCTOR", "frequency4", "H_COMP_2", "4"),
    ("MEDS", "frequency4", "H_COMP_5", "CASE WHEN i % 2 = 0 THEN 2 ELSE 4 END"),
    ("DIS_A", "yesno", "H_COMP_6", "1"),
    ("DIS_B", "yesno", "H_COMP_6", "CASE WHEN i % 5 = 0 THEN 0 ELSE 1 END"),
    ("CLEAN", "frequency4", "H_CLEAN", "CASE WHEN i % 10 = 0 THEN 1 ELSE 4 END"),
    ("QUIET", "frequency4", "H_QUIET", "CASE WHEN i % 4 < 2 THEN 3 ELSE 4 END"),
    ("RATE", "rating0_10", "H_HSP_RATING", "CASE WHEN i % 4 = 0 THEN 8 ELSE 10 END"),
    ("REC", "recommend4", "H_RECMND", "CASE WHEN i % 8 = 0 THEN 3 ELSE 4 END"),
]


def build_hcahps_db(db_path: Path) -> Path:
    """Write the one-ward hospital at db_path (replacing it) and return the path."""
    with write_swap(db_path, fresh=True) as con:
        con.execute("INSERT INTO departments VALUES ('W1', 'Ward one', 'Inpatient', 'Main'), "
                    "('W2', 'Ward two', 'Inpatient', 'Main'), ('W3', 'Ward three', 'Inpatient', 'Main')")
        for question_id, scale, measure, _ in QUESTIONS:
            con.execute("INSERT INTO questions (question_id, audience, domain, scale, "
                        "hcahps_measure) VALUES (?, 'patient', 'hcahps', ?, ?)",
                        [question_id, scale, measure])
        con.execute(f"INSERT INTO patient_responses SELECT printf('R%03d', i), 'W1', "
                    f"DATE '2024-01-01' + (i % 366)::INT, NULL, 'mail', NULL "
                    f"FROM range({SURVEYS}) t(i)")
        for question_id, _, _, answer in QUESTIONS:
            con.execute(f"INSERT INTO patient_answers SELECT printf('R%03d', i), "
                        f"'{question_id}', {answer} FROM range({SURVEYS}) t(i)")
        # W2: five surveys in December, a small cell
        con.execute("INSERT INTO patient_responses SELECT printf('S%d', i), 'W2', "
                    "DATE '2024-12-01' + i::INT, NULL, 'web', NULL FROM range(5) t(i)")
        con.execute("INSERT INTO patient_answers SELECT printf('S%d', i), 'RATE', 10 "
                    "FROM range(5) t(i)")
        # W3: forty rating answers in June, the smallest cell that can hide W2's with it
        con.execute("INSERT INTO patient_responses SELECT printf('T%d', i), 'W3', "
                    "DATE '2024-06-01' + (i % 30)::INT, NULL, 'web', NULL FROM range(40) t(i)")
        con.execute("INSERT INTO patient_answers SELECT printf('T%d', i), 'RATE', 9 "
                    "FROM range(40) t(i)")
    return db_path
