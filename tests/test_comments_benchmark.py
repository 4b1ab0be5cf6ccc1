"""The accuracy benchmark's label mapping and metrics, on a hand-made labelled file."""

import gzip

import pandas as pd
import pytest

from benchmarks.comments_accuracy import load, prf, sentiment_scores, theme_scores, theme_table

ROWS = [  # organization, feedback, label, subcategory, criticality
    ("Trust X", "Kind nurses", "Staff", "Attitude Of Staff", "3"),
    ("Trust X", "Short of staff at night", "Staff", "Staffing levels", "-2"),
    ("Trust Y", "No parking", "Environment/ facilities", "Parking/transport", "-1"),
    ("Trust Y", "Nothing", "Couldn't be improved", "Nothing to improve", "0"),
    ("Trust Y", "Odd code", "Care received", "Care received", "-o"),
]


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.csv.gz"
    frame = pd.DataFrame(ROWS, columns=["organization", "feedback", "label", "subcategory",
                                        "criticality"])
    with gzip.open(path, "wt", encoding="utf-8") as out:
        frame.assign(question="Q1").to_csv(out, index=False)
    return path


def test_labels_map_to_classes_and_themes(labelled):
    frame = load(labelled)
    assert list(frame["gold_sentiment"].fillna("-")) == [
        "positive", "negative", "negative", "neutral", "-"]
    assert list(frame["gold_theme"]) == [
        "staff_attitude", "staffing", "travel_and_parking", "", "clinical_care"]
    assert set(frame["part"]) <= {"tuning", "held-out"}
    assert list(load(labelled)["part"]) == list(frame["part"])  # a fixed split


@pytest.mark.parametrize("counts, expected", [
    ((3, 1, 2), (0.75, 0.6, 2 * 0.75 * 0.6 / 1.35)), ((0, 0, 4), (0.0, 0.0, 0.0)),
    ((0, 0, 0), (0.0, 0.0, 0.0)), ((5, 0, 0), (1.0, 1.0, 1.0)),
])
def test_precision_recall_f1_by_hand(counts, expected):
    assert prf(*counts) == pytest.approx(expected)


def test_sentiment_accuracy_and_macro_f1_by_hand():
    gold = pd.Series(["positive", "positive", "negative", "neutral"])
    said = pd.Series(["positive", "negative", "negative", "positive"])
    scores = sentiment_scores(gold, said)
    assert scores["accuracy"] == 0.5
    # negative: P 1/2 R 1 F 2/3; neutral: F 0; positive: P 1/2 R 1/2 F 1/2
    assert scores["macro-F1"] == pytest.approx((2 / 3 + 0 + 1 / 2) / 3)


def test_theme_table_counts_sets_against_one_label():
    gold = pd.Series(["staffing", "environment", ""])
    said = pd.Series([{"staffing", "environment"}, set(), {"staffing"}])
    table = theme_table(gold, said, ["staffing", "environment"])
    assert table.loc["staffing", ["tp", "fp", "fn", "n"]].tolist() == [1, 1, 0, 1]
    assert table.loc["environment", ["tp", "fp", "fn", "n"]].tolist() == [0, 1, 1, 1]
    scores = theme_scores(table)
    assert scores["micro-F1"] == pytest.approx(prf(1, 2, 1)[2])
    assert scores["macro-F1"] == pytest.approx((2 / 3 + 0) / 2)
