"""One month of synthetic visits: departments, dates, visit types, waits and returning patients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.demo.hospital import DEPARTMENTS, VISIT_TYPES
from kpi.demo.plan import DemoPlan

RETURN_SHARE = 0.35        # visits by a patient seen before (this month or in the last year)
SAME_DAY_SHARE = 0.015     # visits on the same day as another visit of the same patient
HISTORY_MONTHS = 12
HISTORY_DECAY_MONTHS = 5.0  # returning patients come mostly from recent months
VIRTUAL_SHARE = 0.10       # outpatient visits held virtually
WEEKEND_CLINIC_WEIGHT = 0.05
MAX_WAIT_MINUTES = 24 * 60

_SERVICE_LINE_TYPE = {"Inpatient": 0, "Outpatient": 1, "Emergency": 2}
_VIRTUAL = VISIT_TYPES.index("virtual")
_OUTPATIENT = np.array([d.service_line == "Outpatient" for d in DEPARTMENTS])
_SPLITMIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9),
             np.uint64(0x94D049BB133111EB))


@dataclass
class MonthVisits:
    """One month of visits in date order; wait is NaN where none was recorded."""

    visit_no: np.ndarray
    department: np.ndarray
    date: np.ndarray
    visit_type: np.ndarray
    wait: np.ndarray
    patient: np.ndarray


def scramble(ids: np.ndarray, seed: int) -> np.ndarray:
    """A seeded one-to-one scramble of patient numbers into 64-bit keys (splitmix64)."""
    z = ids.astype(np.uint64) + np.array([seed % 2**64], dtype=np.uint64) * _SPLITMIX[0]
    z = (z ^ (z >> np.uint64(30))) * _SPLITMIX[1]
    z = (z ^ (z >> np.uint64(27))) * _SPLITMIX[2]
    return z ^ (z >> np.uint64(31))


class PatientPool:
    """Hands out patient numbers: new patients, and returners from the last HISTORY_MONTHS."""

    def __init__(self) -> None:
        self.next_id = 0
        self.history: list[np.ndarray] = []

    def assign(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Patient numbers for n visits of the next month (a share of them returning)."""
        if not self.history:
            self.seed_history(n)
        ids = np.empty(n, dtype=np.int64)
        returning = rng.random(n) < RETURN_SHARE
        if n and not any(len(p) for p in self.history):
            returning[0] = False
        fresh = ~returning
        ids[fresh] = self.next_id + np.arange(fresh.sum())
        self.next_id += int(fresh.sum())
        pools = [ids[fresh]] + self.history[::-1]
        weights = np.array([np.exp(-lag / HISTORY_DECAY_MONTHS) * (len(p) > 0)
                            for lag, p in enumerate(pools)])
        if returning.any():
            source = rng.choice(len(pools), size=int(returning.sum()), p=weights / weights.sum())
            picked = np.empty(len(source), dtype=np.int64)
            for j, pool in enumerate(pools):
                here = source == j
                picked[here] = (pool[rng.integers(len(pool), size=int(here.sum()))]
                                if len(pool) else 0)
            ids[returning] = picked
        self.history = (self.history + [ids])[-HISTORY_MONTHS:]
        return ids


    def seed_history(self, n: int) -> None:
        """Patients seen in the HISTORY_MONTHS before the demo's first month (in none of its
        data), as many new ones a month as a month of n visits brings. Without them the
        first months' patients would be the only ones to return to: their return rates would
        start high and fall for months, a warm-up no real hospital's data has."""
        fresh = round(n * (1 - RETURN_SHARE))
        self.history = [self.next_id + fresh * month + np.arange(fresh, dtype=np.int64)
                        for month in range(HISTORY_MONTHS)]
        self.next_id += fresh * HISTORY_MONTHS


def _day_weights(plan: DemoPlan, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Day-of-month weights for (ward/emergency, clinic) departments; clinics rarely open
    weekends."""
    days = plan.month_start[month] + np.arange(plan.days[month])
    weekend = ((days.astype("datetime64[D]").astype(int) + 3) % 7) >= 5
    every_day = np.full(len(days), 1.0 / len(days))
    clinic = np.where(weekend, WEEKEND_CLINIC_WEIGHT, 1.0)
    return every_day, clinic / clinic.sum()


def month_visits(rng: np.random.Generator, plan: DemoPlan, month: int, pool: PatientPool,
                 first_visit_no: int) -> MonthVisits:
    """The visits of one month, numbered from first_visit_no in date order."""
    counts = rng.poisson(plan.visit_mean[:, month])
    department = np.repeat(np.arange(len(DEPARTMENTS), dtype=np.int8), counts)
    n = len(department)
    every_day, clinic = _day_weights(plan, month)
    offset = np.empty(n, dtype=np.int64)
    for d, count in enumerate(counts):
        here = department == d
        offset[here] = rng.choice(len(every_day), size=count,
                                  p=clinic if _OUTPATIENT[d] else every_day)
    visit_type = np.array([_SERVICE_LINE_TYPE[d.service_line] for d in DEPARTMENTS],
                          dtype=np.int8)[department]
    visit_type[_OUTPATIENT[department] & (rng.random(n) < VIRTUAL_SHARE)] = _VIRTUAL
    wait = _waits(rng, plan, month, department)
    patient = pool.assign(rng, n)
    same_day = rng.random(n) < SAME_DAY_SHARE
    source = rng.integers(max(n, 1), size=int(same_day.sum()))
    patient[same_day] = patient[source]
    offset[same_day] = offset[source]
    order = np.lexsort((department, offset))
    return MonthVisits(visit_no=first_visit_no + np.arange(n, dtype=np.int64),
                       department=department[order],
                       date=plan.month_start[month] + offset[order],
                       visit_type=visit_type[order], wait=wait[order],
                       patient=scramble(patient[order], plan.seed))


def _waits(rng: np.random.Generator, plan: DemoPlan, month: int,
           department: np.ndarray) -> np.ndarray:
    """Log-normal waits in whole minutes around each department's monthly median; NaN if
    unrecorded."""
    sigma = np.array([d.wait_sigma for d in DEPARTMENTS])[department]
    recorded = np.array([d.wait_recorded for d in DEPARTMENTS])[department]
    median = plan.wait_median[department, month]
    minutes = np.round(median * np.exp(sigma * rng.standard_normal(len(department))))
    minutes = np.minimum(minutes, MAX_WAIT_MINUTES)
    return np.where(rng.random(len(department)) < recorded, minutes, np.nan)
