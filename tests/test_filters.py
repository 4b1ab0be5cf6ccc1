"""The Filter value object: normalisation, URL round trip, warnings, descriptions, prior period."""

from datetime import date, datetime

import pytest

from kpi.errors import UsageError
from kpi.filters import Filter, parse_iso_date
from kpi.reach import Reach

D = date.fromisoformat

# (filter as constructed, its query params)
ROUND_TRIP = [
    (Filter(), {}),
    (Filter(departments=("ED",)), {"dept": ["ED"]}),
    (Filter(departments=["ICU", " ED", "ICU", "CARD ", ""]), {"dept": ["CARD", "ED", "ICU"]}),
    (Filter(service_lines=("surgery", "medicine")), {"service_line": ["medicine", "surgery"]}),
    (Filter(sites=("north",)), {"site": ["north"]}),
    (Filter(start=D("2025-01-01"), end=D("2025-12-31")),
     {"start": ["2025-01-01"], "end": ["2025-12-31"]}),
    (Filter(start=D("2024-02-29")), {"start": ["2024-02-29"]}),
    (Filter(end=D("2024-02-29")), {"end": ["2024-02-29"]}),
    (Filter(departments=("ED",), service_lines=("acute",), sites=("main",),
            start=D("2024-02-29"), end=D("2024-02-29")),
     {"dept": ["ED"], "service_line": ["acute"], "site": ["main"],
      "start": ["2024-02-29"], "end": ["2024-02-29"]}),
]


@pytest.mark.parametrize("flt, params", ROUND_TRIP)
def test_query_params_round_trip(flt, params):
    assert flt.to_query_params() == params
    back, warnings = Filter.from_query_params(params)
    assert (back, warnings) == (flt, [])
    assert hash(back) == hash(flt)


def test_equal_filters_hash_equal_whatever_the_input_order():
    a = Filter(departments=["ICU", "ED", "ED"], sites=("b", "a"), start=D("2025-01-01"))
    b = Filter(departments=("ED", "ICU"), sites=["a", " b "], start=datetime(2025, 1, 1, 9, 30))
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert a.departments == ("ED", "ICU") and a.start == D("2025-01-01")
    assert type(b.start) is date


def test_a_lone_string_is_one_department_not_its_letters_and_none_is_all():
    assert Filter(departments="ICU").departments == ("ICU",)
    assert Filter(departments=None, sites=None) == Filter()


def test_iso_strings_are_accepted_as_dates():
    assert Filter(start="2024-02-29", end="2024-03-01") == Filter(
        start=D("2024-02-29"), end=D("2024-03-01"))


@pytest.mark.parametrize("kwargs", [
    {"start": D("2025-01-02"), "end": D("2025-01-01")},
    {"start": "2024-02-30"},
    {"end": "31/12/2024"},
    {"start": 20240101},
])
def test_bad_constructor_arguments_raise_usage_error(kwargs):
    with pytest.raises(UsageError):
        Filter(**kwargs)


def test_single_day_window_is_allowed():
    assert Filter(start=D("2024-02-29"), end=D("2024-02-29")).end == D("2024-02-29")


def test_from_query_params_accepts_plain_strings_and_ignores_other_keys():
    params = {"dept": " ED ", "site": ["north", "", "north"], "start": "2024-02-29",
              "page": "overview", "end": ""}
    assert Filter.from_query_params(params) == (
        Filter(departments=("ED",), sites=("north",), start=D("2024-02-29")), [])


# (params, filter kept, words every warning must contain)
BAD_PARAMS = [
    ({"start": "2024-02-30"}, Filter(), ["start", "2024-02-30"]),
    ({"start": "yesterday", "dept": "ED"}, Filter(departments=("ED",)), ["start", "yesterday"]),
    ({"end": "31/12/2024", "start": "2024-01-01"}, Filter(start=D("2024-01-01")),
     ["end", "31/12/2024"]),
    ({"start": "2024-3-5"}, Filter(), ["2024-3-5"]),
    ({"start": "20240305"}, Filter(), ["20240305"]),
    ({"end": "2023-02-29"}, Filter(), ["2023-02-29"]),
    ({"start": "2025-03-01", "end": "2025-01-01"}, Filter(), ["2025-03-01", "2025-01-01"]),
    ({"start": ["2024-01-01", "2024-02-01"]}, Filter(start=D("2024-02-01")),
     ["2024-01-01", "2024-02-01"]),
]


