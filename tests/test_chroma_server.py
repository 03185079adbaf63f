"""Server mode: a real `chroma run` on loopback, started and stopped by the test."""
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_driver import APP, TIMEOUT_S
from conftest import HR_ENTRY
from streamlit.testing.v1 import AppTest
from test_app import plain

from apps.cli.main import main
from ingest.pipeline import run_ingest
from kb.access import PUBLIC, Audience
from kb.knowledge import KnowledgeBase
from kb.retrieve import HybridRetriever
from kb.vectorstore import VectorStoreUnavailable

STARTUP_TIMEOUT_S = 60
CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    def __init__(self, path: Path, port: int):
        self.path, self.port, self.proc = path, port, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("chroma server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path):
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI (from the chromadb package) is not installed")
    srv = ChromaServer(tmp_path / "chroma-server", _free_port())
    srv.start()
    yield srv
    srv.stop()


def test_ingest_search_and_recovery_against_a_chroma_server(make_settings, seed_copy, server, capsys, monkeypatch):
    (seed_copy / "hr-pay.md").write_text(HR_ENTRY, encoding="utf-8")
    settings = make_settings(seed_copy, chroma_url=server.url)
    report = run_ingest(settings, show_progress=False)
    assert report.chunks == 61
    assert not (settings.home / "chroma").exists()  # vectors live in the server, not embedded
    kb = KnowledgeBase(settings)
    retriever = HybridRetriever(kb)
    assert retriever.search("值班长的职责", k=1, mode="dense")[0].chunk.role == "值班長"
    # the visibility filter is a Chroma `where`, so the server applies it too
    public = retriever.search("薪酬数据保存在哪里", k=61, mode="dense", audience=PUBLIC)
    assert len(public) == 60 and "hr-pay.md" not in {h.chunk.doc_id for h in public}
    assert retriever.search("薪酬数据保存在哪里", k=1, mode="dense", audience=Audience.of(["hr"]))[0].chunk.doc_id \
        == "hr-pay.md"

    server.stop()
    kb.clear_query_cache()
    with pytest.raises(VectorStoreUnavailable, match=server.url):  # asked for dense alone: no way round it
        retriever.search("交接班要提前多久", k=1, mode="dense")
    # degraded mode: hybrid search and answers go on from BM25 alone, and say so
    degraded = retriever.search_full("交接班要提前多久", 1)
    assert degraded.notice and server.url in degraded.notice
    assert "提前10-15分鍾" in retriever.hits(degraded, 1)[0].chunk.text
    monkeypatch.setenv("DUTYKB_CHROMA_URL", server.url)
    monkeypatch.setenv("DUTYKB_EMBEDDING_CACHE", str(settings.embedding_cache_path))
    assert main(["search", "机房能带易燃物品吗", "--json", "--home", str(settings.home)]) == 0
    out = capsys.readouterr()
    payload = json.loads(out.out)
    assert payload["degraded"] is True and payload["results"] and server.url in payload["notice"]
    assert f"Chroma server {server.url}" in out.err  # a warning line on stderr
    assert main(["ask", "交接班要提前多久", "--json", "--home", str(settings.home)]) == 0
    out = capsys.readouterr()
    answer = json.loads(out.out)
    assert answer["degraded"] is True and answer["level"] == "answered" and "提前10-15分鍾" in answer["answer"]
    assert "BM25" in out.err

    monkeypatch.setenv("DUTYKB_HOME", str(settings.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(seed_copy))
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    app.chat_input[0].set_value("交接班要提前多久").run()
    assert not app.exception and not app.error
    assert "关键词（BM25）" in app.chat_message[-1].warning[0].value  # the banner
    assert "提前10-15分鍾" in plain(app.chat_message[-1].markdown[0].value)

    server.start()  # back: the next question uses the vector store again, nobody restarts anything
    recovered = retriever.search_full("交接班要提前多久", 1)
    assert recovered.notice is None and "提前10-15分鍾" in retriever.hits(recovered, 1)[0].chunk.text
    assert main(["ask", "交接班要提前多久", "--json", "--home", str(settings.home)]) == 0
    assert json.loads(capsys.readouterr().out)["degraded"] is False
    app.chat_input[0].set_value("交接班要提前多久").run()
    assert not app.exception and not app.error
    assert not app.chat_message[-1].warning
    assert "提前10-15分钟" in plain(app.chat_message[-1].markdown[0].value)
