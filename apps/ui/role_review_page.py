"""岗位核对 page: trainers check the roles ingest found in each document and correct what it got wrong.

The documents the trainer may see are listed with documents where no role was found first (待核对). A
picked document shows what the next ingest publishes (`ingest.review.review_document`, overrides
applied): each role with its duties, where it was found, and its corrections (`role_review_forms`); the
outline nodes a missed role can be made of; the saved corrections with who, when and why; and, at the
top, the corrections that no longer match and the duty counts that differ from what a trainer expects.
Above the list, on demand, the duty overlap report (`overlap_view`).

Streamlit runs this file as the page script (`__name__ == "__main__"`); app.py has already checked
that an index is live.
"""
from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

from apps.ui import auth, overlap_view, publish, render, resources
from apps.ui import role_review_forms as forms
from apps.ui.resources import Services
from ingest.load import discover
from ingest.overrides import OVERRIDES_FILE, Action, Override
from ingest.review import review_corpus, review_document
from kb.access import Audience
from kb.errors import DutyKBError
from kb.settings import Settings

DOC_KEY = "rr_doc"
PERSIST: Final = "session"  # the picked document stays picked across visits to other pages
PENDING_BADGE = ":orange-badge[待核对]"
UNREADABLE_BADGE = ":red-badge[读不了]"
STALE_BADGE = ":violet-badge[有更正失效]"
ORIGIN_LABELS = {"heading": "标题", "article": "条款", "table": "表格", "list item": "列表", "rules": "规则",
                 "inline": "行内", "title": "标题文档", "document": "全文", "front matter": "文件信息",
                 "review": "人工添加"}
NAMES_LISTED = 4  # role names in a document's caption in the list
LIST_HEIGHT = 360  # px; a longer document list scrolls inside its own box
LIST_SCROLLS_AFTER = 8
CACHED_LISTS = 8
SAVED_AT_CHARS = len("2026-12-04 10:00")  # when a correction was saved, to the minute


def corpus_state(corpus: Path) -> tuple[tuple[str, int, int], ...]:
    """What the document list depends on: every corpus file and the overrides file, by modification time and size."""
    files = [*discover([corpus]), corpus / OVERRIDES_FILE]
    return tuple((str(p), s.st_mtime_ns, s.st_size) for p in files if p.is_file() and (s := p.stat()))


# Reading every document on every rerun costs ~0.5 s on a 16-document corpus (measured 2026-12); the list
# changes only when a file does.
@st.cache_data(max_entries=CACHED_LISTS, show_spinner="正在读取文档…")
def documents(corpus: str, state: tuple, settings_key: str, audience: str, _settings: Settings) -> list[dict]:
    return review_corpus(Path(corpus), _settings, Audience.parse(audience))


def doc_label(row: dict) -> str:
    name = render.escape_markdown(f"《{row['title']}》" if row.get("title") else row["doc"])
    if "error" in row:
        return f"{UNREADABLE_BADGE} {name}"
    badges = [PENDING_BADGE] if not row["roles"] else []
    if row.get("unmatched_overrides"):
        badges.append(STALE_BADGE)
    return " ".join([*badges, name])


def doc_caption(row: dict) -> str:
    roles = row["roles"]
    names = "、".join(r["name"] for r in roles[:NAMES_LISTED]) + ("…" if len(roles) > NAMES_LISTED else "")
    found = f"{len(roles)} 个岗位：{names}" if roles else row.get("error", "没有找到岗位")
    return render.escape_markdown(f"{row['doc']} · {found}")


def pick_document(rows: list[dict]) -> str | None:
    by_doc = {r["doc"]: r for r in rows}
    if st.session_state.get(DOC_KEY) not in by_doc:
        st.session_state.pop(DOC_KEY, None)  # deleted since, or the viewer changed
    pending = sum(not r["roles"] for r in rows)
    st.caption(f"共 {len(rows)} 个文档，其中 {pending} 个没有找到岗位（待核对），排在最前面。")
    box = st.container(height=LIST_HEIGHT if len(rows) > LIST_SCROLLS_AFTER else "content")
    return box.radio("文档", list(by_doc), index=None, key=DOC_KEY, format_func=lambda d: doc_label(by_doc[d]),
                     captions=[doc_caption(r) for r in rows], label_visibility="collapsed", persist_state=PERSIST)


def show_problems(review: dict, overrides: list[Override]) -> None:
    """What needs the trainer first: corrections whose anchor is gone, and failed duty-count checks."""
    texts = forms.item_texts(review)
    stale = [forms.describe(o, texts) for o, raw in zip(overrides, review["overrides"], strict=True)
             if not raw["applies"]]
    if stale:
        st.warning(render.HARD_BREAK.join([
            render.escape_markdown(f"{len(stale)} 条更正已不再匹配：文档改动后，找不到它们指向的岗位、小节或条目，"
                                   "所以没有生效（也不会用到别的条目上）。请重新核对，必要时在 "
                                   f"corpus/{OVERRIDES_FILE} 中删掉它们。"),
            *(render.escape_markdown(f"· {line}") for line in stale)]), icon=":material/link_off:")
    failed = [c for c in review["checks"] if c["found"] is not None and c["found"] != c["expected"]]
    if failed:
        lines = [f"· {c['role']}：现有 {c['found']} 条，应为 {c['expected']} 条" for c in failed]
        st.error(render.HARD_BREAK.join(render.escape_markdown(line)
                                        for line in [f"{len(failed)} 项职责条数核对未通过：", *lines]),
                 icon=":material/rule:")


