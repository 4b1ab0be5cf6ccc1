"""The comments CSV of `python -m kpi comments classify`: read and checked, then written back."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from kpi.comments.classify import Classifier
from kpi.comments.masking import mask_personal_details
from kpi.csv_cells import number_cell, text_cell
from kpi.errors import PxError
from kpi.scoring import Scale

COMMENT, RATING = "comment", "rating"
ADDED = ("sentiment", "sentiment_score", "themes")


@dataclass(frozen=True)
class CommentFile:
    """A comments CSV as read: its header and data rows (cells as text)."""

    name: str
    header: list[str]
    rows: list[list[str]]


def read_comment_file(path: Path) -> CommentFile:
    """The file's header and rows; a PxError naming file, row and rule when it breaks one."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise PxError(f"{name}: cannot read the file ({err.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise PxError(f"{name}, line {line}: not UTF-8 text (save the file as UTF-8)") from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise PxError(f"{name}: the file is empty; a header with a {COMMENT} column is required")
    header = [cell.strip() for cell in records[0]]
    for column in (COMMENT, *ADDED):
        if (column == COMMENT) != (column in header):
            rule = "is required" if column == COMMENT else "is an output column; remove it"
            raise PxError(f"{name}, column {column}: {rule}")
    for row, cells in enumerate(records[1:], start=1):
        if len(cells) > len(header):
            raise PxError(f"{name}, row {row}: {len(cells)} cells but the header has "
                          f"{len(header)} columns")
    rows = [cells + [""] * (len(header) - len(cells)) for cells in records[1:]]
    return CommentFile(name, header, rows)


def ratings(file: CommentFile, scale: Scale | None) -> list[float | None]:
    """The rating of each row (None when blank or when the file has no rating column)."""
    if RATING not in file.header:
        return [None] * len(file.rows)
    if scale is None:
        raise PxError(f"{file.name}, column {RATING}: give its scale with --rating-scale")
    position = file.header.index(RATING)
    found = []
    for row, cells in enumerate(file.rows, start=1):
        cell = cells[position].strip()
        try:
            value = float(cell) if cell else None
        except ValueError:
            value = math.nan
        if value is not None and (math.isnan(value) or not scale.is_valid(value)):
            shown = f" value {cell!r}" if len(cell) <= 12 else ""
            raise PxError(f"{file.name}, row {row}, column {RATING},{shown}: not an answer of "
                          f"scale {scale.name} (whole numbers {scale.low}..{scale.high})")
        found.append(value)
    return found


def classified_csv(file: CommentFile, classifier: Classifier, scale: Scale | None,
                   mask: bool = True) -> str:
    """The input columns (comments masked unless mask is False) plus sentiment, score, themes."""
    position = file.header.index(COMMENT)
    rated = ratings(file, scale)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([text_cell(c) for c in (*file.header, *ADDED)])
    for cells, rating in zip(file.rows, rated):
        found = classifier.classify(cells[position], rating, scale)
        shown = list(cells)
        if mask:
            shown[position] = mask_personal_details(shown[position])
        writer.writerow([*(text_cell(c) for c in shown), text_cell(found.sentiment),
                         number_cell(found.score), text_cell(found.theme_cell)])
    return out.getvalue()
