"""Serving without sign-in ("local mode"): allowed on this machine's loopback address only,
unless the settings file says, in so many words, that an unauthenticated network server is
meant (a trusted proxy that signs people in, for instance)."""

from __future__ import annotations

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_MODE_NOTE = ("Local mode: no sign-in. Anyone who can open this address sees every "
                   "department; it is served on this machine only.")


def local_mode_refusal(address: str | None, allow_network: bool) -> str | None:
    """None when a server without sign-in may listen on `address`; else why it may not, and
    what to do (an empty address means every interface)."""
    if (address or "").strip() in LOOPBACK or allow_network:
        return None
    shown = address.strip() if address and address.strip() else "every network interface"
    return (f"This dashboard has no sign-in configured, so it serves on 127.0.0.1 only, and "
            f"server.address is {shown}. Configure sign-in ([auth] in .streamlit/secrets.toml "
            "and an access file: see README, Deploying for your hospital), or set "
            "server.address = \"127.0.0.1\" in .streamlit/config.toml, or, "
            "if a proxy that signs people in already guards this port, set [access] "
            "allow_unauthenticated_network = true in settings.toml.")
