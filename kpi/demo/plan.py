"""The demo's calendar and its stories: expected volumes and latent levels per department-month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from kpi.demo.hospital import COMPLAINT_RATE, DEPARTMENTS

MONTHS = 36                      # 3 years to the current month (the last one partial)
VISITS_AT_SCALE_1 = 1_000_000
STAFF_SURVEYS_AT_SCALE_1 = 10_000
SMALL_UNIT_MONTHLY_VISITS = 50.0  # the small unit stays small at any scale
SMALL_UNIT_MONTHLY_STAFF = 4.0
AVERAGE_MONTH_DAYS = 365.25 / 12

ED_DECLINE_MONTHS = 6            # ED waits rise and satisfaction falls over the last 6 months
ED_LEVEL_STEP = 0.08             # latent satisfaction lost per month of the decline
ED_WAIT_STEP = 0.12              # median wait growth per month of the decline (of the base)
PROGRAMME_MONTHS_BEFORE_END = 18  # the improving department's staff programme starts here
PROGRAMME_LEVEL_STEP = 0.045     # latent satisfaction gained per month of the programme
SPIKE_MONTHS_BEFORE_END = 8      # billing system change: a one-month complaint spike
PARKING_MONTHS_BEFORE_END = 9    # a site's parking change: its review rating falls from here
SPIKE_MULTIPLE = 3.0             # extra billing complaints, in multiples of a normal month
LEVEL_NOISE = 0.04               # common-cause month-to-month variation of a department
STAFF_LEVEL_WEIGHT = 0.9         # staff morale follows the department's patient satisfaction
STAFF_LEVEL_NOISE = 0.05
STAFF_DEPARTMENT_NOISE = 0.12  # morale a little above or below what patients report
COMPLAINT_LEVEL_WEIGHT = 0.9     # unhappier months bring more complaints


@dataclass(frozen=True)
class DemoStory:
    """The facts a leader should find on the dashboard (for tests and the guided tour)."""

    months: tuple[date, ...]
    ed_department: str = "ED"
    improving_department: str = "MED"
    small_unit: str = "PALL"
    stable_department: str = "CARD"
    spike_category: str = "billing"
    parking_site: str = "North Campus"

    @property
    def start(self) -> date:
        """First day of the demo window."""
        return self.months[0]

    @property
    def ed_decline_start(self) -> date:
        """First month of the ED decline (waits up, satisfaction down)."""
        return self.months[MONTHS - ED_DECLINE_MONTHS]

    @property
    def programme_start(self) -> date:
        """First month of the improving department's staff programme."""
        return self.months[MONTHS - 1 - PROGRAMME_MONTHS_BEFORE_END]

    @property
    def parking_change(self) -> date:
        """The first month after the parking change (the site's reviews turn worse)."""
        return self.months[MONTHS - 1 - PARKING_MONTHS_BEFORE_END]

    @property
    def spike_month(self) -> date:
        """The month of the billing complaint spike."""
        return self.months[MONTHS - 1 - SPIKE_MONTHS_BEFORE_END]


