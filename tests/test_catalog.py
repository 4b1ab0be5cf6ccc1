"""The catalog: sound by its own named rules, looked up by id, listed, and documented once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kpi.catalog import check
from kpi.catalog.check import validate_catalog
from kpi.catalog.docs import DOCS_PATH, render_markdown
from kpi.catalog.kinds import Kind
from kpi.catalog.kpis import (
    DOMAIN_TEMPLATE,
    KPIS,
    available_kpis,
    declared_kpis,
    domain_kpi,
    render_list,
    resolve_kpis,
)
from kpi.errors import UsageError
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

SATISFACTION = KPIS[0]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


def test_the_catalog_breaks_none_of_its_rules():
    assert validate_catalog() == []


COMPLAINTS = resolve_kpis(None, ["complaint_count"])[0]
RETURNS = resolve_kpis(None, ["return_visit_rate"])[0]
WAITS = resolve_kpis(None, ["seen_within_15_minutes"])[0]
RULE_CASES = [
    (check.unique_ids, [SATISFACTION, SATISFACTION], "declared 2 times"),
    (check.has_label_and_description, [replace(SATISFACTION, description=" ")], "description"),
    (check.known_unit, [replace(SATISFACTION, unit="percent")], "unit 'percent'"),
    (check.known_direction, [replace(SATISFACTION, direction="up")], "direction 'up'"),
    (check.known_source, [replace(KPIS[-1], source="emails")], "source 'emails'"),
    (check.known_kind, [replace(SATISFACTION, kind="mode")], "kind 'mode'"),
    (check.kind_fits_source, [replace(KPIS[-1], kind="complaint_count")],
     "kind complaint_count reads complaints, not source visits"),
    (check.kind_fits_source, [replace(COMPLAINTS, source="visits")],
     "kind complaint_count reads complaints, not source visits"),
    (check.kind_fits_source, [replace(RETURNS, kind="domain_mean", domain="overall",
                                      audience="patient")],
     "kind domain_mean reads patient_survey, staff_survey, not source visits"),
    (check.survey_kpis_suppressed, [replace(SATISFACTION, min_n=5)], "min_n >= 11"),
    (check.survey_kpis_suppressed, [replace(KPIS[-1], min_n=11)], "only survey KPIs"),
    (check.parameters_present, [replace(SATISFACTION, domain=None)], "needs a domain"),
    (check.parameters_present, [replace(SATISFACTION, audience=None)], "needs an audience"),
    (check.parameters_present, [replace(RETURNS, days=None)], "needs days > 0"),
    (check.parameters_present, [replace(RETURNS, days=0)], "needs days > 0"),
    (check.parameters_present, [replace(WAITS, minutes=None)], "needs minutes"),
    (check.chart_kind_fits, [replace(WAITS, chart_kind=Kind.COMPLAINT_COUNT)],
     "chart kind 'complaint_count' must be a kind that reads visits"),
    (check.chart_kind_fits, [replace(WAITS, chart_kind="mode")],
     "chart kind 'mode' must be a kind that reads visits"),
]


@pytest.mark.parametrize("rule, broken, complaint", RULE_CASES)
def test_each_rule_names_the_kpi_and_the_problem(rule, broken, complaint):
    problems = validate_catalog(broken)
    assert len(problems) == 1 and complaint in problems[0]
    assert problems[0].startswith(broken[0].id)
    assert rule(broken) == problems


def test_every_rule_has_a_case():
    assert {rule for rule, _, _ in RULE_CASES} == set(check.RULES)


def test_the_engine_rules_are_the_ones_about_kind_source_and_parameters():
    assert check.COMPUTABLE == (check.known_source, check.known_kind, check.kind_fits_source,
                                check.parameters_present)
    assert check.computable(available_kpis(None)) == []


def test_every_kind_is_used_and_survey_kpis_withhold_small_cells():
    assert {k.kind for k in declared_kpis()} | {k.chart_kind for k in declared_kpis()} == {
        *Kind, None}  # a kind is a KPI's own or what its control chart plots
    assert {k.id for k in KPIS if k.min_n} == {
        "patient_satisfaction", "satisfaction_mean_score", "recommend_top_box", "nps",
        "staff_engagement", "staff_wellbeing", "enps", "survey_responses"}


def test_domain_kpis_come_from_the_database(con):
    [privacy] = resolve_kpis(con, ["domain_top_box[privacy]"])
    assert (privacy.domain, privacy.audience, privacy.label) == ("privacy", "patient",
                                                                 "Privacy top-box %")
    assert "about privacy" in privacy.description and "`privacy`" in privacy.method
    with pytest.raises(UsageError, match=r"domain_top_box\[overall\]"):
        resolve_kpis(con, ["domain_top_box[overall]"])
    with pytest.raises(UsageError, match="python -m kpi list"):
        resolve_kpis(con, ["satisfaction"])
    assert [k.id for k in available_kpis(None)] == [k.id for k in KPIS]


def test_the_list_shows_every_kpi_with_its_definition(con):
    text = render_list(con)
    words = " ".join(text.split())
    for kpi in available_kpis(con):
        assert f"{kpi.id}  {kpi.label}  [unit {kpi.unit}, direction {kpi.direction}]" in text
        assert kpi.description in words
    assert DOMAIN_TEMPLATE.id not in text
    template = render_list(None)
    assert DOMAIN_TEMPLATE.id in template and "domain_top_box[privacy]" not in template


def test_docs_are_generated_from_the_catalog():
    assert Path(DOCS_PATH).read_text(encoding="utf-8") == render_markdown(), (
        "docs/kpis.md is stale: run `python -m kpi.catalog.docs`")
    for kpi in declared_kpis():
        assert f"### `{kpi.id}`" in render_markdown()


@pytest.mark.parametrize("domain, label", [
    ("privacy", "Privacy top-box %"),
    ("wait_time", "Wait time top-box %"),
    ("fft", "Friends and Family Test top-box %"),
])
def test_domain_labels_read_as_words(domain, label):
    assert domain_kpi(domain).label == label
