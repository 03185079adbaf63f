"""An LLM endpoint cannot keep an answer waiting: connecting and the whole exchange have deadlines.

Measured before the fix: a server sending one byte every 5 s kept `ask --llm` waiting past 150 s,
because `llm_timeout` bounded each read, never the exchange. Real HTTP servers on loopback: one
that drips its reply byte by byte, one whose accept queue is full (connecting hangs).
"""
from __future__ import annotations

import json
import socket
import time

import pytest
from fake_llm import FakeLLM

from apps.cli.main import main
from kb.answer import Answerer
from kb.llm import LLMSpec

DRIP_S = 0.2  # one byte this often: a read timeout never trips, and the reply takes minutes
READ_TIMEOUT_S = 2.0
DEADLINE_S = 3.0
CONNECT_TIMEOUT_S = 1.0
SLACK_S = 3.0  # the extractive answer and closing the connection, on a busy machine
QUESTION = "交接班要提前多久"


def reply(messages) -> str:
    return "交接班人员要提前10-15分钟到岗。[1]"


@pytest.fixture(scope="module")
def answerer(seed_kb):
    return Answerer(seed_kb)


@pytest.mark.parametrize("streaming", [False, True])
def test_a_server_dripping_its_reply_is_cut_off_at_the_deadline(answerer, streaming):
    with FakeLLM(reply, drip_s=DRIP_S) as llm:
        spec = LLMSpec.parse(llm.spec(), timeout=READ_TIMEOUT_S, deadline=DEADLINE_S)
        start = time.monotonic()
        stream = answerer.stream(QUESTION, llm=spec) if streaming else None
        answer = stream.run() if stream is not None else answerer.answer(QUESTION, llm=spec)
        elapsed = time.monotonic() - start
    assert elapsed < DEADLINE_S + SLACK_S, elapsed
    assert answer.mode == "extractive" and "提前10-15分" in answer.answer
    assert "大模型" in answer.notice and f"{DEADLINE_S:g} s" in answer.notice
    assert len(llm.requests) == 1  # one attempt


@pytest.fixture
def unconnectable():
    """A loopback port whose accept queue is full: a new connection's SYN is dropped, connecting hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))
    spare = socket.socket()
    spare.settimeout(0.5)
    try:
        spare.connect(("127.0.0.1", port))  # with backlog 0 one more may still fit
    except TimeoutError:
        pass
    yield port
    for s in (spare, filler, server):
        s.close()


def test_connecting_is_bounded_by_the_connect_timeout(seed_settings, capsys, monkeypatch, unconnectable):
    monkeypatch.setenv("DUTYKB_LLM_CONNECT_TIMEOUT", str(CONNECT_TIMEOUT_S))
    monkeypatch.setenv("DUTYKB_LLM_DEADLINE", "60")
    start = time.monotonic()
    code = main(["ask", QUESTION, "--json", "--llm", f"m@http://127.0.0.1:{unconnectable}/v1",
                 "--home", str(seed_settings.home)])
    elapsed = time.monotonic() - start
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["mode"] == "extractive" and "大模型" in payload["notice"]
    assert elapsed < CONNECT_TIMEOUT_S + 2 * SLACK_S + 5, elapsed  # the CLI also opens the index


def test_the_cli_reads_the_deadline_from_the_settings(seed_settings, capsys, monkeypatch):
    monkeypatch.setenv("DUTYKB_LLM_TIMEOUT", str(READ_TIMEOUT_S))
    monkeypatch.setenv("DUTYKB_LLM_DEADLINE", str(DEADLINE_S))
    with FakeLLM(reply, drip_s=DRIP_S) as llm:
        code = main(["ask", QUESTION, "--json", "--llm", llm.spec(), "--home", str(seed_settings.home)])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["mode"] == "extractive" and f"{DEADLINE_S:g} s" in payload["notice"]

