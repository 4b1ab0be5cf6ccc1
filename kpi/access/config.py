"""The `[access]` section of the settings file: where the access file is, which claim carries
groups, how long a sign-in lasts, whom to ask for access, and whether an unauthenticated
network server is meant."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kpi.settings import SettingsError, settings_path, settings_section

ACCESS_FILE_VARIABLE = "PX_ACCESS"
DEFAULT_SESSION_HOURS = 8.0
LONGEST_SESSION_HOURS = 24.0 * 30  # Streamlit's identity cookie lives 30 days, fixed


@dataclass(frozen=True)
class AccessSettings:
    """The checked `[access]` settings (defaults where the file is silent)."""

    file: Path | None = None
    groups_claim: str = "groups"
    allow_unauthenticated_network: bool = False
    session_hours: float = DEFAULT_SESSION_HOURS
    contact: str = ""


def read_access_settings(path: Path | None = None) -> AccessSettings:
    """`[access]` of the settings file ($PX_ACCESS wins for the access file; a relative path
    is read from the settings file's folder); SettingsError names the key that breaks a rule."""
    path = settings_path() if path is None else Path(path)
    section = settings_section(path, "access")
    unknown = set(section) - set(AccessSettings.__dataclass_fields__)
    if unknown:
        raise SettingsError(f"{path}: [access] unknown key(s) {', '.join(sorted(unknown))}")

    def text(key: str, default: str) -> str:
        value = section.get(key, default)
        if not isinstance(value, str):
            raise SettingsError(f"{path}: [access] {key} = {value!r}: must be a text")
        return value.strip()

    allowed = section.get("allow_unauthenticated_network", False)
    if not isinstance(allowed, bool):
        raise SettingsError(f"{path}: [access] allow_unauthenticated_network = {allowed!r}: "
                            "must be true or false")
    hours = section.get("session_hours", DEFAULT_SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or \
            not 0 < hours <= LONGEST_SESSION_HOURS:
        raise SettingsError(f"{path}: [access] session_hours = {hours!r}: must be a number of "
                            f"hours above 0 and at most {LONGEST_SESSION_HOURS:g}")
    claim = text("groups_claim", "groups")
    if not claim:
        raise SettingsError(f"{path}: [access] groups_claim is empty: name the claim that "
                            "carries groups (groups, roles, ...)")
    named = os.environ.get(ACCESS_FILE_VARIABLE) or text("file", "")
    file = None if not named else (Path(named) if Path(named).is_absolute()
                                   else path.parent / named)
    return AccessSettings(file, claim, allowed, float(hours), text("contact", ""))
