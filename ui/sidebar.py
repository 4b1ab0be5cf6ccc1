"""The shared sidebar: department, service line, site and date filters kept in the URL.

Built in app.py before the page runs, so the filter persists across pages. Session state is
seeded once from `st.query_params`; the applied filter is written back to the URL every run,
so a copied link reopens the same view.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.present.formatting import markdown_plain
from ui import data, dropped_link
from ui.enter_key import enter_applies_dates
from ui.periods import CUSTOM, DEFAULT_PRESET, PRESETS, matching_preset, preset_window
from ui.signin import current_access
from ui.tabs import remember_link

SEEDED = "flt_seeded"
DEPARTMENTS = "flt_departments"
SERVICE_LINES = "flt_service_lines"
SITES = "flt_sites"
PRESET = "flt_preset"
DATES = "flt_dates"
APPLIED_DATES = "flt_applied_dates"
WARNINGS = "flt_url_warnings"
EMPTY_LINK_VIEW = "flt_empty_link_view"  # the view a session opened with no link parameters
FILTER = "flt_filter"


def _options(frame: pd.DataFrame, column: str) -> list[str]:
    return sorted(v for v in frame[column].dropna().unique() if str(v).strip())


def _url_window(flt: Filter, first: date, last: date, warnings: list[str]) -> tuple[date, date]:
    """The link's window cut to the data's extent (with notes), else the default preset's."""
    if flt.start or flt.end:
        try:
            flt, notes = flt.clamped(first, last)
            warnings.extend(notes)
            return flt.start, flt.end
        except UsageError as err:
            warnings.append(f"Ignored the dates in the link: {err}.")
    return preset_window(DEFAULT_PRESET, first, last)


def _seed_from_url(depts: pd.DataFrame, first: date, last: date) -> None:
    """Once per session: turn the URL's filter (or the default preset) into widget state."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    remember_link(params)
    flt, warnings = Filter.from_query_params(params)
    known = {"departments": set(depts["department_id"]),
             "service lines": set(_options(depts, "service_line")),
             "sites": set(_options(depts, "site"))}
    chosen = {"departments": flt.departments, "service lines": flt.service_lines,
              "sites": flt.sites}
    for what, values in chosen.items():
        unknown = [v for v in values if v not in known[what]]
        if unknown:  # quoted, so that a tab or a space in an id shows
            warnings.append(f"Ignored unknown {what} in the link: "
                            f"{', '.join(map(repr, unknown))}.")
    st.session_state[DEPARTMENTS] = [d for d in flt.departments if d in known["departments"]]
    st.session_state[SERVICE_LINES] = [s for s in flt.service_lines
                                       if s in known["service lines"]]
    st.session_state[SITES] = [s for s in flt.sites if s in known["sites"]]
    start, end = _url_window(flt, first, last, warnings)
    st.session_state[DATES] = (start, end)
    st.session_state[APPLIED_DATES] = (start, end)
    st.session_state[PRESET] = matching_preset(start, end, first, last)
    if warnings:
        warnings.append(f"Showing: {_view_words()}.")
    st.session_state[EMPTY_LINK_VIEW] = None if params else _shown_view()
    st.session_state[WARNINGS] = warnings
    st.session_state[SEEDED] = True


def _shown_view() -> Filter:
    """The filter the widgets' state describes."""
    start, end = st.session_state[APPLIED_DATES]
    return Filter(departments=tuple(st.session_state.get(DEPARTMENTS, [])),
                  service_lines=tuple(st.session_state.get(SERVICE_LINES, [])),
                  sites=tuple(st.session_state.get(SITES, [])), start=start, end=end,
                  within=current_access().numbers)


def _view_words() -> str:
    """The shown view in words, with its date preset: 'All departments, ... (last 12 months)'."""
    preset = st.session_state[PRESET]
    return _shown_view().describe() + ("" if preset == CUSTOM else f" ({preset.lower()})")


def _on_preset(first: date, last: date) -> None:
    preset = st.session_state[PRESET]
    if preset in PRESETS:
        window = preset_window(preset, first, last)
        st.session_state[DATES] = window
        st.session_state[APPLIED_DATES] = window


def _on_dates(first: date, last: date) -> None:
    picked = st.session_state[DATES]
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        st.session_state[APPLIED_DATES] = tuple(picked)
        st.session_state[PRESET] = matching_preset(picked[0], picked[1], first, last)


def _department_label(depts: pd.DataFrame):
    names = dict(zip(depts["department_id"], depts["department_name"]))
    return lambda d: f"{names.get(d, d)} ({d})"


def _department_choices(depts: pd.DataFrame) -> list[str]:
    """Departments offered: those in the chosen service lines and sites (all when none)."""
    shown = depts
    if st.session_state.get(SERVICE_LINES):
        shown = shown[shown["service_line"].isin(st.session_state[SERVICE_LINES])]
    if st.session_state.get(SITES):
        shown = shown[shown["site"].isin(st.session_state[SITES])]
    return list(shown.sort_values("department_name")["department_id"])


def render_filters(key: data.DbKey) -> Filter:
    """Draw the filter widgets in the sidebar and return the filter they describe."""
    depts = data.departments(key, current_access().numbers)
    first, last = data.default_window(key)
    if not st.session_state.get(SEEDED):
        _seed_from_url(depts, first, last)
    sidebar = st.sidebar
    sidebar.header("Filter")
    for message in st.session_state.get(WARNINGS, []):
        sidebar.warning(markdown_plain(message))  # may quote the URL: never markdown
    if _shown_view() == st.session_state.get(EMPTY_LINK_VIEW):  # an empty link: maybe dropped
        with sidebar:
            dropped_link.warn_if_dropped(_view_words())
    if _options(depts, "service_line"):
        sidebar.multiselect("Service line", _options(depts, "service_line"), key=SERVICE_LINES,
                            placeholder="All service lines")
    if _options(depts, "site"):
        sidebar.multiselect("Site", _options(depts, "site"), key=SITES, placeholder="All sites")
    choices = _department_choices(depts)
    st.session_state[DEPARTMENTS] = [d for d in st.session_state.get(DEPARTMENTS, [])
                                     if d in choices]
    sidebar.multiselect("Departments", choices, key=DEPARTMENTS,
                        format_func=_department_label(depts),
                        placeholder="All matching departments")
    sidebar.pills("Period", [*PRESETS, CUSTOM], key=PRESET, required=True,
                  on_change=_on_preset, args=(first, last))
    applied = st.session_state[APPLIED_DATES]
    sidebar.date_input("Dates", key=DATES, min_value=min(first, applied[0]),
                       max_value=max(last, applied[1]), on_change=_on_dates,
                       args=(first, last), format="YYYY-MM-DD")
    with sidebar:
        enter_applies_dates()
    flt = _shown_view()
    st.query_params.from_dict(flt.to_query_params())
    st.session_state[FILTER] = flt
    return flt


def current_filter() -> Filter:
    """The filter the sidebar applied in this run (every page reads it from here)."""
    return st.session_state.get(FILTER) or Filter(within=current_access().numbers)


def render_data_as_of(key: data.DbKey) -> None:
    """'Data as of' each source, in the sidebar (over the whole database, not the filter)."""
    as_of = data.data_as_of(key)
    lines = [f"{source.replace('_', ' ')}: {day.isoformat() if day else 'no data'}"
             for source, day in as_of.items()]
    st.sidebar.caption("**Data as of**  \n" + "  \n".join(lines))
