"""Hand-built hospitals for the disclosure tests, and the attacker who subtracts.

A layout gives each department its patient surveys per month (the 15th of each month of
2024); one question `OVR` (overall, rating0_10) is answered by every survey, 9 by every
third survey and 5 by the others, so n, numerator and denominator all differ by group.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.store.swap import write_swap

ADDITIVE = ("n", "numerator", "denominator")  # what adds up over groups


def build_layout(db_path: Path, layout: dict[str, dict[int, int]]) -> Path:
    """A database whose department d has layout[d][m] surveys in month m of 2024."""
    with write_swap(db_path, fresh=True) as con:
        for i, department in enumerate(layout):
            con.execute("INSERT INTO departments VALUES (?, ?, ?, 'North')",
                        [department, f"{department} ward", "Inpatient" if i % 2 else "Clinic"])
        con.execute("INSERT INTO questions VALUES "
                    "('OVR', 'patient', 'overall', 'rating0_10', 'Overall rating', NULL, NULL)")
        rows = [(f"{d}-{m}-{k}", d, f"2024-{m:02d}-15", 9 if k % 3 == 0 else 5)
                for d, months in layout.items() for m, count in months.items()
                for k in range(count)]
        frame = pd.DataFrame(rows, columns=["response_id", "department_id", "day", "answer"])
        con.register("surveys", frame)
        con.execute("INSERT INTO patient_responses SELECT response_id, department_id, "
                    "day::DATE, NULL, 'web', NULL FROM surveys")
        con.execute("INSERT INTO patient_answers SELECT response_id, 'OVR', answer FROM surveys")
    return db_path


class Attacker:
    """Knows every shown additive cell of every result as an equation over the hospital's
    true department x month counts, and tries every subtraction: a withheld cell is given
    away when its sum lies in the span of the shown equations (linear algebra over them all,
    which includes every chain of subtractions and additions)."""

    def __init__(self, departments: list[str], months: list[str]):
        self.cells = [(d, m) for d in departments for m in months]
        self.shown: dict[str, list[tuple[np.ndarray, float]]] = {f: [] for f in ADDITIVE}
        self.withheld: list[tuple[str, np.ndarray, str]] = []

    def read(self, result: pd.DataFrame, filter_departments: list[str],
             window_months: list[str]) -> None:
        """Take in one engine result (one KPI) of a filter over these departments and months."""
        for row in result.itertuples(index=False):
            depts = [row.department_id] if isinstance(row.department_id, str) else \
                filter_departments
            months = [row.month] if isinstance(row.month, str) else window_months
            vector = np.array([float(d in depts and m in months) for d, m in self.cells])
            if row.suppressed:
                self.withheld.append((f"{row.department_id}/{row.month}/{filter_departments}",
                                      vector, row.kpi_id))
                continue
            for field in ADDITIVE:
                value = getattr(row, field)
                if not pd.isna(value):
                    self.shown[field].append((vector, float(value)))

    def given_away(self) -> list[str]:
        """The withheld cells whose n, numerator or denominator the shown cells determine."""
        found = []
        for field, equations in self.shown.items():
            targets = np.array([vector for _, vector, _ in self.withheld])
            if equations and len(targets):
                spanned = in_span(np.array([vector for vector, _ in equations]), targets)
                found += [f"{field} of {name}" for (name, _, _), hit
                          in zip(self.withheld, spanned) if hit]
        return sorted(set(found))


def in_span(known: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each target row: is it a linear combination of the known rows?"""
    _, singular, basis = np.linalg.svd(known, full_matrices=False)
    basis = basis[singular > 1e-9 * singular.max()]
    residual = targets - targets @ basis.T @ basis
    return np.abs(residual).max(axis=1) < 1e-6


def small_sums_given_away(attacker: Attacker, counts: dict[tuple[str, str], int],
                          threshold: int = 11) -> list[str]:
    """Pairs of withheld groups whose joint n (their union) the shown cells determine and
    which is below the threshold (two small cells together are still a small cell)."""
    if not attacker.shown["n"] or not attacker.withheld:
        return []
    known = np.array([vector for vector, _ in attacker.shown["n"]])
    truth = np.array([counts[cell] for cell in attacker.cells])
    distinct = {tuple(vector): name for name, vector, _ in attacker.withheld}
    pairs = [(a, b, np.maximum(a, b)) for a, b in combinations(map(np.array, distinct), 2)]
    if not pairs:
        return []
    joint = np.array([union for _, _, union in pairs])
    small = (joint @ truth > 0) & (joint @ truth < threshold)
    hits = in_span(known, joint) & small
    return [f"{distinct[tuple(a)]} + {distinct[tuple(b)]}"
            for (a, b, _), hit in zip(pairs, hits) if hit]
