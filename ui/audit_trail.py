"""What the audit records from the pages: sign-ins, downloads (recorded when the file is made,
and no file without its record) and comment views; nothing in local mode (no sign-in, one
person on their own machine)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from kpi.access.audit import Entry, Event, audit_path, audited, record
from kpi.access.user import Access
from kpi.filters import Filter
from ui import data

PAGE = "px_page"
WHO = "px_audit_who"


def _roles(access: Access) -> str:
    return ";".join(sorted(r.value for r in access.roles))


def filter_words(flt: Filter) -> str:
    """The filter as the URL's query string (what a link to the same view carries)."""
    return urlencode(flt.to_query_params(), doseq=True)


def record_sign_in(email: str, access: Access) -> None:
    """Append the session's sign-in (AuditUnavailable when it cannot be written)."""
    st.session_state[WHO] = (email, _roles(access))
    record(audit_path(data.db_path()), Entry(email, _roles(access), Event.SIGN_IN,
                                             st.session_state.get(PAGE, ""), ""))


def _who() -> tuple[str, str] | None:
    """The signed-in person's (email, roles) of this session; None in local mode."""
    return st.session_state.get(WHO)


def audited_download(make: Callable[[], str], flt: Filter, rows: int) -> Callable[[], str]:
    """A deferred download that first appends its audit entry (who, page, filter, rows): the
    file is made only when the entry is written (AuditUnavailable stops it)."""
    who, page, path = _who(), st.session_state.get(PAGE, ""), audit_path(data.db_path())
    if who is None:
        return make

    entry = Entry(who[0], who[1], Event.EXPORT, page, filter_words(flt), rows)
    return functools.partial(audited, path, entry, make)


def record_comment_view(flt: Filter, rows: int) -> None:
    """Append a comment view once per session, page and filter (reruns are not new views)."""
    who = _who()
    page = st.session_state.get(PAGE, "")
    seen = st.session_state.setdefault("px_comment_views", set())
    key = (page, flt)
    if who is None or key in seen:
        return
    record(audit_path(data.db_path()), Entry(who[0], who[1], Event.COMMENT_VIEW, page,
                                             filter_words(flt), rows))
    seen.add(key)
