"""Sentiment and themes of the comment pipeline against human labels, beside plain VADER.

    python -m benchmarks.comments_accuracy PATH/comments.csv.gz [--part held-out|tuning|all]

The file is the labelled NHS comments set (columns feedback, organization, label, subcategory,
criticality; not in the repository: its licence allows measuring, not copying). Rows are split
in two by a fixed hash of the comment text: the dictionary and lexicon were tuned on the
"tuning" half only; the figures to quote are those of the "held-out" half. The labels carry no
rating, so the blend with the respondent's rating is not measured here: the text alone is.
"""

from __future__ import annotations

import argparse
import hashlib

import numpy as np
import pandas as pd

from kpi.comments.classify import Classifier
from kpi.comments.sentiment import LABELS, plain_vader_score, sentiment_label
from kpi.comments.themes import shipped_themes

# The dataset's categories as theme ids; a subcategory overrides its label. Unlisted: no theme
# ("Couldn't be improved", "Miscellaneous" are comments about no theme).
LABEL_THEMES = {
    "Staff": "staff_attitude", "Communication": "communication", "Access": "waiting_and_access",
    "Care received": "clinical_care", "Environment/ facilities": "environment",
    "Transition/coordination": "coordination", "Dignity": "privacy_and_safety",
}
SUBCATEGORY_THEMES = {
    "Staffing levels": "staffing", "Consistency/Continuity of care": "staffing",
    "Parking/transport": "travel_and_parking", "Location": "travel_and_parking",
    "Involvement: Of Service Users/Patients": "communication",
    "Involvement: Of Family And Carers": "communication",
}
TARGETS = {"sentiment accuracy": 0.75, "sentiment macro-F1": 0.62,
           "themes micro-F1": 0.70, "themes macro-F1": 0.55}


def load(path: str) -> pd.DataFrame:
    """The labelled rows: text, organisation, gold sentiment (None: stray code), gold theme."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    criticality = pd.to_numeric(raw["criticality"], errors="coerce")
    usable = criticality.between(-4, 4)
    gold = np.sign(criticality).map({-1.0: "negative", 0.0: "neutral", 1.0: "positive"})
    theme = raw["subcategory"].map(SUBCATEGORY_THEMES).fillna(raw["label"].map(LABEL_THEMES))
    digest = raw["feedback"].map(lambda t: hashlib.sha256(t.encode()).digest()[0])
    return pd.DataFrame({"text": raw["feedback"], "organization": raw["organization"],
                         "gold_sentiment": gold.where(usable), "gold_theme": theme.fillna(""),
                         "part": np.where(digest % 2 == 0, "tuning", "held-out")})


def predict(frame: pd.DataFrame) -> pd.DataFrame:
    """The pipeline's sentiment and themes, and plain VADER's sentiment, per row."""
    classifier = Classifier(shipped_themes())
    results = [classifier.classify(text) for text in frame["text"]]
    return frame.assign(
        sentiment=[r.sentiment for r in results], themes=[r.themes for r in results],
        vader=[sentiment_label(plain_vader_score(t)) for t in frame["text"]])


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def sentiment_scores(gold: pd.Series, predicted: pd.Series) -> dict[str, float]:
    """Accuracy and 3-class macro-F1 (classes as in LABELS)."""
    f1s = [prf(((gold == c) & (predicted == c)).sum(), ((gold != c) & (predicted == c)).sum(),
               ((gold == c) & (predicted != c)).sum())[2] for c in LABELS]
    return {"accuracy": float((gold == predicted).mean()), "macro-F1": float(np.mean(f1s))}


def theme_table(gold: pd.Series, predicted: pd.Series, theme_ids: list[str]) -> pd.DataFrame:
    """Per-theme precision, recall, F1 and support; predicted holds sets of theme ids."""
    rows = {}
    for theme_id in theme_ids:
        is_gold = gold == theme_id
        said = pd.Series([theme_id in found for found in predicted], index=predicted.index)
        counts = ((is_gold & said).sum(), (~is_gold & said).sum(), (is_gold & ~said).sum())
        rows[theme_id] = (*counts, *prf(*counts), int(is_gold.sum()))
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["tp", "fp", "fn", "precision", "recall", "F1", "n"])


def theme_scores(table: pd.DataFrame) -> dict[str, float]:
    """Micro-F1 (pooled counts) and macro-F1 (mean of the themes' F1)."""
    return {"micro-F1": prf(*table[["tp", "fp", "fn"]].sum())[2],
            "macro-F1": float(table["F1"].mean())}


def report(frame: pd.DataFrame) -> str:
    """The figures of one part as plain text tables."""
    lines = [f"rows: {len(frame):,}"]
    rated = frame.dropna(subset=["gold_sentiment"])
    lines.append(f"sentiment (rows with a criticality -4..4: {len(rated):,})")
    for name, column in (("pipeline", "sentiment"), ("plain VADER", "vader")):
        scores = sentiment_scores(rated["gold_sentiment"], rated[column])
        lines.append(f"  {name:<12} accuracy {scores['accuracy']:.3f}  "
                     f"macro-F1 {scores['macro-F1']:.3f}")
    # Trust B labelled its non-critical comments 0, praise included (the file's neutral class).
    plain = rated[~((rated["organization"] == "Trust B") & (rated["gold_sentiment"] == "neutral"))]
    lines.append(f"  without Trust B's criticality-0 rows ({len(plain):,} rows): accuracy "
                 f"pipeline {sentiment_scores(plain['gold_sentiment'], plain['sentiment'])['accuracy']:.3f}, "
                 f"plain VADER {sentiment_scores(plain['gold_sentiment'], plain['vader'])['accuracy']:.3f}")
    lines.append("  pipeline confusion (rows gold, columns predicted):")
    lines += ["    " + line for line in pd.crosstab(rated["gold_sentiment"],
                                                       rated["sentiment"]).to_string().splitlines()]
    lines.append("  pipeline accuracy by organisation:")
    for org, part in rated.groupby("organization"):
        lines.append(f"    {org}: {sentiment_scores(part['gold_sentiment'], part['sentiment'])['accuracy']:.3f}"
                     f"  ({len(part):,} rows, {int((part['gold_sentiment'] == 'neutral').sum()):,} neutral)")
    theme_ids = list(shipped_themes())
    for view, predicted in (("primary theme (the first found) vs the one label",
                             frame["themes"].map(lambda t: set(t[:1]))),
                            ("any theme found vs the one label", frame["themes"].map(set))):
        table = theme_table(frame["gold_theme"], predicted, theme_ids)
        scores = theme_scores(table)
        lines.append(f"themes, {view}: micro-F1 {scores['micro-F1']:.3f}  "
                     f"macro-F1 {scores['macro-F1']:.3f}")
        lines += ["    " + line for line in table.round(3).to_string().splitlines()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the figures of the chosen part(s) of the labelled file."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.comments_accuracy")
    parser.add_argument("path")
    parser.add_argument("--part", choices=["held-out", "tuning", "all"], default="held-out")
    args = parser.parse_args(argv)
    frame = predict(load(args.path))
    parts = [args.part] if args.part != "all" else ["tuning", "held-out"]
    for part in parts:
        print(f"== {part} half ==")
        print(report(frame[frame["part"] == part]))
    print("targets: " + ", ".join(f"{k} >= {v}" for k, v in TARGETS.items()))


if __name__ == "__main__":
    main()
