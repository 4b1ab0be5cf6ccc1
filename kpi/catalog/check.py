"""Named rules the KPI catalog keeps; each returns its problems, naming the KPI and the fix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from kpi.catalog.kpis import (
    DIRECTIONS,
    DOMAIN_TEMPLATE,
    KINDS,
    SOURCES,
    SURVEY_SOURCES,
    UNITS,
    Kpi,
    declared_kpis,
)
from kpi.stats import SUPPRESSION_THRESHOLD

DOMAIN_KINDS = ("domain_top_box", "domain_mean", "domain_nps")
KIND_NEEDS_DAYS = ("return_rate", "ack_within_working_days", "resolved_within_days")
KIND_NEEDS_MINUTES = ("wait_within",)


def unique_ids(kpis: Iterable[Kpi]) -> list[str]:
    """Every id is used once."""
    counts = Counter(k.id for k in kpis)
    return [f"{i}: the id is declared {c} times; give each KPI its own id"
            for i, c in counts.items() if c > 1]


def has_label_and_description(kpis: Iterable[Kpi]) -> list[str]:
    """Every KPI has a label and a plain-words description."""
    return [f"{k.id}: add a label and a one-paragraph description" for k in kpis
            if not k.label.strip() or not k.description.strip()]


def known_unit(kpis: Iterable[Kpi]) -> list[str]:
    """The unit is one of the snapshot's units."""
    return [f"{k.id}: unit {k.unit!r} is not one of {', '.join(UNITS)}" for k in kpis
            if k.unit not in UNITS]


def known_direction(kpis: Iterable[Kpi]) -> list[str]:
    """The direction says which way is better: higher, lower or neutral."""
    return [f"{k.id}: direction {k.direction!r} is not one of {', '.join(DIRECTIONS)}"
            for k in kpis if k.direction not in DIRECTIONS]


def known_source_and_kind(kpis: Iterable[Kpi]) -> list[str]:
    """The source table and the computation are ones the engine knows."""
    return ([f"{k.id}: source {k.source!r} is not one of {', '.join(SOURCES)}"
             for k in kpis if k.source not in SOURCES]
            + [f"{k.id}: kind {k.kind!r} is not one of {', '.join(KINDS)}"
               for k in kpis if k.kind not in KINDS])


def survey_kpis_suppressed(kpis: Iterable[Kpi]) -> list[str]:
    """Survey KPIs withhold small cells (min_n >= 11); other KPIs never do (min_n 0)."""
    problems = []
    for k in kpis:
        if k.source in SURVEY_SOURCES and k.min_n < SUPPRESSION_THRESHOLD:
            problems.append(f"{k.id}: a survey KPI needs min_n >= {SUPPRESSION_THRESHOLD}")
        if k.source not in SURVEY_SOURCES and k.min_n != 0:
            problems.append(f"{k.id}: only survey KPIs are suppressed; set min_n to 0")
    return problems


def parameters_present(kpis: Iterable[Kpi]) -> list[str]:
    """Each computation has what it needs: a domain and audience, days, or minutes."""
    problems = []
    for k in kpis:
        if k.kind in DOMAIN_KINDS and (k.audience is None
                                       or (k.domain is None and k is not DOMAIN_TEMPLATE)):
            problems.append(f"{k.id}: kind {k.kind} needs a domain and an audience")
        if k.kind in KIND_NEEDS_DAYS and not k.days:
            problems.append(f"{k.id}: kind {k.kind} needs days > 0")
        if k.kind in KIND_NEEDS_MINUTES and k.minutes is None:
            problems.append(f"{k.id}: kind {k.kind} needs minutes")
    return problems


RULES: tuple[Callable[[Iterable[Kpi]], list[str]], ...] = (
    unique_ids, has_label_and_description, known_unit, known_direction,
    known_source_and_kind, survey_kpis_suppressed, parameters_present)


def validate_catalog(kpis: Iterable[Kpi] | None = None) -> list[str]:
    """Every problem of the catalog (the declared KPIs and the domain template); [] when sound."""
    kpis = declared_kpis() if kpis is None else list(kpis)
    return [problem for rule in RULES for problem in rule(kpis)]
