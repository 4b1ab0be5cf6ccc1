"""Comments only for those who may read them: within the person's comment reach, each view
recorded in the audit before it is shown."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from kpi.access.audit import AuditUnavailable
from kpi.engine import breakdowns
from kpi.errors import UsageError
from ui.audit_trail import record_comment_view
from ui.signin import current_access

LOG = logging.getLogger("px.comments")


def comment_context(ctx):
    """The page context narrowed to the departments whose comments this person may read;
    None (with a note) when the filter holds none of them."""
    reach = current_access().comments
    if reach.empty:
        st.info("Patient comments are not part of your access.")
        return None
    return replace(ctx, flt=replace(ctx.flt, within=reach))


def comment_reading(ctx):
    """The filter's comments this person may read (kpi.engine.breakdowns.patient_comments),
    or None with a note."""
    narrowed = comment_context(ctx)
    if narrowed is None:
        return None
    try:
        return narrowed.read(breakdowns.patient_comments)
    except UsageError:
        st.info("The comments of the chosen departments are not part of your access.")
        return None


def audited_comment_view(ctx, rows: int) -> bool:
    """Record that these comments are being shown; False (with a plain error) when the audit
    cannot be written, and then they are not shown."""
    try:
        record_comment_view(replace(ctx.flt, within=current_access().comments), rows)
    except AuditUnavailable as err:
        LOG.error("comment view not audited: %s", err)
        st.error("The comments cannot be shown right now: their viewing cannot be recorded. "
                 "Tell whoever runs the dashboard.")
        return False
    return True
