"""入职学习 page: a new hire picks their role, reads its study sheet (download as a printable HTML page), takes a
self-quiz of N questions and sees the score with every question's source; trainers see progress per role and per
hire and the questions most often missed.

Results are kept per user (`kb.quiz_store`): the signed-in user's name, or an anonymous id for this browser
session when sign-in is off.
"""
from __future__ import annotations

import uuid

import streamlit as st

from apps.study_export import to_html
from apps.ui import auth, render, resources
from apps.ui.role_groups import placement
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
DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 20
ANON_ID_CHARS = 8


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
    # ---- 有什么变化（issue 19 item 3, kb/role_changes.py; h19-changes wires it in here) ----
    st.markdown("**有什么变化**")
    st.caption("自上次学习以来本岗位职责的变化：即将提供。")


def ask(i: int, q: Question) -> str | list[str] | None:
    st.markdown(f"**{i}. [{KIND_LABELS[q.kind]}]** {render.escape_markdown(q.question)}")
    key = f"study-q-{i}-{q.qid}"
    if q.kind == CLOZE:
        return st.text_input("填写空缺处", key=key, label_visibility="collapsed", placeholder="填写空缺处") or None
    if q.kind == ORDERING:
        picked = st.multiselect("按顺序依次选择每一步", q.choices, key=key)
        return picked or None
    return st.radio("选择答案", q.choices, index=None, key=key, label_visibility="collapsed")


def show_result(questions: list[Question], given: list) -> None:
    right = sum(q.is_right(g) for q, g in zip(questions, given, strict=True))
    st.success(f"得分：{right} / {len(questions)}")
    for i, (q, g) in enumerate(zip(questions, given, strict=True), 1):
        mark = "✅ 正确" if q.is_right(g) else "❌ 错误"
        answer = "；".join(q.answer) if isinstance(q.answer, list) else q.answer
        with st.container(border=True):
            st.markdown(f"**{i}.** {mark} · 正确答案：{render.escape_markdown(answer)}")
            src = q.source
            st.caption(render.escape_markdown(f"出处：《{src.document}》 {src.section}"
                                              + (f" › 第{src.item}项" if src.item is not None else "")))
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
                   "正确率": f"{p.score:.0%}", "最近一次": p.last} for p in store.progress() if p.role in visible],
                 hide_index=True)
    st.markdown("**最常答错的题目**")
    for m in (m for m in store.most_missed() if m.role in visible):
        st.markdown(f"- {render.escape_markdown(m.question)}（{m.role}，答错 {m.missed} / {m.asked} 次）")
        st.caption(render.escape_markdown(f"出处：《{m.source.get('document', '')}》 {m.source.get('section', '')}"))


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
        quiz_section(services, role, index, viewer.audience, viewer)
    if may(viewer.app_role, "trainer"):
        trainer_section(services, {r.name for r in roles})


if __name__ == "__main__":
    main()
