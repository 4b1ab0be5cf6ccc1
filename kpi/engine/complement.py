"""Complementary suppression of one table of counts with its totals (pure numpy, no database).

The table is a matrix whose last row holds the column totals and whose last column holds the
row totals (the corner is the grand total); every row and every column is a *line* whose
cells add up to its total cell. A withheld cell can be recomputed by subtraction exactly when,
in the graph whose nodes are the lines and whose edges are the withheld cells, that cell's edge
lies on no cycle (it is a bridge). `protect` withholds further cells, smallest n first, until
 - no line holds exactly one withheld cell,
 - in a line whose total is shown, the withheld cells together hold 0 or >= the threshold
   (their sum is what the shown cells give away), and
 - no withheld cell is a bridge.
"""

from __future__ import annotations

import numpy as np

Cell = tuple[int, int]


def protect(counts: np.ndarray, primary: np.ndarray, threshold: int) -> np.ndarray:
    """The cells to withhold: the primary ones and enough complements that none of them can
    be recomputed from the shown cells and the totals."""
    hidden = np.array(primary, dtype=bool, copy=True)
    while (cell := _next_complement(counts, hidden, threshold)) is not None:
        hidden[cell] = True
    return hidden


def _next_complement(counts: np.ndarray, hidden: np.ndarray, threshold: int) -> Cell | None:
    """The next cell to withhold, or None when the pattern is safe."""
    line = _first_open_line(counts, hidden, threshold)
    if line is not None:
        axis, index = line
        cells = [(index, c) if axis == 0 else (c, index) for c in range(counts.shape[1 - axis])]
        return _smallest(counts, [c for c in cells if not hidden[c]])
    bridge = _first_bridge(hidden)
    if bridge is None:
        return None
    return _smallest(counts, _closing_cells(hidden, bridge))


def _first_open_line(counts: np.ndarray, hidden: np.ndarray, threshold: int
                     ) -> tuple[int, int] | None:
    """(0, row) or (1, column) of the first line (rows first) with exactly one withheld cell,
    or whose shown total gives away withheld cells holding together 0 < n < threshold."""
    for axis, (lines, totals) in enumerate(((hidden, counts), (hidden.T, counts.T))):
        withheld = lines.sum(axis=1)
        together = np.where(lines, totals, 0).sum(axis=1)
        given_away = (withheld > 0) & ~lines[:, -1] & (together > 0) & (together < threshold)
        open_lines = np.flatnonzero((withheld == 1) | given_away)
        if len(open_lines):
            return axis, int(open_lines[0])
    return None


def _smallest(counts: np.ndarray, candidates: list[Cell]) -> Cell:
    """The candidate with the smallest positive n (a zero only when nothing else is left);
    ties by position, so the choice never depends on how the table was asked for."""
    return min(candidates, key=lambda c: (counts[c] <= 0, counts[c], c))


def _edges(hidden: np.ndarray) -> list[tuple[int, int]]:
    """The withheld cells as edges between line nodes: row r is node r, column c is rows + c."""
    rows = hidden.shape[0]
    return [(int(r), rows + int(c)) for r, c in zip(*np.nonzero(hidden))]


def _first_bridge(hidden: np.ndarray) -> Cell | None:
    """A withheld cell whose edge lies on no cycle (Tarjan's bridges), or None."""
    rows = hidden.shape[0]
    adjacent: dict[int, list[tuple[int, int]]] = {}
    for index, (a, b) in enumerate(_edges(hidden)):
        adjacent.setdefault(a, []).append((b, index))
        adjacent.setdefault(b, []).append((a, index))
    order: dict[int, int] = {}
    low: dict[int, int] = {}

    def visit(node: int, via: int) -> Cell | None:
        order[node] = low[node] = len(order)
        for other, index in adjacent[node]:
            if index == via:
                continue
            if other in order:
                low[node] = min(low[node], order[other])
                continue
            found = visit(other, index)
            if found is not None:
                return found
            low[node] = min(low[node], low[other])
            if low[other] > order[node]:
                row, col = sorted((node, other))
                return row, col - rows
        return None

    for start in sorted(adjacent):
        if start not in order and (found := visit(start, -1)) is not None:
            return found
    return None


def _closing_cells(hidden: np.ndarray, bridge: Cell) -> list[Cell]:
    """The shown cells that would put the bridge on a cycle: a row on one side of the bridge
    crossed with a column on the other side."""
    rows = hidden.shape[0]
    row, col = bridge
    edges = [e for e in _edges(hidden) if e != (row, rows + col)]
    side_of_row, side_of_col = _reach(edges, row), _reach(edges, rows + col)
    cells = []
    for one, two in ((side_of_row, side_of_col), (side_of_col, side_of_row)):
        cells += [(r, c - rows) for r in one if r < rows for c in two if c >= rows
                  if not hidden[r, c - rows]]
    return cells


def _reach(edges: list[tuple[int, int]], start: int) -> set[int]:
    """The nodes connected to start by the edges."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for a, b in edges:
            for here, there in ((a, b), (b, a)):
                if here == node and there not in seen:
                    seen.add(there)
                    todo.append(there)
    return seen


def protect_columns(counts: np.ndarray, primary: np.ndarray, threshold: int) -> np.ndarray:
    """The cells to withhold in a table whose only published totals are its column totals
    (no row totals): per column, complements smallest n first until the column holds no single
    withheld cell and its withheld cells hold together 0 or >= the threshold."""
    hidden = np.array(primary, dtype=bool, copy=True)
    for column in range(counts.shape[1]):
        while True:
            line = hidden[:, column]
            together = counts[line, column].sum()
            shown = [(int(row), column) for row in np.flatnonzero(~line)]
            if not shown or not (line.sum() == 1 or 0 < together < threshold):
                break
            hidden[_smallest(counts, shown)] = True
    return hidden
