"""入职学习 page: a new hire picks their role, reads its study sheet (download as a printable HTML page) and what
changed for the role since their last visit (`role_changes_view`, as on the 岗位 page), takes a self-quiz of N
questions and sees the score with every question's source; trainers see progress per role and per hire and the
questions most often missed.

Results are kept per user (`kb.quiz_store`): the signed-in user's name, or an anonymous id for this browser
session when sign-in is off.
"""
from __future__ import annotations

import string
import uuid
from datetime import datetime

import streamlit as st

from apps.study_export import to_html
from apps.ui import auth, render, resources, role_changes_view
from apps.ui.role_groups import placement
from apps.ui.status import TIME_FORMAT
from kb.access import Audience
from kb.quiz import CLOZE, KIND_LABELS, ORDERING, Question, make_quiz
from kb.quiz_store import ANONYMOUS_PREFIX, QUIZ_FILENAME, QuizStore
from kb.records import Role
from kb.study import StudySheet, study_sheet
from kb.users import may

ROLE_KEY = "study_role"
QUIZ_KEY = "study_quiz"  # (role index, seed, questions) of the quiz being taken
DONE_KEY = "study_done"
ANON_KEY = "study_anonymous_id"
CHANGES_KEY = "study-changes-since"  # + the role's name: each role's date box starts from its own last visit
CHANGES_TITLE = "有什么变化"
DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 20
ANON_ID_CHARS = 8
# An ordering question's steps are listed whole, each with a letter, and picked by letter: a step's text in the
# picker's tag is cut to a few characters (a phone shows "如果話量持續超高,在物理台…"), so the order picked
# could not be read back. kb.quizwords.MAX_STEPS (8) is far below 26.
STEP_LETTERS = string.ascii_uppercase
ORDER_ARROW = " → "
# Badges, not ✅/❌: those are drawn from a colour emoji font, which a machine without one shows as empty boxes.
RIGHT_BADGE, WRONG_BADGE = ":green-badge[正确]", ":red-badge[错误]"


def who(viewer: auth.Viewer) -> str:
    if viewer.username:
        return viewer.username
    anon = st.session_state.setdefault(ANON_KEY, ANONYMOUS_PREFIX + uuid.uuid4().hex[:ANON_ID_CHARS])
    return str(anon)


def role_label(role: Role) -> str:
    return f"{role.name}（{placement(role).label}）"


def show_sheet(sheet: StudySheet) -> None:
    for group in sheet.groups:
        st.markdown(f"**{render.escape_markdown(group.label)}**")
        st.markdown(render.HARD_BREAK.join(
            f"{c.item if c.item is not None else '·'}\\. {render.escape_markdown(c.text)}" for c in group.items))
    st.markdown("**相关规定与流程**")
    if not sheet.related:
        st.caption("文件中没有其他条文提到这个岗位。")
    for c in sheet.related:
        where = f"《{c.document}》 {c.section}" + (f" › 第{c.item}项" if c.item is not None else "")
        st.markdown(render.escape_markdown(c.text))
        st.caption(render.escape_markdown(where))
    st.markdown("**工作中打交道的岗位**")
    st.caption("、".join(sheet.partners) if sheet.partners else "职责中没有提到其他岗位。")


def step_letters(q: Question) -> dict[str, str]:
    """An ordering question's steps → the letters they are listed under (in the shuffled order shown)."""
    return dict(zip(q.choices, STEP_LETTERS, strict=False))


def ask(i: int, q: Question) -> str | list[str] | None:
    st.markdown(f"**{i}. [{KIND_LABELS[q.kind]}]** {render.escape_markdown(q.question)}")
    key = f"study-q-{i}-{q.qid}"
    if q.kind == CLOZE:
        return st.text_input("填写空缺处", key=key, label_visibility="collapsed", placeholder="填写空缺处") or None
    if q.kind == ORDERING:
        letter = step_letters(q)
        st.markdown(render.HARD_BREAK.join(f"{letter[c]}\\. {render.escape_markdown(c)}" for c in q.choices))
        picked = st.multiselect("按顺序依次选择每一步的字母", q.choices, key=key, format_func=letter.__getitem__,
                                placeholder="例如先选 B，再选 A …")
        return picked or None
    return st.radio("选择答案", q.choices, index=None, key=key, label_visibility="collapsed")


def shown_answer(q: Question, answer: str | list[str] | None) -> str:
    """An answer as the hire saw the choices: an order as its letters (the steps are in the source below)."""
    if answer is None or answer == []:
        return "（未作答）"
    if isinstance(answer, list):
        letter = step_letters(q)
        return ORDER_ARROW.join(letter.get(step, step) for step in answer)
    return answer


def source_line(document: str, section: str, item: int | None) -> str:
    return f"出处：《{document}》 {section}" + (f" › 第{item}项" if item is not None else "")


