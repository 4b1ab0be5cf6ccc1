"""The data contract's files and columns as declared data: kinds, required, unique, choices."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.hcahps.measures import MEASURE_CODES
from kpi.scoring import SCALES

AUDIENCES = ("patient", "staff")
COMPLAINT_CATEGORIES = ("communication", "wait_time", "clinical_care", "staff_attitude",
                        "billing", "privacy", "environment", "access", "other")
SEVERITIES = ("low", "moderate", "high", "critical")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")

# How a cell is read: ids and codes are trimmed, text is kept exactly as delivered,
# dates, integers and numbers are trimmed and then checked for their type. A pseudonymous
# key is trimmed and replaced by its salted hash as it is read: it is never staged in clear.
ID, CODE, TEXT, DATE, INTEGER, NUMBER = "id", "code", "text", "date", "integer", "number"
PSEUDONYM = "pseudonym"


@dataclass(frozen=True)
class Column:
    """One contract column: its kind, whether it is required or a key, its allowed values."""

    name: str
    kind: str
    required: bool = False
    unique: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    ignore_case: bool = False  # compared ignoring letter case (question ids name columns)
    refers_to: str | None = None  # the file whose ids a value must be (checked there)


@dataclass(frozen=True)
class FileSpec:
    """One contract file: its columns and, for a wide survey, the audience of its questions."""

    name: str
    columns: tuple[Column, ...]
    first_load: bool
    audience: str | None = None

    @property
    def key(self) -> str:
        """The id column that identifies a row (a re-delivered id replaces the stored row)."""
        return self.columns[0].name

    def column(self, name: str) -> Column:
        """The contract column of that name."""
        return next(c for c in self.columns if c.name == name)


def _key(name: str, ignore_case: bool = False) -> Column:
    return Column(name, ID, required=True, unique=True, ignore_case=ignore_case)


_DEPARTMENT_REF = Column("department_id", ID, required=True, refers_to="departments")

FILES: dict[str, FileSpec] = {spec.name: spec for spec in (
    FileSpec("departments", (
        _key("department_id"),
        Column("department_name", TEXT, required=True),
        Column("service_line", CODE),
        Column("site", CODE),
    ), first_load=True),
    FileSpec("questions", (
        _key("question_id", ignore_case=True),
        Column("audience", CODE, required=True, choices=AUDIENCES),
        Column("domain", CODE, required=True),
        Column("scale", CODE, required=True, choices=tuple(SCALES)),
        Column("question_text", TEXT),
        Column("top_box_min", NUMBER),
        Column("hcahps_measure", CODE, choices=MEASURE_CODES),
    ), first_load=True),
    FileSpec("visits", (
        _key("visit_id"),
        Column("patient_key", PSEUDONYM, required=True),
        _DEPARTMENT_REF,
        Column("visit_date", DATE, required=True),
        Column("visit_type", CODE),
        Column("wait_minutes", INTEGER, minimum=0),
    ), first_load=True),
    FileSpec("patient_survey", (
        _key("response_id"),
        _DEPARTMENT_REF,
        Column("response_date", DATE, required=True),
        Column("visit_id", ID, refers_to="visits"),
        Column("mode", CODE),
        Column("comment", TEXT),
    ), first_load=True, audience="patient"),
    FileSpec("complaints", (
        _key("complaint_id"),
        _DEPARTMENT_REF,
        Column("received_date", DATE, required=True),
        Column("category", CODE, required=True, choices=COMPLAINT_CATEGORIES),
        Column("severity", CODE, choices=SEVERITIES),
        Column("acknowledged_date", DATE),
        Column("resolved_date", DATE),
        Column("owner", CODE),
        Column("outcome", CODE, choices=OUTCOMES),
    ), first_load=False),
    FileSpec("staff_survey", (
        _key("response_id"),
        _DEPARTMENT_REF,
        Column("response_date", DATE, required=True),
    ), first_load=False, audience="staff"),
    FileSpec("holidays", (
        Column("date", DATE, required=True, unique=True),
    ), first_load=False),
    FileSpec("reviews", (  # site and/or department_id, rating and reply: kpi.ingest.reviews
        _key("review_id"),
        Column("source", CODE, required=True),
        Column("site", CODE),
        Column("department_id", ID, refers_to="departments"),
        Column("review_date", DATE, required=True),
        Column("rating", NUMBER, required=True),
        Column("text", TEXT),
        Column("response_date", DATE),
    ), first_load=False),
)}

# The database tables each survey file fills: the responses and the long-form answers.
SURVEY_TABLES = {"patient_survey": ("patient_responses", "patient_answers"),
                 "staff_survey": ("staff_responses", "staff_answers")}

# Column names a question id may not take: they are fixed columns of a survey file.
RESERVED_QUESTION_IDS = frozenset(
    c.name for name in SURVEY_TABLES for c in FILES[name].columns)


def normalise_header(name: str) -> str:
    """A column name as matched: trimmed and lower case."""
    return name.strip().lower()
