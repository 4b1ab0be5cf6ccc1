"""Load-time comment classes: each survey comment's themes, sentiment, score and masked text.

A comment is classified by kpi.comments once per distinct (text, the respondent's overall
answer) and the classes are kept from one load to the next: a load classifies only the pairs
it has not seen before, unless the classifier's fingerprint (the theme dictionary with the
settings' additions, the sentiment wording) has changed since, when it classifies every one
again. derived_comments holds one row per non-blank comment, stored in date order, with its
masked text (and no response id); derived_comment_themes the ids and labels of the dictionary used.
"""

from __future__ import annotations

import pyarrow as pa

from kpi.comments.classify import Classifier
from kpi.comments.masking import mask_personal_details
from kpi.comments.rating import rating_scale
from kpi.store.meta import set_meta

CLASSES = "derived_comment_classes"
FINGERPRINT_KEY = "comment_classifier"
COMMENT_TABLES = (CLASSES, "derived_comments", "derived_comment_themes")

# The patient question whose answer is "the respondent's overall answer" (the first `overall`
# question when there are several).
_OVERALL = """
SELECT question_id, scale FROM questions
WHERE audience = 'patient' AND domain = 'overall' ORDER BY question_id LIMIT 1
"""

_COMMENTED = """
WITH overall AS (
    SELECT response_id, min(answer)::INTEGER AS answer FROM patient_answers
    WHERE question_id = $question GROUP BY response_id
), commented AS (
    SELECT r.response_id, r.department_id, r.response_date, r.comment, o.answer
    FROM patient_responses r LEFT JOIN overall o USING (response_id)
    WHERE trim(r.comment) <> ''
)
"""

_CREATE_CLASSES = f"""
CREATE OR REPLACE TABLE {CLASSES} (
    comment VARCHAR NOT NULL, answer INTEGER, sentiment VARCHAR NOT NULL,
    score DOUBLE NOT NULL, themes VARCHAR[] NOT NULL, masked VARCHAR NOT NULL)
"""

_UNSEEN = _COMMENTED + f"""
SELECT DISTINCT comment, answer FROM commented c
WHERE NOT EXISTS (SELECT 1 FROM {CLASSES} k
                  WHERE k.comment = c.comment AND k.answer IS NOT DISTINCT FROM c.answer)
"""

_PRUNE = _COMMENTED + f"""
DELETE FROM {CLASSES} k
WHERE NOT EXISTS (SELECT 1 FROM commented c
                  WHERE k.comment = c.comment AND k.answer IS NOT DISTINCT FROM c.answer)
"""

_COMMENTS = f"""
CREATE OR REPLACE TABLE derived_comments AS
{_COMMENTED}
SELECT c.department_id, c.response_date, c.answer AS overall_answer,
       $scale::VARCHAR AS overall_scale, k.sentiment, k.score, k.themes, k.masked AS comment
FROM commented c JOIN {CLASSES} k
  ON k.comment = c.comment AND k.answer IS NOT DISTINCT FROM c.answer
ORDER BY c.response_date, c.department_id, c.response_id
"""

_THEMES = """
CREATE OR REPLACE TABLE derived_comment_themes (
    theme_id VARCHAR NOT NULL, label VARCHAR NOT NULL, position INTEGER NOT NULL)
"""


def _kept_classes(con, fingerprint: str) -> bool:
    """Whether the database holds classes made by a classifier of this fingerprint."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                         [CLASSES]).fetchone()[0]
    row = con.execute("SELECT value FROM meta WHERE key = ?", [FINGERPRINT_KEY]).fetchone()
    return bool(exists) and row is not None and row[0] == fingerprint


def _classified(pairs: list[tuple[str, int | None]], classifier: Classifier,
                scale_name: str | None) -> pa.Table:
    """The classes of these (comment, answer) pairs (an answer off the scale is no rating)."""
    scale = None if scale_name is None else rating_scale(scale_name)
    columns: dict[str, list] = {name: [] for name in ("comment", "answer", "sentiment", "score",
                                                      "themes", "masked")}
    for comment, answer in pairs:
        rating = answer if scale is not None and answer is not None and scale.is_valid(answer) \
            else None
        found = classifier.classify(comment, rating, scale)
        for name, value in zip(columns, (comment, answer, found.sentiment, found.score,
                                         list(found.themes), mask_personal_details(comment))):
            columns[name].append(value)
    return pa.table({**columns, "answer": pa.array(columns["answer"], pa.int32()),
                     "themes": pa.array(columns["themes"], pa.list_(pa.string()))})


def rebuild_comments(con, classifier: Classifier, labels: dict[str, str]) -> int:
    """(Re)build the comment tables with this classifier, whose themes have these labels (by
    id, in dictionary order); returns how many (comment, answer) pairs it classified."""
    question = con.execute(_OVERALL).fetchone()
    params = {"question": question[0] if question else None}
    if not _kept_classes(con, classifier.fingerprint):
        con.execute(_CREATE_CLASSES)
    unseen = con.execute(_UNSEEN, params).fetchall()
    if unseen:
        con.register("new_comment_classes",
                     _classified(unseen, classifier, question[1] if question else None))
        con.execute(f"INSERT INTO {CLASSES} SELECT * FROM new_comment_classes")
        con.unregister("new_comment_classes")
    con.execute(_PRUNE, params)
    con.execute(_COMMENTS, {**params, "scale": question[1] if question else None})
    con.execute(_THEMES)
    con.executemany("INSERT INTO derived_comment_themes VALUES (?, ?, ?)",
                    [(theme_id, label, i) for i, (theme_id, label) in enumerate(labels.items())])
    set_meta(con, FINGERPRINT_KEY, classifier.fingerprint)
    return len(unseen)
