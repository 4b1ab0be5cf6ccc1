"""Who is asking: sign-in through the identity provider (st.login) or a signing-in proxy, the
session's end, the access file, the no-access page; local mode without either."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from kpi.access.audit import AuditUnavailable
from kpi.access.config import AccessSettings, read_access_settings
from kpi.access.grants import Grant, read_access_file
from kpi.access.serving import LOCAL_MODE_NOTE, local_mode_refusal
from kpi.access.session import SignIn, claimed_email, session_expired, sign_in_mode
from kpi.access.user import LOCAL_ACCESS, Access, access_for, claim_groups
from kpi.errors import PxError
from kpi.present.formatting import markdown_plain
from kpi.reach import NO_DEPARTMENT
from ui import audit_trail

LOG = logging.getLogger("px.signin")
ACCESS = "px_access"
WHO = "px_user_email"
FIRST_SEEN = "px_first_seen"


def _auth_configured() -> bool:
    """Whether .streamlit/secrets.toml holds an [auth] section."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def current_mode() -> SignIn:
    """How this server signs people in."""
    return sign_in_mode(_auth_configured(), st.get_option("server.trustedUserHeaders"))


@st.cache_resource(max_entries=4, show_spinner=False)
def _grants(path: str, mtime_ns: int) -> tuple[Grant, ...]:
    return read_access_file(Path(path))


def _read_grants(chosen: AccessSettings) -> tuple[Grant, ...]:
    """The access file's grants, read again when it changes; AccessFileError when unusable."""
    if chosen.file is None:
        raise PxError("sign-in is configured but no access file is: set [access] file in "
                      "settings.toml or the PX_ACCESS environment variable")
    try:
        mtime = chosen.file.stat().st_mtime_ns
    except OSError:
        raise PxError(f"the access file {chosen.file} does not exist") from None
    return _grants(str(chosen.file), mtime)


def _closed(message: str) -> None:
    """Show one plain message and nothing else."""
    st.error(markdown_plain(message))
    st.stop()


def gate() -> Access:
    """The signed-in user's access, or a page that stops the run: the sign-in page, the
    no-access page, the end of a session, a refused network address in local mode."""
    mode = current_mode()
    try:
        chosen = read_access_settings()
    except PxError as err:
        if mode is not SignIn.LOCAL:
            _closed(f"The settings file cannot be used, so nobody can sign in: {err}")
        chosen = AccessSettings()  # local mode: the pages report the file themselves
    if mode is SignIn.LOCAL:
        _local_mode(chosen)
        return LOCAL_ACCESS
    claims = st.user.to_dict()
    if mode is SignIn.OIDC and not claims.get("is_logged_in", False):
        _sign_in_page()
    email = claimed_email(claims)
    if email is None:
        _closed("You are not signed in: the sign-in did not say who you are (no email). "
                "Sign in again, or ask whoever runs the dashboard.")
    if mode is SignIn.OIDC and _expired(claims, email, chosen):
        st.logout()
        st.stop()
    try:
        access = access_for(_read_grants(chosen), email, claim_groups(claims, chosen.groups_claim))
    except PxError as err:
        LOG.error("access file unusable: %s", err)
        _closed(f"Nobody can be let in until the access file is fixed: {err}")
    if access is None:
        _no_access_page(email, chosen.contact)
    _audit_sign_in(email, access)
    _signed_in_sidebar(email, access, mode)
    st.session_state[ACCESS] = access
    return access


def _local_mode(chosen: AccessSettings) -> None:
    """Without sign-in, serve on this machine only unless the settings accept a network
    server; say so on every page."""
    refusal = local_mode_refusal(st.get_option("server.address"),
                                 allow_network=chosen.allow_unauthenticated_network)
    if refusal:
        LOG.error("refused to serve: %s", refusal)
        _closed(refusal)
    st.session_state[ACCESS] = LOCAL_ACCESS
    st.sidebar.caption(LOCAL_MODE_NOTE)


def _expired(claims: dict, email: str, chosen: AccessSettings) -> bool:
    """Whether this sign-in has lasted longer than the settings allow."""
    now = time.time()
    if st.session_state.get(WHO) != email:
        st.session_state[WHO] = email
        st.session_state[FIRST_SEEN] = now
    if session_expired(claims, st.session_state[FIRST_SEEN], now, chosen.session_hours):
        LOG.info("session ended after %g hours", chosen.session_hours)
        return True
    return False


def _sign_in_page() -> None:
    """The page of a visitor who has not signed in: a button, nothing else."""
    st.title("Patient experience KPIs")
    st.write("Sign in with your hospital account to see the dashboard.")
    if st.button("Sign in", type="primary"):
        st.login()
    st.stop()


def _no_access_page(email: str, contact: str) -> None:
    """The page of a signed-in person the access file does not name: who to ask, nothing else."""
    st.title("No access")
    ask = contact or "whoever runs the dashboard"
    st.write(markdown_plain(f"You are signed in as {email}, but this dashboard has not been "
                            f"opened to you. To ask for access, contact {ask}."))
    if st.button("Sign out"):
        st.logout()
    st.stop()


def _audit_sign_in(email: str, access: Access) -> None:
    """Record the session's sign-in once; without an audit nobody is let in."""
    if st.session_state.get("px_audited_sign_in") == email:
        return
    try:
        audit_trail.record_sign_in(email, access)
    except AuditUnavailable as err:
        LOG.error("sign-in not audited: %s", err)
        _closed("The dashboard cannot record sign-ins right now, so it lets nobody in. "
                "Tell whoever runs the dashboard.")
    st.session_state["px_audited_sign_in"] = email


def _signed_in_sidebar(email: str, access: Access, mode: SignIn) -> None:
    """Who is signed in, with which roles, and a sign-out button (identity provider only)."""
    roles = ", ".join(sorted(r.value.replace("_", " ") for r in access.roles))
    st.sidebar.caption(markdown_plain(f"Signed in as {email} ({roles})"))
    if mode is SignIn.OIDC and st.sidebar.button("Sign out"):
        st.logout()


def current_access() -> Access:
    """The access gate() found in this run (nothing at all before it ran)."""
    return st.session_state.get(ACCESS) or Access(frozenset(), *(NO_DEPARTMENT,) * 3, audit=False)

