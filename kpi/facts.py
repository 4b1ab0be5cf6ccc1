"""Small facts of one database version that every engine call asks again (its departments,
dates, question catalog, meta), answered once on a connection that carries a memo.

The app opens one read-only connection per file version (ui/data.py), whose data cannot change
under it, and hands the engine its cursors wrapped in `Remembering` with that version's memo: a
cold page asked about 80 of these one-row queries, each also waiting for Python's GIL on its
way back when many sessions run at once. Any other connection (a load, the command line, a
test) carries no memo and asks every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Remembering:
    """A connection (or cursor) with a memo of its database version's facts; every other
    attribute is the connection's own."""

    __slots__ = ("_con", "facts_memo")

    def __init__(self, con, memo: dict) -> None:
        self._con = con
        self.facts_memo = memo

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def cursor(self) -> Remembering:
        """A cursor of the connection, with the same memo."""
        return Remembering(self._con.cursor(), self.facts_memo)


def fact(con, key: tuple, ask: Callable[[], T]) -> T:
    """ask()'s answer for this connection's database: remembered under `key` when the
    connection carries a memo (Remembering), asked every time otherwise. Answers are shared:
    give immutable ones (tuples, not lists)."""
    memo = getattr(con, "facts_memo", None)
    if memo is None:
        return ask()
    if key not in memo:
        memo[key] = ask()
    return memo[key]
