"""The KPIs each dashboard page shows, declared once as data: views/ draws them and the tests
read them from here (no Streamlit)."""

# Overview: one headline tile per area, and the KPIs compared across departments.
OVERVIEW_HEADLINES = {"Satisfaction": "patient_satisfaction", "Loyalty": "nps",
                      "Complaints": "complaints_per_1000_visits",
                      "Staff morale": "staff_engagement",
                      "Respect for time": "seen_within_15_minutes",
                      "Reputation": "review_rating_mean"}
OVERVIEW_COMPARED = ("patient_satisfaction", "recommend_top_box", "nps", "return_visit_rate",
                     "complaints_per_1000_visits", "ack_within_3_working_days",
                     "staff_engagement", "staff_wellbeing", "enps", "seen_within_15_minutes",
                     "median_wait_minutes")
# Satisfaction: the headline row; the domain charts start with the overall top-box KPI (the
# domain KPIs come from the catalog of the database).
SATISFACTION_HEADLINE = ("patient_satisfaction", "satisfaction_mean_score", "survey_responses")
SATISFACTION_OVERALL = "patient_satisfaction"

# Loyalty: headline row, then each KPI by department and by month.
# Return visits are cohort KPIs: each tile names the cohort it follows (cohort_months).
LOYALTY_RETURNS = ("return_visit_rate", "return_visit_rate_90d")
LOYALTY = ("recommend_top_box", "nps", *LOYALTY_RETURNS)

# Complaints: headline row; volume and deadlines are control charts by month.
COMPLAINTS = ("complaint_count", "complaints_per_1000_visits", "ack_within_3_working_days",
              "resolved_within_7_days", "median_days_to_resolve", "open_complaints")
COMPLAINTS_VOLUME = ("complaint_count", "complaints_per_1000_visits")
COMPLAINTS_DEADLINES = ("ack_within_3_working_days", "resolved_within_7_days")

# Staff morale: headline row and control charts; staff engagement beside patient satisfaction.
STAFF = ("staff_engagement", "staff_wellbeing", "enps")
STAFF_BESIDE_PATIENTS = ("staff_engagement", "patient_satisfaction")

# Respect for time: headline row, control charts and department x month grids.
WAITS = ("median_wait_minutes", "seen_within_15_minutes")


# Reputation: headline row and control charts (the count has its own tile).
REPUTATION = ("review_rating_mean", "reviews", "negative_review_share", "review_response_rate",
              "review_days_to_respond")
REPUTATION_CHARTS = ("review_rating_mean", "negative_review_share", "review_response_rate",
                     "review_days_to_respond")


def cohort_months(days: int) -> int:
    """How many complete months a return rate's tile follows: a year of first visits for a
    window of a year or more, the latest quarter (recent months) for a shorter window."""
    return 12 if days >= 365 else 3
