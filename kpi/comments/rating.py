"""The respondent's own rating as sentiment evidence, and its blend with the text's score."""

from __future__ import annotations

from kpi.errors import PxError
from kpi.scoring import SCALES, Scale

RATING_WEIGHT = 0.5  # the rating's share of the blended score; the text has the rest


def rating_scale(name: str) -> Scale:
    """The contract scale of that name; a plain error listing the scales when it is unknown."""
    try:
        return SCALES[name]
    except KeyError:
        raise PxError(f"unknown rating scale {name!r}; "
                      f"known: {', '.join(sorted(SCALES))}") from None


def rating_score(answer: float, scale: Scale) -> float:
    """An answer as a score: the scale's lowest code -1, its highest +1, linear between."""
    return 2.0 * (answer - scale.low) / (scale.high - scale.low) - 1.0


def blended_score(text: float, rating: float | None) -> float:
    """The comment's score: the text's alone without a rating, else the weighted mean of both."""
    if rating is None:
        return text
    return (1.0 - RATING_WEIGHT) * text + RATING_WEIGHT * rating
