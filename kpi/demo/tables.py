"""Demo chunks as Arrow tables, and the SQL that shapes them into contract rows (ids, keys)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpi.demo.complaints import MonthComplaints
from kpi.demo.hospital import (
    COMMENTS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_OUTCOMES,
    COMPLAINT_OWNERS,
    COMPLAINT_SEVERITIES,
    DEPARTMENTS,
    QUESTIONS,
    SURVEY_MODES,
    VISIT_TYPES,
)
from kpi.demo.review_phrases import REVIEW_SOURCES
from kpi.demo.reviews import SITES, TEXTS, MonthReviews
from kpi.demo.surveys import PATIENT_QUESTIONS, STAFF_QUESTIONS, MonthSurveys
from kpi.demo.visits import MonthVisits

_DEPARTMENT_IDS = [d.department_id for d in DEPARTMENTS]

# One SELECT per contract table over the raw chunk tables (registered as raw_<name>);
# the same text feeds the database inserts and the delivery files, so they cannot diverge.
SHAPED_SQL = {
    "departments": "SELECT department_id, department_name, service_line, site "
                   "FROM raw_departments",
    "questions": "SELECT question_id, audience, domain, scale, question_text, top_box_min, "
                 "hcahps_measure FROM raw_questions",
    "visits": "SELECT printf('V%010d', visit_no) AS visit_id, "
              "printf('PK%016X', patient) AS patient_key, department_id, visit_date, "
              "visit_type, wait_minutes FROM raw_visits",
    "patient_responses": "SELECT printf('R%09d', response_no) AS response_id, department_id, "
                         "response_date, printf('V%010d', visit_no) AS visit_id, mode, comment "
                         "FROM raw_patient_responses",
    "patient_answers": "SELECT printf('R%09d', response_no) AS response_id, question_id, answer "
                       "FROM raw_patient_answers",
    "complaints": "SELECT printf('C%08d', complaint_no) AS complaint_id, department_id, "
                  "received_date, category, severity, acknowledged_date, resolved_date, owner, "
                  "outcome FROM raw_complaints",
    "staff_responses": "SELECT printf('S%08d', response_no) AS response_id, department_id, "
                       "response_date FROM raw_staff_responses",
    "staff_answers": "SELECT printf('S%08d', response_no) AS response_id, question_id, answer "
                     "FROM raw_staff_answers",
    "reviews": "SELECT printf('GR%08d', review_no) AS review_id, source, site, department_id, "
               "review_date, rating, text, response_date FROM raw_reviews",
}


def _codes(indices: np.ndarray, labels) -> pa.DictionaryArray:
    """Dictionary-encoded text: indices into labels, negative index = missing."""
    indices = np.asarray(indices, dtype=np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(indices, mask=indices < 0),
                                          pa.array(list(labels), pa.string()))


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype="datetime64[D]"), from_pandas=True)


def _optional_int(values: np.ndarray, missing: np.ndarray, kind: pa.DataType) -> pa.Array:
    return pa.array(np.where(missing, 0, values).astype(kind.to_pandas_dtype()), type=kind,
                    mask=missing)


def static_tables() -> dict[str, pa.Table]:
    """The departments and question catalog of the demo hospital."""
    return {
        "departments": pa.table({
            "department_id": [d.department_id for d in DEPARTMENTS],
            "department_name": [d.name for d in DEPARTMENTS],
            "service_line": [d.service_line for d in DEPARTMENTS],
            "site": [d.site for d in DEPARTMENTS]}),
        "questions": pa.table({
            "question_id": [q.question_id for q in QUESTIONS],
            "audience": [q.audience for q in QUESTIONS],
            "domain": [q.domain for q in QUESTIONS],
            "scale": [q.scale for q in QUESTIONS],
            "question_text": [q.question_text for q in QUESTIONS],
            "top_box_min": pa.nulls(len(QUESTIONS), pa.float64()),
            "hcahps_measure": pa.array([q.hcahps_measure for q in QUESTIONS], pa.string())}),
    }


def _survey_tables(prefix: str, surveys: MonthSurveys, questions, patient: bool) -> dict:
    responses = {"response_no": surveys.response_no,
                 "department_id": _codes(surveys.department, _DEPARTMENT_IDS),
                 "response_date": _dates(surveys.date)}
    if patient:
        responses["visit_no"] = _optional_int(surveys.visit_no, surveys.visit_no < 0, pa.int64())
        responses["mode"] = _codes(surveys.mode, SURVEY_MODES)
        responses["comment"] = pa.DictionaryArray.from_arrays(
            pa.array(surveys.comment.astype(np.int16), mask=surveys.comment < 0),
            pa.array(COMMENTS, pa.string()))
    return {
        f"{prefix}_responses": pa.table(responses),
        f"{prefix}_answers": pa.table({
            "response_no": surveys.answer_response_no,
            "question_id": _codes(surveys.answer_question, [q.question_id for q in questions]),
            "answer": surveys.answer}),
    }


def month_tables(visits: MonthVisits, patient: MonthSurveys, staff: MonthSurveys,
                 complaints: MonthComplaints) -> dict[str, pa.Table]:
    """One month's raw chunk tables, keyed by the contract table they shape into."""
    return {
        "visits": pa.table({
            "visit_no": visits.visit_no, "patient": visits.patient,
            "department_id": _codes(visits.department, _DEPARTMENT_IDS),
            "visit_date": _dates(visits.date),
            "visit_type": _codes(visits.visit_type, VISIT_TYPES),
            "wait_minutes": _optional_int(visits.wait, np.isnan(visits.wait), pa.int32())}),
        **_survey_tables("patient", patient, PATIENT_QUESTIONS, patient=True),
        **_survey_tables("staff", staff, STAFF_QUESTIONS, patient=False),
        "complaints": pa.table({
            "complaint_no": complaints.complaint_no,
            "department_id": _codes(complaints.department, _DEPARTMENT_IDS),
            "received_date": _dates(complaints.received),
            "category": _codes(complaints.category, COMPLAINT_CATEGORIES),
            "severity": _codes(complaints.severity, COMPLAINT_SEVERITIES),
            "acknowledged_date": _dates(complaints.acknowledged),
            "resolved_date": _dates(complaints.resolved),
            "owner": _codes(complaints.owner, COMPLAINT_OWNERS),
            "outcome": _codes(complaints.outcome, COMPLAINT_OUTCOMES)}),
    }


def review_table(reviews: MonthReviews) -> pa.Table:
    """One month's raw reviews table (shaped by SHAPED_SQL['reviews'])."""
    return pa.table({
        "review_no": reviews.review_no,
        "source": _codes(reviews.source, REVIEW_SOURCES),
        "site": _codes(reviews.site, SITES),
        "department_id": _codes(reviews.department, _DEPARTMENT_IDS),
        "review_date": _dates(reviews.date),
        "rating": pa.array(reviews.rating, pa.int8()),
        "text": pa.DictionaryArray.from_arrays(pa.array(reviews.text, mask=reviews.text < 0),
                                               pa.array(TEXTS, pa.string())),
        "response_date": _dates(reviews.response)})
