"""Only regular files are read: a contract name given to a symbolic link, a fifo or a folder is
refused unread. A quoted field of tens of MB loads whole; one beyond the limit is named as
too long, not as an unclosed quote."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kpi.errors import RejectedInput
from kpi.ingest import formats
from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import GOOD, delivery, rows

PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
NOT_REGULAR = "not a regular file: it was not read"


def _link_to_a_good_file(folder: Path, outside: Path) -> str:
    (outside / "complaints.csv").write_text(GOOD["complaints.csv"])
    (folder / "complaints.csv").unlink()
    (folder / "complaints.csv").symlink_to(outside / "complaints.csv")
    return "complaints.csv"


def _link_to_a_secret(folder: Path, outside: Path) -> str:
    (outside / "passwd").write_text(PASSWD)
    (folder / "complaints.csv").unlink()
    (folder / "complaints.csv").symlink_to(outside / "passwd")
    return "complaints.csv"


def _fifo(folder: Path, outside: Path) -> str:
    (folder / "staff_survey.csv").unlink()
    os.mkfifo(folder / "staff_survey.csv")
    return "staff_survey.csv"


def _folder(folder: Path, outside: Path) -> str:
    (folder / "complaints.csv").unlink()
    (folder / "complaints.csv").mkdir()
    (folder / "complaints.csv" / "x.csv").write_text(PASSWD)
    return "complaints.csv"


def _unblock(fifo: Path) -> None:
    """Give a reader blocked on the fifo an end of file (only code that opens it blocks)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # nobody is reading it


@pytest.mark.parametrize("make", [_link_to_a_good_file, _link_to_a_secret, _fifo, _folder],
                         ids=["link to a good file", "link to a secret file", "fifo", "folder"])
def test_an_entry_that_is_not_a_regular_file_is_refused_unread(tmp_path, make):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = delivery(tmp_path / "in")
    name = make(folder, outside)
    timer = threading.Timer(10, _unblock, [folder / name])
    timer.start()
    try:
        with pytest.raises(RejectedInput) as caught:
            ingest_folder(folder, tmp_path / "px.duckdb")
    finally:
        timer.cancel()
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [(name, None, None)]
    assert NOT_REGULAR in caught.value.problems[0].rule
    assert "x:0:0" not in str(caught.value) and "nologin" not in str(caught.value)
    assert not (tmp_path / "px.duckdb").exists()


def test_a_link_with_another_name_is_not_read_either(tmp_path):
    folder = delivery(tmp_path / "in")
    (tmp_path / "passwd").write_text(PASSWD)
    (folder / "notes.csv").symlink_to(tmp_path / "passwd")
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(folder, tmp_path / "px.duckdb")
    assert [p.file for p in caught.value.problems] == ["notes.csv"]
    assert "x:0:0" not in str(caught.value)


def test_the_delivery_folder_itself_may_be_reached_through_a_link(tmp_path):
    delivery(tmp_path / "real" / "in")
    (tmp_path / "via").symlink_to(tmp_path / "real")
    loaded = ingest_folder(tmp_path / "via" / "in", tmp_path / "px.duckdb")
    assert loaded["complaints"] == 2


def test_a_quoted_comment_of_33_mb_loads_whole(tmp_path):
    comment = "x" * (33 * 2**20 - 2) + "\r\n"
    delivery(tmp_path / "in", patient_survey_csv=GOOD["patient_survey.csv"] +
             f'R3,D1,2024-01-12,,web,"{comment}",9,,\n')
    ingest_folder(tmp_path / "in", tmp_path / "px.duckdb")
    assert rows(tmp_path / "px.duckdb", "SELECT length(comment), right(comment, 3) "
                "FROM patient_responses WHERE response_id = 'R3'") == [(len(comment), "x\r\n")]


def test_a_field_beyond_the_limit_is_named_as_too_long(tmp_path, monkeypatch):
    """Limits scaled down (as the real ones would need a field of 512 MB): a field longer
    than the first read's buffer is read again with the large limit, which names it."""
    monkeypatch.setattr(formats, "USUAL_ROW_BYTES", 64 * 1024)  # a buffer of 1 MB
    monkeypatch.setattr(formats, "MAX_ROW_BYTES", 1024 * 1024)
    delivery(tmp_path / "in", patient_survey_csv=GOOD["patient_survey.csv"] +
             f'R3,D1,2024-01-12,,web,"{"x" * 3 * 2**20}",9,,\n')
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(tmp_path / "in", tmp_path / "px.duckdb")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row) == ("patient_survey.csv", 3)
    assert "is longer than 1,048,576 bytes, the most a row may hold" in problem.rule
