"""One month of synthetic patient and staff surveys, answers driven by department-month levels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from kpi.demo.hospital import (
    BASELINE_ANSWER_SHARES,
    DEPARTMENTS,
    MIXED_COMMENTS,
    NEGATIVE_COMMENTS,
    POSITIVE_COMMENTS,
    QUESTIONS,
    SURVEY_MODE_WEIGHTS,
    WAIT_QUESTION,
    DemoQuestion,
)
from kpi.demo.plan import DemoPlan
from kpi.demo.visits import MonthVisits
from kpi.scoring import SCALES

RESPONDENT_SD = 0.55 ** 0.5   # shared by all answers of one respondent (items correlate)
ITEM_SD = 0.45 ** 0.5         # item-level noise; total latent variance is 1
BLANK_ANSWER_SHARE = 0.05     # "don't know" / skipped items
BLANK_SURVEY_SHARE = 0.005    # surveys returned with every answer blank
LINKED_SHARE = 0.96           # surveys matched to their visit
COMMENT_SHARE = 0.30
POSITIVE_ABOVE, NEGATIVE_BELOW = 0.2, -0.5   # respondent level deciding a comment's tone
WAIT_EFFECT = 0.45            # per log-unit of wait relative to WAIT_REFERENCE minutes
WAIT_REFERENCE = 30.0
# The planted key driver: in the ED, being seen in a reasonable time goes with the overall
# rating beyond the respondent's general level. Only the correlation changes: the driver's
# item noise takes PLANTED_SHARE of its variance from the overall rating's item noise and the
# rest from the planted stream (its own generator), so every answer's distribution, every other
# answer and the main random stream stay as they were.
PLANTED_DEPARTMENT = "ED"
PLANTED_DRIVER = WAIT_QUESTION
PLANTED_OUTCOME = "Q_OVERALL_RATING"
PLANTED_SHARE = 0.6
PLANTED_STREAM = 4            # np.random.default_rng([seed, PLANTED_STREAM, month])

PATIENT_QUESTIONS = tuple(q for q in QUESTIONS if q.audience == "patient")
STAFF_QUESTIONS = tuple(q for q in QUESTIONS if q.audience == "staff")
_PATIENT_IDS = [q.question_id for q in PATIENT_QUESTIONS]
_WAIT_COLUMN = _PATIENT_IDS.index(WAIT_QUESTION)
_PLANTED = (_PATIENT_IDS.index(PLANTED_DRIVER), _PATIENT_IDS.index(PLANTED_OUTCOME),
            [d.department_id for d in DEPARTMENTS].index(PLANTED_DEPARTMENT))


@dataclass
class MonthSurveys:
    """Returned surveys of one month: one row per survey plus long-form answers."""

    response_no: np.ndarray
    department: np.ndarray
    date: np.ndarray
    visit_no: np.ndarray          # -1 where the survey is not linked to a visit
    mode: np.ndarray              # index into SURVEY_MODES (patient surveys only)
    comment: np.ndarray           # index into COMMENTS, -1 for none (patient surveys only)
    answer_response_no: np.ndarray
    answer_question: np.ndarray   # index into the audience's question tuple
    answer: np.ndarray


@cache
def _cut_points(audience: str, scale: str) -> np.ndarray:
    """Latent thresholds that reproduce the baseline answer shares at level 0."""
    cumulative = np.cumsum(BASELINE_ANSWER_SHARES[(audience, scale)])[:-1]
    return np.array([NormalDist().inv_cdf(min(max(c, 1e-9), 1 - 1e-9)) for c in cumulative])


def ordinal_answers(rng: np.random.Generator, level: np.ndarray,
                    questions: tuple[DemoQuestion, ...], shift: np.ndarray | None = None,
                    mix: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Answer codes (n, questions) from respondent levels (ordered probit); -1 marks blank.
    `mix` may recombine the item noise (n, questions) before it is added (same variances)."""
    n = len(level)
    latent = level[:, None] + np.array([q.offset for q in questions])
    noise = ITEM_SD * rng.standard_normal((n, len(questions)))
    latent = latent + (noise if mix is None else mix(noise))
    if shift is not None:
        latent += shift
    answers = np.empty((n, len(questions)), dtype=np.int8)
    for j, q in enumerate(questions):
        answers[:, j] = SCALES[q.scale].low + np.searchsorted(
            _cut_points(q.audience, q.scale), latent[:, j])
    answers[rng.random((n, len(questions))) < BLANK_ANSWER_SHARE] = -1
    answers[rng.random(n) < BLANK_SURVEY_SHARE] = -1
    return answers


