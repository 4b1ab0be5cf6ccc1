"""The export page's snapshot: the same CSV `python -m kpi export` writes, and that command."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

import pandas as pd

from kpi.export import snapshot_csv
from kpi.filters import Filter


def deferred_snapshot(rows: pd.DataFrame) -> Callable[[], str]:
    """A no-argument callable for st.download_button: the snapshot CSV of the previewed engine
    rows, stamped (generated_at) when it is clicked."""
    return lambda: snapshot_csv(rows)


def cli_command(kpi_ids: Sequence[str], flt: Filter, group_by: Sequence[str],
                departments: Sequence[str]) -> str:
    """The `python -m kpi export` command that writes the same snapshot; `departments` are the
    filter's departments resolved (the command line has no service line or site option)."""
    words = ["python", "-m", "kpi", "export", "--out", "snapshot.csv"]
    for kpi_id in kpi_ids:
        words += ["--kpi", kpi_id]
    if flt.departments or flt.service_lines or flt.sites:
        for department in departments:
            words += ["--department", department]
    if flt.start:
        words += ["--start", flt.start.isoformat()]
    if flt.end:
        words += ["--end", flt.end.isoformat()]
    for group in group_by:
        words += ["--by", group]
    return shlex.join(words)
