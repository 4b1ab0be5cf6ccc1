"""The catalog: sound by its own named rules, looked up by id, listed, and documented once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kpi.catalog.check import validate_catalog
from kpi.catalog.docs import DOCS_PATH, render_markdown
from kpi.catalog.kpis import (
    DOMAIN_TEMPLATE,
    KINDS,
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


@pytest.mark.parametrize("broken, complaint", [
    ([SATISFACTION, SATISFACTION], "declared 2 times"),
    ([replace(SATISFACTION, description=" ")], "description"),
    ([replace(SATISFACTION, unit="percent")], "unit 'percent'"),
    ([replace(SATISFACTION, direction="up")], "direction 'up'"),
    ([replace(KPIS[-1], source="emails")], "source 'emails'"),
    ([replace(SATISFACTION, kind="mode")], "kind 'mode'"),
    ([replace(SATISFACTION, min_n=5)], "min_n >= 11"),
    ([replace(KPIS[-1], min_n=11)], "only survey KPIs"),
    ([replace(SATISFACTION, domain=None)], "needs a domain"),
    ([replace(*resolve_kpis(None, ["return_visit_rate"]), days=None)], "needs days"),
    ([replace(*resolve_kpis(None, ["seen_within_15_minutes"]), minutes=None)], "needs minutes"),
])
def test_each_rule_names_the_kpi_and_the_problem(broken, complaint):
    problems = validate_catalog(broken)
    assert len(problems) == 1 and complaint in problems[0]
    assert problems[0].startswith(broken[0].id)


def test_every_kind_is_used_and_survey_kpis_withhold_small_cells():
    assert {k.kind for k in declared_kpis()} == set(KINDS)
    assert {k.id for k in KPIS if k.min_n} == {
        "patient_satisfaction", "satisfaction_mean_score", "recommend_top_box", "nps",
        "staff_engagement", "staff_wellbeing", "enps", "survey_responses"}


def test_domain_kpis_come_from_the_database(con):
    [privacy] = resolve_kpis(con, ["domain_top_box[privacy]"])
    assert (privacy.domain, privacy.audience, privacy.label) == ("privacy", "patient",
                                                                 "Privacy top-box %")
    assert "`privacy`" in privacy.description
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