def month_starts(end: date) -> tuple[date, ...]:
    """First days of the MONTHS calendar months ending with end's month."""
    last = end.year * 12 + end.month - 1
    return tuple(date(i // 12, i % 12 + 1, 1) for i in range(last - MONTHS + 1, last + 1))


def demo_story(end: date) -> DemoStory:
    """The story facts of a demo that ends on `end`."""
    return DemoStory(months=month_starts(end))


def _department_index(department_id: str) -> int:
    return [d.department_id for d in DEPARTMENTS].index(department_id)


class DemoPlan:
    """Expected volumes and latent levels, arrays shaped (departments, months)."""

    def __init__(self, seed: int, scale: float, end: date):
        if not scale > 0:
            raise ValueError(f"scale must be greater than 0, not {scale!r}")
        self.seed, self.scale, self.end = seed, scale, end
        self.story = demo_story(end)
        starts = np.array(self.story.months + (_next_month(self.story.months[-1]),),
                          dtype="datetime64[D]")
        self.month_start = starts[:-1]
        self.full_days = np.diff(starts).astype(int)
        self.days = self.full_days.copy()
        self.days[-1] = end.day
        rng = np.random.default_rng([seed, 0])
        self.level = self._patient_levels(rng)
        self.staff_level = (STAFF_LEVEL_WEIGHT * self.level
                            + rng.normal(0, STAFF_DEPARTMENT_NOISE, (len(DEPARTMENTS), 1))
                            + rng.normal(0, STAFF_LEVEL_NOISE, self.level.shape))
        self.wait_median = self._wait_medians(rng)
        self.visit_mean = self._visit_means()
        self.staff_mean = self._staff_means()
        rates = np.array([COMPLAINT_RATE[d.service_line] for d in DEPARTMENTS])
        self.complaint_rate = rates[:, None] * np.exp(-COMPLAINT_LEVEL_WEIGHT * self.level)
        normal_month = np.median((self.visit_mean * self.complaint_rate).sum(axis=0))
        self.spike_month_index = MONTHS - 1 - SPIKE_MONTHS_BEFORE_END
        self.spike_extra = SPIKE_MULTIPLE * normal_month
        self.parking_month_index = MONTHS - 1 - PARKING_MONTHS_BEFORE_END

    def _patient_levels(self, rng: np.random.Generator) -> np.ndarray:
        base = np.array([d.level for d in DEPARTMENTS])
        level = base[:, None] + rng.normal(0, LEVEL_NOISE, (len(DEPARTMENTS), MONTHS))
        level[_department_index(self.story.ed_department)] -= ED_LEVEL_STEP * _decline_steps()
        programme = np.arange(MONTHS) - (MONTHS - 2 - PROGRAMME_MONTHS_BEFORE_END)
        level[_department_index(self.story.improving_department)] += (
            PROGRAMME_LEVEL_STEP * np.clip(programme, 0, None))
        return level

    def _wait_medians(self, rng: np.random.Generator) -> np.ndarray:
        base = np.array([d.wait_median for d in DEPARTMENTS])
        medians = base[:, None] * np.exp(rng.normal(0, 0.02, (len(DEPARTMENTS), MONTHS)))
        medians[_department_index(self.story.ed_department)] *= 1 + ED_WAIT_STEP * _decline_steps()
        return medians

    def _visit_means(self) -> np.ndarray:
        months = self.month_start.astype("datetime64[M]").astype(int) % 12 + 1
        winter = np.cos(2 * np.pi * (months - 1) / 12)
        growth = 1 + 0.02 * np.arange(MONTHS) / 12
        season = np.array([1 + (0.06 * winter if d.service_line != "Outpatient"
                                else -0.05 * np.isin(months, (8, 12))) for d in DEPARTMENTS])
        share = np.array([d.visit_share for d in DEPARTMENTS])
        raw = share[:, None] * season * growth * self.full_days
        means = self.scale * VISITS_AT_SCALE_1 * raw / raw.sum() * (self.days / self.full_days)
        means[share == 0] = SMALL_UNIT_MONTHLY_VISITS * self.days / AVERAGE_MONTH_DAYS
        return means

    def _staff_means(self) -> np.ndarray:
        share = np.array([d.staff_share for d in DEPARTMENTS])
        per_day = self.scale * STAFF_SURVEYS_AT_SCALE_1 / MONTHS / AVERAGE_MONTH_DAYS
        means = (per_day * share / share.sum())[:, None] * self.days
        means[share == 0] = SMALL_UNIT_MONTHLY_STAFF * self.days / AVERAGE_MONTH_DAYS
        return means


def _decline_steps() -> np.ndarray:
    """0 before the ED decline, then 1, 2, ... ED_DECLINE_MONTHS over its months."""
    return np.clip(np.arange(MONTHS) - (MONTHS - 1 - ED_DECLINE_MONTHS), 0, None)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
