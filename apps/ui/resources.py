"""The app's heavy objects, loaded once per process and settings, and the check that an index is live.

Streamlit reruns the page script on every interaction; the knowledge base
(jieba, the embedder, Chroma) must not be reloaded each time, so it lives in
`st.cache_resource`. A new build published by `dutykb ingest` is picked up by
`KnowledgeBase.refresh()` at the start of every run instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from kb.answer import Answerer
from kb.feedback import FEEDBACK_FILENAME, FeedbackStore
from kb.knowledge import Build, KnowledgeBase, NoIndexError
from kb.llm import LLMSpec, LLMSpecError
from kb.manifest import ManifestError
from kb.settings import Settings, load_settings


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    answerer: Answerer
    feedback: FeedbackStore
    llm: LLMSpec | None
    llm_problem: str | None  # why a configured LLM is not used


@dataclass(frozen=True)
class IndexProblem:
    """Why the index cannot be used, in Chinese, with the command that fixes it."""

    message: str
    command: str
    detail: str


@st.cache_resource(show_spinner="正在加载知识库…")
def _open(settings_key: str, _settings: Settings) -> Services:
    """One set of services per distinct settings (in practice: per DUTYKB_HOME)."""
    kb = KnowledgeBase(_settings)
    llm, problem = None, None
    try:
        llm = LLMSpec.from_settings(_settings)
    except LLMSpecError as exc:
        problem = str(exc)
    return Services(_settings, kb, Answerer(kb), FeedbackStore(_settings.home / FEEDBACK_FILENAME), llm, problem)


def services() -> Services:
    settings = load_settings()
    return _open(settings.model_dump_json(), settings)


def live_build(current: Services) -> Build | IndexProblem:
    """The live build, reopened if a newer one was published; or why there is none usable."""
    home = current.settings.home.resolve()
    try:
        current.kb.refresh()
        return current.kb.build
    except NoIndexError as exc:
        return IndexProblem(
            f"还没有建立知识库索引（索引目录：{home}）。请在项目目录运行下面的命令导入 corpus/ 中的文档，"
            "完成后刷新本页。",
            "dutykb ingest", str(exc))
    except ManifestError as exc:
        return IndexProblem(
            f"知识库索引已损坏或不完整（索引目录：{home}）。请运行下面的命令重新建立索引，完成后刷新本页。",
            "dutykb ingest --rebuild", str(exc))