@pytest.mark.parametrize("params, expected, words", BAD_PARAMS)
def test_bad_query_params_are_dropped_with_one_warning(params, expected, words):
    flt, warnings = Filter.from_query_params(params)
    assert flt == expected
    assert len(warnings) == 1
    assert all(word in warnings[0] for word in words)


def test_two_bad_dates_give_two_warnings():
    flt, warnings = Filter.from_query_params({"start": "yesterday", "end": "2024-13-01"})
    assert flt == Filter()
    assert len(warnings) == 2 and "yesterday" in warnings[0] and "2024-13-01" in warnings[1]


DESCRIPTIONS = [
    (Filter(start=D("2025-01-01"), end=D("2025-12-31")),
     "All departments, 2025-01-01 to 2025-12-31"),
    (Filter(), "All departments, all dates"),
    (Filter(departments=("ED",), start=D("2024-02-29")), "Department ED, from 2024-02-29"),
    (Filter(departments=("ICU", "ED"), end=D("2024-02-29")),
     "Departments ED, ICU, up to 2024-02-29"),
    (Filter(service_lines=("surgery",), sites=("north", "south")),
     "All departments, service line surgery, sites north, south, all dates"),
]


@pytest.mark.parametrize("flt, text", DESCRIPTIONS)
def test_describe(flt, text):
    assert flt.describe() == text


def test_with_window_keeps_everything_but_the_dates():
    flt = Filter(departments=("ED",), sites=("north",), start=D("2025-01-01"))
    moved = flt.with_window(D("2024-01-01"), D("2024-06-30"))
    assert moved == Filter(departments=("ED",), sites=("north",),
                           start=D("2024-01-01"), end=D("2024-06-30"))
    assert moved.with_window(None, None) == Filter(departments=("ED",), sites=("north",))
    with pytest.raises(UsageError):
        flt.with_window(D("2024-06-30"), D("2024-01-01"))


@pytest.mark.parametrize("flt", [
    Filter(departments=("ED",), start=D("2024-02-29"), end=D("2024-03-01")),
    Filter(service_lines=("Inpatient",), sites=("North",), within=Reach(sites={"North"})),
    Filter(departments=("ED", "ICU"), end=D("2025-01-31"), within=Reach(departments={"ED"})),
    Filter()])
def test_every_department_keeps_the_window_and_reach_only(flt):
    widest = flt.every_department()
    assert widest == Filter(start=flt.start, end=flt.end, within=flt.within)
    assert (widest.departments, widest.service_lines, widest.sites) == ((), (), ())


# (start, end, prior start, prior end): the prior window has as many days and ends the day
# before start. Lengths: 90 (Jan-Mar 2025), 1, 31, 366 (2024), 31, 29 (Feb 2024).
PRIOR_PERIODS = [
    ("2025-01-01", "2025-03-31", "2024-10-03", "2024-12-31"),
    ("2024-03-01", "2024-03-01", "2024-02-29", "2024-02-29"),
    ("2024-03-01", "2024-03-31", "2024-01-30", "2024-02-29"),
    ("2024-01-01", "2024-12-31", "2022-12-31", "2023-12-31"),
    ("2025-03-01", "2025-03-31", "2025-01-29", "2025-02-28"),
    ("2024-02-01", "2024-02-29", "2024-01-03", "2024-01-31"),
]


@pytest.mark.parametrize("start, end, prior_start, prior_end", PRIOR_PERIODS)
def test_prior_period(start, end, prior_start, prior_end):
    flt = Filter(departments=("ED",), start=D(start), end=D(end))
    prior = flt.prior_period()
    assert prior == Filter(departments=("ED",), start=D(prior_start), end=D(prior_end))
    assert (prior.end - prior.start) == (flt.end - flt.start)
    assert (flt.start - prior.end).days == 1


