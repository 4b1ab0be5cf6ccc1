"""Serving without sign-in ("local mode"): allowed on this machine's loopback address only,
unless the settings file says, in so many words, that an unauthenticated network server is
meant (a trusted proxy that signs people in, for instance)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kpi.settings import SettingsError, settings_path

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ACCESS_KEYS = frozenset({"file", "groups_claim", "allow_unauthenticated_network"})
LOCAL_MODE_NOTE = ("Local mode: no sign-in. Anyone who can open this address sees every "
                   "department; it is served on this machine only.")


def allows_unauthenticated_network(path: Path | None = None) -> bool:
    """`[access] allow_unauthenticated_network` of the settings file (false when absent)."""
    path = settings_path() if path is None else Path(path)
    if not path.exists():
        return False
    try:
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("access", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        raise SettingsError(f"{path}: not a readable TOML file") from None
    unknown = set(section) - ACCESS_KEYS
    if unknown:
        raise SettingsError(f"{path}: [access] unknown key(s) {', '.join(sorted(unknown))}")
    allowed = section.get("allow_unauthenticated_network", False)
    if not isinstance(allowed, bool):
        raise SettingsError(f"{path}: [access] allow_unauthenticated_network = {allowed!r}: "
                            "must be true or false")
    return allowed


def local_mode_refusal(address: str | None, allow_network: bool) -> str | None:
    """None when a server without sign-in may listen on `address`; else why it may not, and
    what to do (an empty address means every interface)."""
    if (address or "").strip() in LOOPBACK or allow_network:
        return None
    shown = address.strip() if address and address.strip() else "every network interface"
    return (f"This dashboard has no sign-in yet, so it serves on 127.0.0.1 only, and "
            f"server.address is {shown}. Set server.address = \"127.0.0.1\" in "
            ".streamlit/config.toml (and reach it through a proxy that signs people in), or, "
            "if such a proxy already guards this port, set [access] "
            "allow_unauthenticated_network = true in settings.toml.")
