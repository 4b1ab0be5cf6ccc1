"""One month of synthetic online reviews per site, from their own random stream: volumes of a
few hundred to a few thousand a year per site, stars following the departments' mood, a
parking change that sinks one site's rating, and slow replies to negative reviews."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.demo.hospital import DEPARTMENTS
from kpi.demo.plan import AVERAGE_MONTH_DAYS, DemoPlan, DemoStory
from kpi.demo.review_phrases import (
    MIXED_REVIEWS,
    NEGATIVE_REVIEWS,
    PARKING_REVIEWS,
    POSITIVE_REVIEWS,
    REVIEW_SOURCE_SHARES,
)

SITES = tuple(dict.fromkeys(d.site for d in DEPARTMENTS))
PARKING_SITE = DemoStory.parking_site
REVIEWS_PER_YEAR = {"Main Campus": 1500.0, "North Campus": 900.0, "Riverside": 400.0}
PARKING_LEVEL_DROP = 0.7         # latent stars lost at North after the change
PARKING_SHARE = 0.6              # of North's unhappy reviews after it, about parking
NAMED_DEPARTMENT = 0.6           # share of reviews naming a department (the rest: a site)
NAMED_SITE_TOO = 0.5             # of those, the share that give the site as well
NO_TEXT = 0.15
# A review's stars: 1 + how many cuts a normal latent (mood + noise) passes; at mood 0 about
# 18 % 1 star, 7 % 2, 8 % 3, 17 % 4 and 50 % 5 (online reviews are J-shaped).
STAR_CUTS = np.array([-0.915, -0.674, -0.44, 0.0])
# Replies by stars 1..5: the share answered, and the median days to answer (log-normal).
REPLIED = np.array([0.85, 0.85, 0.55, 0.5, 0.5])
REPLY_MEDIAN_DAYS = np.array([14.0, 12.0, 5.0, 3.0, 2.0])
REPLY_SIGMA = 0.6
TEXTS = POSITIVE_REVIEWS + MIXED_REVIEWS + NEGATIVE_REVIEWS + PARKING_REVIEWS
_FIRST = {"positive": 0, "mixed": len(POSITIVE_REVIEWS),
          "negative": len(POSITIVE_REVIEWS) + len(MIXED_REVIEWS),
          "parking": len(TEXTS) - len(PARKING_REVIEWS)}
NOT_A_DATE = np.datetime64("NaT", "D")


@dataclass
class MonthReviews:
    """Reviews posted in one month: indices into SITES, DEPARTMENTS (-1: none given, or the
    site not given), REVIEW_SOURCES and TEXTS (-1: no text); NaT where not replied."""

    review_no: np.ndarray
    source: np.ndarray
    site: np.ndarray
    department: np.ndarray
    date: np.ndarray
    rating: np.ndarray
    text: np.ndarray
    response: np.ndarray


def _moods(plan: DemoPlan, month: int) -> np.ndarray:
    """Each site's latent mood this month: its departments' mean level, less the parking
    change's drop at the story's site once it has happened."""
    levels = plan.level[:, month]
    mood = np.array([levels[[d.site == s for d in DEPARTMENTS]].mean() for s in SITES])
    if month >= plan.parking_month_index:
        mood[SITES.index(PARKING_SITE)] -= PARKING_LEVEL_DROP
    return mood


def _texts(rng: np.random.Generator, stars: np.ndarray, parking: np.ndarray) -> np.ndarray:
    """A phrase that fits each review's stars (parking for the story's unhappy reviewers)."""
    kind = np.where(stars >= 4, 0, np.where(stars == 3, 1, 2))
    sizes = (len(POSITIVE_REVIEWS), len(MIXED_REVIEWS), len(NEGATIVE_REVIEWS))
    firsts = (_FIRST["positive"], _FIRST["mixed"], _FIRST["negative"])
    text = np.array([firsts[k] + rng.integers(sizes[k]) for k in kind], dtype=np.int16)
    about_parking = parking & (stars <= 3) & (rng.random(len(stars)) < PARKING_SHARE)
    text[about_parking] = _FIRST["parking"] + rng.integers(len(PARKING_REVIEWS),
                                                           size=int(about_parking.sum()))
    text[rng.random(len(stars)) < NO_TEXT] = -1
    return text


def month_reviews(plan: DemoPlan, month: int, first_review_no: int) -> MonthReviews:
    """The reviews posted in one month (drawn from the stream [seed, 2, month] alone, so the
    other tables of the demo stay as they were)."""
    rng = np.random.default_rng([plan.seed, 2, month])
    expected = np.array([REVIEWS_PER_YEAR[s] for s in SITES]) / 12 * (
        plan.days[month] / AVERAGE_MONTH_DAYS)
    counts = rng.poisson(expected)
    site = np.repeat(np.arange(len(SITES), dtype=np.int8), counts)
    n = len(site)
    stars = 1 + (rng.standard_normal(n)[:, None] + _moods(plan, month)[site][:, None]
                 > STAR_CUTS).sum(axis=1).astype(np.int8)
    department = np.full(n, -1, dtype=np.int8)
    named = rng.random(n) < NAMED_DEPARTMENT
    for s, name in enumerate(SITES):
        members = [i for i, d in enumerate(DEPARTMENTS) if d.site == name]
        weights = np.array([DEPARTMENTS[i].visit_share or 0.01 for i in members])
        chosen = named & (site == s)
        department[chosen] = rng.choice(members, size=int(chosen.sum()), p=weights / weights.sum())
    site = np.where(named & (rng.random(n) >= NAMED_SITE_TOO), -1, site).astype(np.int8)
    date = plan.month_start[month] + rng.integers(plan.days[month], size=n)
    replied = rng.random(n) < REPLIED[stars - 1]
    delay = np.round(REPLY_MEDIAN_DAYS[stars - 1] * np.exp(REPLY_SIGMA * rng.standard_normal(n)))
    response = np.where(replied, date + delay.astype(np.int64), NOT_A_DATE)
    response = np.where(response <= np.datetime64(plan.end, "D"), response, NOT_A_DATE)
    parking = (site == SITES.index(PARKING_SITE)) | np.isin(
        department, [i for i, d in enumerate(DEPARTMENTS) if d.site == PARKING_SITE])
    text = _texts(rng, stars, parking & (month >= plan.parking_month_index))
    order = np.argsort(date, kind="stable")
    source = rng.choice(len(REVIEW_SOURCE_SHARES), size=n, p=REVIEW_SOURCE_SHARES)
    return MonthReviews(first_review_no + np.arange(n, dtype=np.int64), source[order].astype(
        np.int8), site[order], department[order], date[order], stars[order], text[order],
        response[order])