@pytest.mark.parametrize("flt", [
    Filter(start=D("2025-01-01")),
    Filter(end=D("2025-01-01")),
    Filter(),
    Filter(start=date.min, end=D("0001-01-10")),
])
def test_prior_period_needs_a_complete_window_after_year_one(flt):
    with pytest.raises(UsageError):
        flt.prior_period()


@pytest.mark.parametrize("text", ["2024-02-30", "2024-2-3", "20240203", " ", "2024-W05-1"])
def test_parse_iso_date_rejects_anything_but_real_yyyy_mm_dd(text):
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_parse_iso_date_reads_a_leap_day():
    assert parse_iso_date(" 2024-02-29 ") == date(2024, 2, 29)


FIRST, LAST = D("2024-01-15"), D("2025-06-30")
BEFORE = "Dates before the first data (2024-01-15) are not shown."
AFTER = "Dates after the last data (2025-06-30) are not shown."
# (start, end asked; start, end kept; notes) for data running from FIRST to LAST
CLAMPS = [
    (None, None, FIRST, LAST, []),
    (D("2024-03-01"), D("2024-03-31"), D("2024-03-01"), D("2024-03-31"), []),
    (FIRST, LAST, FIRST, LAST, []),
    (D("0001-01-01"), None, FIRST, LAST, [BEFORE]),
    (D("0001-01-01"), D("2024-02-10"), FIRST, D("2024-02-10"), [BEFORE]),
    (D("2024-01-14"), D("2024-01-15"), FIRST, FIRST, [BEFORE]),  # one day before: cut
    (None, D("9999-12-31"), FIRST, LAST, [AFTER]),
    (D("2025-06-30"), D("2025-07-01"), LAST, LAST, [AFTER]),
    (D("0001-01-01"), D("9999-12-31"), FIRST, LAST, [BEFORE, AFTER]),
]


@pytest.mark.parametrize("start, end, kept_start, kept_end, notes", CLAMPS)
def test_a_window_is_cut_to_the_datas_extent_with_a_note(start, end, kept_start, kept_end,
                                                        notes):
    flt = Filter(departments=("ED",), start=start, end=end)
    assert flt.clamped(FIRST, LAST) == (
        Filter(departments=("ED",), start=kept_start, end=kept_end), notes)


@pytest.mark.parametrize("start, end", [
    (D("0001-01-01"), D("2024-01-14")), (D("2025-07-01"), None), (D("2025-07-01"),
                                                                  D("9999-12-31"))])
def test_a_window_without_a_day_of_data_is_a_usage_error_naming_the_extent(start, end):
    with pytest.raises(UsageError, match="the data run from 2024-01-15 to 2025-06-30"):
        Filter(start=start, end=end).clamped(FIRST, LAST)


@pytest.mark.parametrize("raw, kept", [
    ("\tED", ("\tED",)), ("ED\n", ("ED\n",)), ("\u00a0ED", ("\u00a0ED",)), ("  ED ", ("ED",)),
    (" ", ())])
def test_ids_are_trimmed_of_spaces_only_as_ingest_trims_them(raw, kept):
    assert Filter(departments=(raw,)).departments == kept
    assert Filter.from_query_params({"dept": raw}) == (Filter(departments=kept), [])


@pytest.mark.parametrize("flt, names, words", [
    (Filter(departments=("ED",)), {"ED": "Emergency Department"},
     "Emergency Department, all dates"),
    (Filter(departments=("ED", "CARD")), {"ED": "Emergency Department", "CARD": "Cardiology Ward"},
     "Cardiology Ward, Emergency Department, all dates"),
    (Filter(departments=("X",)), {"ED": "Emergency Department"}, "X, all dates"),
    (Filter(departments=("ED",)), None, "Department ED, all dates"),
    (Filter(), {"ED": "Emergency Department"}, "All departments, all dates"),
])
def test_the_filter_names_its_departments_when_given_their_names(flt, names, words):
    assert flt.describe(names) == words
