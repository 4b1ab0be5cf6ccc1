"""The result caches' keys for filters, scopes and reaches: equal objects give one key whatever
order their sets were built in, and any field that differs gives another."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.engine.scope import Scope
from kpi.filters import Filter
from kpi.reach import Reach
from ui.cache_keys import cache_token

WARDS = ["W1", "W2", "W3", "W10", "ED", "ICU", "MAT", "CARD"]
SCOPE = Scope(("D1", "D2"), date(2026, 1, 1), date(2026, 3, 31), frozenset({"department"}))


@pytest.mark.parametrize("one, other", [
    (Reach(departments=frozenset(WARDS)), Reach(departments=frozenset(reversed(WARDS)))),
    (Filter(within=Reach(sites={"North", "South"})),
     Filter(within=Reach(sites={"South", "North"}))),
    (SCOPE, Scope(("D1", "D2"), date(2026, 1, 1), date(2026, 3, 31),
                  frozenset({"department"}))),
])
def test_equal_objects_share_a_key(one, other):
    assert one == other
    assert cache_token(one) == cache_token(other)


@pytest.mark.parametrize("one, other", [
    (Reach(departments={"D1"}), Reach(service_lines={"D1"})),
    (Reach(every=True), Reach()),
    (Filter(departments=("D1",)), Filter(departments=("D2",))),
    (Filter(start=date(2024, 2, 29)), Filter(start=date(2024, 3, 1))),
    (Filter(within=Reach(departments={"D1"})), Filter(within=Reach(departments={"D1", "D2"}))),
    (SCOPE, Scope(("D1", "D2"), date(2026, 1, 1), date(2026, 3, 31), frozenset())),
    (SCOPE, Scope(("D1", "D2"), date(2026, 1, 1), date(2026, 3, 31), frozenset({"department"}),
                  every_department=True)),
    (SCOPE, Scope(("D2", "D1"), date(2026, 1, 1), date(2026, 3, 31), frozenset({"department"}))),
])
def test_objects_that_differ_in_any_field_have_different_keys(one, other):
    assert one != other
    assert cache_token(one) != cache_token(other)
