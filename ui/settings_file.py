"""The organisation's settings file as the pages read it: read again only when it changes, and
as the hashable key that the control-chart caches are keyed on."""

from __future__ import annotations

import types
from pathlib import Path

import streamlit as st

from kpi.capacity import read_capacity
from kpi.settings import Settings, read_settings_file, settings_path

# The settings as a cache key: (run length, sorted (kpi_id, target) and (kind, min n) pairs,
# fix limits after).
SettingsKey = tuple[int, tuple[tuple[str, float], ...], tuple[tuple[str, int], ...], int]


@st.cache_resource(max_entries=4, show_spinner=False)
def _settings_file(path: str, mtime_ns: int | None) -> Settings:
    chosen = read_settings_file(Path(path))
    read_capacity(Path(path))  # applied when the server starts; a broken one is named here
    return chosen


def settings() -> Settings:
    """The settings file ($PX_SETTINGS, else settings.toml), read again only when its
    modification time changes; raises SettingsError when it breaks a rule."""
    path = settings_path()
    mtime = path.stat().st_mtime_ns if path.exists() else None
    return _settings_file(str(path), mtime)


def settings_key(chosen: Settings) -> SettingsKey:
    """The hashable form of settings that the SPC caches are keyed on."""
    return (chosen.run_length, tuple(sorted(chosen.targets.items())),
            tuple(sorted(chosen.min_n.items())), chosen.fix_limits_after)


def from_key(key: SettingsKey) -> Settings:
    """The settings a settings_key stands for."""
    return Settings(targets=types.MappingProxyType(dict(key[1])), run_length=key[0],
                    min_n=types.MappingProxyType(dict(key[2])), fix_limits_after=key[3])
