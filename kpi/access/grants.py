"""The access file (shared/spec/access.md): `[[grant]]` tables read and checked, one rule each."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kpi.errors import PxError


class Role(StrEnum):
    """The roles of the access file, from the widest view to the narrowest."""

    LEADERSHIP = "leadership"
    QUALITY = "quality"
    DEPARTMENT_LEAD = "department_lead"
    VIEWER = "viewer"


WHOLE_HOSPITAL_ROLES = frozenset({Role.LEADERSHIP, Role.QUALITY})
SCOPE_KEYS = ("departments", "service_lines", "sites")
GRANT_KEYS = frozenset({"role", "users", "groups", *SCOPE_KEYS})


class AccessFileError(PxError):
    """The access file breaks a rule; the message names the file, the grant and the rule."""


@dataclass(frozen=True)
class Grant:
    """One `[[grant]]`: a role for some users and groups, over some departments (or all)."""

    role: Role
    users: frozenset[str]
    groups: frozenset[str]
    departments: frozenset[str] = frozenset()
    service_lines: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()

    def names(self, email: str, groups: frozenset[str]) -> bool:
        """True when the grant names this user's email (any case) or one of their groups."""
        return email.casefold() in self.users or bool(self.groups & groups)


def read_access_file(path: Path) -> tuple[Grant, ...]:
    """Every grant of the access file at path, checked; an AccessFileError names what is wrong."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccessFileError(f"{path}: the access file does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise AccessFileError(f"{path}: not a readable TOML file ({type(err).__name__})") from None
    unknown = set(raw) - {"grant"}
    if unknown:
        raise AccessFileError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; "
                              "the file holds [[grant]] tables only")
    grants = raw.get("grant", [])
    if not isinstance(grants, list) or not grants:
        raise AccessFileError(f"{path}: no [[grant]] table: nobody could sign in")
    return tuple(_grant(path, number, table) for number, table in enumerate(grants, start=1))


def _grant(path: Path, number: int, table: dict) -> Grant:
    def fail(rule: str) -> AccessFileError:
        return AccessFileError(f"{path}: grant {number}: {rule}")

    unknown = set(table) - GRANT_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; "
                   f"allowed: {', '.join(sorted(GRANT_KEYS))}")
    try:
        role = Role(table.get("role"))
    except ValueError:
        raise fail(f"role must be one of {', '.join(r.value for r in Role)}") from None
    lists = {key: _names(table.get(key, []), key, fail) for key in ("users", "groups", *SCOPE_KEYS)}
    if not lists["users"] and not lists["groups"]:
        raise fail("names no users and no groups")
    scoped = any(lists[key] for key in SCOPE_KEYS)
    if role in WHOLE_HOSPITAL_ROLES and scoped:
        raise fail(f"a {role} sees every department: departments, service_lines and sites "
                   "do not apply")
    if role not in WHOLE_HOSPITAL_ROLES and not scoped:
        raise fail(f"a {role} needs departments, service_lines or sites")
    users = frozenset(u.casefold() for u in lists["users"])
    return Grant(role, users, lists["groups"],
                 **{key: lists[key] for key in SCOPE_KEYS})


def _names(value, key: str, fail) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{key} must be a list of non-empty strings")
    return frozenset(v.strip() for v in value)
