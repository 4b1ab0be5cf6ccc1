"""The organisation's settings file: KPI targets and the SPC run length (TOML, documented)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kpi.errors import PxError

DEFAULT_RUN_LENGTH = 7  # points in a run or trend that signal special cause
ALLOWED_RUN_LENGTHS = (6, 7)

DEFAULT_SETTINGS_FILE = Path("settings.toml")
SECTIONS = {"targets", "spc", "comments"}  # [comments]: kpi/comments/custom.py


@dataclass(frozen=True)
class Settings:
    """Targets that override the catalog's defaults, and the SPC run length (6 or 7)."""

    targets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    run_length: int = DEFAULT_RUN_LENGTH


class SettingsError(PxError):
    """The settings file breaks a rule; the message names the file, key and value."""


def settings_path() -> Path:
    """$PX_SETTINGS, else settings.toml in the working directory."""
    return Path(os.environ.get("PX_SETTINGS") or DEFAULT_SETTINGS_FILE)


def read_settings_file(path: Path | None = None) -> Settings:
    """Read and check the settings file; defaults when it does not exist."""
    path = settings_path() if path is None else Path(path)
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path}: not a valid TOML file ({err})") from None
    unknown = set(raw) - SECTIONS
    if unknown:
        raise SettingsError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                            f"allowed: {', '.join(sorted(SECTIONS))}")
    targets = {}
    for kpi_id, value in raw.get("targets", {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{path}: [targets] {kpi_id} = {value!r}: "
                                "a target must be a number")
        targets[kpi_id] = float(value)
    spc = raw.get("spc", {})
    run_length = spc.get("run_length", DEFAULT_RUN_LENGTH)
    if run_length not in ALLOWED_RUN_LENGTHS or isinstance(run_length, bool):
        raise SettingsError(f"{path}: [spc] run_length = {run_length!r}: must be 6 or 7")
    extra = set(spc) - {"run_length"}
    if extra:
        raise SettingsError(f"{path}: [spc] unknown key(s) {', '.join(sorted(extra))}")
    return Settings(MappingProxyType(targets), run_length)


def unknown_target_ids(settings: Settings, known_ids: set[str]) -> list[str]:
    """Target keys that name no KPI of the catalog (so a typo is reported, not ignored)."""
    return sorted(set(settings.targets) - known_ids)
