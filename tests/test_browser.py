"""The app in a real browser: `streamlit run` as a subprocess, driven with Playwright and Debian's Chromium.

Needs the Debian packages `chromium` and `fonts-noto-cjk` (without the fonts,
Chinese renders as boxes; the screenshot in test-output/ is there to look at).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = REPO / "test-output" / "chat.png"
FOLLOW_UP_SCREENSHOT = REPO / "test-output" / "chat-follow-up.png"
VIEWPORT = {"width": 1280, "height": 2000}  # tall, so both answers and an opened source fit in one shot
SERVER_START_TIMEOUT_S = 90
SERVER_STOP_TIMEOUT_S = 10
POLL_INTERVAL_S = 0.5
ANSWER_TIMEOUT_MS = 90_000  # the first question loads the embedder inside the server

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed (apt-get install -y chromium fonts-noto-cjk)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=POLL_INTERVAL_S * 4) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(POLL_INTERVAL_S)
    pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def app_url(seed_settings, tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "DUTYKB_HOME": str(seed_settings.home)}
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport=VIEWPORT)
        finally:
            browser.close()


def ask(page, question: str, source_section: str):
    """Type a question, wait for its answer's sources; returns the assistant message."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    message = page.get_by_test_id("stChatMessage").filter(
        has=page.get_by_test_id("stExpander").filter(has_text=source_section)
    ).last
    message.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return message


def test_chat_in_both_scripts_shows_cited_answers(app_url, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    page.get_by_role("heading", name="岗位职责助手").wait_for(timeout=ANSWER_TIMEOUT_MS)

    traditional = ask(page, "機房可以帶易燃物品嗎", "二、安全生產制度")
    assert "嚴禁攜帶易燃易爆物品進入機房" in traditional.inner_text()
    source = traditional.get_by_test_id("stExpander").first
    assert "《後場老師職責》" in source.inner_text() and "第1條" in source.inner_text()

    simplified = ask(page, "排队超过10人怎么办", "六、排班制度")
    text = simplified.inner_text()
    assert "現場主管應立即調整" in text and "等待人數>10人" in text  # quotes as the document writes them
    assert "回答方式：原文摘录" in text

    for message in (traditional, simplified):  # open the first source of each answer: quote and highlights
        message.get_by_test_id("stExpander").first.locator("summary").click()
    first_source = simplified.get_by_test_id("stExpander").first
    first_source.get_by_text("制定出以下應急方案", exact=False).wait_for()  # the intro the steps belong to
    assert "[1]" in first_source.inner_text() and "第2條" in first_source.inner_text()

    ask(page, "值班长的职责是什么", "三、值班長崗位職責")
    follow_up = ask(page, "那质检员呢？", "四、質檢員崗位職責")  # a follow-up, understood from the turn before
    text = follow_up.inner_text()
    assert "理解为：质检员的职责是什么？" in text and "质检员的岗位职责（共3条）" in text

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True, animations="disabled")
    follow_up.scroll_into_view_if_needed()  # the chat scrolls inside the page: show the follow-up too
    page.screenshot(path=str(FOLLOW_UP_SCREENSHOT), animations="disabled")
    assert not errors
