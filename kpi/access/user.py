"""What a signed-in user may see and do: the union of every grant that names them, right by
right (a department lead of ED who is a viewer of CARD reads ED's comments, not CARD's)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpi.access.grants import WHOLE_HOSPITAL_ROLES, Grant, Role

COMMENT_ROLES = frozenset({Role.LEADERSHIP, Role.QUALITY, Role.DEPARTMENT_LEAD})
EXPORT_ROLES = COMMENT_ROLES
AUDIT_ROLES = WHOLE_HOSPITAL_ROLES


@dataclass(frozen=True)
class Reach:
    """A set of departments: every one, or those named or reached by service line or site."""

    every: bool = False
    departments: frozenset[str] = frozenset()
    service_lines: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """True when the reach holds no department at all."""
        return not (self.every or self.departments or self.service_lines or self.sites)

    def union(self, other: Reach) -> Reach:
        """Departments in either reach."""
        return Reach(self.every or other.every, self.departments | other.departments,
                     self.service_lines | other.service_lines, self.sites | other.sites)

    def department_ids(self, rows: Iterable[tuple[str, str | None, str | None]]
                       ) -> frozenset[str] | None:
        """The ids in reach among (department_id, service_line, site) rows; None for every one."""
        if self.every:
            return None
        return frozenset(d for d, line, site in rows if d in self.departments
                         or line in self.service_lines or site in self.sites)


def grant_reach(grant: Grant) -> Reach:
    """The departments one grant opens."""
    if grant.role in WHOLE_HOSPITAL_ROLES:
        return Reach(every=True)
    return Reach(False, grant.departments, grant.service_lines, grant.sites)


@dataclass(frozen=True)
class Access:
    """A user's rights: the departments whose numbers, comments and exports they may see, and
    whether they may open the audit."""

    roles: frozenset[Role]
    numbers: Reach
    comments: Reach
    exports: Reach
    audit: bool


LOCAL_ACCESS = Access(frozenset({Role.LEADERSHIP}), Reach(every=True), Reach(every=True),
                      Reach(every=True), audit=True)


def access_for(grants: Sequence[Grant], email: str | None, groups: Iterable[str] = ()
               ) -> Access | None:
    """The user's access from the grants that name their email or a group; None when none does."""
    group_set = frozenset(g.strip() for g in groups if isinstance(g, str) and g.strip())
    mine = [g for g in grants if g.names(email or "", group_set)] if email or group_set else []
    if not mine:
        return None

    def reach(roles: frozenset[Role]) -> Reach:
        result = Reach()
        for grant in mine:
            if grant.role in roles:
                result = result.union(grant_reach(grant))
        return result

    return Access(frozenset(g.role for g in mine), reach(frozenset(Role)), reach(COMMENT_ROLES),
                  reach(EXPORT_ROLES), audit=any(g.role in AUDIT_ROLES for g in mine))


def claim_groups(claims: dict, groups_claim: str = "groups") -> tuple[str, ...]:
    """The identity provider's groups from the user's claims: a list, or one comma-separated
    string (as a signing-in proxy's header delivers them)."""
    value = claims.get(groups_claim)
    if isinstance(value, str):
        return tuple(g.strip() for g in value.split(",") if g.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(g).strip() for g in value if str(g).strip())
    return ()
