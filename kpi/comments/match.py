"""Which themes a comment is about: every theme whose phrases it uses, in order of first mention."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kpi.comments.themes import Theme


class ThemeFinder:
    """Finds themes in text with one compiled pattern per theme."""

    def __init__(self, themes: Mapping[str, Theme]):
        self._matchers: tuple[tuple[str, re.Pattern], ...] = tuple(
            (theme_id, theme.matcher()) for theme_id, theme in themes.items())

    def themes(self, text: str) -> tuple[str, ...]:
        """Theme ids found in the text, the first mentioned first (ties: the longer phrase)."""
        found = []
        for order, (theme_id, matcher) in enumerate(self._matchers):
            hit = matcher.search(str(text))
            if hit:
                found.append((hit.start(), -len(hit.group(0)), order, theme_id))
        return tuple(theme_id for *_, theme_id in sorted(found))
