"""The reputation KPIs of the catalog: online reviews (reviews file), and the rule that keeps a
review of a whole site from counting more than once."""

from __future__ import annotations

from kpi.catalog.kind_fields import Kpi
from kpi.catalog.kinds import Direction, Kind, Source, Unit

AREA = "Reputation"
STARS = (1, 5)  # the fewest and most stars a review gives
NEGATIVE_STARS = 2  # a review of this many stars or fewer is negative
# Where a review counts (kpi.engine.reviews applies it; docs/kpis.md quotes it).
SITE_RULE = ("A review names its department, its site, or both. A review of a department "
             "counts for that department. A review of a site only counts once, and only "
             "where the filter holds every department of that site (the site, the whole "
             "hospital, or a choice of departments that includes all of the site's); by "
             "department it is in no department's row, unless the site has that one "
             "department only (each group is computed as if it were the whole filter). The "
             "review_date places it in the window and in its month.")


def _review(kpi_id: str, label: str, unit: Unit, direction: Direction, kind: Kind,
            description: str) -> Kpi:
    return Kpi(id=kpi_id, label=label, area=AREA, unit=unit, direction=direction,
               source=Source.REVIEWS, kind=kind, description=f"{description} {SITE_RULE}")


REVIEW_KPIS: tuple[Kpi, ...] = (
    _review("review_rating_mean", "Average review rating", Unit.STARS, Direction.HIGHER,
            Kind.REVIEW_RATING_MEAN,
            "Mean of the reviews' stars (1 to 5). Interval: Student's t, mean +- t(0.975, "
            "n - 1) x s / sqrt(n) with s the sample standard deviation, kept within 1 to 5; "
            "none for a single review or when every rating is the same. n = reviews."),
    _review("reviews", "Online reviews", Unit.COUNT, Direction.NEUTRAL, Kind.REVIEW_COUNT,
            "Public online reviews (Google, NHS website, Yelp, ...) posted in the filter's "
            "dates."),
    _review("negative_review_share", "Negative reviews", Unit.PERCENT, Direction.LOWER,
            Kind.NEGATIVE_REVIEW_SHARE,
            f"Share of the reviews with {NEGATIVE_STARS} stars or fewer; Wilson interval. "
            "n = reviews."),
    _review("review_response_rate", "Reviews replied to", Unit.PERCENT, Direction.HIGHER,
            Kind.REVIEW_RESPONSE_RATE,
            "Share of the reviews that the hospital has replied to (a response_date) by the "
            "data's as-of date, however late; the reviews of the last days may not be answered "
            "yet. Wilson interval. n = reviews."),
    _review("review_days_to_respond", "Median days to reply", Unit.DAYS, Direction.LOWER,
            Kind.MEDIAN_DAYS_TO_RESPOND,
            "Median of response date minus review date, in days (a reply the same day is 0), "
            "over the replied reviews posted in the filter's dates. n = replied reviews."),
)
