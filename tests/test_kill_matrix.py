"""The kill matrix, reduced: a real `python -m kpi ingest` killed with SIGKILL in every phase
of its run, then another load; the database always equals the old one plus the new load."""

from __future__ import annotations

import pytest

from benchmarks.kill_matrix import REDUCED_POINTS, matrix, prepare, render

PHASES = {"copy", "read", "load", "derive", "checkpoint", "rename"}


@pytest.mark.slow
def test_a_load_killed_at_any_point_leaves_the_old_database_plus_the_next_load(tmp_path):
    setup = prepare(tmp_path, 0.2)
    outcomes = matrix(setup, REDUCED_POINTS, 4)
    table = render(outcomes)
    print(table)
    assert len(outcomes) >= 10
    assert PHASES <= {o.phase for o in outcomes}, table
    assert any(o.leftovers_said for o in outcomes), table
    assert all(o.intact for o in outcomes), table
