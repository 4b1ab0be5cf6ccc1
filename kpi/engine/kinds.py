"""The kind registry's engine half: the function that computes each kind of KPI.

The kinds, with their sources and parameters, are declared in kpi.catalog.kinds; every kind
has exactly one function here (a test holds both sides to it).
"""

from __future__ import annotations

from collections.abc import Callable

from kpi.catalog.check import computable
from kpi.catalog.kinds import Kind
from kpi.catalog.kpis import Kpi
from kpi.engine import complaints, reviews, survey, visits
from kpi.engine.returns import return_rows
from kpi.engine.rows import KpiRows
from kpi.engine.run import Run
from kpi.errors import PxError

KIND_FUNCTIONS: dict[Kind, Callable[[Run, Kpi], KpiRows]] = {
    Kind.DOMAIN_TOP_BOX: survey.domain_top_box,
    Kind.DOMAIN_MEAN: survey.domain_mean,
    Kind.DOMAIN_NPS: survey.domain_nps,
    Kind.RESPONSE_COUNT: survey.response_count,
    Kind.VISIT_COUNT: visits.visit_count,
    Kind.MEDIAN_WAIT: visits.median_wait,
    Kind.GROUPED_MEDIAN_WAIT: visits.grouped_median_wait,
    Kind.WAIT_WITHIN: visits.wait_within,
    Kind.RETURN_RATE: return_rows,
    Kind.COMPLAINT_COUNT: complaints.complaint_count,
    Kind.COMPLAINT_RATE: complaints.complaint_rate,
    Kind.ACK_WITHIN_WORKING_DAYS: complaints.within_deadline,
    Kind.RESOLVED_WITHIN_DAYS: complaints.within_deadline,
    Kind.MEDIAN_DAYS_TO_RESOLVE: complaints.median_days_to_resolve,
    Kind.OPEN_COMPLAINTS: complaints.open_complaints,
    Kind.REVIEW_COUNT: reviews.review_count,
    Kind.REVIEW_RATING_MEAN: reviews.review_rating_mean,
    Kind.NEGATIVE_REVIEW_SHARE: reviews.negative_review_share,
    Kind.REVIEW_RESPONSE_RATE: reviews.review_response_rate,
    Kind.MEDIAN_DAYS_TO_RESPOND: reviews.median_days_to_respond,
}


def check_computable(kpis: list[Kpi]) -> None:
    """PxError naming every KPI the engine cannot compute (unknown or misfit kind or source,
    a missing parameter, a kind without a function)."""
    problems = computable(kpis) + [f"{k.id}: no function computes kind {k.kind}"
                                   for k in kpis if k.kind not in KIND_FUNCTIONS]
    if problems:
        raise PxError(f"cannot compute KPI {'; '.join(problems)}")


def compute_kpi(run: Run, kpi: Kpi) -> KpiRows:
    """One KPI's rows, by the function of its kind (check_computable first)."""
    return KIND_FUNCTIONS[kpi.kind](run, kpi)
