"""The key drivers on the Satisfaction page and the board pack download on the Overview, under
AppTest on the small demo: the page shows kpi's numbers, withholds small filters, and offers
the pack only to those who may download the filter's departments."""

from __future__ import annotations

import json

import pytest

from kpi.engine.drivers import key_drivers
from kpi.filters import Filter
from kpi.present.drivers import FIX_FIRST, fix_first, fix_first_rows, priority_table
from kpi.store.connect import open_readonly
from tests.support.apptest_helpers import fresh_caches, open_app, open_tab, use_database  # noqa: F401
from tests.test_signin import as_user, signed_in  # noqa: F401  (a fixture)
from ui import data

PACK = "Board pack (HTML, prints to PDF)"
WHOLE = {"start": "2022-07-01", "end": "2025-06-30"}


@pytest.fixture
def local(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


def drivers_tab(params: dict):
    """The Satisfaction page with its Key drivers tab open."""
    return open_tab(open_app("views/satisfaction.py", params), "satisfaction_tab", "Key drivers")


def test_the_satisfaction_page_shows_the_engines_fix_first_list(local):
    at = drivers_tab(WHOLE)
    assert "Key drivers: what to fix first" in [h.value for h in at.header]
    con = open_readonly(local)
    try:
        found = key_drivers(con, Filter(start=WHOLE["start"], end=WHOLE["end"]))
    finally:
        con.close()
    expected = fix_first_rows(fix_first(priority_table(found, "overall")))
    shown = next(d.value for d in at.dataframe if "Importance (95 % interval)" in d.value.columns)
    assert shown.reset_index(drop=True).equals(expected)
    matrix = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
              if "Priority matrix" in c.proto.spec or "What goes with" in c.proto.spec]
    assert len(matrix) == 1 and FIX_FIRST in {t["name"] for t in matrix[0]["data"]}


def test_the_key_drivers_are_computed_only_when_their_tab_is_opened(local, monkeypatch):
    asked = []
    real = data.key_drivers
    monkeypatch.setattr(data, "key_drivers", lambda *a: asked.append(a) or real(*a))
    at = open_app("views/satisfaction.py", {"start": "2025-01-01", "end": "2025-03-31"})
    assert asked == [] and "Key drivers: what to fix first" not in [h.value for h in at.header]
    open_tab(at, "satisfaction_tab", "Key drivers")
    assert len(asked) == 1 and "Key drivers: what to fix first" in [h.value for h in at.header]
    assert "Domain scores" not in [h.value for h in at.header]


def test_the_outcome_and_level_can_be_chosen(local):
    at = drivers_tab(WHOLE)
    at.radio(key="drivers_outcome").set_value("recommend").run()
    at.radio(key="drivers_level").set_value("domain").run()
    assert not at.exception
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "What goes with would recommend: domains" in titles


def test_a_small_filter_withholds_the_drivers(local):
    at = drivers_tab({"dept": "PALL", "start": "2025-06-01", "end": "2025-06-30"})
    assert any("Key drivers are withheld: fewer than 100 respondents" in i.value for i in at.info)


def test_the_overview_offers_the_board_pack_in_local_mode(local):
    at = open_app()
    assert PACK in [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("email, params, offered", [
    ("viewer@hospital.example", {}, False),  # a viewer downloads nothing
    ("ed.lead@hospital.example", {}, True),
    ("mixed@hospital.example", {"dept": "CARD"}, False),  # viewed, not led
])
def test_the_board_pack_follows_the_download_right(signed_in, email, params, offered):  # noqa: F811
    at = as_user({"email": email}, None, params)
    assert (PACK in [b.proto.label for b in at.get("download_button")]) is offered
