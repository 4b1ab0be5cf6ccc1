"""The export page's snapshot: the same CSV `python -m kpi export` writes, and that command."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import replace

import pandas as pd

from kpi.errors import UsageError
from kpi.export import snapshot_csv, snapshot_file_name
from kpi.filters import Filter
from ui import data
from ui.audit_trail import audited_download
from ui.signin import current_access


def deferred_snapshot(rows: pd.DataFrame, flt: Filter, excel: bool = False) -> Callable[[], str]:
    """A no-argument callable for st.download_button: the snapshot CSV of the previewed engine
    rows (computed for flt; for Excel, led by the UTF-8 byte order mark), audited and stamped
    (generated_at) when it is clicked."""
    return audited_download(lambda: snapshot_csv(rows, flt=flt, excel=excel), flt, len(rows))


def export_filter(flt: Filter) -> Filter:
    """The filter within the departments this person may export (a department lead who also
    views other departments exports their own only)."""
    return replace(flt, within=current_access().exports)


def may_download(key: data.DbKey, flt: Filter) -> bool:
    """Whether this person may download the rows of every department of the filter: a download
    right whose reach covers them all."""
    if current_access().exports.empty:
        return False
    try:
        allowed = set(data.filter_departments(key, export_filter(flt)))
    except UsageError:
        allowed = set()
    return allowed == set(data.filter_departments(key, flt))


def cli_command(kpi_ids: Sequence[str], flt: Filter, group_by: Sequence[str]) -> str:
    """The `python -m kpi export` command that writes the same snapshot (filter columns
    included)."""
    words = ["python", "-m", "kpi", "export", "--out", snapshot_file_name(flt)]
    for kpi_id in kpi_ids:
        words += ["--kpi", kpi_id]
    for option, values in (("--department", flt.departments),
                           ("--service-line", flt.service_lines), ("--site", flt.sites)):
        for value in values:
            words += [option, value]
    if flt.start:
        words += ["--start", flt.start.isoformat()]
    if flt.end:
        words += ["--end", flt.end.isoformat()]
    for group in group_by:
        words += ["--by", group]
    return shlex.join(words)
