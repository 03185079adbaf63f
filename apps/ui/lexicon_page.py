"""词典 page: the words jieba must keep whole and the synonym groups that BM25 treats as one word.

A synonym group that holds a role's name gives that role its other words as
aliases at the next ingest, so the page shows which groups do that. Saving
validates, writes `corpus/lexicon.yaml` atomically and re-ingests. Groups and words
naming a role the trainer may not see are neither shown nor changed (see lexicon_edit).
"""
from __future__ import annotations

from typing import Final

import streamlit as st

from apps.ui import auth, lexicon_edit, publish, render, resources
from apps.ui.resources import Services
from kb.access import Audience
from kb.lexicon import LEXICON_FILE, Lexicon, LexiconError, load_lexicon
from kb.normalize import normalize

WORDS_KEY = "lex_words"
GROUPS_KEY = "lex_groups"
RELOAD_KEY = "lex_reload"
PERSIST: Final = "session"  # unsaved edits survive a visit to another page
TEXT_HEIGHT = 200


def hidden_forms(services: Services, audience: Audience) -> set[str]:
    """Match forms of the names and aliases of roles this viewer may not see (and no visible role shares)."""
    build = services.kb.build
    visible = build.visible_role_names(audience)
    return {form for form, names in build.role_names.items() if not names & visible}


def saved_lexicon(services: Services, audience: Audience, warn: bool = False) -> tuple[Lexicon, Lexicon]:
    """The saved lexicon split into (shown to this viewer, hidden from them)."""
    try:
        lexicon = load_lexicon(services.settings.corpus)
    except LexiconError as exc:
        if warn:
            publish.flash("error", render.escape_markdown(
                f"现有的 {LEXICON_FILE} 有误，入库时不会用它：{exc}。下面从空白开始，保存会替换这个文件。"))
        lexicon = Lexicon()
    return lexicon_edit.split_hidden(lexicon, hidden_forms(services, audience))


def fill_from_file(services: Services, audience: Audience) -> None:
    """Put the saved lexicon, as far as the viewer may see it, into the text areas (before they are drawn)."""
    shown, _hidden = saved_lexicon(services, audience, warn=True)
    st.session_state[WORDS_KEY] = lexicon_edit.words_text(shown)
    st.session_state[GROUPS_KEY] = lexicon_edit.groups_text(shown)


def role_groups(lexicon: Lexicon, services: Services, audience: Audience) -> list[str]:
    """'role ← aliases' for every group that names a role the viewer may see (by its name or an alias it has)."""
    role_names = services.kb.build.role_names
    visible = {r.name for r in services.kb.roles_for(audience)}
    lines = []
    for group in lexicon.synonyms:
        roles = sorted({role for word in group for role in role_names.get(normalize(word), ()) if role in visible})
        for role in roles:
            aliases = [w for w in group if normalize(w) != normalize(role)]
            lines.append(f"{role} ← {'、'.join(aliases)}")
    return lines


def parsed() -> Lexicon | None:
    try:
        return lexicon_edit.parse_texts(st.session_state[WORDS_KEY], st.session_state[GROUPS_KEY])
    except LexiconError as exc:
        st.error(render.escape_markdown(f"词典有误：{exc}"))
        return None


def save(services: Services, audience: Audience) -> None:
    edited = parsed()
    if edited is None:
        return
    try:
        lexicon = lexicon_edit.merge_hidden(edited, saved_lexicon(services, audience)[1])
        publish.save_lexicon_live(services, lexicon,
                                  f"词典已保存：{len(edited.words)} 个词，{len(edited.synonyms)} 组同义词。")
    except LexiconError as exc:
        st.error(render.escape_markdown(f"词典有误：{exc}"))
        return
    st.session_state[RELOAD_KEY] = True
    st.rerun()


def main() -> None:
    services = resources.services()
    viewer = auth.require("trainer")
    if st.session_state.pop(RELOAD_KEY, False) or WORDS_KEY not in st.session_state:
        fill_from_file(services, viewer.audience)
    st.title("词典")
    st.caption("自定义词让分词时不被切开（如“首问责任制”）；同义词组让提问和原文用词不同也能找到（第一个词为标准词）。"
               "含岗位名称的同义词组会成为该岗位的别名。保存后自动重新入库。")
    publish.show_flashes()
    st.text_area("自定义词（每行一个，或用空格、逗号分隔）", key=WORDS_KEY, height=TEXT_HEIGHT,
                 placeholder="首问责任制\n话务台席", persist_state=PERSIST)
    st.text_area("同义词组（每行一组，词之间用空格或逗号分隔）", key=GROUPS_KEY, height=TEXT_HEIGHT,
                 placeholder="座席 坐席 台席\n值班长 值班主任", persist_state=PERSIST)
    with st.container(horizontal=True):
        check = st.button("校验", key="lex_check", icon=":material/rule:")
        store = st.button("保存并重新入库", key="lex_save", type="primary", icon=":material/save:")
        reset = st.button("放弃修改", key="lex_reset", icon=":material/undo:")
    if check:
        lexicon = parsed()
        if lexicon is not None:
            st.success(f"格式正确：{len(lexicon.words)} 个词，{len(lexicon.synonyms)} 组同义词。")
            aliases = role_groups(lexicon, services, viewer.audience)
            if aliases:
                st.markdown("**会成为岗位别名的同义词组**" + render.HARD_BREAK
                            + render.HARD_BREAK.join(render.escape_markdown(line) for line in aliases))
    if store:
        save(services, viewer.audience)
    if reset:
        st.session_state[RELOAD_KEY] = True
        st.rerun()


if __name__ == "__main__":
    main()
