"""The one error shape of the product: expected failures carry a plain message and an exit code."""

from __future__ import annotations

from dataclasses import dataclass


class PxError(Exception):
    """An expected failure (bad input, unknown id, missing database): message, no traceback."""

    exit_code = 1


class UsageError(PxError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One broken rule in one cell (or one file, when row and column are None); `record` is
    the row's id as (id column, id) when it may be shown."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    record: tuple[str, str] | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}{self._beside_row()}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.rule}"

    def _beside_row(self) -> str:
        """What locates the row for a person: the spreadsheet's line (its header is line 1)
        for a CSV file, and the record's id."""
        beside = [f"spreadsheet line {self.row + 1}"] if self.file.lower().endswith(
            ".csv") else []
        if self.record is not None:
            beside.append(" ".join(self.record))
        return f" ({', '.join(beside)})" if beside else ""


class RejectedInput(PxError):
    """A delivery broke the data contract; nothing was loaded."""

    def __init__(self, problems: list[Problem], report: str | None = None):
        self.problems = problems
        super().__init__(report or "\n".join(str(p) for p in problems))
