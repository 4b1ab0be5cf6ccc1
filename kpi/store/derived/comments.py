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
from kpi.store.derived.touched import on_touched_day
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
    WHERE question_id = $question {answers} GROUP BY response_id
), commented AS (
    SELECT r.response_id, r.department_id, r.response_date, r.comment, o.answer
    FROM {responses} r LEFT JOIN overall o USING (response_id)
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
WHERE {{candidates}} AND NOT EXISTS (SELECT 1 FROM commented c
                  WHERE k.comment = c.comment AND k.answer IS NOT DISTINCT FROM c.answer)
"""

_COMMENT_ROWS = f"""
SELECT c.department_id, c.response_date, c.answer AS overall_answer,
       $scale::VARCHAR AS overall_scale, k.sentiment, k.score, k.themes, k.masked AS comment
FROM commented c JOIN {CLASSES} k
  ON k.comment = c.comment AND k.answer IS NOT DISTINCT FROM c.answer
ORDER BY c.response_date, c.department_id, c.response_id
"""

# Which responses a statement reads: all of them (a full build), those of the departments and
# days a load touched (kpi.store.derived.touched), or those with a comment it replaced.
_ALL = {"responses": "patient_responses", "answers": "", "candidates": "true"}
_TOUCHED_RESPONSES = ("(SELECT * FROM patient_responses WHERE response_date BETWEEN $first "
                      "AND $last AND " + on_touched_day("'patient'", "department_id",
                                                         "response_date") + ")")
_TOUCHED = {"responses": _TOUCHED_RESPONSES,
            "answers": f"AND response_id IN (SELECT response_id FROM {_TOUCHED_RESPONSES})"}
_REPLACED_COMMENT = "comment IN (SELECT comment FROM delta_old_patient_responses)"
_REPLACED = {"responses": f"(SELECT * FROM patient_responses WHERE {_REPLACED_COMMENT})",
             "answers": "AND response_id IN (SELECT response_id FROM patient_responses "
                        f"WHERE {_REPLACED_COMMENT})",
             "candidates": f"k.{_REPLACED_COMMENT}"}

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


def rebuild_comments(con, classifier: Classifier, labels: dict[str, str],
                     span: dict | None = None) -> int:
    """(Re)build the comment tables with this classifier, whose themes have these labels (by
    id, in dictionary order); returns how many (comment, answer) pairs it classified. With
    `span` (the first and last day a load touched in the patient survey, or None for each:
    see kpi.store.derived.touched), when the kept classes are this classifier's, only the
    comments of the departments and days the load touched are classified and rewritten."""
    question = con.execute(_OVERALL).fetchone()
    params = {"question": question[0] if question else None}
    scale = question[1] if question else None
    scoped = span is not None and _kept_classes(con, classifier.fingerprint)
    if not scoped and not _kept_classes(con, classifier.fingerprint):
        con.execute(_CREATE_CLASSES)
    reading = {**params, **span} if scoped else params
    unseen = [] if scoped and span["first"] is None else con.execute(
        _UNSEEN.format(**(_TOUCHED if scoped else _ALL)), reading).fetchall()
    if unseen:
        con.register("new_comment_classes", _classified(unseen, classifier, scale))
        con.execute(f"INSERT INTO {CLASSES} SELECT * FROM new_comment_classes")
        con.unregister("new_comment_classes")
    if not scoped:
        con.execute(_PRUNE.format(**_ALL), params)
        con.execute("CREATE OR REPLACE TABLE derived_comments AS "
                    + _COMMENTED.format(**_ALL) + _COMMENT_ROWS, {**params, "scale": scale})
    elif span["first"] is not None:
        if con.execute("SELECT EXISTS (FROM delta_old_patient_responses)").fetchone()[0]:
            con.execute(_PRUNE.format(**_REPLACED), params)
        con.execute("DELETE FROM derived_comments WHERE " + on_touched_day(
            "'patient'", "department_id", "response_date"))
        con.execute(_COMMENTED.format(**_TOUCHED) + "INSERT INTO derived_comments "
                    + _COMMENT_ROWS, {**reading, "scale": scale})
    con.execute(_THEMES)
    con.executemany("INSERT INTO derived_comment_themes VALUES (?, ?, ?)",
                    [(theme_id, label, i) for i, (theme_id, label) in enumerate(labels.items())])
    set_meta(con, FINGERPRINT_KEY, classifier.fingerprint)
    return len(unseen)
