"""Sign-in and access control in the app (AppTest, real login widget, real bcrypt users file).

Readers outside a restricted entry's groups ask for it, browse roles, open the role
detail, hit-test and list the corpus; none of it may show the entry. Pages above the
user's app role do not open.
"""
from __future__ import annotations

import shutil

import pytest
from app_driver import APP, TIMEOUT_S
from conftest import RESTRICTED_MARKERS
from streamlit.testing.v1 import AppTest
from test_app import plain

from apps.ui.auth import VIEWER_KEY, Viewer
from apps.ui.chat_page import ROLE_KEY
from apps.ui.hittest_page import QUESTION_KEY
from apps.ui.roles_page import SEARCH_KEY
from kb.access import PUBLIC
from kb.users import set_user

CHAT_PAGE, ROLES_PAGE = "apps/ui/chat_page.py", "apps/ui/roles_page.py"
CURATION_PAGE, HITTEST_PAGE, EVALS_PAGE = "apps/ui/curation_page.py", "apps/ui/hittest_page.py", "apps/ui/evals_page.py"
LEXICON_PAGE, ROLE_REVIEW_PAGE = "apps/ui/lexicon_page.py", "apps/ui/role_review_page.py"
ALL_PAGES = [CHAT_PAGE, ROLES_PAGE, CURATION_PAGE, ROLE_REVIEW_PAGE, HITTEST_PAGE, LEXICON_PAGE, EVALS_PAGE]
REPO = APP.parent
PASSWORD = "correct horse"
USERS = {  # username: (app role, groups)
    "reader": ("reader", []), "hr_reader": ("reader", ["hr"]), "trainer": ("trainer", []),
    "hr_trainer": ("trainer", ["hr"]), "editor": ("editor", []),
}
AIMED = ["薪酬专员的职责是什么", "薪酬数据保存在哪里", "钥匙丢了怎么办", "年终奖方案谁签字"]


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    for username, (role, groups) in USERS.items():
        set_user(path, username, PASSWORD, role, groups, None)
    return path


