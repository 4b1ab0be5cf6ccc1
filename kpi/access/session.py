"""A signed-in session: how the app signs people in, who the claims say they are, and when
the sign-in has lasted long enough (Streamlit's cookie lives 30 days and never checks the
token's expiry, so the dashboard ends a session itself)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class SignIn(StrEnum):
    """How people reach the dashboard."""

    LOCAL = "local"  # no sign-in: this machine only, full access
    OIDC = "oidc"  # st.login through the hospital's identity provider ([auth] in secrets)
    PROXY = "proxy"  # a proxy signs people in and passes trusted headers


def sign_in_mode(auth_configured: bool, trusted_headers: Mapping | None) -> SignIn:
    """OIDC when secrets hold [auth], else a signing-in proxy when server.trustedUserHeaders
    maps any header, else local mode."""
    if auth_configured:
        return SignIn.OIDC
    return SignIn.PROXY if trusted_headers else SignIn.LOCAL


def claimed_email(claims: Mapping) -> str | None:
    """The user's email from the claims: `email`, else a `preferred_username` that is an
    address (Microsoft Entra ID's user principal name); None when neither is."""
    for key in ("email", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value.strip():
            return value.strip()
    return None


def signed_in_at(claims: Mapping, first_seen: float) -> float:
    """When the person signed in (epoch seconds): the token's `auth_time`, else `iat`, else
    the moment this dashboard first saw them."""
    for key in ("auth_time", "iat"):
        value = claims.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return float(value)
    return first_seen


def session_expired(claims: Mapping, first_seen: float, now: float, hours: float) -> bool:
    """True when the sign-in is older than `hours` (the session must end: sign in again)."""
    return now - signed_in_at(claims, first_seen) > hours * 3600