def show_result(questions: list[Question], given: list) -> None:
    right = sum(q.is_right(g) for q, g in zip(questions, given, strict=True))
    st.success(f"得分：{right} / {len(questions)}")
    for i, (q, g) in enumerate(zip(questions, given, strict=True), 1):
        with st.container(border=True):
            mark = RIGHT_BADGE if q.is_right(g) else WRONG_BADGE
            st.markdown(f"**{i}.** {mark} 正确答案：{render.escape_markdown(shown_answer(q, q.answer))}")
            if not q.is_right(g):
                st.markdown(f"你的答案：{render.escape_markdown(shown_answer(q, g))}")
            st.caption(render.escape_markdown(source_line(q.source.document, q.source.section, q.source.item)))
            st.markdown(render.escape_markdown(q.source_text))


def quiz_section(services, role: Role, index: int, audience: Audience, viewer: auth.Viewer) -> None:
    st.subheader("自测", anchor=False)
    n = st.number_input("题目数量", 1, MAX_QUESTIONS, DEFAULT_QUESTIONS, key="study_n")
    if st.button("开始自测", icon=":material/quiz:"):
        seed = uuid.uuid4().int % (1 << 31)
        st.session_state[QUIZ_KEY] = (index, seed, make_quiz(services.kb.build, role, audience, int(n), seed))
        st.session_state.pop(DONE_KEY, None)
    taken = st.session_state.get(QUIZ_KEY)
    if not taken or taken[0] != index:
        return
    _, seed, questions = taken
    if not questions:
        st.info("这个岗位的文件内容太少，还出不了题。")
        return
    done = st.session_state.get(DONE_KEY)
    if done is not None:
        show_result(questions, done)
        return
    with st.form("study_quiz_form"):
        given = [ask(i, q) for i, q in enumerate(questions, 1)]
        if st.form_submit_button("提交答案"):
            store = QuizStore(services.settings.home / QUIZ_FILENAME)
            store.record(who(viewer), f"{who(viewer)}-{seed}", role.name, list(zip(questions, given, strict=True)))
            st.session_state[DONE_KEY] = given
            st.rerun()


def local_time(stored: str) -> str:
    """A stored UTC moment as the app shows times (local, to the minute)."""
    return datetime.fromisoformat(stored).astimezone().strftime(TIME_FORMAT)


def trainer_section(services, visible: set[str]) -> None:
    st.subheader("培训进度", anchor=False)
    store = QuizStore(services.settings.home / QUIZ_FILENAME)
    per_role = [p for p in store.by_role() if p.role in visible]
    if not per_role:
        st.caption("还没有人做过自测。")
        return
    st.markdown("**各岗位**")
    st.dataframe([{"岗位": p.role, "人数": int(p.user), "测验次数": p.quizzes, "答题数": p.answered,
                   "正确率": f"{p.score:.0%}"} for p in per_role], hide_index=True)
    st.markdown("**各员工**")
    st.dataframe([{"员工": p.user, "岗位": p.role, "测验次数": p.quizzes, "答题数": p.answered,
                   "正确率": f"{p.score:.0%}", "最近一次": local_time(p.last)} for p in store.progress()
                  if p.role in visible],
                 hide_index=True)
    st.markdown("**最常答错的题目**")
    for m in (m for m in store.most_missed() if m.role in visible):
        st.markdown(f"- {render.escape_markdown(m.question)}（{m.role}，答错 {m.missed} / {m.asked} 次）")
        # with the item: every "which of these is a duty of X" question of a role reads the same
        st.caption(render.escape_markdown(source_line(m.source.get("document", ""), m.source.get("section", ""),
                                                      m.source.get("item"))))


def main() -> None:
    services = resources.services()
    viewer = auth.current()
    st.title("入职学习")
    roles = services.kb.roles_for(viewer.audience)
    if not roles:
        st.info("知识库里还没有岗位。")
        return
    index = st.selectbox("选择你的岗位", range(len(roles)), format_func=lambda i: role_label(roles[i]), key=ROLE_KEY,
                         index=None, placeholder="请选择岗位")
    if index is not None:
        role = roles[index]
        sheet = study_sheet(services.kb.build, role, viewer.audience)
        st.subheader(f"{role.name} · 学习资料", anchor=False)
        st.download_button("下载可打印的学习资料（HTML）", to_html(sheet), file_name=f"{role.name}-入职学习.html",
                           mime="text/html", icon=":material/print:")
        show_sheet(sheet)
        role_changes_view.show(services, role.name, viewer, f"{CHANGES_KEY}-{role.name}", CHANGES_TITLE)
        quiz_section(services, role, index, viewer.audience, viewer)
    if may(viewer.app_role, "trainer"):
        trainer_section(services, {r.name for r in roles})


if __name__ == "__main__":
    main()
