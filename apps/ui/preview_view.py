"""Show a `ingest.preview.Preview`: how ingest will read an entry before it is saved.

Everything shown is corpus text typed by a trainer, so it goes through
`render.escape_markdown`, `st.code` or `st.dataframe` (plain text cells) only.
"""
from __future__ import annotations

import streamlit as st

from apps.ui import render
from apps.ui.resources import Services
from ingest.preview import ChunkPreview, Preview, preview_text
from kb.access import Audience
from kb.clauses import clause_text, kind_of_lines

KIND_LABELS = {
    "heading": "标题", "circled": "①", "zhang": "第…章", "jie": "第…节", "tiao": "第…条", "label": "小标题",
    "cn": "一、", "paren_cn": "(一)", "ordinal": "第…、", "arabic": "1、", "paren": "(1)",
    "circled_item": "①条目", "bullet": "项目符号",
}
IGNORED_KEYS_LABEL = "未使用的键"
IGNORED_KEYS_HELP = "其他工具写的前置元数据，dutykb 不读取，保存时原样保留"
INDENT = "\u3000"  # full-width space: keeps the outline's depth visible inside a plain-text cell


def compute(doc_id: str, text: str, services: Services, audience: Audience) -> Preview:
    """Preview against the live build, so duplicates of items in other documents the trainer may see are flagged."""
    build = services.kb.build
    existing = [c for c in build.chunks if audience.may_see(c.visibility)]
    return preview_text(doc_id, text, services.settings, existing=existing, tokens_of=build.lexical.terms)


def items_label(chunk: ChunkPreview) -> str:
    """第1–5项, or 第3–4条 when the chunk's numbered parts are the document's own articles."""
    if not chunk.items:
        return "无编号条目"
    return clause_text(chunk.items, kind_of_lines(chunk.text.split("\n"), chunk.items[0]))


def show(preview: Preview) -> None:
    st.markdown(f"**预览：《{render.escape_markdown(preview.title)}》**")
    for warning in preview.warnings:
        st.warning(render.escape_markdown(warning), icon=":material/warning:")
    if not preview.warnings:
        st.success("没有发现需要修改的问题。")
    if preview.notes:
        st.info(render.HARD_BREAK.join(map(render.escape_markdown, preview.notes)), icon=":material/info:")
    if preview.ignored_keys:
        st.caption(render.escape_markdown(f"{IGNORED_KEYS_LABEL}：{'、'.join(preview.ignored_keys)}")
                   + f"（{IGNORED_KEYS_HELP}）")
    _roles(preview)
    _outline(preview)
    _chunks(preview)
    if preview.removed_lines:
        with st.expander(f"清理掉的行（{len(preview.removed_lines)}）：网页导航、广告等不会入库"):
            st.code("\n".join(preview.removed_lines), language=None)


def _roles(preview: Preview) -> None:
    if not preview.roles:
        st.caption("没有识别出岗位。标题写成“X岗位职责”或在“岗位”栏填写，才能按岗位提问。")
        return
    lines = [f"{render.escape_markdown(role.name)}：{len(role.duties)} 条职责"
             + (f"（别名：{render.escape_markdown('、'.join(role.aliases))}）" if role.aliases else "")
             for role in preview.roles]
    st.markdown("**识别出的岗位**" + render.HARD_BREAK + render.HARD_BREAK.join(lines))


def _outline(preview: Preview) -> None:
    with st.expander(f"文档结构（{len(preview.outline)} 行）", icon=":material/account_tree:"):
        st.dataframe(
            [{"类型": KIND_LABELS.get(row.kind, row.kind),
              "编号": row.number,
              "内容": INDENT * row.depth + row.label} for row in preview.outline],
            hide_index=True, width="stretch")


def _chunks(preview: Preview) -> None:
    st.markdown(f"**分块（{len(preview.chunks)}）**：每块单独检索，回答时按条目引用")
    for i, chunk in enumerate(preview.chunks, 1):
        label = f"{i}. {chunk.breadcrumb}（{items_label(chunk)}，{chunk.chars} 字）"
        with st.expander(render.escape_markdown(label)):
            if chunk.role:
                st.caption(render.escape_markdown(f"岗位：{chunk.role}"))
            st.markdown(render.escape_markdown(chunk.text))
            st.caption("检索用文本（繁转简、全角转半角）")
            st.code(chunk.match_text, language=None, wrap_lines=True)
            st.caption(f"检索词（{len(chunk.tokens)}，# 开头的是相邻两字）")
            st.code(" / ".join(chunk.tokens), language=None, wrap_lines=True)
