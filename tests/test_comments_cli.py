"""`python -m kpi comments classify`: the added columns, the safe CSV cells, and plain refusals."""

import csv
import io
import os
import subprocess
import sys

import pytest

SECRET = "Mrs Secret Patient"  # must never appear in an error message


def classify(tmp_path, content, *options, env=None):
    source = tmp_path / "in.csv"
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "kpi", "comments", "classify", "--in",
                           str(source), "--out", str(out), *options],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    return done, out


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_output_is_the_input_columns_plus_sentiment_score_and_themes(tmp_path):
    done, out = classify(tmp_path, "ward,comment,rating\n"
                                   "W1,The car park was full and staff were rude.,2\n"
                                   "W2,Thank you,\n", "--rating-scale", "experience5")
    assert done.returncode == 0, done.stderr
    first, second = rows(out)
    assert list(first) == ["ward", "comment", "rating", "sentiment", "sentiment_score", "themes"]
    assert first["ward"] == "W1" and first["rating"] == "2"
    assert first["sentiment"] == "negative"
    assert first["themes"] == "travel_and_parking;staff_attitude"
    assert -1 <= float(first["sentiment_score"]) < 0
    assert second["themes"] == "" and second["sentiment"] == "positive"


def test_a_rating_is_blended_with_the_text(tmp_path):
    text = "The staff were fine."
    done, out = classify(tmp_path, f"comment,rating\n{text},5\n{text},1\n{text},\n",
                         "--rating-scale", "experience5")
    assert done.returncode == 0, done.stderr
    high, low, none = (float(row["sentiment_score"]) for row in rows(out))
    assert high == pytest.approx(0.5 * none + 0.5, abs=1e-4)
    assert low == pytest.approx(0.5 * none - 0.5, abs=1e-4)


def test_cells_are_neutralised_multiline_cells_quoted_and_details_masked(tmp_path):
    done, out = classify(tmp_path, 'comment\n"=HYPERLINK(""x"") nurse Jane was kind\n'
                                   'call 07700 900123"\n')
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("comment,sentiment,sentiment_score,themes\n\"'=HYPERLINK")
    (row,) = rows(out)
    assert row["comment"] == "'=HYPERLINK(\"x\") nurse [name] was kind\ncall [phone]"


def test_no_mask_keeps_the_comment_as_given(tmp_path):
    done, out = classify(tmp_path, "comment\nseen by Dr Smith\n", "--no-mask")
    assert done.returncode == 0, done.stderr
    assert rows(out)[0]["comment"] == "seen by Dr Smith"


def test_stdout_and_a_byte_order_mark(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffcomment\nNo problems with parking\n".encode("utf-8"))
    done = subprocess.run([sys.executable, "-m", "kpi", "comments", "classify", "--in",
                           str(source), "--out", "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("No problems with parking,positive,")
    assert done.stdout.splitlines()[1].endswith(",travel_and_parking")


def test_the_hospitals_settings_add_themes(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[comments.themes.interpreting]\nphrases = ["signer"]\n')
    done, out = classify(tmp_path, "comment\nNo BSL signer came\n",
                         env={"PX_SETTINGS": str(settings)})
    assert done.returncode == 0, done.stderr
    assert rows(out)[0]["themes"].split(";")[0] == "interpreting"


@pytest.mark.parametrize("content, options, message", [
    ("text\nhello\n", [], "in.csv, column comment: is required"),
    ("comment,themes\nhello,x\n", [], "in.csv, column themes: is an output column"),
    (f"comment,rating\n{SECRET},4\n{SECRET},7\n", ["--rating-scale", "experience5"],
     "in.csv, row 2, column rating, value '7': not an answer of scale experience5 (whole numbers 1..5)"),
    (f"comment,rating\n{SECRET},3.5\n", ["--rating-scale", "experience5"],
     "in.csv, row 1, column rating, value '3.5': not an answer of scale experience5"),
    (f"comment,rating\n{SECRET},good\n", ["--rating-scale", "yesno"],
     "in.csv, row 1, column rating, value 'good': not an answer of scale yesno (whole numbers 0..1)"),
    (f"comment,rating\n{SECRET},4\n", [], "in.csv, column rating: give its scale with --rating-scale"),
    (f"comment\n{SECRET}\n", ["--rating-scale", "stars"], "unknown rating scale 'stars'"),
    (f"comment\nfine\n{SECRET},extra\n".encode(), [], "in.csv, row 2: 2 cells but the header has 1"),
    (f"comment\nfine\n{SECRET} \xe9t\xe9\n".encode("latin-1"), [], "in.csv, line 3: not UTF-8 text"),
    ("", [], "in.csv: the file is empty"),
])
def test_bad_input_is_one_plain_line_without_the_comment_text(tmp_path, content, options, message):
    done, out = classify(tmp_path, content, *options)
    assert done.returncode == 1
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and "Secret" not in done.stderr
    assert not out.exists()


def test_a_missing_input_file_is_a_plain_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kpi", "comments", "classify", "--in",
                           str(tmp_path / "absent.csv"), "--out", "-"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "absent.csv: cannot read the file" in done.stderr and "Traceback" not in done.stderr


def test_bad_theme_settings_are_a_plain_error(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[comments]\nthemes_file = "nope.toml"\n')
    done, _ = classify(tmp_path, "comment\nhi\n", env={"PX_SETTINGS": str(settings)})
    assert done.returncode == 1 and "no such file" in done.stderr
    assert "Traceback" not in done.stderr
