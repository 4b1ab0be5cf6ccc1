"""The Filter value object: which departments, service lines, sites and dates a KPI covers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from kpi.errors import UsageError
from kpi.reach import EVERY_DEPARTMENT, Reach

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_PARAMS = {"dept": "departments", "service_line": "service_lines", "site": "sites"}
ID_SPACES = " "  # what the data contract trims from ids: a tab stays, and matches nothing


def parse_iso_date(text: str) -> date:
    """A real calendar date written exactly YYYY-MM-DD; ValueError otherwise."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a real date: {text!r}") from None


def _normalised_names(values: str | Iterable[str] | None) -> tuple[str, ...]:
    """De-duplicated, sorted non-empty strings trimmed of spaces only, as ingest trims ids (a
    lone string is one; None is none)."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    return tuple(sorted({str(v).strip(ID_SPACES) for v in values} - {""}))


def _normalised_date(value: date | str | None) -> date | None:
    """A plain date (a datetime loses its time; an ISO string is parsed); UsageError if neither."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    raise UsageError(f"not a date: {value!r}")


def _names_phrase(values: tuple[str, ...], singular: str, plural: str) -> str:
    """'department ED' or 'departments ED, ICU'."""
    return f"{singular if len(values) == 1 else plural} {', '.join(values)}"


@dataclass(frozen=True)
class Filter:
    """Departments, service lines and sites (empty = all) and an inclusive date window, within
    the reach of the person asking (every department unless sign-in narrows it; never read
    from a URL)."""

    departments: tuple[str, ...] = ()
    service_lines: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    within: Reach = EVERY_DEPARTMENT

    def __post_init__(self) -> None:
        for name in ("departments", "service_lines", "sites"):
            object.__setattr__(self, name, _normalised_names(getattr(self, name)))
        object.__setattr__(self, "start", _normalised_date(self.start))
        object.__setattr__(self, "end", _normalised_date(self.end))
        if self.start is not None and self.end is not None and self.start > self.end:
            raise UsageError(f"the start date {self.start} is after the end date {self.end}")

    def to_query_params(self) -> dict[str, list[str]]:
        """URL query parameters (dept, service_line, site, start, end), empty ones omitted."""
        params = {key: list(getattr(self, field)) for key, field in _LIST_PARAMS.items()}
        params["start"] = [self.start.isoformat()] if self.start else []
        params["end"] = [self.end.isoformat()] if self.end else []
        return {key: values for key, values in params.items() if values}

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Sequence[str]]
                          ) -> tuple[Filter, list[str]]:
        """The filter a URL describes, plus plain-words warnings about values it ignored."""
        warnings: list[str] = []
        fields = {field: _values(params.get(key)) for key, field in _LIST_PARAMS.items()}
        dates = {key: _date_param(key, _values(params.get(key)), warnings)
                 for key in ("start", "end")}
        if dates["start"] and dates["end"] and dates["start"] > dates["end"]:
            warnings.append(f"Ignored the dates: the start {dates['start']} is after the end "
                            f"{dates['end']}.")
            dates = {"start": None, "end": None}
        return cls(**fields, **dates), warnings

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """Plain words, e.g. 'All departments, 2025-01-01 to 2025-12-31'; with `names`
        (department id -> name) the chosen departments by name: 'Cardiology Ward, Emergency
        Department, 2025-01-01 to ...', else by id: 'Departments CARD, ED, ...'."""
        every = "All departments" if self.within.every else "All your departments"
        parts = [every if not self.departments
                 else ", ".join(sorted(names.get(d, d) for d in self.departments)) if names
                 else _names_phrase(self.departments, "Department", "Departments")]
        if self.service_lines:
            parts.append(_names_phrase(self.service_lines, "service line", "service lines"))
        if self.sites:
            parts.append(_names_phrase(self.sites, "site", "sites"))
        parts.append(self.window_words())
        return ", ".join(parts)

    def window_words(self) -> str:
        """The date window in words: '2025-01-01 to 2025-12-31', 'from ...', 'all dates'."""
        if self.start and self.end:
            return f"{self.start} to {self.end}"
        if self.start:
            return f"from {self.start}"
        return f"up to {self.end}" if self.end else "all dates"

    def clamped(self, first: date, last: date) -> tuple[Filter, list[str]]:
        """The filter over its window cut to the data's extent first..last (an open end takes
        the extent's), with notes on what was cut; UsageError when no day of it has data."""
        start, end = self.start or first, self.end or last
        notes = []
        if start < first:
            notes.append(f"Dates before the first data ({first}) are not shown.")
        if end > last:
            notes.append(f"Dates after the last data ({last}) are not shown.")
        if max(start, first) > min(end, last):
            raise UsageError(f"no data in the window {self.window_words()}: the data run from "
                             f"{first} to {last}")
        return self.with_window(max(start, first), min(end, last)), notes

    def with_window(self, start: date | None, end: date | None) -> Filter:
        """The same filter over another date window."""
        return replace(self, start=start, end=end)

    def every_department(self) -> Filter:
        """The same window over every department of the filter's reach."""
        return Filter(start=self.start, end=self.end, within=self.within)

    def prior_period(self) -> Filter:
        """The same filter over the equally long window that ends the day before start."""
        if self.start is None or self.end is None:
            raise UsageError("the prior period needs both a start and an end date")
        length = self.end - self.start + timedelta(days=1)
        try:
            return self.with_window(self.start - length, self.start - timedelta(days=1))
        except OverflowError:
            raise UsageError(f"no prior period before {self.start}") from None


def _values(raw: str | Sequence[str] | None) -> list[str]:
    """A query parameter as a list of strings trimmed of spaces (absent = empty, a string = one
    value)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [str(v).strip(ID_SPACES) for v in raw if str(v).strip(ID_SPACES)]


def _date_param(key: str, values: list[str], warnings: list[str]) -> date | None:
    """The last value of a date parameter, or None with a warning when it is not a real date."""
    if not values:
        return None
    if len(set(values)) > 1:
        warnings.append(f"Several {key} dates were given ({', '.join(values)}); "
                        f"used the last, {values[-1]}.")
    try:
        return parse_iso_date(values[-1])
    except ValueError:
        warnings.append(f"Ignored the {key} date {values[-1]!r}: it is not a real date "
                        "written YYYY-MM-DD.")
        return None
