"""命中测试 page: which passages a question finds, with BM25, dense and fused ranks side by side.

From each result a trainer can open its entry for editing, mark it as the right
answer (a case in the curated suite that `dutykb eval` runs), or teach the lexicon
a word or synonym the question needed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

from apps.ui import (
    auth,
    hit_view,
    lexicon_edit,
    open_entry,
    publish,
    render,
    resources,
    suites,
)
from apps.ui.resources import Services
from evals.relevance import item_holding, phrase_in
from evals.suite import Source, SuiteError, append_case, load_suite
from kb.blocks import strip_marker
from kb.clauses import chunk_kind, clause_text, numbers_text
from kb.hittest import DEPTH, HitRow, hit_test
from kb.lexicon import LexiconError, load_lexicon
from kb.records import BREADCRUMB_SEP, Chunk
from kb.retrieve import MODES, QueryError

QUESTION_KEY = "hit_question"
K_KEY = "hit_k"
ROLE_KEY = "hit_role"
DEFAULT_K = 5
# Column widths in pixels: together they fit the page's 700-pixel column, so nothing is cut off on a desktop.
RANK_WIDTH, SCORE_WIDTH, ITEMS_WIDTH, TERMS_WIDTH, SECTION_WIDTH = 36, 92, 60, 110, 200
PERSIST: Final = "session"  # the question is still there after a detour to the curation page


def rank_table(rows: list[HitRow]) -> None:
    """One line per result: where each retriever put it, and with what score (ranks first: they are the point).

    Fixed column widths, so the whole table fits the page without scrolling sideways; a long section
    name is cut short here, and shown in full on the result's card below."""
    ranks = {hit_view.MODE_LABELS[mode]: mode for mode in MODES}
    st.dataframe(
        [{"#": i, **{label: hit_view.rank_cell(row, mode) for label, mode in ranks.items()},
          "条目": numbers_text(row.chunk.items), "命中词": "、".join(row.matched_terms),
          "小节": row.chunk.section.split(BREADCRUMB_SEP)[-1] or row.chunk.title} for i, row in enumerate(rows, 1)],
        hide_index=True, width="stretch",
        column_config={"#": st.column_config.NumberColumn(width=RANK_WIDTH),
                       **{label: st.column_config.TextColumn(width=SCORE_WIDTH) for label in ranks},
                       "条目": st.column_config.TextColumn(width=ITEMS_WIDTH),
                       "命中词": st.column_config.TextColumn(width=TERMS_WIDTH),
                       "小节": st.column_config.TextColumn(width=SECTION_WIDTH)})
    st.caption(f"各检索方式的名次（分数）：前{DEPTH}外 = 没有排进它的前 {DEPTH} 名。")


def default_evidence(chunk: Chunk) -> str:
    """The chunk's first item without its number: short, and certain to be in the chunk."""
    return strip_marker(chunk.parts[0].text) if chunk.parts else chunk.text.strip()


def mark_answer(suites_dir: Path, question: str, role: str | None, chunk: Chunk, phrase: str) -> None:
    """Append a case (question → this chunk, evidence phrase, source) to the curated suite."""
    phrase = phrase.strip()
    if not phrase_in(phrase, chunk.match_text):
        st.error("证据短语必须是这个片段里的原文（简体繁体都可以）。")
        return
    path = suites_dir / suites.CURATED_SUITE
    case_id = suites.hit_case_id(question, chunk.chunk_id)
    source = Source(chunk.doc_id, chunk.section or None, item_holding(chunk, phrase))
    try:
        if path.exists() and any(c.id == case_id for c in load_suite(path).cases):
            st.info("这个问题已经标记过这个片段。")
            return
        append_case(path, case_id, question, [phrase], [suites.HIT_TAG], source, role=role)
    except SuiteError as exc:
        st.error(render.escape_markdown(f"无法写入评测集：{exc}"))
        return
    st.success(render.escape_markdown(f"已加入评测集 {path.name}（用例 {case_id}），评测页可以运行它。"))


