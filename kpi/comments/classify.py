"""One comment in, its sentiment, score and themes out: the function the CLI and the load call."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from kpi.comments.match import ThemeFinder
from kpi.comments.rating import blended_score, rating_score
from kpi.comments.sentiment import WORDING, sentiment_label, text_score
from kpi.comments.themes import Theme
from kpi.scoring import Scale

THEME_SEPARATOR = ";"


@dataclass(frozen=True)
class Classified:
    """A comment's sentiment (positive, neutral, negative), score (-1..1) and theme ids."""

    sentiment: str
    score: float
    themes: tuple[str, ...]

    @property
    def theme_cell(self) -> str:
        """The theme ids joined by ';' (empty when the comment has no theme)."""
        return THEME_SEPARATOR.join(self.themes)


class Classifier:
    """Classifies comments against one theme dictionary (compiled once)."""

    def __init__(self, themes: Mapping[str, Theme]):
        self._finder = ThemeFinder(themes)
        self.fingerprint = classifier_fingerprint(themes)

    def classify(self, comment: str, rating: float | None = None,
                 scale: Scale | None = None) -> Classified:
        """The comment's sentiment from its text, blended with the rating when one is given."""
        evidence = None if rating is None or scale is None else rating_score(rating, scale)
        score = round(blended_score(text_score(comment), evidence), 4)
        return Classified(sentiment_label(score), score, self._finder.themes(comment))


def classifier_fingerprint(themes: Mapping[str, Theme]) -> str:
    """A short hash of what decides a comment's classes: the theme dictionary (shipped and the
    settings' additions) and the healthcare wording of the sentiment."""
    digest = hashlib.sha256(repr(tuple(themes.items())).encode("utf-8"))
    digest.update(WORDING.read_bytes())
    return digest.hexdigest()[:16]
