"""Delivered text (names, questions, domains, categories, comments) is shown as text on every
page, never as markdown or HTML, and leaves the app only through the guarded CSV writer."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit import config

from kpi.demo.build import build_demo
from kpi.store.swap import write_swap
from tests.support.apptest_helpers import open_app, use_database
from tests.support.demo_test_helpers import END

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["<b>x</b>", "[a](http://x.example)", "`code`", "*em*", "$x$", "=1+2",
           "x`_[click me](http://example.invalid)_`"]
PAGES = ["views/overview.py", "views/satisfaction.py", "views/comments.py",
         "views/benchmarks.py", "views/loyalty.py", "views/reputation.py",
         "views/complaints.py", "views/staff.py", "views/waits.py", "views/export.py"]
# What a markdown renderer makes of text that was not escaped.
RENDERED = re.compile(r"<a |<em>|<img|<b>|<code>(code|x)</code>")
TEXT_FIELDS = ("body", "label", "help", "caption", "placeholder")


def test_no_table_offers_a_raw_download_or_copy():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True
    assert config.get_option("client.disableDataExport") in (True, False)  # a known option


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "px.duckdb"
    build_demo(path, seed=7, scale=0.02, end=END)
    with write_swap(path) as con:
        ids = [d for (d,) in con.execute(
            "SELECT department_id FROM departments ORDER BY department_id").fetchall()]
        for department, name in zip(ids, HOSTILE):
            con.execute("UPDATE departments SET department_name = ?, service_line = ?, "
                        "site = ? WHERE department_id = ?",
                        [name, f"line {name}", f"site {name}", department])
        con.execute("UPDATE questions SET domain = ? WHERE domain = 'communication'",
                    [HOSTILE[-1]])
        con.execute("UPDATE questions SET question_text = ? WHERE domain = 'overall'",
                    [" ".join(HOSTILE)])
        con.execute("UPDATE patient_responses SET comment = ? WHERE comment IS NOT NULL",
                    [" ".join(HOSTILE)])
        con.execute("UPDATE complaints SET category = ? WHERE category = 'communication'",
                    [HOSTILE[1]])
    return path


def _texts(node) -> list[str]:
    """Every string an element of the tree (tabs, popovers and expanders included) hands
    to Streamlit's markdown renderer."""
    found = _proto_texts(getattr(node, "proto", None))
    for child in getattr(node, "children", {}).values():
        found += _texts(child)
    return found


def _proto_texts(message) -> list[str]:
    if message is None or not hasattr(message, "ListFields"):
        return []
    found = []
    for field, value in message.ListFields():
        if field.name in TEXT_FIELDS and isinstance(value, str):
            found.append(value)
        elif hasattr(value, "ListFields"):
            found += _proto_texts(value)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_delivered_text_is_never_rendered_as_markdown_or_html(hostile_db, page, monkeypatch,
                                                              tmp_path):
    use_database(monkeypatch, hostile_db, tmp_path / "no-settings.toml")
    at = open_app(page)
    markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    texts = _texts(at._tree)
    rendered = {text: markdown.render(text) for text in texts}
    assert not {t: html for t, html in rendered.items() if RENDERED.search(html)}
    assert not [t for t in texts if re.search(r"(?<!\\)\$x(?<!\\)\$", t)]  # no LaTeX
    figures = " ".join(json.dumps(json.loads(chart.proto.spec))
                       for chart in at.get("plotly_chart"))
    assert "<b>x</b>" not in figures and "<a " not in figures


def test_the_definitions_popover_shows_a_hostile_domain_as_text(hostile_db, monkeypatch,
                                                               tmp_path):
    use_database(monkeypatch, hostile_db, tmp_path / "no-settings.toml")
    texts = _texts(open_app("views/satisfaction.py")._tree)
    described = [t for t in texts if "click me" in t and "patient domain" in t]
    assert described
    assert all("<a " not in MarkdownIt("commonmark").render(t) for t in described)