def add_to_lexicon(services: Services, words: str, group: str) -> None:
    new_words, new_group = lexicon_edit.split_words(words), lexicon_edit.split_words(group)
    if not new_words and not new_group:
        st.error("请填写新词或同义词组。")
        return
    try:
        lexicon = load_lexicon(services.settings.corpus)
        if new_words:
            lexicon = lexicon_edit.add_words(lexicon, new_words)
        if new_group:
            lexicon = lexicon_edit.add_group(lexicon, new_group)
        publish.save_lexicon_live(services, lexicon, "词典已更新，问题会按新词典重新检索。")
    except LexiconError as exc:
        st.error(render.escape_markdown(f"词典有误：{exc}"))
        return
    st.rerun()


def show_hit(i: int, row: HitRow, question: str, role: str | None, services: Services) -> None:
    chunk = row.chunk
    with st.container(border=True):
        clause = clause_text(chunk.items, chunk_kind(chunk, chunk.items))
        items = f" · {clause}" if clause else ""
        st.markdown(f"**{i}\\.** {render.escape_markdown(chunk.breadcrumb + items)}")
        st.markdown(render.highlight(chunk.text, row.matched_terms))
        st.caption(render.escape_markdown(f"文件：{chunk.doc_id}" + (f" · 岗位：{chunk.role}" if chunk.role else "")))
        if st.button("在条目管理中打开", key=f"hit-open-{chunk.chunk_id}", icon=":material/edit_note:"):
            open_entry.go(chunk.doc_id)
        with st.expander("标记为正确答案", icon=":material/check_circle:"):
            phrase = st.text_input("证据短语（回答里必须出现的原文，可以改短）", value=default_evidence(chunk),
                                   key=f"hit-evidence-{chunk.chunk_id}")
            if st.button("加入评测集", key=f"hit-mark-{chunk.chunk_id}"):
                mark_answer(services.settings.suites_dir, question, role, chunk, phrase)
        with st.expander("加入词典", icon=":material/dictionary:"):
            words = st.text_input("新词（分词时不要切开）", key=f"hit-words-{chunk.chunk_id}",
                                  placeholder="例如：首问责任制")
            group = st.text_input("同义词组（空格或逗号分隔，第一个为标准词）", key=f"hit-group-{chunk.chunk_id}",
                                  placeholder="例如：交接班 交班 接班")
            if st.button("加入词典并重新入库", key=f"hit-lexicon-{chunk.chunk_id}"):
                add_to_lexicon(services, words, group)


def main() -> None:
    services = resources.services()
    viewer = auth.require("trainer")
    st.title("命中测试")
    st.caption("输入新员工可能会问的问题，看看知识库找到哪些片段，以及混合检索、BM25 和向量检索各把它排在第几。")
    publish.show_flashes()
    question = st.text_input("问题", key=QUESTION_KEY, placeholder="例如：交接班要提前多久到",
                             persist_state=PERSIST).strip()
    left, right = st.columns([1, 2])
    k = left.number_input("显示前几条", min_value=1, max_value=DEPTH, value=DEFAULT_K, key=K_KEY)
    role = right.selectbox("只看某个岗位", [r.name for r in services.kb.roles_for(viewer.audience)], index=None,
                           key=ROLE_KEY, placeholder="全部岗位")
    if not question:
        st.info("输入问题后按回车。")
        return
    try:
        rows = hit_test(services.kb, question, k=int(k), role=role, audience=viewer.audience)
    except QueryError:
        st.warning("问题里没有可以检索的文字，请换个说法。")
        return
    if not rows:
        st.info("没有找到任何片段。")
        return
    rank_table(rows)
    for i, row in enumerate(rows, 1):
        show_hit(i, row, question, role, services)


if __name__ == "__main__":
    main()
