"""One month of synthetic complaints: volume follows visits and mood, plus the billing spike."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.demo.hospital import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CATEGORY_WEIGHTS,
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
    return MonthComplaints(
        complaint_no=first_complaint_no + np.arange(n, dtype=np.int64),
        department=department, received=received, category=category, severity=severity,
        acknowledged=np.where(acknowledged <= last_day, acknowledged, NOT_A_DATE),
        resolved=np.where(resolved <= last_day, resolved, NOT_A_DATE))
