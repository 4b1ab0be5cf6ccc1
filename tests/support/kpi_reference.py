"""An independent plain-pandas reading of docs/kpis.md, to check the engine against (not fast).

Written from the catalog's text, not from the engine's SQL: raw rows are loaded into pandas and
every KPI is computed with groupby, merge_asof and numpy.busday_offset.
"""

from __future__ import annotations

import copy
from datetime import date

import numpy as np
import pandas as pd

from kpi.engine.disclosure import filter_totals_withheld, window_pattern

# From the data contract: scale -> (lowest code, highest code, default top box).
SCALES = {"frequency4": (1, 4, 4), "yesno": (0, 1, 1), "rating0_10": (0, 10, 9),
          "recommend4": (1, 4, 4), "agree5": (1, 5, 4), "experience5": (1, 5, 4)}
TABLES = ("departments", "questions", "visits", "patient_responses", "patient_answers",
          "complaints", "staff_responses", "staff_answers", "reviews")
SURVEY_KPIS = {  # kpi id -> (audience, domain, what)
    "patient_satisfaction": ("patient", "overall", "top"),
    "satisfaction_mean_score": ("patient", "overall", "mean"),
    "recommend_top_box": ("patient", "recommend", "top"),
    "nps": ("patient", "recommend", "nps"),
    "staff_engagement": ("staff", "engagement", "top"),
    "staff_wellbeing": ("staff", "wellbeing", "top"),
    "enps": ("staff", "recommend_workplace", "nps"),
}
KEYS = ["department_id", "month"]
RETURN_WINDOWS = {"return_visit_rate": 365, "return_visit_rate_90d": 90}  # kpi id -> W days


def load_tables(con) -> dict[str, pd.DataFrame]:
    """Every base table as a pandas DataFrame (dates as datetime64)."""
    tables = {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}
    for frame in tables.values():
        for column in frame.columns:
            if column.endswith("_date"):
                frame[column] = pd.to_datetime(frame[column])
    return tables


def grouped_median(minutes: pd.Series) -> float:
    """The interpolated median of whole minutes (class width 1): L + (N/2 - F) / f for the
    first minute m whose cumulative count reaches N/2, L = m - 0.5, F = count below m."""
    counts = minutes.value_counts().sort_index()
    upto = counts.cumsum()
    m = upto.index[upto >= counts.sum() / 2][0]
    return m - 0.5 + (counts.sum() / 2 - (upto[m] - counts[m])) / counts[m]


