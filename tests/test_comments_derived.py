"""Comments classified at load time (kpi.store.derived.comments): once per distinct text and
overall answer, kept between loads, classified again when the settings' themes change."""

from pathlib import Path

import pytest

from kpi.comments import classify
from kpi.engine.comments import CommentChoice, filtered_comments, stored_theme_labels
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.derived.comments import CLASSES, FINGERPRINT_KEY
from kpi.store.derived.version import is_current
from kpi.store.swap import refresh_derived, write_swap
from tests.support.kpi_db import COMMENTS, build_tiny_db

HOPPER = '[comments.themes.travel_and_parking]\nphrases = ["hopper"]\n'
NEW_THEME = '[comments.themes.interpreting]\nlabel = "Interpreting"\nphrases = ["interpreter*"]\n'


@pytest.fixture
def counted(monkeypatch):
    """How many comments the classifier reads (kept classes are not read again)."""
    seen = []
    original = classify.Classifier.classify

    def spy(self, comment, rating=None, scale=None):
        seen.append(comment)
        return original(self, comment, rating, scale)

    monkeypatch.setattr(classify.Classifier, "classify", spy)
    return seen


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("PX_SETTINGS", str(path))
    return path


def _classes(path: Path) -> dict:
    con = open_readonly(path)
    try:
        rows = con.execute(f"SELECT comment, answer, themes FROM {CLASSES}").fetchall()
        return {(c, a): tuple(t) for c, a, t in rows}
    finally:
        con.close()


def test_a_load_classifies_each_text_and_answer_once(tmp_path, settings, counted):
    path = build_tiny_db(tmp_path / "px.duckdb")
    assert sorted(counted) == sorted(COMMENTS.values())  # seven distinct texts and answers
    counted.clear()
    with write_swap(path) as con:  # a new survey repeats R000's text and answer (9)
        con.execute("INSERT INTO patient_responses VALUES ('R900', 'D1', DATE '2024-01-05', "
                    "NULL, 'web', ?)", [COMMENTS["R000"]])
        con.execute("INSERT INTO patient_answers VALUES ('R900', 'OVR', 9)")
        con.execute("INSERT INTO patient_responses VALUES ('R901', 'D1', DATE '2024-01-06', "
                    "NULL, 'web', ?)", [COMMENTS["R000"]])
        con.execute("INSERT INTO patient_answers VALUES ('R901', 'OVR', 0)")
    assert counted == [COMMENTS["R000"]]  # only the new (text, answer 0) pair
    assert len(_classes(path)) == 8
    con = open_readonly(path)
    try:
        assert filtered_comments(con, Filter()).matches == 9 and is_current(con)
    finally:
        con.close()


def test_a_deleted_comment_leaves_no_class(tmp_path, settings):
    path = build_tiny_db(tmp_path / "px.duckdb")
    with write_swap(path) as con:
        con.execute("UPDATE patient_responses SET comment = NULL WHERE response_id = 'S00'")
    assert (COMMENTS["S00"], 10) not in _classes(path) and len(_classes(path)) == 6


def test_changed_theme_settings_classify_every_comment_again_on_refresh(tmp_path, settings,
                                                                       counted):
    path = build_tiny_db(tmp_path / "px.duckdb")
    with write_swap(path) as con:
        con.execute("UPDATE patient_responses SET comment = 'The hopper never came' "
                    "WHERE response_id = 'R002'")
    assert _classes(path)[("The hopper never came", 9)] == ()
    counted.clear()
    refresh_derived(path)  # the same settings: nothing to classify
    assert counted == []
    settings.write_text(HOPPER + NEW_THEME)
    refresh_derived(path)
    assert len(counted) == 8
    assert _classes(path)[("The hopper never came", 9)] == ("travel_and_parking",)
    con = open_readonly(path)
    try:
        assert list(stored_theme_labels(con).items())[-1] == ("interpreting", "Interpreting")
        found = filtered_comments(con, Filter(), CommentChoice(themes=("travel_and_parking",)))
        assert found.matches == 3
        fingerprint = con.execute("SELECT value FROM meta WHERE key = ?",
                                  [FINGERPRINT_KEY]).fetchone()[0]
        assert len(fingerprint) == 16
    finally:
        con.close()


def test_broken_theme_settings_stop_the_load_and_keep_the_old_database(tmp_path, settings):
    path = build_tiny_db(tmp_path / "px.duckdb")
    before = path.read_bytes()
    settings.write_text('[comments.themes.travel_and_parking]\nwords = ["bus"]\n')
    with pytest.raises(Exception, match="words"):
        refresh_derived(path)
    assert path.read_bytes() == before
