"""Hand-computed KPI cases on the tiny database of kpi_db.py: one runner checks them all.

Intervals are 95 % (z = 1.959964), worked out by hand from the catalog's formulas:
Wilson for shares, +-z*100*sqrt((P+D-(P-D)^2)/n) for NPS, Garwood for 4 complaints
(1.0898654, 10.2415887) scaled by 1000/3 visits.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.filters import Filter


@dataclass(frozen=True)
class Row:
    """One expected result row; None = an empty cell (no value, or withheld)."""

    department_id: str | None = None
    month: str | None = None
    value: float | None = None
    n: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False


@dataclass(frozen=True)
class Case:
    """A KPI for a filter and grouping, and every row it must give."""

    name: str
    kpi_id: str
    flt: Filter
    group_by: tuple[str, ...]
    rows: tuple[Row, ...]


def window(*departments: str, start: str | None = None, end: str | None = None, **more) -> Filter:
    """A filter over some departments and dates."""
    return Filter(departments=departments, start=start, end=end, **more)


D1_JAN = window("D1", start="2024-01-01", end="2024-01-31")
D1_Q1 = window("D1", start="2024-01-01", end="2024-03-31")
D1_FEB_STAFF = window("D1", start="2024-02-01", end="2024-02-29")
D1_MARCH_2023 = window("D1", start="2023-03-01", end="2023-03-31")
WITHHELD = Row(suppressed=True)
SHARE_1_OF_3 = dict(value=100 / 3, n=3, numerator=1, denominator=3,
                    ci_low=6.149194402, ci_high=79.23404012)
NO_DATA_SHARE = dict(n=0, numerator=0, denominator=0)


def case(name: str, kpi_id: str, flt: Filter, *rows: Row, by: tuple[str, ...] = ()) -> Case:
    """A case; rows default to one ungrouped row."""
    return Case(name, kpi_id, flt, by, rows)


CASES: list[Case] = [
    # Patient survey: top box, mean, domains, NPS, suppression.
    case("overall top box of a single item: ratio and Wilson", "patient_satisfaction", D1_JAN,
         Row(value=60.0, n=100, numerator=60, denominator=100,
             ci_low=50.2002586, ci_high=69.05987142)),
    case("mean score: 60 x 90 + 40 x 50 over 100", "satisfaction_mean_score", D1_JAN,
         Row(value=74.0, n=100)),
    case("n = 10 withheld (leap day in February); March's 11 too, as the filter's 21 would "
         "give February away", "patient_satisfaction",
         window("D2", start="2024-02-01", end="2024-03-31"),
         Row("D2", "2024-02", suppressed=True), Row("D2", "2024-03", suppressed=True),
         by=("department", "month")),
    case("n = 11 shown", "patient_satisfaction", window("D2", start="2024-03-01", end="2024-03-31"),
         Row("D2", "2024-03", value=400 / 11, n=11, numerator=4, denominator=11,
             ci_low=15.16647099, ci_high=64.61988274), by=("department", "month")),
    case("mean score with n = 11: (4 x 90 + 7 x 60) / 11", "satisfaction_mean_score",
         window("D2", start="2024-03-01", end="2024-03-31"), Row(value=780 / 11, n=11)),
    case("no surveys at all: no value, n 0, not suppressed", "patient_satisfaction",
         window("D3"), Row(**NO_DATA_SHARE)),
    case("a survey with every answer blank is a response", "survey_responses", D1_JAN,
         Row(value=101.0, n=101)),
    case("a response count of 10 is withheld too, and its complement", "survey_responses",
         window("D2", start="2024-02-01", end="2024-03-31"),
         Row(month="2024-02", suppressed=True), Row(month="2024-03", suppressed=True),
         by=("month",)),
    case("a response count of 11 is shown", "survey_responses",
         window("D2", start="2024-03-01", end="2024-03-31"), Row(value=11.0, n=11)),
    case("empty filter: every department, the database's window", "survey_responses",
         Filter(), Row(value=122.0, n=122)),
    case("recommend averages recommend4 (80 %) and rating0_10 (70 %)", "recommend_top_box",
         D1_JAN, Row(value=75.0, n=100)),
    case("NPS 70 / 20 / 10 -> 60", "nps", D1_JAN,
         Row(value=60.0, n=100, ci_low=46.99906962, ci_high=73.00093038)),
    case("multi-item domain with an unanswered item: skipped, no interval",
         "domain_top_box[communication]", D1_JAN, Row(value=50.0, n=100)),
    case("single-item yes/no domain: 15 of 20", "domain_top_box[privacy]", D1_JAN,
         Row(value=75.0, n=20, numerator=15, denominator=20,
             ci_low=53.12991206, ci_high=88.81382993)),
    case("top_box_min 5 overrides agree5's default 4", "domain_top_box[environment]", D1_JAN,
         Row(value=25.0, n=40, numerator=10, denominator=40,
             ci_low=14.18711857, ci_high=40.19396155)),
    case("a domain whose only item has no answers", "domain_top_box[discharge]", Filter(),
         Row(**NO_DATA_SHARE)),
    # Staff survey.
    case("staff engagement 9 of 12 favourable", "staff_engagement", D1_FEB_STAFF,
         Row(value=75.0, n=12, numerator=9, denominator=12,
             ci_low=46.76946629, ci_high=91.10583323)),
    case("one staff survey is withheld", "staff_engagement", window("D2"), WITHHELD),
    case("wellbeing answered by 10 is withheld", "staff_wellbeing", D1_FEB_STAFF, WITHHELD),
    case("eNPS 6 / 3 / 3 of 12 -> 25", "enps", D1_FEB_STAFF,
         Row(value=25.0, n=12, ci_low=-21.9130666, ci_high=71.9130666)),
    # Visits and waits.
    case("every visit in the database", "visits", Filter(), Row(value=13.0, n=13)),
    case("a service line selects its departments", "visits",
         Filter(service_lines=("Outpatient",)), Row(value=3.0, n=3)),
    case("service line and site that share no department: 0", "visits",
         Filter(service_lines=("Emergency",), sites=("North",)), Row(value=0.0, n=0)),
    case("month boundary: the window starts mid-January and ends on 1 March", "visits",
         window("D1", start="2023-01-15", end="2023-03-01"),
         Row(month="2023-01", value=1.0, n=1), Row(month="2023-02", value=0.0, n=0),
         Row(month="2023-03", value=4.0, n=4), by=("month",)),
    case("median of 5, 10, 15, 30 is 12.5", "median_wait_minutes", D1_MARCH_2023,
         Row(value=12.5, n=4)),
    case("visits without a recorded wait have no median", "median_wait_minutes",
         window("D1", start="2023-01-01", end="2023-01-31"), Row(n=0)),
    case("15 minutes is within 15 minutes", "seen_within_15_minutes", D1_MARCH_2023,
         Row(value=75.0, n=4, numerator=3, denominator=4,
             ci_low=30.06418401, ci_high=95.44127397)),
    case("waits 0, 5, 10, 15, 20, 30: 4 of 6", "seen_within_15_minutes", Filter(),
         Row(value=400 / 6, n=6, numerator=4, denominator=6,
             ci_low=29.9993313, ci_high=90.32285898)),
    # Return visits (as_of visits = 2024-03-31).
    case("returns: after 10 days, on the leap day (+365), not +366, not same day",
         "return_visit_rate", window("D1", start="2023-01-01", end="2023-12-31"),
         Row(value=50.0, n=4, numerator=2, denominator=4,
             ci_low=15.00389877, ci_high=84.99610123)),
    case("the index is the first visit in each month group", "return_visit_rate",
         window("D1", start="2023-01-01", end="2023-03-31"),
         Row(month="2023-01", value=100.0, n=1, numerator=1, denominator=1,
             ci_low=20.65493118, ci_high=100.0),
         Row(month="2023-02", **NO_DATA_SHARE),
         Row(month="2023-03", **SHARE_1_OF_3), by=("month",)),
    case("censored: windows not over by as_of are not eligible", "return_visit_rate", D1_Q1,
         Row(**NO_DATA_SHARE)),
    case("two visits on one day are one index and no return", "return_visit_rate",
         window("D2", start="2023-01-01", end="2023-12-31"),
         Row(value=0.0, n=1, numerator=0, denominator=1, ci_low=0.0, ci_high=79.34506882)),
    # 90-day returns (eligible when index <= 2024-01-01): only P4 (+10 days) is back in time.
    case("90 days: the return on the leap day (+365) is too late", "return_visit_rate_90d",
         window("D1", start="2023-01-01", end="2023-12-31"),
         Row(value=25.0, n=4, numerator=1, denominator=4,
             ci_low=4.558726030, ci_high=69.93581599)),
    case("90 days by month: P4 in January; P1, P2, P3 not back in March",
         "return_visit_rate_90d", window("D1", start="2023-01-01", end="2023-03-31"),
         Row(month="2023-01", value=100.0, n=1, numerator=1, denominator=1,
             ci_low=20.65493118, ci_high=100.0),
         Row(month="2023-02", **NO_DATA_SHARE),
         Row(month="2023-03", value=0.0, n=3, numerator=0, denominator=3,
             ci_low=0.0, ci_high=56.14970356), by=("month",)),
    case("90 days, whole hospital: P5 (2024-01-10) and P7 not followed 90 days yet",
         "return_visit_rate_90d", Filter(),
         Row(value=20.0, n=5, numerator=1, denominator=5,
             ci_low=3.622410823, ci_high=62.44653730)),
    # Complaints (as_of complaints = 2024-04-01).
    case("complaints received in the filter", "complaint_count", D1_Q1, Row(value=4.0, n=4)),
    case("every complaint", "complaint_count", Filter(), Row(value=7.0, n=7)),
    case("4 complaints per 3 visits, Garwood interval scaled", "complaints_per_1000_visits",
         D1_Q1, Row(value=4000 / 3, n=3, numerator=4, denominator=3,
                    ci_low=363.2884537, ci_high=3413.862910)),
    case("a complaint and no visits: numerator 1, denominator 0, no value",
         "complaints_per_1000_visits", window("D3", start="2024-01-01", end="2024-02-29"),
         Row(n=0, numerator=1, denominator=0)),
    case("Friday in time on Wednesday; Saturday late on Thursday; no acknowledgement late",
         "ack_within_3_working_days", D1_Q1, Row(**SHARE_1_OF_3)),
    case("Monday acknowledged Tuesday in time; Wednesday due Monday, late",
         "ack_within_3_working_days", window("D2"),
         Row(value=50.0, n=2, numerator=1, denominator=2,
             ci_low=9.453120464, ci_high=90.54687954)),
    case("day 7 in time, day 8 late, unresolved late, not yet due excluded",
         "resolved_within_7_days", D1_Q1, Row(**SHARE_1_OF_3)),
    case("median of 7 and 8 days", "median_days_to_resolve", D1_Q1, Row(value=7.5, n=2)),
    case("median of 1, 5, 7, 8, 103 days", "median_days_to_resolve", Filter(),
         Row(value=7.0, n=5)),
    case("open at each month's last day (29 February)", "open_complaints", D1_Q1,
         Row(month="2024-01", value=0.0, n=0), Row(month="2024-02", value=1.0, n=1),
         Row(month="2024-03", value=2.0, n=2), by=("month",)),
    case("the last month counts at the window's end", "open_complaints",
         window("D1", start="2024-02-01", end="2024-03-05"),
         Row(month="2024-02", value=1.0, n=1), Row(month="2024-03", value=3.0, n=3),
         by=("month",)),
    case("backlog received before the window is open", "open_complaints",
         window("D2", start="2024-01-01", end="2024-03-31"), Row(value=1.0, n=1)),
    case("resolved on the window's last day is closed", "open_complaints",
         window("D2", start="2024-01-01", end="2024-04-01"), Row(value=0.0, n=0)),
    # Reviews (as_of reviews = 2024-03-31). Stars G1..G7: 5 1 4 2 3 1 4; G4 is a review of
    # site North (D1 and D2), G5 of site South (D3 alone).
    case("every review, each site review once", "reviews", Filter(), Row(value=7.0, n=7)),
    case("D1 alone does not hold site North: G1 G2 G7", "reviews", window("D1"),
         Row(value=3.0, n=3)),
    case("D1 and D2 hold site North: its review counts once", "reviews", window("D1", "D2"),
         Row(value=5.0, n=5)),
    case("the site North chosen", "reviews", Filter(sites=("North",)), Row(value=5.0, n=5)),
    case("by department: North's site review in no row, South's in D3 (its one department)",
         "reviews", Filter(), Row("D1", value=3.0, n=3), Row("D2", value=1.0, n=1),
         Row("D3", value=2.0, n=2), by=("department",)),
    case("by month, the site review in its month", "reviews",
         window("D1", "D2", start="2024-01-01", end="2024-03-31"),
         Row(month="2024-01", value=2.0, n=2), Row(month="2024-02", value=2.0, n=2),
         Row(month="2024-03", value=1.0, n=1), by=("month",)),
    case("no review in the window: 0 reviews", "reviews",
         window("D1", start="2023-06-01", end="2023-06-30"), Row(value=0.0, n=0)),
    # mean 20/7, s = sqrt(728/294) = 1.573592, t(0.975, 6) = 2.446912, half 1.455329
    case("mean stars with Student's t interval", "review_rating_mean", Filter(),
         Row(value=20 / 7, n=7, ci_low=1.401813354, ci_high=4.312472360)),
    # mean 10/3, s = sqrt(13/3), t(0.975, 2) = 4.302653: 10/3 -+ 5.17 kept within 1 to 5
    case("an interval wider than the stars is kept within 1 to 5", "review_rating_mean",
         window("D1"), Row(value=10 / 3, n=3, ci_low=1.0, ci_high=5.0)),
    case("a single review has no interval", "review_rating_mean", window("D2"),
         Row(value=4.0, n=1)),
    case("no review, no mean", "review_rating_mean",
         window("D1", start="2023-06-01", end="2023-06-30"), Row(n=0)),
    case("3 of 7 reviews with 1 or 2 stars", "negative_review_share", Filter(),
         Row(value=300 / 7, n=7, numerator=3, denominator=7,
             ci_low=15.82198540, ci_high=74.95416372)),
    case("negative share of North with its site review", "negative_review_share",
         window("D1", "D2"), Row(value=40.0, n=5, numerator=2, denominator=5,
                                 ci_low=11.76207731, ci_high=76.92757206)),
    case("5 of 7 reviews replied to", "review_response_rate", Filter(),
         Row(value=500 / 7, n=7, numerator=5, denominator=7,
             ci_low=35.89344495, ci_high=91.77810768)),
    case("median of 0, 1, 2, 10, 21 days to reply", "review_days_to_respond", Filter(),
         Row(value=2.0, n=5)),
    case("median of 1, 10, 2 days in D1", "review_days_to_respond", window("D1"),
         Row(value=2.0, n=3)),
    case("no replied review: no median", "review_days_to_respond", window("D2"), Row(n=0)),
]