class Reference:
    """The KPIs of one filter (departments, window) and grouping, computed in plain pandas."""

    def __init__(self, t: dict[str, pd.DataFrame], depts: list[str], start: date, end: date,
                 group_by: tuple[str, ...], chart: bool = False):
        self.t, self.depts, self.group_by = t, list(depts), set(group_by)
        self.chart = chart  # as a control chart plots them (the median wait: grouped median)
        self.start, self.end = pd.Timestamp(start), pd.Timestamp(end)
        months = pd.period_range(self.start, self.end, freq="M")
        self.periods = ([(str(m), min(m.end_time.normalize(), self.end)) for m in months]
                        if "month" in self.group_by else [("", self.end)])
        self.grid = pd.MultiIndex.from_product(
            [self.depts if "department" in self.group_by else [""], [p for p, _ in self.periods]],
            names=KEYS)
        c = t["complaints"]
        self.as_of = {"visits": t["visits"].visit_date.max(),
                      "complaints": max(c.received_date.max(), c.acknowledged_date.max(),
                                        c.resolved_date.max())}

    def select(self, frame: pd.DataFrame, date_column: str) -> pd.DataFrame:
        """Rows of the filter, with their group keys."""
        rows = frame[frame.department_id.isin(self.depts)
                     & frame[date_column].between(self.start, self.end)].copy()
        rows["month"] = (rows[date_column].dt.strftime("%Y-%m") if "month" in self.group_by
                         else "")
        if "department" not in self.group_by:
            rows["department_id"] = ""
        return rows

    def on_grid(self, series: pd.Series, fill=np.nan) -> pd.Series:
        """The series on every group of the filter, `fill` where it has none."""
        return series.reindex(self.grid, fill_value=fill)

    def all_kpis(self) -> pd.DataFrame:
        """kpi_id, department_id, month, value, n, suppressed for every KPI."""
        results = {**self.survey(), **self.visits(), **self.complaints(), **self.reviews()}
        window = self._window_counts() if any(s for _, _, s in results.values()) else {}
        frames = []
        for kpi_id, (value, n, survey) in results.items():
            frame = pd.DataFrame({"value": value, "n": n}).reset_index()
            frame["suppressed"] = survey & (frame.n > 0) & (frame.n < 11)
            if survey:
                frame["suppressed"] |= self._complements(window[kpi_id], frame)
            frame.loc[frame.suppressed, ["value", "n"]] = np.nan
            frames.append(frame.assign(kpi_id=kpi_id))
        return pd.concat(frames, ignore_index=True)

    def _window_counts(self) -> dict[str, pd.DataFrame]:
        """Per survey KPI: n of every department x month of the window (the table that
        complementary suppression decides on), from this reference's own computation."""
        every = sorted(self.t["departments"].department_id)
        whole = copy.copy(self)  # a subclass keeps its own way of reading the sources
        Reference.__init__(whole, self.t, every, self.start.date(), self.end.date(),
                           ("department", "month"))
        return {kpi_id: n.fillna(0).unstack("month").reindex(every).fillna(0)
                for kpi_id, (_, n, survey) in whole.survey().items() if survey}

    def _complements(self, counts: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
        """The groups withheld by complementary suppression (the engine's documented rule,
        kpi.engine.disclosure, applied to this reference's own counts)."""
        table = counts.to_numpy(dtype=float)
        table = np.column_stack([table, table.sum(axis=1)])
        hidden = window_pattern(np.vstack([table, table.sum(axis=0)]), 11)
        inside = counts.index.isin(self.depts)
        mine = np.vstack([hidden[:-1], filter_totals_withheld(hidden, inside)])
        rows = [counts.index.get_loc(d) if d else len(counts) for d in frame.department_id]
        cols = [counts.columns.get_loc(m) if m else len(counts.columns) for m in frame.month]
        return mine[rows, cols]

    def survey(self) -> dict:
        """Survey KPIs: kpi id -> (value, n, is a survey KPI)."""
        out = {}
        for audience in ("patient", "staff"):
            scored = self._answers(audience)
            items = scored.groupby([*KEYS, "domain", "question_id"]).agg(
                valid=("answer", "size"), top=("top", "sum"), linear=("linear", "mean"),
                promoters=("promoter", "sum"), detractors=("detractor", "sum"),
                scale=("scale", "first"))
            items["pct"] = 100 * items.top / items.valid
            items["nps"] = 100 * (items.promoters - items.detractors) / items.valid
            by_domain = items.groupby([*KEYS, "domain"])
            answered = scored.groupby([*KEYS, "domain"]).response_id.nunique()
            rating = items[items.scale == "rating0_10"].groupby([*KEYS, "domain"])
            for kpi_id, (_, domain, what) in self._survey_kpis(audience).items():
                if what == "nps":
                    value, n = rating.nps.mean(), rating.valid.sum()
                else:
                    value = by_domain.pct.mean() if what == "top" else by_domain.linear.mean()
                    n = answered
                value, n = _for_domain(value, domain), _for_domain(n, domain)
                out[kpi_id] = (self.on_grid(value), self.on_grid(n, 0), True)
        responses = self.select(self.t["patient_responses"], "response_date")
        count = self.on_grid(responses.groupby(KEYS).size(), 0)
        out["survey_responses"] = (count, count, True)
        return out

    def _survey_kpis(self, audience: str) -> dict:
        kpis = {k: v for k, v in SURVEY_KPIS.items() if v[0] == audience}
        if audience == "patient":
            q = self.t["questions"]
            for d in sorted(set(q[q.audience == "patient"].domain) - {"overall", "recommend"}):
                kpis[f"domain_top_box[{d}]"] = ("patient", d, "top")
        return kpis

    def _answers(self, audience: str) -> pd.DataFrame:
        responses = self.select(self.t[f"{audience}_responses"], "response_date")
        q = self.t["questions"][self.t["questions"].audience == audience]
        bounds = {column: q.scale.map({s: scale[i] for s, scale in SCALES.items()})
                  for i, column in enumerate(("low", "high", "default_top"))}
        q = q.assign(**bounds, top_min=q.top_box_min.fillna(bounds["default_top"]))
        a = self.t[f"{audience}_answers"].merge(responses[["response_id", *KEYS]])
        a = a.merge(q[["question_id", "domain", "scale", "low", "high", "top_min"]])
        a = a[(a.answer >= a.low) & (a.answer <= a.high)].copy()
        a["top"] = a.answer >= a.top_min
        a["linear"] = 100 * (a.answer - a.low) / (a.high - a.low)
        a["promoter"], a["detractor"] = a.answer >= 9, a.answer <= 6
        return a.drop(columns=["low", "high", "top_min"])

    def visits(self) -> dict:
        """Visit KPIs: kpi id -> (value, n, is a survey KPI)."""
        v = self.select(self.t["visits"], "visit_date")
        count = self.on_grid(v.groupby(KEYS).size(), 0)
        waits = v.dropna(subset=["wait_minutes"])
        n_waits = self.on_grid(waits.groupby(KEYS).size(), 0)
        within = self.on_grid(waits.assign(ok=waits.wait_minutes <= 15).groupby(KEYS).ok.sum(), 0)
        returns = {kpi_id: self._returns(v, days) for kpi_id, days in RETURN_WINDOWS.items()}
        return {"visits": (count, count, False),
                "median_wait_minutes": (self.on_grid(waits.groupby(KEYS).wait_minutes.agg(
                    grouped_median if self.chart else "median")), n_waits, False),
                "seen_within_15_minutes": (100 * within / n_waits.where(n_waits > 0), n_waits,
                                           False),
                **{kpi_id: (100 * returned / eligible.where(eligible > 0), eligible, False)
                   for kpi_id, (eligible, returned) in returns.items()}}

    def _returns(self, v: pd.DataFrame, days: int) -> tuple[pd.Series, pd.Series]:
        window = pd.Timedelta(days=days)
        index = v.groupby([*KEYS, "patient_hash"]).visit_date.min().rename("index_date")
        index = index.reset_index()
        index = index[index.index_date + window <= self.as_of["visits"]]
        later = self.t["visits"][["patient_hash", "visit_date"]].sort_values("visit_date")
        nearest = pd.merge_asof(index.sort_values("index_date"), later, by="patient_hash",
                                left_on="index_date", right_on="visit_date",
                                direction="forward", allow_exact_matches=False)
        nearest["back"] = nearest.visit_date <= nearest.index_date + window
        return (self.on_grid(nearest.groupby(KEYS).size(), 0),
                self.on_grid(nearest.groupby(KEYS).back.sum(), 0))

    def complaints(self) -> dict:
        """Complaint KPIs: kpi id -> (value, n, is a survey KPI)."""
        c = self.select(self.t["complaints"], "received_date")
        as_of = self.as_of["complaints"]
        count = self.on_grid(c.groupby(KEYS).size(), 0)
        deadline = pd.to_datetime(np.busday_offset(c.received_date.values.astype("datetime64[D]"),
                                                   3, roll="backward"))
        c = c.assign(ack_due=deadline <= as_of, ack_met=(deadline <= as_of)
                     & (c.acknowledged_date <= deadline))
        week = c.received_date + pd.Timedelta(days=7)
        c = c.assign(res_due=week <= as_of, res_met=(week <= as_of) & (c.resolved_date <= week))
        sums = c.groupby(KEYS)[["ack_due", "ack_met", "res_due", "res_met"]].sum()
        sums = sums.reindex(self.grid, fill_value=0)
        resolved = c.dropna(subset=["resolved_date"])
        days = (resolved.resolved_date - resolved.received_date).dt.days
        visits = self.on_grid(self.select(self.t["visits"], "visit_date").groupby(KEYS).size(), 0)
        return {"complaint_count": (count, count, False),
                "complaints_per_1000_visits": (1000 * count / visits.where(visits > 0), visits,
                                               False),
                "ack_within_3_working_days": (100 * sums.ack_met / sums.ack_due.where(
                    sums.ack_due > 0), sums.ack_due, False),
                "resolved_within_7_days": (100 * sums.res_met / sums.res_due.where(
                    sums.res_due > 0), sums.res_due, False),
                "median_days_to_resolve": (
                    self.on_grid(days.groupby([resolved[k] for k in KEYS]).median()),
                    self.on_grid(resolved.groupby(KEYS).size(), 0), False),
                "open_complaints": self._open()}

    def _open(self) -> tuple[pd.Series, pd.Series, bool]:
        c = self.t["complaints"]
        c = c[c.department_id.isin(self.depts)]
        counts = {}
        for month, period_end in self.periods:
            is_open = (c.received_date <= period_end) & ~(c.resolved_date <= period_end)
            by_dept = (c[is_open].groupby("department_id").size()
                       if "department" in self.group_by else pd.Series({"": is_open.sum()}))
            for dept, number in by_dept.items():
                counts[(dept, month)] = number
        index = pd.MultiIndex.from_tuples(list(counts), names=KEYS)
        series = self.on_grid(pd.Series(list(counts.values()), index=index, dtype=float), 0)
        return series, series, False


    def _reviews_counted(self) -> pd.DataFrame:
        """The reviews of the filter with the department they count for ("" when the group is
        not a department): a site-only review counts where the filter (a department group:
        that department alone) holds every department of its site."""
        r = self.t["reviews"]
        r = r[r.review_date.between(self.start, self.end)].copy()
        d = self.t["departments"].dropna(subset=["site"])
        sites = {site: set(group.department_id) for site, group in d.groupby("site")}
        by_dept = "department" in self.group_by
        owners = []
        for dept, site in zip(r.department_id, r.site):
            if isinstance(dept, str):
                owners.append((dept if by_dept else "") if dept in self.depts else None)
                continue
            members = sites.get(site, set())
            if by_dept:
                owners.append(next(iter(members)) if len(members) == 1
                              and members <= set(self.depts) else None)
            else:
                owners.append("" if members <= set(self.depts) else None)
        r["department_id"] = owners
        r["month"] = r.review_date.dt.strftime("%Y-%m") if "month" in self.group_by else ""
        return r[r.department_id.notna()]

    def reviews(self) -> dict:
        """Review KPIs: kpi id -> (value, n, is a survey KPI)."""
        r = self._reviews_counted()
        count = self.on_grid(r.groupby(KEYS).size(), 0)
        replied = r.dropna(subset=["response_date"])
        days = (replied.response_date - replied.review_date).dt.days
        n_replied = self.on_grid(replied.groupby(KEYS).size(), 0)
        negative = self.on_grid((r.rating <= 2).groupby([r[k] for k in KEYS]).sum(), 0)
        shown = count.where(count > 0)
        return {"reviews": (count, count, False),
                "review_rating_mean": (self.on_grid(r.groupby(KEYS).rating.mean()), count, False),
                "negative_review_share": (100 * negative / shown, count, False),
                "review_response_rate": (100 * n_replied / shown, count, False),
                "review_days_to_respond": (
                    self.on_grid(days.groupby([replied[k] for k in KEYS]).median()),
                    n_replied, False)}


def _for_domain(series: pd.Series, domain: str) -> pd.Series:
    """The series' rows of one domain, indexed by the group keys (empty when it has none)."""
    frame = series.rename("x").reset_index()
    return frame[frame.domain == domain].set_index(KEYS).x
