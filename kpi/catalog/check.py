"""Named rules the KPI catalog keeps; each returns its problems, naming the KPI and the fix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from kpi.catalog.kinds import SURVEY_SOURCES, Direction, Kind, Param, Source, Unit, known
from kpi.catalog.kpis import DOMAIN_TEMPLATE, Kpi, declared_kpis
from kpi.stats import SUPPRESSION_THRESHOLD

# What a missing parameter needs, in the words of the fix.
NEEDS = {Param.DOMAIN: "a domain", Param.AUDIENCE: "an audience", Param.DAYS: "days > 0",
         Param.MINUTES: "minutes"}


def _choices(enum) -> str:
    return ", ".join(enum)


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
    return [f"{k.id}: unit {k.unit!r} is not one of {_choices(Unit)}" for k in kpis
            if not known(Unit, k.unit)]


def known_direction(kpis: Iterable[Kpi]) -> list[str]:
    """The direction says which way is better: higher, lower or neutral."""
    return [f"{k.id}: direction {k.direction!r} is not one of {_choices(Direction)}"
            for k in kpis if not known(Direction, k.direction)]


def known_source(kpis: Iterable[Kpi]) -> list[str]:
    """The source is a table the engine reads."""
    return [f"{k.id}: source {k.source!r} is not one of {_choices(Source)}"
            for k in kpis if not known(Source, k.source)]


def known_kind(kpis: Iterable[Kpi]) -> list[str]:
    """The kind is a computation the engine knows."""
    return [f"{k.id}: kind {k.kind!r} is not one of {_choices(Kind)}"
            for k in kpis if not known(Kind, k.kind)]


def kind_fits_source(kpis: Iterable[Kpi]) -> list[str]:
    """The kind reads the KPI's source (a complaint count is not computed from visits)."""
    return [f"{k.id}: kind {k.kind} reads {_choices(Kind(k.kind).sources)}, "
            f"not source {k.source}" for k in kpis
            if known(Kind, k.kind) and known(Source, k.source)
            and k.source not in Kind(k.kind).sources]


def chart_kind_fits(kpis: Iterable[Kpi]) -> list[str]:
    """A chart kind (what the control chart plots instead) is a known kind that reads the
    KPI's source and needs no parameter the KPI lacks."""
    return [f"{k.id}: chart kind '{k.chart_kind}' must be a kind that reads {k.source}"
            for k in kpis if k.chart_kind is not None
            and computable([replace(k, kind=k.chart_kind)])]


def survey_kpis_suppressed(kpis: Iterable[Kpi]) -> list[str]:
    """Survey KPIs withhold small cells (min_n >= 11); other KPIs never do (min_n 0)."""
    problems = []
    for k in kpis:
        if k.source in SURVEY_SOURCES and k.min_n < SUPPRESSION_THRESHOLD:
            problems.append(f"{k.id}: a survey KPI needs min_n >= {SUPPRESSION_THRESHOLD}")
        if k.source not in SURVEY_SOURCES and k.min_n != 0:
            problems.append(f"{k.id}: only survey KPIs are suppressed; set min_n to 0")
    return problems


def _missing(kpi: Kpi, param: Param) -> bool:
    value = getattr(kpi, param)
    if param is Param.DOMAIN and kpi is DOMAIN_TEMPLATE:
        return False  # the template stands for one KPI per domain of the database
    return not value if param is Param.DAYS else value is None


def parameters_present(kpis: Iterable[Kpi]) -> list[str]:
    """Each kind has the parameters it declares: a domain and audience, days, or minutes."""
    return [f"{k.id}: kind {k.kind} needs {NEEDS[param]}" for k in kpis if known(Kind, k.kind)
            for param in Kind(k.kind).params if _missing(k, param)]


def computable(kpis: Iterable[Kpi]) -> list[str]:
    """The rules the engine needs to compute a KPI: known source and kind, which fit, and the
    kind's parameters."""
    kpis = list(kpis)
    return [problem for rule in COMPUTABLE for problem in rule(kpis)]


COMPUTABLE: tuple[Callable[[Iterable[Kpi]], list[str]], ...] = (
    known_source, known_kind, kind_fits_source, parameters_present)
RULES: tuple[Callable[[Iterable[Kpi]], list[str]], ...] = (
    unique_ids, has_label_and_description, known_unit, known_direction, *COMPUTABLE,
    chart_kind_fits, survey_kpis_suppressed)


def validate_catalog(kpis: Iterable[Kpi] | None = None) -> list[str]:
    """Every problem of the catalog (the declared KPIs and the domain template); [] when sound."""
    kpis = declared_kpis() if kpis is None else list(kpis)
    return [problem for rule in RULES for problem in rule(kpis)]
