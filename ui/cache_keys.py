"""Cheap, canonical cache keys for the filter-like arguments of the result caches.

Streamlit hashes an argument it does not know by pickling it piece by piece: about 3.5 ms for
a Filter or a Scope, paid on every cached call of every rerun. These objects are frozen
dataclasses of plain values, so their fields in order (sets sorted) name them exactly.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from kpi.engine.scope import Scope
from kpi.filters import Filter
from kpi.reach import Reach


def canonical(value) -> object:
    """A value's canonical form: a dataclass as its class name and fields in order, a set
    sorted, a tuple element by element, anything else itself."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                *(canonical(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(value, key=repr))
    if isinstance(value, tuple):
        return tuple(canonical(v) for v in value)
    return value


def cache_token(value) -> str:
    """The string Streamlit hashes for a Filter, Scope or Reach argument."""
    return repr(canonical(value))


HASHED = {cls: cache_token for cls in (Filter, Scope, Reach)}


def cached_data(hash_funcs: dict | None = None, **options):
    """st.cache_data without a spinner, hashing filters, scopes and reaches by cache_token."""
    return st.cache_data(show_spinner=False, hash_funcs={**HASHED, **(hash_funcs or {})},
                         **options)
