"""The inbox of thumbs-down answers: an editor turns each into an evaluation case, or dismisses it.

Approving appends a case (the question as edited, the evidence phrases the right
answer must contain) to the feedback suite and marks the row 'approved';
dismissing marks it 'dismissed'. Either way it leaves the inbox.
"""
from __future__ import annotations

import streamlit as st

from apps.ui import publish, render, suites
from apps.ui.history_view import when_label
from apps.ui.resources import Services
from evals.relevance import found_in_corpus
from evals.suite import SuiteError, append_case
from kb.access import Audience
from kb.clauses import group_citations
from kb.feedback import (
    DOWN,
    STATUS_APPROVED,
    STATUS_DISMISSED,
    STATUS_NEW,
    FeedbackRecord,
)
from kb.records import Citation

EVIDENCE_HEIGHT = 100


def pending(services: Services, audience: Audience) -> list[FeedbackRecord]:
    """Thumbs-down answers not yet handled, of readers who saw no more than this editor may see."""
    return services.feedback.list(rating=DOWN, status=STATUS_NEW, visible_to=audience)


def approve(services: Services, row: FeedbackRecord, question: str, evidence_text: str) -> None:
    evidence = [line.strip() for line in evidence_text.splitlines() if line.strip()]
    if not question.strip() or not evidence:
        st.error("请填写问题和至少一条证据短语（正确回答里应该出现的原文）。")
        return
    path = services.settings.suites_dir / suites.FEEDBACK_SUITE
    case_id = suites.feedback_case_id(row.id)
    try:
        append_case(path, case_id, question.strip(), evidence, [suites.FEEDBACK_TAG], role=row.role)
    except SuiteError as exc:
        st.error(render.escape_markdown(f"无法写入评测集：{exc}"))
        return
    services.feedback.set_status(row.id, STATUS_APPROVED)
    publish.flash("success", render.escape_markdown(f"已加入评测集 {path.name}（用例 {case_id}）。"))
    missing = [e for e in evidence if not found_in_corpus(e, services.kb.build.chunks)]
    if missing:
        publish.flash("warning", render.escape_markdown(
            "知识库里找不到这些证据短语，在补充条目之前这个用例会一直失败：" + "、".join(missing)))
    st.rerun()


def dismiss(services: Services, row: FeedbackRecord) -> None:
    services.feedback.set_status(row.id, STATUS_DISMISSED)
    publish.flash("info", render.escape_markdown(f"已忽略：{row.question}"))
    st.rerun()


def show_row(services: Services, row: FeedbackRecord) -> None:
    with st.container(border=True):
        asked = when_label(row.created) + (f" · 岗位：{row.role}" if row.role else "")
        asked += " · 当时拒答" if row.abstained else ""
        st.caption(render.escape_markdown(asked))
        st.markdown(f"**问题**：{render.escape_markdown(row.question)}")
        st.markdown("**当时的回答**" + render.HARD_BREAK + render.answer_markdown(row.answer))
        if row.citations:
            groups = group_citations([Citation(**c) for c in row.citations])
            st.caption(render.HARD_BREAK.join(render.group_label(g) for g in groups))
        question = st.text_input("评测用例的问题（可以改写）", value=row.question, key=f"inbox-question-{row.id}")
        evidence = st.text_area("证据短语：正确回答里应该出现的原文，每行一条", key=f"inbox-evidence-{row.id}",
                                height=EVIDENCE_HEIGHT)
        with st.container(horizontal=True):
            approved = st.button("通过，加入评测集", key=f"inbox-approve-{row.id}", type="primary",
                                 icon=":material/check:")
            dismissed = st.button("忽略", key=f"inbox-dismiss-{row.id}", icon=":material/close:")
        if approved:
            approve(services, row, question, evidence)
        if dismissed:
            dismiss(services, row)


def show(services: Services, rows: list[FeedbackRecord]) -> None:
    if not rows:
        st.info("没有待处理的差评。")
        return
    st.caption(render.escape_markdown(
        f"用户点了“不满意”的回答（{len(rows)} 条）。写出正确回答应包含的原文，通过后会加入评测集 "
        f"{suites.FEEDBACK_SUITE}，以后每次评测都会检查它。"))
    for row in rows:
        show_row(services, row)
