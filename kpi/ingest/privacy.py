"""What a report may show of a delivered value: only what cannot be a patient key or a name.

Any cell may hold a key or a name when a file's columns are swapped or its header is missing,
so a value is shown only in a shape that no key or name takes: a date-like value in a date
column, a short number in a number column, a word of the contract's own list in a coded
column. Ids, keys, free text and everything else are never shown: the file, row and column
locate the cell in the file the user already holds.
"""

from __future__ import annotations

import re

from kpi.ingest.contract import DATE, FILES, INTEGER, NUMBER, Column

MAX_SHOWN_CHARS = 30
_YEAR = "(1[89]|2[01])[0-9]{2}"
_TIME = r"([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
# A date written year first or year last (2024-02-30, 31/12/2024, 2024-3-5 14:30:00): its
# other parts have at most two digits, so record numbers and phone numbers do not fit.
DATE_LIKE = re.compile(rf"({_YEAR}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}}|"
                       rf"[0-9]{{1,2}}[-/.][0-9]{{1,2}}[-/.]{_YEAR}){_TIME}")
# A number of at most four digits before the point (an answer, a top box, minutes): a key
# of five digits or more does not fit.
SHORT_NUMBER = re.compile(r"[+-]?[0-9]{1,4}([.,][0-9]{1,4})?([eE][+-]?[0-9]{1,3})?")


def shown(file: str, column: str, value: str | None) -> str | None:
    """The value as a report may show it, or None when it could be a key or a name. A
    column that is not in the contract is a survey's question column: numbers."""
    if value is None or len(value) > MAX_SHOWN_CHARS:
        return None
    kind = _column(file, column)
    if kind is None:
        return value if SHORT_NUMBER.fullmatch(value) else None
    if kind.kind == DATE:
        return value if DATE_LIKE.fullmatch(value) else None
    if kind.kind in (INTEGER, NUMBER):
        return value if SHORT_NUMBER.fullmatch(value) else None
    if kind.choices and value.lower() in kind.choices:
        return value
    return None


def _column(file: str, column: str) -> Column | None:
    spec = FILES.get(file)
    return next((c for c in spec.columns if c.name == column), None) if spec else None