def _long_form(response_no: np.ndarray, answers: np.ndarray) -> tuple[np.ndarray, ...]:
    rows, cols = np.nonzero(answers >= 0)
    return response_no[rows], cols.astype(np.int8), answers[rows, cols]


def _comments(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """Comment indices into COMMENTS (tone follows the respondent's level); -1 for none."""
    n = len(level)
    pools = (POSITIVE_COMMENTS, MIXED_COMMENTS, NEGATIVE_COMMENTS)
    starts = np.cumsum([0] + [len(p) for p in pools])[:-1]
    tone = np.where(level > POSITIVE_ABOVE, 0, np.where(level < NEGATIVE_BELOW, 2, 1))
    sizes = np.array([len(p) for p in pools])[tone]
    pick = starts[tone] + (rng.random(n) * sizes).astype(np.int64)
    return np.where(rng.random(n) < COMMENT_SHARE, pick, -1)


def planted_driver(seed: int, month: int, department: np.ndarray
                   ) -> Callable[[np.ndarray], np.ndarray]:
    """The noise recombination of the planted driver for one month's respondents: in the
    planted department, the driver item's noise shares PLANTED_SHARE of its variance with the
    outcome item's noise; the rest is drawn from the planted stream."""
    driver, outcome, chosen = _PLANTED
    rows = np.flatnonzero(department == chosen)

    def mix(noise: np.ndarray) -> np.ndarray:
        own = np.random.default_rng([seed, PLANTED_STREAM, month]).standard_normal(len(rows))
        mixed = noise.copy()
        mixed[rows, driver] = (PLANTED_SHARE ** 0.5 * noise[rows, outcome]
                               + (1 - PLANTED_SHARE) ** 0.5 * ITEM_SD * own)
        return mixed

    return mix


def patient_surveys(rng: np.random.Generator, plan: DemoPlan, month: int, visits: MonthVisits,
                    first_response_no: int) -> MonthSurveys:
    """Surveys returned about this month's visits (response date = visit date)."""
    rates = np.array([d.survey_rate for d in DEPARTMENTS])
    taken = np.flatnonzero(rng.random(len(visits.department)) < rates[visits.department])
    department = visits.department[taken]
    n = len(taken)
    level = plan.level[department, month] + RESPONDENT_SD * rng.standard_normal(n)
    shift = np.zeros((n, len(PATIENT_QUESTIONS)))
    wait = visits.wait[taken]
    known = ~np.isnan(wait)
    shift[known, _WAIT_COLUMN] = -WAIT_EFFECT * np.clip(
        np.log(np.maximum(wait[known], 1) / WAIT_REFERENCE), -1.5, 1.5)
    answers = ordinal_answers(rng, level, PATIENT_QUESTIONS, shift,
                              planted_driver(plan.seed, month, department))
    response_no = first_response_no + np.arange(n, dtype=np.int64)
    linked = rng.random(n) < LINKED_SHARE
    mode = rng.choice(len(SURVEY_MODE_WEIGHTS), size=n, p=SURVEY_MODE_WEIGHTS).astype(np.int8)
    return MonthSurveys(response_no, department, visits.date[taken],
                        np.where(linked, visits.visit_no[taken], -1), mode,
                        _comments(rng, level), *_long_form(response_no, answers))


def staff_surveys(rng: np.random.Generator, plan: DemoPlan, month: int,
                  first_response_no: int) -> MonthSurveys:
    """Anonymous staff surveys of one month, morale following the department's level."""
    counts = rng.poisson(plan.staff_mean[:, month])
    department = np.repeat(np.arange(len(DEPARTMENTS), dtype=np.int8), counts)
    n = len(department)
    offset = rng.integers(plan.days[month], size=n)
    order = np.lexsort((department, offset))
    department, offset = department[order], offset[order]
    level = plan.staff_level[department, month] + RESPONDENT_SD * rng.standard_normal(n)
    answers = ordinal_answers(rng, level, STAFF_QUESTIONS)
    response_no = first_response_no + np.arange(n, dtype=np.int64)
    none = np.full(n, -1, dtype=np.int64)
    return MonthSurveys(response_no, department, plan.month_start[month] + offset, none,
                        none.astype(np.int8), none, *_long_form(response_no, answers))
