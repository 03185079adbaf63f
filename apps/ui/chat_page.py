"""对话 page: questions in Simplified or Traditional Chinese, answers that quote the documents with sources.

Streamlit runs this file as the page script (`__name__ == "__main__"`); app.py has
already checked that an index is live.
"""
from __future__ import annotations

import streamlit as st

from apps.ui import auth, conversation, pages, render, resources
from apps.ui.conversation import Turn
from apps.ui.resources import Services
from apps.ui.role_groups import group_roles
from kb.access import Audience
from kb.clauses import group_citations
from kb.normalize import normalize, to_simplified
from kb.records import Role
from kb.retrieve import QueryError
from kb.suggest import question_for

ROLE_KEY = "role"
GROUP_KEY = "role_group"
DEGRADED_BANNER = ("向量检索暂时不可用，这次只用关键词（BM25）找到了下面的原文，结果可能不如平时完整；"
                   "恢复后会自动改回。")
NEW_CHAT_KEY = "new_chat"
STARTER_ROLES = 4
STARTER_TEMPLATE = "{name}的岗位职责是什么"
SELF_DUTY_QUESTION = "我的岗位职责是什么"
# short enough for a phone; the welcome text says that both scripts work
INPUT_PLACEHOLDER = "输入问题，如：交接班要提前多久到"


def starter_questions(roles: list[Role], picked: str | None) -> list[str]:
    """Duty questions about the roles with the longest duty lists, in the UI's script (Simplified) like the
    rest of the page: only quoted document text keeps its own script."""
    fullest = sorted(roles, key=lambda r: -len(r.duties))[:STARTER_ROLES]
    questions = [to_simplified(STARTER_TEMPLATE.format(name=r.name)) for r in fullest]
    return ([SELF_DUTY_QUESTION] if picked else []) + questions


def mode_caption(turn: Turn, services: Services) -> str:
    if turn.answer.mode == "llm" and services.llm:
        return f"回答方式：大模型 {services.llm.model} 生成，引用已逐句核对"
    if services.llm and turn.answer.level != "none":  # the LLM failed or could not be checked: the notice says why
        return "回答方式：原文摘录（大模型的回答未能采用）"
    return "回答方式：原文摘录"


def role_picker(roles: list[Role]) -> str | None:
    """Pick an organisation (document › top-level section) first, then the role: nobody scrolls through
    another organisation's posts. Without an organisation every role is listed, group by group."""
    groups = group_roles(roles)
    group = st.selectbox("单位", list(groups), index=None, key=GROUP_KEY, placeholder="先选单位（可不选）",
                         help="岗位按所在文件和章节分组。") if len(groups) > 1 else None
    shown = groups[group] if group else [r for members in groups.values() for r in members]
    return st.selectbox(
        "我是…", list(dict.fromkeys(r.name for r in shown)), index=None, key=ROLE_KEY,
        placeholder="选择你的岗位（可不选）",
        help="选定岗位后，“我的岗位职责是什么”“我可以…吗”这类问题按这个岗位回答，这个岗位的条文排在前面。",
    )


def sidebar(services: Services, audience: Audience) -> str | None:
    with st.sidebar:
        role = role_picker(services.kb.roles_for(audience))
        st.button("新对话", key=NEW_CHAT_KEY, icon=":material/add_comment:", on_click=conversation.clear,
                  width="stretch")
        if services.llm:
            st.caption(render.escape_markdown(f"回答模式：大模型 {services.llm.model}，引用逐句核对"))
        else:
            st.caption("回答模式：原文摘录（未配置大模型）")
        if services.llm_problem:
            st.warning(render.escape_markdown(f"大模型设置无效，已改用原文摘录：{services.llm_problem}"))
    return role


def welcome(services: Services, role: str | None, audience: Audience) -> None:
    st.markdown("用简体或繁体中文提问岗位职责、管理制度和工作流程。回答逐条引用原文，并注明出自哪份文件的哪一条。")
    st.caption("可以从这些问题开始：")
    with st.container(horizontal=True):
        for i, question in enumerate(starter_questions(services.kb.roles_for(audience), role)):
            st.button(render.escape_markdown(question), key=f"starter-{i}", on_click=conversation.ask,
                      args=(question,))


def show_sources(turn: Turn, services: Services) -> None:
    citations = turn.answer.citations
    if not citations:
        return
    terms = render.question_terms(turn.question, services.kb.build.lexical.tokenizer)
    groups = group_citations(citations)
    st.caption(f"出处（{len(groups)}）")
    for group in groups:  # one card per quoted block, not one per item: a whole list is one source
        with st.expander(render.group_label(group), icon=":material/format_quote:"):
            st.markdown(render.group_quotes(group, terms))
            st.caption(f"文件：{render.escape_markdown(group.doc_id)}")


def show_answer(turn: Turn, services: Services) -> None:
    answer = turn.answer
    if answer.understood_as and answer.understood_as != turn.question:
        st.caption(render.escape_markdown(f"理解为：{answer.understood_as}"))
    if answer.degraded:
        st.warning(DEGRADED_BANNER, icon=":material/cloud_off:")
    if turn.notice and not answer.degraded:
        st.warning(render.escape_markdown(turn.notice))
    st.markdown(render.answer_markdown(answer.answer))
    if answer.suggestions:
        forms = {normalize(r.name) for r in services.kb.roles_for(auth.current().audience)}
        with st.container(horizontal=True):
            for i, topic in enumerate(answer.suggestions):
                question = question_for(topic, forms)
                st.button(render.escape_markdown(question), key=f"suggest-{turn.id}-{i}", icon=":material/search:",
                          on_click=conversation.ask, args=(question,))
    show_sources(turn, services)
    caption = mode_caption(turn, services)
    if turn.role:
        caption += f" · 已选岗位：{turn.role}"
    st.caption(render.escape_markdown(caption))
    st.feedback("thumbs", key=turn.feedback_key, on_change=conversation.record_feedback,
                args=(turn, services.feedback))


def show_turn(turn: Turn, services: Services) -> None:
    with st.chat_message("user"):
        st.markdown(render.escape_markdown(turn.question))
    with st.chat_message("assistant"):
        show_answer(turn, services)


def answer_new(question: str, role: str | None, services: Services, audience: Audience,
               turns: list[Turn]) -> Turn | None:
    """Understand the question in the conversation so far, stream its answer, then show it rendered."""
    with st.chat_message("user"):
        st.markdown(render.escape_markdown(question))
    with st.chat_message("assistant"):
        streamed = st.empty()
        try:
            query = conversation.context(turns).understand(services.answerer, question, role, audience)
            stream = services.answerer.respond(query, services.llm)
            with streamed.container():
                st.write_stream(render.escape_stream(stream))
        except QueryError:
            streamed.warning("问题里没有可以检索的文字，请换个说法。")
            return None
        answer = stream.result if stream.result is not None else stream.run()
        # the streamed text was plain; replace it with the rendered answer, citations and sources
        streamed.empty()
        turn = Turn(question, role, answer, answer.notice, query)
        show_answer(turn, services)
    return turn


def main() -> None:
    services = resources.services()
    audience = auth.current().audience
    role = sidebar(services, audience)
    st.title(pages.APP_TITLE)
    typed = st.chat_input(INPUT_PLACEHOLDER)
    question = (conversation.take_pending() or typed or "").strip()
    turns = conversation.history()
    if not turns and not question:
        welcome(services, role, audience)
    for turn in turns:
        show_turn(turn, services)
    if question:
        answered = answer_new(question, role, services, audience, turns)
        if answered:
            turns.append(answered)


if __name__ == "__main__":
    main()
