"""Sentiment of a comment's text: VADER with healthcare wording, contrast and 'nothing to improve'."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

WORDING = Path(__file__).with_name("sentiment.toml")
POSITIVE_FROM = 0.05   # VADER's own cut-offs on the compound score
NEGATIVE_TO = -0.05
LABELS = ("negative", "neutral", "positive")
# Typographic apostrophes as plain ones: VADER's negations ("wasn't") and the rewrites use "'".
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


@lru_cache(maxsize=1)
def wording() -> dict:
    """The healthcare wording: lexicon valences, rewrites and whole-comment patterns."""
    return tomllib.loads(WORDING.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """A VADER analyzer whose lexicon holds the healthcare valences and spelling variants."""
    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update({word.lower(): float(v) for word, v in wording()["lexicon"].items()})
    for variant, word in wording().get("spellings", {}).items():
        vader.lexicon.setdefault(variant.lower(), vader.lexicon[word.lower()])
    return vader


@lru_cache(maxsize=1)
def _rewrites() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(pattern, re.IGNORECASE), replacement)
                 for pattern, replacement in wording().get("rewrites", {}).items())


@lru_cache(maxsize=1)
def _nothing_to_improve() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in wording()["nothing_to_improve"]["patterns"]),
                      re.IGNORECASE)


def plain_vader_score(text: str) -> float:
    """The compound score of stock VADER (its own lexicon, no healthcare wording): -1..1."""
    return _stock().polarity_scores(text)["compound"]


@lru_cache(maxsize=1)
def _stock() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def text_score(text: str) -> float:
    """The sentiment score of a comment's text alone, -1 (very negative) .. 1 (very positive)."""
    text = " ".join(str(text).translate(APOSTROPHES).split())
    if not text:
        return 0.0
    opening = _nothing_to_improve().match(text)
    if opening is None:
        return _vader(text)
    rest = _vader(text[opening.end():])
    return rest if rest <= NEGATIVE_TO else max(rest, wording()["nothing_to_improve"]["score"])


def _vader(text: str) -> float:
    for pattern, replacement in _rewrites():
        text = pattern.sub(replacement, text)
    return analyzer().polarity_scores(text)["compound"] if text.strip() else 0.0


def sentiment_label(score: float) -> str:
    """positive, neutral or negative for a score (VADER's cut-offs at +-0.05)."""
    if score >= POSITIVE_FROM:
        return "positive"
    return "negative" if score <= NEGATIVE_TO else "neutral"
