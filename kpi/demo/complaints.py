"""One month of synthetic complaints: volume follows visits and mood, plus the billing spike."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.demo.hospital import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CATEGORY_WEIGHTS,
    COMPLAINT_OUTCOME_PERCENT,
    COMPLAINT_OWNERS,
    COMPLAINT_SEVERITY_WEIGHTS,
    DEPARTMENTS,
)
from kpi.demo.plan import DemoPlan

# Calendar days to acknowledge: mostly 0-5, some late (6-14), some never.
ACK_DAYS = np.arange(15)
_ACK_WEIGHTS = np.array([8, 25, 22, 15, 10, 7] + [10 / 9] * 9)
ACK_DAY_WEIGHTS = _ACK_WEIGHTS / _ACK_WEIGHTS.sum()
NEVER_ACKNOWLEDGED = 0.03
RESOLVE_MEDIAN_DAYS = 9.0
RESOLVE_SIGMA = 0.65
RESOLVE_MIN_DAYS, RESOLVE_MAX_DAYS = 2, 120
NEVER_RESOLVED = 0.02
NOT_A_DATE = np.datetime64("NaT", "D")
# Owner and outcome are spread by the complaint's number (Knuth's multiplicative hash), not
# drawn: the random stream, and so every other number of the demo, stays as it was.
_SPREAD = 2654435761

_BILLING = COMPLAINT_CATEGORIES.index("billing")


@dataclass
class MonthComplaints:
    """Complaints received in one month, in date order; NaT where not (yet) acknowledged or
    resolved."""

    complaint_no: np.ndarray
    department: np.ndarray
    received: np.ndarray
    category: np.ndarray
    severity: np.ndarray
    acknowledged: np.ndarray
    resolved: np.ndarray
    owner: np.ndarray    # index into COMPLAINT_OWNERS
    outcome: np.ndarray  # index into COMPLAINT_OUTCOMES, -1 while not resolved


def owners_and_outcomes(complaint_no: np.ndarray, resolved: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Each complaint's owner, and the outcome of each resolved one (-1 where open), spread
    evenly by its number in the demo's proportions."""
    spread = (complaint_no.astype(np.uint64) * np.uint64(_SPREAD)) % np.uint64(2 ** 32)
    owner = (spread % np.uint64(len(COMPLAINT_OWNERS))).astype(np.int8)
    percent = (spread // np.uint64(7)) % np.uint64(100)
    outcome = np.searchsorted(np.cumsum(COMPLAINT_OUTCOME_PERCENT), percent, side="right")
    return owner, np.where(np.isnat(resolved), -1, outcome).astype(np.int8)


def month_complaints(rng: np.random.Generator, plan: DemoPlan, month: int,
                     visits_per_department: np.ndarray, first_complaint_no: int) -> MonthComplaints:
    """Complaints received in one month; in the spike month, extra billing complaints."""
    counts = rng.poisson(visits_per_department * plan.complaint_rate[:, month])
    department = np.repeat(np.arange(len(DEPARTMENTS), dtype=np.int8), counts)
    category = np.empty(len(department), dtype=np.int8)
    for d, dept in enumerate(DEPARTMENTS):
        weights = np.array(COMPLAINT_CATEGORY_WEIGHTS[dept.service_line], dtype=float)
        category[department == d] = rng.choice(len(weights), size=counts[d],
                                               p=weights / weights.sum())
    if month == plan.spike_month_index and visits_per_department.sum() > 0:
        extra = rng.poisson(plan.spike_extra)
        share = visits_per_department / visits_per_department.sum()
        department = np.concatenate([department, rng.choice(len(share), size=extra, p=share)
                                     .astype(np.int8)])
        category = np.concatenate([category, np.full(extra, _BILLING, dtype=np.int8)])
    n = len(department)
    received = plan.month_start[month] + rng.integers(plan.days[month], size=n)
    order = np.lexsort((department, received))
    department, category, received = department[order], category[order], received[order]
    severity = rng.choice(len(COMPLAINT_SEVERITY_WEIGHTS), size=n,
                          p=COMPLAINT_SEVERITY_WEIGHTS).astype(np.int8)
    resolved = received + np.clip(np.round(RESOLVE_MEDIAN_DAYS * np.exp(
        RESOLVE_SIGMA * rng.standard_normal(n))), RESOLVE_MIN_DAYS, RESOLVE_MAX_DAYS
                                  ).astype(np.int64)
    resolved[rng.random(n) < NEVER_RESOLVED] = NOT_A_DATE
    acknowledged = received + rng.choice(ACK_DAYS, size=n, p=ACK_DAY_WEIGHTS)
    acknowledged[rng.random(n) < NEVER_ACKNOWLEDGED] = NOT_A_DATE
    acknowledged = np.where(resolved < acknowledged, resolved, acknowledged)
    last_day = np.datetime64(plan.end, "D")
    complaint_no = first_complaint_no + np.arange(n, dtype=np.int64)
    resolved = np.where(resolved <= last_day, resolved, NOT_A_DATE)
    owner, outcome = owners_and_outcomes(complaint_no, resolved)
    return MonthComplaints(
        complaint_no=complaint_no, department=department, received=received, category=category,
        severity=severity, acknowledged=np.where(acknowledged <= last_day, acknowledged,
                                                 NOT_A_DATE),
        resolved=resolved, owner=owner, outcome=outcome)
