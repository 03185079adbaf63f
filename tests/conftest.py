"""Shared fixtures: offline model hubs, a shared embedding cache, the shipped corpus indexed once."""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED_NAME = "000_916eb7e6a919f6ca.txt"
SEED_SUITE = REPO / "evals" / "suites" / "seed.yaml"
GATE_FILE = REPO / "evals" / "gate.yaml"
GATE_REPORT_DIR = REPO / "test-output" / "eval"  # the gate run's report.{json,md,html}, for people to read
TMPFS_SIZE = "24m"  # room for a seed home, small enough to fill in a moment
FILL_BLOCK = b"\0" * 65536


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory) -> Path:
    """One embedding cache for the whole run: the same texts are embedded once."""
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture
def make_settings(tmp_path, embedding_cache):
    from kb.settings import Settings

    def make(corpus: Path | None = None, **overrides):
        values = {"home": tmp_path / "home", "corpus": corpus or CORPUS, "embedding_cache": embedding_cache}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, embedding_cache):
    """Settings whose home holds an index of the shipped corpus (built once per run)."""
    from ingest.pipeline import run_ingest
    from kb.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("seedhome"), corpus=CORPUS, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def answerer_of(tmp_path_factory, embedding_cache):
    """An Answerer over a corpus written by the test: `answerer_of({file name: text})`, ingested once per call."""
    from ingest.pipeline import run_ingest
    from kb.answer import Answerer
    from kb.knowledge import KnowledgeBase
    from kb.settings import Settings

    def make(documents: dict[str, str]):
        corpus = tmp_path_factory.mktemp("corpus")
        for name, text in documents.items():
            (corpus / name).write_text(text, encoding="utf-8")
        settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus, embedding_cache=embedding_cache)
        run_ingest(settings, show_progress=False)
        return Answerer(KnowledgeBase(settings))

    return make


@pytest.fixture(scope="session")
def seed_kb(seed_settings):
    from kb.knowledge import KnowledgeBase

    return KnowledgeBase(seed_settings)


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable corpus directory holding a copy of the shipped seed document."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SEED_NAME, corpus / SEED_NAME)
    return corpus


HR_ENTRY = """---
title: 薪酬保密规定
visibility: [hr]
---
# 薪酬专员岗位职责
1、每月二十五日前核算全员工资并报财务复核。
2、员工薪酬数据只保存在加密盘，严禁拷贝外传。
3、年终奖方案须经人力资源总监签字后发放。
"""
FINANCE_ENTRY = """---
title: 钥匙保管办法
visibility: [finance, audit]
---
# 保管钥匙的规定
1、保险柜钥匙由两名主管分开保管，双人同时到场方可开柜。
2、钥匙遗失须在一小时内报告保卫部并更换锁芯。
"""
RESTRICTED_DOCS = {"hr-pay.md": ["hr"], "finance-keys.md": ["audit", "finance"]}
RESTRICTED_MARKERS = ("薪酬", "加密盘", "年终奖", "钥匙", "锁芯", "鑰匙", "年終獎")


@pytest.fixture(scope="session")
def restricted_settings(tmp_path_factory, embedding_cache):
    """An index of the seed plus two restricted entries (visibility hr; finance or audit)."""
    from ingest.pipeline import run_ingest
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("restricted-corpus")
    shutil.copy(CORPUS / SEED_NAME, corpus / SEED_NAME)
    (corpus / "hr-pay.md").write_text(HR_ENTRY, encoding="utf-8")
    (corpus / "finance-keys.md").write_text(FINANCE_ENTRY, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("restricted-home"), corpus=corpus,
                        embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


LINKED_ENTRY = """---
title: 网络报修规定
---
# 网管员岗位职责
1、报修单一律在 https://helpdesk.example.com/new 提交，备用入口 www.example.org/repair 。
2、紧急故障发邮件到 it-support@example.com，并抄送 http://ops.example.net 值班表。
3、遇到 javascript:alert(1) 或 <a href="http://evil.example/x">这里</a> 这样的链接一律不点。
# 报修流程
1、员工报修后，网管员在 HTTPS://HELPDESK.EXAMPLE.COM/queue 受理，WWW.EXAMPLE.ORG 公布进度。
"""
LINKED_ADDRESSES = ("https://helpdesk.example.com/new", "www.example.org/repair", "it-support@example.com",
                    "http://ops.example.net")


@pytest.fixture(scope="session")
def linked_settings(tmp_path_factory, embedding_cache):
    """An index of one entry whose duty items hold web and e-mail addresses (and a link in HTML)."""
    from ingest.pipeline import run_ingest
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("linked-corpus")
    (corpus / "network-repair.md").write_text(LINKED_ENTRY, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("linked-home"), corpus=corpus, embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def gate_run(seed_settings):
    """`dutykb eval --gate evals/gate.yaml` on the shipped suites, once per test run: (exit code, report).

    Tests that need the seed suite's figures read this report instead of scoring the suite again.
    """
    import io
    from contextlib import redirect_stdout

    from apps.cli.main import main
    from evals.gate import load_gate
    from evals.report import RunReport

    gated = sorted({t.metric.split(".")[1] for t in load_gate(GATE_FILE)})
    suites = [str(REPO / "evals" / "suites" / f"{name}.yaml") for name in gated]
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["eval", *suites, "--gate", str(GATE_FILE), "--home", str(seed_settings.home), "--no-baseline",
                     "--report", str(GATE_REPORT_DIR), "--json", "-q"])
    return code, RunReport.model_validate_json(out.getvalue())


@contextmanager
def mounted_tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of `size` that a test can fill up (mounting needs root, as on CI; skipped with the reason
    elsewhere)."""
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def tmpfs_disk(tmp_path):
    with mounted_tmpfs(tmp_path / "disk", TMPFS_SIZE) as disk:
        yield disk


def fill_disk(disk: Path, leave: int = 0) -> Path:
    """Write zeros until `disk` is full, then give back `leave` bytes; returns the filler file (hidden, so a
    corpus on that disk never ingests it)."""
    filler = disk / ".filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(FILL_BLOCK)
        except OSError:
            pass
    if leave:
        with filler.open("r+b") as handle:
            handle.truncate(max(0, filler.stat().st_size - leave))
    return filler
