"""Control characters (C0, DEL, C1) in ids and codes: the SQL that finds and names the first.

A carriage return, line feed or tab in an id splits rows and fields of every CSV written
downstream, and an id that differs from another only by one breaks links silently. Free
text (comments, question text, department names) may hold them; ids and codes may not.
"""

from __future__ import annotations

CONTROL_PATTERN = "'[\\x00-\\x1f\\x7f-\\x9f]'"
CONTROL_RULE = ("holds a control character ({note}); ids and codes must be printable text "
                "on one line")


# A cell can hold a control character only if JSON must escape one of its characters (C0,
# quotes, backslash), it is not plain ASCII (C1) or it holds DEL: a test a third the cost of
# the regular expression, which then looks only at those cells.
_MAYBE_CONTROL = ("strlen(to_json({c})) <> strlen({c}) + 2 OR strlen({c}) <> length({c}) "
                  "OR contains({c}, chr(127))")


def has_control_sql(column: str) -> str:
    """SQL: true when a text cell holds a control character (NULL for an empty cell)."""
    maybe = _MAYBE_CONTROL.format(c=column)
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN {maybe} "
            f"THEN regexp_matches({column}, {CONTROL_PATTERN}) ELSE false END")


def control_note_sql(column: str) -> str:
    """SQL naming a cell's first control character and its place, e.g. U+000D at character
    1 (NULL when it holds none); never the cell's other characters."""
    first = f"regexp_extract({column}, {CONTROL_PATTERN})"
    return (f"CASE WHEN {has_control_sql(column)} THEN 'U+' || "
            f"lpad(upper(to_hex(unicode({first}))), 4, '0') || ' at character ' || "
            f"strpos({column}, {first}) END")


def control_flag(column: str) -> str:
    """The staged column naming a pseudonymous key's control character (it is hashed)."""
    return f"{column}_control"
