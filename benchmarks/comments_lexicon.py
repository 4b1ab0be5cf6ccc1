"""The measured effect of healthcare words on sentiment accuracy (the tuning half only).

    python -m benchmarks.comments_lexicon PATH/comments.csv.gz WORD [WORD ...]

For each word, on the tuning rows that hold it: the pipeline's accuracy without the word in
the lexicon, and with each valence of a grid; prints the best valence and the rows it gains.
This is how the valences in kpi/comments/sentiment.toml were chosen (docs/comments.md).
"""

from __future__ import annotations

import argparse
import re

from benchmarks.comments_accuracy import load
from kpi.comments.sentiment import analyzer, sentiment_label, text_score

GRID = (-2.5, -1.5, -0.75, 0.75, 1.5, 2.5)


def word_effect(texts: list[str], gold: list[str], word: str) -> tuple[int, float | None, int]:
    """(rows holding the word, best valence or None for 'leave out', rows gained by it)."""
    lexicon = analyzer().lexicon
    before = lexicon.pop(word, None)
    try:
        def correct() -> int:
            return sum(sentiment_label(text_score(t)) == g for t, g in zip(texts, gold))
        base, best, best_value = correct(), correct(), None
        for value in GRID:
            lexicon[word] = value
            hits = correct()
            if hits > best:
                best, best_value = hits, value
        return len(texts), best_value, best - base
    finally:
        lexicon.pop(word, None)
        if before is not None:
            lexicon[word] = before


def main(argv: list[str] | None = None) -> None:
    """Print each word's rows, best valence and gain on the tuning half."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.comments_lexicon")
    parser.add_argument("path")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args(argv)
    frame = load(args.path).dropna(subset=["gold_sentiment"])
    frame = frame[frame["part"] == "tuning"]
    for word in args.words:
        holds = frame["text"].str.contains(rf"(?i)(?<![\w']){re.escape(word)}(?![\w'])")
        rows, value, gain = word_effect(list(frame.loc[holds, "text"]),
                                        list(frame.loc[holds, "gold_sentiment"]), word.lower())
        shown = "leave out" if value is None else f"{value:+}"
        print(f"{word:<16} rows {rows:>5}  best {shown:>9}  gain {gain:+d}")


if __name__ == "__main__":
    main()
