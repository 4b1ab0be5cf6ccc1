"""The pages of the dashboard, and which of them a person may open."""

from __future__ import annotations

from kpi.access.user import Access

PAGES = [
    ("views/overview.py", "Overview"),
    ("views/satisfaction.py", "Satisfaction"),
    ("views/comments.py", "What patients say"),
    ("views/benchmarks.py", "Benchmarks"),
    ("views/loyalty.py", "Loyalty"),
    ("views/reputation.py", "Reputation"),
    ("views/complaints.py", "Complaints"),
    ("views/staff.py", "Staff morale"),
    ("views/waits.py", "Respect for time"),
]
EXPORT_PAGE = ("views/export.py", "Export")
AUDIT_PAGE = ("views/audit.py", "Audit")


def pages_for(access: Access) -> list[tuple[str, str]]:
    """(path, title) of the pages this person may open, in navigation order: the Export page
    only with a download right, the Audit page only with the audit right."""
    return [*PAGES, *([EXPORT_PAGE] if not access.exports.empty else []),
            *([AUDIT_PAGE] if access.audit else [])]
