"""The KPI catalog as code: every KPI a frozen, declared object; lookups and the `list` text."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from kpi.catalog.kind_fields import Kpi
from kpi.catalog.kinds import Direction, Kind, Source, Unit
from kpi.catalog.reviews import REVIEW_KPIS
from kpi.errors import UsageError
from kpi.facts import fact
from kpi.stats import SUPPRESSION_THRESHOLD

DOMAIN_KPI_PREFIX = "domain_top_box"
NOT_DOMAIN_KPIS = ("overall", "recommend")


def _survey(**fields) -> Kpi:
    return Kpi(min_n=SUPPRESSION_THRESHOLD, **fields)


def _return_rate(kpi_id: str, label: str, days: int) -> Kpi:
    """A return-visit rate with a window of `days` (one definition, parametrised by W)."""
    return Kpi(id=kpi_id, label=label, area="Loyalty", unit=Unit.PERCENT,
               direction=Direction.HIGHER, source=Source.VISITS, kind=Kind.RETURN_RATE,
               days=days,
               description="Share of patients who came back: a patient's index visit is their "
               f"first visit in the filter; it counts once its {days}-day window has ended by the "
               "data's as-of date, and it is a return when the patient has any later visit, in "
               f"any department, within {days} days (same-day visits never count). Loyalty, not a "
               "readmission measure. On the control chart a month is complete (judged) once the "
               f"first visits of its last day have {days} days of follow-up; until then it is "
               "provisional.")


KPIS: tuple[Kpi, ...] = (
    _survey(id="patient_satisfaction", label="Patient satisfaction", area="Satisfaction",
            unit=Unit.PERCENT, direction=Direction.HIGHER, source=Source.PATIENT_SURVEY,
            kind=Kind.DOMAIN_TOP_BOX, domain="overall", audience="patient",
            description="Share of answers to the overall rating in the top box (9-10 on a "
            "0-10 rating, 'Very good'/'Good' on a five-point scale).",
            method="Each overall-rating question's top-box % of its valid answers, averaged "
            "over the `overall` questions with answers (HCAHPS composite rule)."),
    _survey(id="satisfaction_mean_score", label="Satisfaction mean score", area="Satisfaction",
            unit=Unit.SCORE, direction=Direction.HIGHER, source=Source.PATIENT_SURVEY,
            kind=Kind.DOMAIN_MEAN, domain="overall", audience="patient",
            description="Linear mean score (0-100) of the overall rating: every valid answer "
            "mapped to 0-100 on its scale (a 0-10 rating times 10), averaged per question, "
            "then over the `overall` questions with answers. No interval."),
    _survey(id="recommend_top_box", label="Would recommend", area="Loyalty", unit=Unit.PERCENT,
            direction=Direction.HIGHER, source=Source.PATIENT_SURVEY, kind=Kind.DOMAIN_TOP_BOX,
            domain="recommend", audience="patient",
            description="Top-box % of the `recommend` questions ('Definitely yes' on the "
            "four-point scale, 9-10 on a 0-10 rating), averaged over the questions with answers."),
    _survey(id="nps", label="Net Promoter Score", area="Loyalty", unit=Unit.NPS,
            direction=Direction.HIGHER, source=Source.PATIENT_SURVEY, kind=Kind.DOMAIN_NPS,
            domain="recommend", audience="patient",
            description="% promoters (9-10) minus % detractors (0-6) on the 0-10 `recommend` "
            "questions; passives stay in the denominator. Several such questions: the mean of "
            "their NPS, without interval. n = valid answers."),
    _return_rate("return_visit_rate", "Return visit rate", 365),
    _return_rate("return_visit_rate_90d", "Return visit rate (90 days)", 90),
    Kpi(id="complaint_count", label="Complaints", area="Complaints", unit=Unit.COUNT,
        direction=Direction.LOWER, source=Source.COMPLAINTS, kind=Kind.COMPLAINT_COUNT,
        description="Complaints received in the filter's departments and dates."),
    Kpi(id="complaints_per_1000_visits", label="Complaints per 1,000 visits",
        area="Complaints", unit=Unit.PER_1000, direction=Direction.LOWER, source=Source.COMPLAINTS,
        kind=Kind.COMPLAINT_RATE,
        description="Complaints received for every 1,000 visits of the same departments and "
        "dates; no value where there were no visits. n = visits.",
        method="1000 x complaints received / visits. Interval: exact Poisson (Garwood) on the "
        "complaint count, scaled."),
    Kpi(id="ack_within_3_working_days", label="Acknowledged within 3 working days",
        area="Complaints", unit=Unit.PERCENT, direction=Direction.HIGHER, source=Source.COMPLAINTS,
        kind=Kind.ACK_WITHIN_WORKING_DAYS, days=3,
        description="Share of complaints acknowledged by the deadline of 3 working days "
        "(Monday-Friday, less the public holidays of the delivery's holidays file) after receipt "
        "(received Friday or Saturday: due Wednesday; on a holiday: counted from the working day "
        "before), over the complaints whose deadline has passed by the data's "
        "as-of date; a missing acknowledgement is late (NHS England complaints standard)."),
    Kpi(id="resolved_within_7_days", label="Resolved within 7 days", area="Complaints",
        unit=Unit.PERCENT, direction=Direction.HIGHER, source=Source.COMPLAINTS,
        kind=Kind.RESOLVED_WITHIN_DAYS, days=7,
        description="Share of complaints resolved no later than 7 days after receipt (day 7 is "
        "in time), over the complaints received at least 7 days before the data's as-of date; "
        "a missing resolution is late (CMS grievance guidance)."),
    Kpi(id="median_days_to_resolve", label="Median days to resolve", area="Complaints",
        unit=Unit.DAYS, direction=Direction.LOWER, source=Source.COMPLAINTS,
        kind=Kind.MEDIAN_DAYS_TO_RESOLVE,
        description="Median of resolved date minus received date, in days, over every resolved "
        "complaint received in the filter, however late. n = resolved complaints."),
    Kpi(id="open_complaints", label="Open complaints", area="Complaints", unit=Unit.COUNT,
        direction=Direction.LOWER, source=Source.COMPLAINTS, kind=Kind.OPEN_COMPLAINTS,
        description="Complaints received on or before the end of the period (a month's last "
        "day, or the window's end if earlier) and not resolved on or before it, backlog from "
        "before the window included."),
    *REVIEW_KPIS,
    _survey(id="staff_engagement", label="Staff engagement", area="Staff morale", unit=Unit.PERCENT,
            direction=Direction.HIGHER, source=Source.STAFF_SURVEY, kind=Kind.DOMAIN_TOP_BOX,
            domain="engagement", audience="staff",
            description="% favourable (top box, e.g. agree or strongly agree) of the staff "
            "`engagement` questions, averaged over the questions with answers."),
    _survey(id="staff_wellbeing", label="Staff wellbeing", area="Staff morale", unit=Unit.PERCENT,
            direction=Direction.HIGHER, source=Source.STAFF_SURVEY, kind=Kind.DOMAIN_TOP_BOX,
            domain="wellbeing", audience="staff",
            description="% favourable (top box) of the staff `wellbeing` questions, averaged "
            "over the questions with answers."),
    _survey(id="enps", label="Staff Net Promoter Score", area="Staff morale", unit=Unit.NPS,
            direction=Direction.HIGHER, source=Source.STAFF_SURVEY, kind=Kind.DOMAIN_NPS,
            domain="recommend_workplace", audience="staff",
            description="% promoters (9-10) minus % detractors (0-6) on the staff question "
            "'would you recommend this place to work?' (0-10).",
            method="The questions of the staff survey's domain `recommend_workplace`."),
    Kpi(id="median_wait_minutes", label="Median wait", area="Respect for time",
        unit=Unit.MINUTES, direction=Direction.LOWER, source=Source.VISITS, kind=Kind.MEDIAN_WAIT,
        chart_kind=Kind.GROUPED_MEDIAN_WAIT,
        description="Median minutes from arrival (or appointment time) to being seen, over the "
        "visits with a wait recorded (the mean of the two middle values for an even count). "
        "The control chart plots the grouped median instead: each whole minute m a class from "
        "m - 0.5 to m + 0.5, median = L + (N/2 - F) / f (the median class the lowest whose "
        "running count reaches N/2, L its lower bound, F the waits below it, f the waits in "
        "it), so that a month's point is not rounded to a whole minute; tiles, tables and "
        "exports keep the median above."),
    Kpi(id="seen_within_15_minutes", label="Seen within 15 minutes", area="Respect for time",
        unit=Unit.PERCENT, direction=Direction.HIGHER, source=Source.VISITS,
        kind=Kind.WAIT_WITHIN, minutes=15,
        description="Share of the visits with a wait recorded whose wait was 15 minutes or "
        "less."),
    _survey(id="survey_responses", label="Patient surveys returned", area="Volume",
            unit=Unit.COUNT, direction=Direction.NEUTRAL, source=Source.PATIENT_SURVEY,
            kind=Kind.RESPONSE_COUNT, audience="patient",
            description="Patient surveys returned, including surveys with every answer blank."),
    Kpi(id="visits", label="Visits", area="Volume", unit=Unit.COUNT, direction=Direction.NEUTRAL,
        source=Source.VISITS, kind=Kind.VISIT_COUNT, description="Visits (encounters)."),
)

_DOMAIN_DESCRIPTION = "Top-box % of the questions about {subject}: the average of their top-box %."
_DOMAIN_METHOD = ("The unweighted mean of the top-box % of the questions of {domain} with "
                  "answers (HCAHPS composite rule).")
DOMAIN_TEMPLATE = _survey(
    id="domain_top_box[d]", label="Domain d top-box %", area="Satisfaction", unit=Unit.PERCENT,
    direction=Direction.HIGHER, source=Source.PATIENT_SURVEY,
    kind=Kind.DOMAIN_TOP_BOX, audience="patient",
    method=_DOMAIN_METHOD.format(domain="the domain"),
    description=_DOMAIN_DESCRIPTION.format(
        subject="patient domain d, one KPI per patient domain in the question catalog other "
        "than `overall` and `recommend` (communication, responsiveness, wait_time, privacy, "
        "environment, empathy, discharge, ...)"))


# Domain names that are not plain words (acronyms); others are written with spaces, capitalised.
DOMAIN_NAMES = {"fft": "Friends and Family Test"}


def domain_kpi(domain: str) -> Kpi:
    """The top-box KPI of one patient domain, e.g. `domain_top_box[communication]`."""
    name = DOMAIN_NAMES.get(domain, domain.replace("_", " "))
    return replace(DOMAIN_TEMPLATE, id=f"{DOMAIN_KPI_PREFIX}[{domain}]", domain=domain,
                   label=f"{name[:1].upper()}{name[1:]} top-box %",
                   description=_DOMAIN_DESCRIPTION.format(subject=name),
                   method=_DOMAIN_METHOD.format(domain=f"the patient domain `{domain}`"))


def patient_domains(con) -> list[str]:
    """Patient domains with a question in the catalog, other than overall and recommend."""
    rows = fact(con, ("patient domains",), lambda: tuple(con.execute(
        "SELECT DISTINCT domain FROM questions WHERE audience = 'patient' "
        "AND NOT list_contains($skip, domain) ORDER BY domain",
        {"skip": list(NOT_DOMAIN_KPIS)}).fetchall()))
    return [domain for (domain,) in rows]


def _with_domains(domain_kpis: list[Kpi]) -> list[Kpi]:
    """The fixed KPIs in catalog order, domain KPIs after the satisfaction ones."""
    return [*KPIS[:2], *domain_kpis, *KPIS[2:]]


def declared_kpis() -> list[Kpi]:
    """The catalog as declared: the fixed KPIs and the template `domain_top_box[d]`."""
    return _with_domains([DOMAIN_TEMPLATE])


def available_kpis(con) -> list[Kpi]:
    """Every KPI of the catalog, with one domain KPI per patient domain of the database."""
    return _with_domains([domain_kpi(d) for d in patient_domains(con)] if con is not None else [])


def charted(kpi: Kpi) -> Kpi:
    """The KPI as its control chart computes it: by its chart kind, when it has one."""
    return kpi if kpi.chart_kind is None else replace(kpi, kind=kpi.chart_kind)


def resolve_kpis(con, kpi_ids) -> list[Kpi]:
    """The KPIs named by kpi_ids (every KPI when None or empty); unknown ids raise UsageError."""
    available = available_kpis(con)
    if not kpi_ids:
        return available
    by_id = {k.id: k for k in available}
    unknown = [i for i in dict.fromkeys(kpi_ids) if i not in by_id]
    if unknown:
        raise UsageError(f"unknown KPI {', '.join(map(repr, unknown))}; "
                         "`python -m kpi list` shows the KPIs")
    return [by_id[i] for i in dict.fromkeys(kpi_ids)]


def render_list(con) -> str:
    """The text of `python -m kpi list`: id, label, unit, direction and definition of each KPI."""
    kpis = available_kpis(con) if con is not None else declared_kpis()
    blocks = []
    for k in kpis:
        body = textwrap.fill(k.definition, width=92, initial_indent="    ",
                             subsequent_indent="    ", break_on_hyphens=False)
        blocks.append(f"{k.id}  {k.label}  [unit {k.unit}, direction {k.direction}]\n{body}")
    return "\n\n".join(blocks)

