"""After a trainer changes the corpus or the lexicon: re-ingest, reopen the live build, say how long it took.

Pages save, publish, then `st.rerun()` so that the sidebar and every widget show
the new build; what happened is carried across the rerun as flash messages.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from apps.ui import render
from apps.ui.resources import Services
from ingest.pipeline import IngestBusy, IngestReport, run_ingest
from kb.lexicon import Lexicon, save_lexicon
from kb.manifest import ManifestError

INGEST_WAIT_S = 60.0  # another save (or a CLI ingest) may hold the lock: wait for it rather than fail at once
FLASH_KEY = "ui_flash"
FLASH_KINDS = ("success", "info", "warning", "error", "caption")


@dataclass(frozen=True)
class Published:
    seconds: float  # from the start of the save until the new build answers questions
    report: IngestReport | None
    problem: str | None = None  # why the index could not be updated (the change itself is saved)


def publish(services: Services, started: float) -> Published:
    """Incremental ingest of the corpus, then reopen the cached knowledge base on the new build."""
    settings = services.settings.with_overrides(lock_wait=INGEST_WAIT_S)
    try:
        # the app's reader hands its live build to the ingest and takes the new one back, so neither is
        # read from disk again (most of a save's time on a large corpus)
        report = run_ingest(settings, show_progress=False, live=services.kb.build)
        services.kb.refresh(report.published)
    except (IngestBusy, ManifestError, OSError) as exc:
        return Published(time.perf_counter() - started, None, str(exc))
    return Published(time.perf_counter() - started, report, None)


def index_summary(report: IngestReport) -> str:
    if report.up_to_date:
        return "索引内容没有变化"
    return (f"新索引 {report.build_id}：{report.documents} 个文档、{report.chunks} 个片段、{report.roles} 个岗位；"
            f"新计算向量 {report.embedded} 个，沿用缓存 {report.reused} 个")


def flash(kind: str, markdown: str) -> None:
    """Queue an already-escaped message for the next run of whichever page shows flashes."""
    if kind not in FLASH_KINDS:
        raise ValueError(f"flash kind must be one of {FLASH_KINDS}, not {kind!r}")
    st.session_state.setdefault(FLASH_KEY, []).append((kind, markdown))


def show_flashes() -> None:
    for kind, markdown in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(markdown)


def announce(published: Published, done: str) -> None:
    """Flash `done` (plain text) with the outcome of the re-ingest that made it answerable."""
    flash("success", render.escape_markdown(done))
    report = published.report
    if published.problem or report is None:
        flash("warning", render.escape_markdown(
            f"已保存，但索引没有更新，对话暂时还查不到这次修改：{published.problem}"))
        return
    for skipped in report.skipped:
        kept = "（索引中保留了之前的版本）" if skipped.kept_previous else ""
        flash("warning", render.escape_markdown(f"入库时跳过了 {skipped.path}：{skipped.reason}{kept}"))
    flash("caption", render.escape_markdown(
        f"从保存到对话可以回答用时 {published.seconds:.1f} 秒 · {index_summary(report)}"))


def save_lexicon_live(services: Services, lexicon: Lexicon, done: str) -> None:
    """Write the lexicon, re-ingest and flash the outcome; raises LexiconError before writing anything."""
    started = time.perf_counter()
    save_lexicon(services.settings.corpus, lexicon)
    announce(publish(services, started), done)
