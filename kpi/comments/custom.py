"""The hospital's own theme words: the [comments] section of settings.toml, no code needed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kpi.comments.themes import (
    Theme,
    ThemeError,
    merge_themes,
    read_toml,
    shipped_themes,
)
from kpi.settings import settings_path

SECTION_KEYS = {"themes_file", "themes"}


def comment_themes(settings_file: Path | None = None) -> dict[str, Theme]:
    """The shipped themes plus the settings' additions: a themes_file, then inline [comments.themes]."""
    path = settings_path() if settings_file is None else Path(settings_file)
    themes = shipped_themes()
    if not path.exists():
        return themes
    try:
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("comments", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ThemeError(f"{path}: not a valid TOML file ({err})") from None
    unknown = set(section) - SECTION_KEYS
    if unknown:
        raise ThemeError(f"{path}: [comments] unknown key(s) {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(sorted(SECTION_KEYS))}")
    extra_file = section.get("themes_file")
    if extra_file is not None:
        if not isinstance(extra_file, str):
            raise ThemeError(f"{path}: [comments] themes_file must be a file name")
        extra_path = path.parent / extra_file
        if not extra_path.exists():
            raise ThemeError(f"{path}: [comments] themes_file {extra_file!r}: no such file")
        themes = merge_themes(themes, read_toml(extra_path).get("themes", {}), str(extra_path))
    return merge_themes(themes, section.get("themes", {}), f"{path} [comments.themes]")
