"""CSV cells no spreadsheet can misread: numbers at full precision, text never run as a formula,
line breaks inside a cell always quoted."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import chain
from numbers import Integral

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection
# A field holding one of these is quoted (RFC 4180). Python's csv writer with "\n" line ends
# leaves a lone "\r" unquoted, and Excel then starts a new row there.
QUOTE_WHEN = (",", '"', "\r", "\n")
EXACT_INTEGER_LIMIT = 2 ** 53


def number_cell(value) -> str:
    """A number written as a number at full precision (12, 37.8, -1e-05); empty when missing."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, Integral):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < EXACT_INTEGER_LIMIT:
        return str(int(value))
    return repr(value)


def text_cell(value) -> str:
    """A text cell: dates in ISO, booleans true/false, formula-like text prefixed with '."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_field(cell: str) -> str:
    """One CSV field: quoted, its quotes doubled, when it holds a comma, quote, CR or LF."""
    if any(mark in cell for mark in QUOTE_WHEN):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The CSV text (LF line ends) of a header and rows whose cells are already text."""
    return "".join(",".join(map(csv_field, line)) + "\n" for line in chain([header], rows))
