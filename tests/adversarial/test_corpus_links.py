"""Web and e-mail addresses in corpus text are shown as text on every page, never as links.

Streamlit renders markdown with react-markdown and remark-gfm, whose autolink-literal extension links
`http://…`, `https://…`, `www.…` and `name@host.tld` found in plain text. It does so after backslash
escapes are resolved (mdast-util-gfm-autolink-literal runs on the parsed text nodes), so escaping the
punctuation, which keeps `javascript:` links and HTML out, does not stop it. `links_in` applies the
same two patterns, copied from the StreamlitMarkdown bundle of Streamlit 1.67, to the text a page's
markdown holds; tests/test_browser.py checks the rendered page in Chromium.

The pages run on a real index of one entry whose duty items hold such addresses (conftest's
`linked_settings`), through AppTest.
"""
from __future__ import annotations

import re

import pytest
from app_driver import APP, TIMEOUT_S, switch
from conftest import LINKED_ADDRESSES
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import AlertBase, HeadingBase, Markdown, Toast
from test_app import plain

from apps.ui import render
from apps.ui.hittest_page import QUESTION_KEY

# mdast-util-gfm-autolink-literal's patterns (flags gi and gu in JavaScript, where \w is ASCII)
URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
ROLES_PAGE, HITTEST_PAGE = "apps/ui/roles_page.py", "apps/ui/hittest_page.py"
ROLE = "网管员"
MARKDOWN_ELEMENTS = (Markdown, AlertBase, HeadingBase, Toast)
WORD_JOINER = "\u2060"  # invisible; what the app may put inside an address to keep it from linking


def links_in(markdown: str) -> list[str]:
    """What remark-gfm would autolink in this markdown's text (escapes resolved; stricter than the renderer,
    which also wants a word boundary before the match and a dot in the domain)."""
    text = plain(markdown)
    return [m.group() for pattern in (URL, EMAIL) for m in pattern.finditer(text)]


def texts(node) -> list[str]:
    """Every string the page renders as markdown, in the whole element tree: the values of text elements
    (not of input widgets, which show their value as typed), and every label and help text."""
    names = ("value", "label", "help") if isinstance(node, MARKDOWN_ELEMENTS) else ("label", "help")
    found = [getattr(node, name) for name in names if isinstance(getattr(node, name, None), str)]
    for child in getattr(node, "children", {}).values():
        found += texts(child)
    return found


def page_links(at: AppTest) -> list[str]:
    return [link for text in texts(at.main) + texts(at.sidebar) for link in links_in(text)]


@pytest.fixture
def app(linked_settings, monkeypatch) -> AppTest:
    monkeypatch.setenv("DUTYKB_HOME", str(linked_settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(linked_settings.corpus))
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(linked_settings.embedding_cache_path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    """The page's text as a reader sees it: escapes resolved, the invisible word joiners dropped."""
    return "\n".join(plain(t) for t in texts(at.main)).replace(WORD_JOINER, "")


def test_the_oracle_finds_the_links_that_escaping_punctuation_leaves():
    def escaped(text: str) -> str:
        return "".join("\\" + ch if ch in render.MARKDOWN_SPECIALS else ch for ch in text)

    assert links_in(escaped("见 https://a.example.com/x")) == ["https://a.example.com/x"]
    assert links_in(escaped("见WWW.a.example")) == ["WWW.a.example"]
    assert links_in(escaped("发到 a.b@c.example")) == ["a.b@c.example"]


def test_addresses_in_an_answer_and_its_sources_are_text(app):
    at = app
    at.chat_input[0].set_value(f"{ROLE}的岗位职责是什么").run()
    assert not at.exception, at.exception
    answer = at.chat_message[-1]
    assert "报修单一律在" in plain(answer.markdown[0].value)
    assert answer.expander, "the answer cites its source"
    assert not page_links(at), page_links(at)
    for address in LINKED_ADDRESSES:  # still there, readable and copyable
        assert address in shown(at), address


def test_addresses_on_the_roles_page_and_in_a_roles_related_rules_are_text(app):
    at = switch(app, ROLES_PAGE)
    assert "报修单一律在" in shown(at)
    at.toggle[0].set_value(True).run()  # the one role's related rules
    assert not at.exception, at.exception
    assert "HELPDESK" in shown(at)  # the 报修流程 section, related to the role
    assert not page_links(at), page_links(at)


def test_addresses_in_hit_test_results_are_text(app):
    at = switch(app, HITTEST_PAGE)
    at.text_input(key=QUESTION_KEY).set_value("报修单在哪里提交").run()
    assert not at.exception, at.exception
    assert "https://helpdesk.example.com/new" in shown(at)
    assert not page_links(at), page_links(at)


def test_a_streamed_answer_cut_inside_an_address_is_text():
    text = "见 https://helpdesk.example.com 或 www.example.org，邮件 it@example.com。"
    for size in range(1, 9):
        pieces = [text[i:i + size] for i in range(0, len(text), size)]
        streamed = "".join(render.escape_stream(pieces))
        assert not links_in(streamed), (size, streamed)
        assert plain(streamed).replace(WORD_JOINER, "") == text
