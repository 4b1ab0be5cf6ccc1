"""Reach: the departments a person may see (every one, or those named or reached through a
service line or site); a Filter carries one, and the engine's one Scope door applies it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v).strip() for v in values if str(v).strip())


@dataclass(frozen=True)
class Reach:
    """A set of departments: every one, or those named or reached by service line or site."""

    every: bool = False
    departments: frozenset[str] = frozenset()
    service_lines: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("departments", "service_lines", "sites"):
            object.__setattr__(self, name, _names(getattr(self, name)))

    @property
    def empty(self) -> bool:
        """True when the reach holds no department at all."""
        return not (self.every or self.departments or self.service_lines or self.sites)

    def union(self, other: Reach) -> Reach:
        """Departments in either reach."""
        return Reach(self.every or other.every, self.departments | other.departments,
                     self.service_lines | other.service_lines, self.sites | other.sites)

    def admits(self, department_id: str, service_line: str | None, site: str | None) -> bool:
        """True when the department (with its service line and site) is within reach."""
        return (self.every or department_id in self.departments
                or service_line in self.service_lines or site in self.sites)

    def department_ids(self, rows: Iterable[tuple[str, str | None, str | None]]
                       ) -> frozenset[str] | None:
        """The ids in reach among (department_id, service_line, site) rows; None for every one."""
        if self.every:
            return None
        return frozenset(row[0] for row in rows if self.admits(*row))


EVERY_DEPARTMENT = Reach(every=True)
NO_DEPARTMENT = Reach()
