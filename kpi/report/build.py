"""The board pack as one self-contained HTML file: its sections in order, then the page."""

from __future__ import annotations

from collections.abc import Callable

from kpi.export import snapshot_file_name
from kpi.filters import Filter
from kpi.report import benchmark_section, kpi_sections, more_sections
from kpi.report.context import Report, report_context
from kpi.report.page import document
from kpi.settings import Settings

# The sections in their printed order; a section returns None where it has nothing to show.
# A "Benchmarks" section (national percentiles of the HCAHPS measures) goes after the key
# drivers, as one more entry, once kpi has a benchmark reader.
SECTIONS: tuple[Callable[[Report], str | None], ...] = (
    kpi_sections.cover,
    kpi_sections.headlines,
    kpi_sections.summary,
    kpi_sections.concerns,
    kpi_sections.funnels,
    benchmark_section.benchmarks,
    more_sections.drivers,
    more_sections.themes,
)
TITLE = "Patient experience: board pack"


def board_pack(con, flt: Filter, settings: Settings, comments: Filter | None = None) -> str:
    """The board pack of the filter: the HTML text of every section that has something to
    show; comment themes from `comments` (a filter narrowed to what may be read; None: none)."""
    report = report_context(con, flt, settings, comments)
    body = "".join(part for part in (section(report) for section in SECTIONS) if part)
    return document(f"{TITLE}: {flt.describe()}", body, report.figures)


def report_file_name(flt: Filter) -> str:
    """The board pack's file name, naming the filter as the snapshot's does."""
    return snapshot_file_name(flt, "board-pack").removesuffix(".csv") + ".html"