def show_role(services: Services, review: dict, index: int) -> None:
    role = review["roles"][index]
    with st.container(border=True, key=f"rr-role-{index}"):
        origin = ORIGIN_LABELS.get(role["origin"], role["origin"] or "未知")
        st.subheader(render.escape_markdown(role["name"]), anchor=False)
        details = [f"来源：{origin}"] + ([f"位置：{forms.node_label(role['section'])}"] if role["section"] else [])
        if role["aliases"]:
            details.append("别名：" + "、".join(role["aliases"]))
        st.caption(render.HARD_BREAK.join(render.escape_markdown(d) for d in details))
        if role["duties"]:
            st.markdown(render.HARD_BREAK.join(f"**{render.escape_markdown(str(d['n'] or '·'))}\\.** "
                                               f"{render.escape_markdown(d['text'])}" for d in role["duties"]))
        else:
            st.caption("（没有职责条目）")
        with st.expander("更正这个岗位", icon=":material/edit:",
                         key=forms.field_key(review["doc"], str(index), "form", forms.generation())):
            forms.role_form(services, review, index)


def show_overrides(review: dict, overrides: list[Override]) -> None:
    st.subheader("已保存的更正", anchor=False)
    if not overrides:
        st.caption(f"这个文档还没有更正。更正保存在 corpus/{OVERRIDES_FILE}，每次入库都会重新应用。")
        return
    texts = forms.item_texts(review)
    checks = iter(review["checks"])  # one per duty-count check, in the order of the overrides
    for o, raw in zip(overrides, review["overrides"], strict=True):
        check = next(checks) if o.action is Action.EXPECT else None
        failed = check is not None and check["found"] is not None and check["found"] != check["expected"]
        state = (":violet-badge[不再匹配]" if not raw["applies"] else ":red-badge[核对未通过]" if failed
                 else ":green-badge[生效]")
        when = o.at.replace("T", " ")[:SAVED_AT_CHARS]
        who = " · ".join(x for x in (o.by or forms.ANONYMOUS, when, f"原因：{o.why}" if o.why else "") if x)
        st.markdown(f"{state} {render.escape_markdown(forms.describe(o, texts))}" + render.HARD_BREAK
                    + f":gray[{render.escape_markdown(who)}]")


def document_view(services: Services, doc: str, audience: Audience) -> None:
    try:
        review = review_document(services.settings.corpus, doc, services.settings, audience)
    except DutyKBError as exc:
        st.error(render.escape_markdown(f"无法读取 {doc}：{exc}"))
        return
    overrides = [Override.model_validate({k: v for k, v in raw.items() if k != "applies"})
                 for raw in review["overrides"]]
    st.header(render.escape_markdown(f"《{review['title']}》"), anchor=False)
    st.caption(render.escape_markdown(f"文件 {doc} · 下面是下次入库会发布的岗位（已应用更正）"))
    show_problems(review, overrides)
    if not review["roles"]:
        st.info("这个文档里没有找到岗位。如果其中写了某个岗位的职责，请用下面的“从大纲节点添加岗位”把它加上；"
                "通知、制度这类本来没有岗位的文档不用处理。")
    for index in range(len(review["roles"])):
        show_role(services, review, index)
    with st.expander("从大纲节点添加岗位", icon=":material/add:", expanded=not review["roles"],
                     key=forms.field_key(doc, "add", "form", forms.generation())):
        forms.add_form(services, review)
    with st.expander(render.escape_markdown(f"所属单位：{review['organisation']}"), icon=":material/apartment:",
                     key=forms.field_key(doc, "organisation", "form", forms.generation())):
        forms.organisation_form(services, review)
    show_overrides(review, overrides)


def main() -> None:
    services = resources.services()
    viewer = auth.require("trainer")
    st.title("岗位核对")
    st.caption("核对每个文档解析出的岗位和职责：改名、加别名、合并、删掉不是岗位的、补上漏掉的、移动放错的条目。"
               "更正保存在语料目录的 roles.yaml 里，保存后自动重新入库，对话马上按更正后的岗位回答。")
    publish.show_flashes()
    overlap_view.show(services, viewer.audience)
    settings = services.settings
    corpus = settings.corpus
    try:
        rows = documents(str(corpus), corpus_state(corpus), settings.model_dump_json(), str(viewer.audience),
                         settings)
    except DutyKBError as exc:
        st.error(render.escape_markdown(f"无法读取语料：{exc}"))
        return
    if not rows:
        st.info("语料目录里还没有你能看到的文档。")
        return
    doc = pick_document(rows)
    if doc is None:
        st.info("选择一个文档开始核对。")
        return
    document_view(services, doc, viewer.audience)


if __name__ == "__main__":
    main()
