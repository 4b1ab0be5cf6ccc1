"""Which derived tables a database holds: the version written by the load that built them."""

from __future__ import annotations

from kpi.facts import fact

DERIVE_VERSION = "8"  # raise whenever the derived tables change shape or meaning
META_KEY = "derive_version"


def is_current(con) -> bool:
    """True when the database's derived tables were built by this version of
    kpi.store.derived.rebuild."""
    row = fact(con, ("derive version",), lambda: con.execute(
        "SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone())
    return row is not None and row[0] == DERIVE_VERSION
