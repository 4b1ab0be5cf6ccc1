"""What a signed-in user may see and do: the union of every grant that names them, right by
right (a department lead of ED who is a viewer of CARD reads ED's comments, not CARD's)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpi.access.grants import WHOLE_HOSPITAL_ROLES, Grant, Role
from kpi.reach import EVERY_DEPARTMENT, Reach

COMMENT_ROLES = frozenset({Role.LEADERSHIP, Role.QUALITY, Role.DEPARTMENT_LEAD})
EXPORT_ROLES = COMMENT_ROLES
AUDIT_ROLES = WHOLE_HOSPITAL_ROLES


def grant_reach(grant: Grant) -> Reach:
    """The departments one grant opens."""
    if grant.role in WHOLE_HOSPITAL_ROLES:
        return EVERY_DEPARTMENT
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


LOCAL_ACCESS = Access(frozenset({Role.LEADERSHIP}), EVERY_DEPARTMENT, EVERY_DEPARTMENT,
                      EVERY_DEPARTMENT, audit=True)


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
