"""The words a KPI is declared with: units, directions, sources, and the kinds of computation.

Each kind is declared once, here, with the sources it may read and the parameters it needs;
the engine maps each kind to the function that computes it (kpi.engine.kinds). The enums are
StrEnums: they compare, hash and print as their text, so CSV and exports stay the same.
"""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    """What a KPI's value counts, as the snapshot writes it."""

    PERCENT = "%"
    COUNT = "count"
    PER_1000 = "per_1000"
    MINUTES = "minutes"
    DAYS = "days"
    SCORE = "score"
    NPS = "nps"
    STARS = "stars"


class Direction(StrEnum):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Source(StrEnum):
    """The data a KPI is computed from (its data_as_of is that source's)."""

    VISITS = "visits"
    PATIENT_SURVEY = "patient_survey"
    COMPLAINTS = "complaints"
    STAFF_SURVEY = "staff_survey"
    REVIEWS = "reviews"


SURVEY_SOURCES = (Source.PATIENT_SURVEY, Source.STAFF_SURVEY)


class Param(StrEnum):
    """A KPI field a kind may need: the survey domain and audience, a number of days or minutes."""

    DOMAIN = "domain"
    AUDIENCE = "audience"
    DAYS = "days"
    MINUTES = "minutes"


class Kind(StrEnum):
    """A computation: its name, the sources it may read, the parameters it needs."""

    sources: tuple[Source, ...]
    params: tuple[Param, ...]

    def __new__(cls, name: str, sources: tuple[Source, ...], params: tuple[Param, ...] = ()):
        kind = str.__new__(cls, name)
        kind._value_ = name
        kind.sources = sources
        kind.params = params
        return kind

    DOMAIN_TOP_BOX = "domain_top_box", SURVEY_SOURCES, (Param.DOMAIN, Param.AUDIENCE)
    DOMAIN_MEAN = "domain_mean", SURVEY_SOURCES, (Param.DOMAIN, Param.AUDIENCE)
    DOMAIN_NPS = "domain_nps", SURVEY_SOURCES, (Param.DOMAIN, Param.AUDIENCE)
    RESPONSE_COUNT = "response_count", SURVEY_SOURCES
    VISIT_COUNT = "visit_count", (Source.VISITS,)
    MEDIAN_WAIT = "median_wait", (Source.VISITS,)
    GROUPED_MEDIAN_WAIT = "grouped_median_wait", (Source.VISITS,)
    WAIT_WITHIN = "wait_within", (Source.VISITS,), (Param.MINUTES,)
    RETURN_RATE = "return_rate", (Source.VISITS,), (Param.DAYS,)
    COMPLAINT_COUNT = "complaint_count", (Source.COMPLAINTS,)
    COMPLAINT_RATE = "complaint_rate", (Source.COMPLAINTS,)
    ACK_WITHIN_WORKING_DAYS = "ack_within_working_days", (Source.COMPLAINTS,), (Param.DAYS,)
    RESOLVED_WITHIN_DAYS = "resolved_within_days", (Source.COMPLAINTS,), (Param.DAYS,)
    MEDIAN_DAYS_TO_RESOLVE = "median_days_to_resolve", (Source.COMPLAINTS,)
    OPEN_COMPLAINTS = "open_complaints", (Source.COMPLAINTS,)
    REVIEW_COUNT = "review_count", (Source.REVIEWS,)
    REVIEW_RATING_MEAN = "review_rating_mean", (Source.REVIEWS,)
    NEGATIVE_REVIEW_SHARE = "negative_review_share", (Source.REVIEWS,)
    REVIEW_RESPONSE_RATE = "review_response_rate", (Source.REVIEWS,)
    MEDIAN_DAYS_TO_RESPOND = "median_days_to_respond", (Source.REVIEWS,)


def known(enum: type[StrEnum], value: object) -> bool:
    """Whether value is the text of one of the enum's members."""
    return value in set(enum)