@pytest.fixture
def env(restricted_settings, users_file, monkeypatch):
    monkeypatch.setenv("DUTYKB_HOME", str(restricted_settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(restricted_settings.corpus))
    monkeypatch.setenv("DUTYKB_USERS_FILE", str(users_file))
    return monkeypatch


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def field(at: AppTest, label: str):
    return next(t for t in at.text_input if t.label == label)


def sign_in(username: str, password: str = PASSWORD) -> AppTest:
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    field(at, "用户名").set_value(username)
    field(at, "密码").set_value(password)
    at.button[0].click()
    return run(at)


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text: markdown, captions, alerts, expander labels, options, tables."""
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    parts += [e.label for e in at.expander] + [str(o) for s in at.selectbox for o in s.options]
    parts += [d.value.to_string() for d in at.dataframe]
    return plain("\n".join(str(p) for p in parts))


def leaks(text: str, asked: list[str] = AIMED) -> list[str]:
    """Restricted words on the page, apart from inside the questions the test typed (pages repeat those)."""
    for question in asked:
        text = text.replace(question, "")
    return [m for m in RESTRICTED_MARKERS if m in text]


def ask(at: AppTest, question: str) -> str:
    at.chat_input[0].set_value(question)
    run(at)
    return plain("\n".join(m.value for m in at.chat_message[-1].markdown))


def test_without_a_users_file_the_app_is_open_shows_a_notice_and_public_entries_only(env, tmp_path):
    env.setenv("DUTYKB_USERS_FILE", str(tmp_path / "none.yaml"))
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    notice = next(c for c in at.sidebar.caption if "未启用登录" in c.value)
    assert str(tmp_path / "none.yaml") in plain(notice.proto.help)  # the details are on its tooltip
    assert at.chat_input  # no login form
    for question in AIMED:
        ask(at, question)
    assert not leaks(shown_text(at))
    at.switch_page(ROLES_PAGE)
    assert "薪酬专员" not in shown_text(run(at))


def test_sign_in_is_required_and_a_wrong_password_is_refused(env):
    at = run(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    assert not at.chat_input and {t.label for t in at.text_input} == {"用户名", "密码"}
    refused = sign_in("reader", "wrong")
    assert not refused.chat_input and any("不正确" in e.value for e in refused.error)
    assert sign_in("reader").chat_input


@pytest.mark.parametrize("username,pages", [
    ("reader", {CHAT_PAGE, ROLES_PAGE}),
    ("trainer", {CHAT_PAGE, ROLES_PAGE, CURATION_PAGE, ROLE_REVIEW_PAGE, HITTEST_PAGE, LEXICON_PAGE}),
    ("editor", set(ALL_PAGES)),
])
def test_the_navigation_holds_only_the_pages_of_the_users_role(env, username, pages):
    at = sign_in(username)
    for page in ALL_PAGES:
        if page in pages:
            run(at.switch_page(page))
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)


@pytest.mark.parametrize("page,app_role,needed", [
    (CURATION_PAGE, "reader", "培训师"), (HITTEST_PAGE, "reader", "培训师"),
    (LEXICON_PAGE, "reader", "培训师"), (ROLE_REVIEW_PAGE, "reader", "培训师"), (EVALS_PAGE, "trainer", "评测编辑")])
def test_a_restricted_page_run_directly_checks_the_role_itself(env, page, app_role, needed):
    at = AppTest.from_file(str(REPO / page), default_timeout=TIMEOUT_S)
    at.session_state[VIEWER_KEY] = Viewer("someone", "someone", app_role, PUBLIC)
    run(at)
    assert [e.value for e in at.error] == [f"这个页面需要「{needed}」权限。"]
    assert not at.text_area and not at.dataframe and not at.text_input


def test_a_reader_outside_hr_never_sees_the_restricted_entries(env):
    at = sign_in("reader")
    assert "薪酬专员" not in at.sidebar.selectbox(key=ROLE_KEY).options
    for question in AIMED:
        answer = ask(at, question)
        assert not leaks(answer), answer
    assert not leaks("\n".join(e.label for e in at.expander))
    at.switch_page(ROLES_PAGE)
    run(at)
    assert "薪酬专员" not in shown_text(at)
    at.text_input(key=SEARCH_KEY).set_value("薪酬")
    assert "找到 0 个岗位" in shown_text(run(at))
    at.text_input(key=SEARCH_KEY).set_value("")
    run(at)
    toggle = next(t for t in at.toggle if t.label == "相关规定")  # readers get no revisions or alias editor
    toggle.set_value(True)
    assert not leaks(shown_text(run(at)))


def test_a_member_of_hr_is_answered_from_the_hr_entry(env):
    at = sign_in("hr_reader")
    assert "薪酬专员" in at.sidebar.selectbox(key=ROLE_KEY).options
    answer = ask(at, "薪酬数据保存在哪里")
    assert "加密盘" in answer
    assert any("薪酬保密规定" in plain(e.label) for e in at.chat_message[-1].expander)


def test_hit_tests_and_the_corpus_list_follow_the_trainers_groups(env):
    at = sign_in("trainer")
    at.switch_page(HITTEST_PAGE)
    run(at)
    at.text_input(key=QUESTION_KEY).set_value("薪酬数据保存在哪里")
    run(at)
    assert "知识库" in shown_text(at) and not leaks(shown_text(at))
    at.switch_page(CURATION_PAGE)
    listed = shown_text(run(at))
    assert "hr-pay.md" not in listed and "finance-keys.md" not in listed and "000_916eb7e6a919f6ca.txt" in listed
    hr = sign_in("hr_trainer")
    hr.switch_page(HITTEST_PAGE)
    run(hr)
    hr.text_input(key=QUESTION_KEY).set_value("薪酬数据保存在哪里")
    assert "加密盘" in shown_text(run(hr))


def test_role_review_lists_the_trainers_documents_and_signs_corrections_with_their_name(env, restricted_settings,
                                                                                       tmp_path):
    from apps.ui import role_review_forms as forms
    from apps.ui.role_review_page import DOC_KEY
    from ingest.overrides import load_overrides

    corpus, home = tmp_path / "corpus", tmp_path / "home"  # this test saves: its own copy of corpus and index
    shutil.copytree(restricted_settings.corpus, corpus)
    shutil.copytree(restricted_settings.home, home)
    env.setenv("DUTYKB_CORPUS", str(corpus))
    env.setenv("DUTYKB_HOME", str(home))
    at = sign_in("trainer")
    run(at.switch_page(ROLE_REVIEW_PAGE))
    assert at.radio(key=DOC_KEY).options == ["《後場老師職責》"]  # no restricted entry, not even its title
    assert not leaks(shown_text(at))
    hr = sign_in("hr_trainer")
    run(hr.switch_page(ROLE_REVIEW_PAGE))
    hr.radio(key=DOC_KEY).set_value("hr-pay.md")
    run(hr)
    field_key = forms.field_key("hr-pay.md", "0", "action")
    hr.button_group(key=field_key).set_value("expect")
    run(hr)
    hr.button(key=forms.field_key("hr-pay.md", "0", "save")).click()
    run(hr)
    saved = [(o.doc, o.role, o.duties, o.by) for o in load_overrides(corpus)]
    assert saved == [("hr-pay.md", "薪酬专员", 3, "hr_trainer")]  # signed with the signed-in user


def test_signing_out_ends_the_conversation(env):
    at = sign_in("hr_reader")
    assert "加密盘" in ask(at, "薪酬数据保存在哪里")
    next(b for b in at.sidebar.button if b.label == "退出登录").click()
    run(at)
    assert not at.chat_input and not at.chat_message
    field(at, "用户名").set_value("reader")
    field(at, "密码").set_value(PASSWORD)
    at.button[0].click()
    run(at)
    assert at.chat_input and not at.chat_message  # the next person starts with an empty conversation
