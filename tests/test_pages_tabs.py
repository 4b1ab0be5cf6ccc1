"""Which tab is open: kept in the link and remembered when leaving a page (ui.tabs), under
AppTest on the small demo."""

from __future__ import annotations

import pytest

from tests.support.apptest_helpers import (  # noqa: F401 (a fixture)
    fresh_caches,
    open_app,
    open_tab,
    use_database,
)
from ui.tabs import link_tabs, open_tabs

ED_2025 = {"dept": "ED", "start": "2025-01-01", "end": "2025-06-30"}
COMPLAINTS, SATISFACTION, OVERVIEW = ("views/complaints.py", "views/satisfaction.py",
                                      "views/overview.py")


@pytest.fixture(autouse=True)
def px_db(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


def _worklist_open(at) -> bool:
    """Whether the Complaints page shows its Worklist tab (its table, no chart)."""
    tables = any("Status" in d.value.columns for d in at.dataframe)
    charts = len(at.get("plotly_chart")) > 0
    assert tables != charts, "one tab's content, not both or neither"
    return tables


@pytest.mark.parametrize("params, tabs", [
    ({"complaints_tab": ["Worklist"], "dept": ["ED"]}, {"complaints_tab": "Worklist"}),
    ({"complaints_tab": ["Charts", "Worklist"]}, {"complaints_tab": "Worklist"}),
    ({"complaints_tab": []}, {}),
    ({"tab": ["Worklist"], "start": ["2025-01-01"]}, {}),
    ({}, {}),
])
def test_the_tabs_of_a_link(params, tabs):
    assert link_tabs(params) == tabs


def test_a_group_of_tabs_needs_a_key_that_names_its_link_parameter():
    with pytest.raises(ValueError, match="ending with '_tab'"):
        open_tabs({"Charts": 1, "Worklist": 2}, "complaints")


def test_a_link_opens_its_tab_and_the_open_tab_goes_into_the_link():
    at = open_app(COMPLAINTS, {**ED_2025, "complaints_tab": "Worklist"})
    assert _worklist_open(at)
    assert (at.query_params["complaints_tab"], at.query_params["dept"]) == ("Worklist", "ED")
    open_tab(at, "complaints_tab", "Charts")
    assert not _worklist_open(at)
    assert "complaints_tab" not in at.query_params and at.query_params["dept"] == "ED"


@pytest.mark.parametrize("label", ["Nope", "worklist", ""])
def test_a_link_naming_no_tab_of_the_page_opens_the_first(label):
    at = open_app(COMPLAINTS, {**ED_2025, "complaints_tab": label})
    assert not _worklist_open(at) and "complaints_tab" not in at.query_params


def test_leaving_a_page_and_coming_back_opens_the_tab_left_open():
    at = open_app(COMPLAINTS, ED_2025)
    assert not _worklist_open(at)
    open_tab(at, "complaints_tab", "Worklist")
    at.switch_page(OVERVIEW).run()
    assert "complaints_tab" not in at.query_params
    at.switch_page(SATISFACTION).run()
    assert at.tabs[0].label == "Scores" and "satisfaction_tab" not in at.query_params
    at.switch_page(COMPLAINTS).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _worklist_open(at) and at.query_params["complaints_tab"] == "Worklist"
