"""The app in a real browser: `streamlit run serve.py` (what `make start` runs), driven with Playwright and
Debian's Chromium, walking what a new hire, a trainer and an editor see.

Every page load records Chromium's console, page errors, failed requests, HTTP errors and requests to
any host but the app's; a test fails on any of them. Screenshots go to test-output/browser/ for people
to look at. Needs the Debian packages `chromium` and `fonts-noto-cjk` (without the fonts, Chinese
renders as boxes).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "test-output" / "browser"
DESKTOP = {"width": 1280, "height": 1600}
PHONE = {"width": 390, "height": 844}
PHONE_WIDTHS = range(340, 431, 6)  # a sweep, so that some width puts a line break right at the clause number
SERVER_START_TIMEOUT_S = 120
SERVER_STOP_TIMEOUT_S = 10
POLL_INTERVAL_S = 0.5
ANSWER_TIMEOUT_MS = 90_000  # the first question loads the embedder inside the server
EVAL_TIMEOUT_MS = 180_000
SETTLE_MS = 1_500  # let a page finish its requests before its log is read
CHOOSE_TRIES, CHOOSE_WAIT_MS = 5, 2_000
NO_BREAK = "\u2060"
CLAUSE_1 = NO_BREAK.join(("第", "1", "项"))  # a list item: 第k条 is said only of a document's own articles
CLAUSE = re.compile("第" + NO_BREAK + r"\d+(" + NO_BREAK + "[–、]" + NO_BREAK + r"\d+)*" + NO_BREAK + "[项条]")
OPEN_NOTICE = "未启用登录：所有人可用，只显示公开条目"

SHIFT_SUITE = """suite: 交接班
cases:
  - id: shift-early
    question: 交接班要提前多久到
    expect: {evidence: ["提前10-15分鍾到達工作崗位"]}
"""
MACHINE_ROOM_SUITE = """suite: 机房安全
cases:
  - id: room-fire
    question: 機房可以帶易燃物品嗎
    expect: {evidence: ["嚴禁攜帶易燃易爆物品進入機房"]}
"""
NEW_ENTRY_BODY = """# 夜班值守员岗位职责
1、每两小时巡检一次机房温湿度并登记。
2、交班前整理夜班日志并当面交接。
# 附录"""

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
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=POLL_INTERVAL_S * 4) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(POLL_INTERVAL_S)
    pytest.fail(f"the server did not answer within {SERVER_START_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server we started, with everything it started (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def serve(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Run a server command in its own process group; yields its URL once it answers."""
    port = free_port()
    env = {**env, "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="module")
def home(seed_settings, tmp_path_factory) -> Path:
    """A private copy of the seed index: the editor's runs are written into it."""
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(seed_settings.home, home)
    return home


@pytest.fixture(scope="module")
def suites_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("suites")
    (folder / "a-shift.yaml").write_text(SHIFT_SUITE, encoding="utf-8")
    (folder / "b-machine-room.yaml").write_text(MACHINE_ROOM_SUITE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def app_url(seed_settings, home, suites_dir, tmp_path_factory):
    env = {**os.environ, "DUTYKB_HOME": str(home), "DUTYKB_CORPUS": str(seed_settings.corpus),
           "DUTYKB_EMBEDDING_CACHE": str(seed_settings.embedding_cache_path),
           "DUTYKB_SUITES_DIR": str(suites_dir)}
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "serve.py")]
    with serve(command, REPO, env, log) as url:
        yield url


@pytest.fixture(scope="module")
def linked_app_url(linked_settings, tmp_path_factory):
    """A second server, over an index whose duty items hold web and e-mail addresses."""
    env = {**os.environ, "DUTYKB_HOME": str(linked_settings.home), "DUTYKB_CORPUS": str(linked_settings.corpus),
           "DUTYKB_EMBEDDING_CACHE": str(linked_settings.embedding_cache_path)}
    log = tmp_path_factory.mktemp("streamlit-linked") / "server.log"
    with serve([sys.executable, "-m", "streamlit", "run", str(REPO / "serve.py")], REPO, env, log) as url:
        yield url


REVIEW_DOC = "handbook.md"
# 工程维修 is a task in a table of work, which the parser does not take for a post; 业主 (the owners) is no post
REVIEW_HANDBOOK = "\n".join([
    "# 物业服务中心岗位职责", "", "## 一、客服主管岗位职责", "", "1. 受理业主报修。", "2. 每月回访业主。", "",
    "## 二、业主职责", "", "1. 按时缴纳物业费。", "2. 爱护公共设施。", "",
    "## 三、工作分工", "", "| 工作 | 内容 |", "| --- | --- |",
    "| 工程维修 | 1. 维修公共设施。2. 做好维修记录。 |", "| 绿化养护 | 修剪草坪，浇灌花木。 |", "",
])


@pytest.fixture
def review_app_url(make_settings, tmp_path):
    """A server over its own small corpus (a handbook with a post in a table row that the parser misses, a spurious
    role, and a notice), which the role review test writes its corrections into; fresh for each viewport."""
    from test_app_role_review import NOTICE

    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / REVIEW_DOC).write_text(REVIEW_HANDBOOK, encoding="utf-8")
    (corpus / "notice.txt").write_text(NOTICE, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    env = {**os.environ, "DUTYKB_HOME": str(settings.home), "DUTYKB_CORPUS": str(corpus),
           "DUTYKB_EMBEDDING_CACHE": str(settings.embedding_cache_path)}
    with serve([sys.executable, "-m", "streamlit", "run", str(REPO / "serve.py")], REPO, env,
               tmp_path / "server.log") as url:
        yield url, settings


@dataclass
class BrowserLog:
    """What Chromium reported while the tests drove it; `problems()` lists what a user's console would flag."""

    origin: str
    console: list[str] = field(default_factory=list)
    problems_seen: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems_seen.append(f"page error: {exc}"))
        page.on("requestfailed", lambda r: self.problems_seen.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems_seen.append(f"HTTP {r.status}: {r.url}"))
        page.on("request", self._request)

    def _console(self, message) -> None:
        self.console.append(f"{message.type}: {message.text}")
        if message.type == "error":
            self.problems_seen.append(f"console error: {message.text} ({message.location.get('url')})")

    def _request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != urlparse(self.origin).netloc:
            self.problems_seen.append(f"request to another host (fails offline): {request.url}")

    def problems(self) -> list[str]:
        return list(self.problems_seen)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, url: str, viewport: dict[str, int] = DESKTOP):
    page = browser.new_page(viewport=viewport)
    log = BrowserLog(url)
    log.attach(page)
    return page, log


def wait_idle(page) -> None:
    """Until the script run is over (Streamlit shows its running-man status while a run goes on, and fades the
    elements of the run before until the new run has drawn or dropped them: seen at phone width, where the
    status may not show)."""
    page.get_by_test_id("stStatusWidgetRunningIcon").wait_for(state="detached", timeout=EVAL_TIMEOUT_MS)
    page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=EVAL_TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')", timeout=EVAL_TIMEOUT_MS)


def shoot(page, name: str) -> Path:
    """A screenshot of what is on screen (Streamlit scrolls inside its own container, so the viewport is tall)."""
    wait_idle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    return path


def goto_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def settle(page, log: BrowserLog) -> list[str]:
    page.wait_for_timeout(SETTLE_MS)
    return log.problems()


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


LINES_OF_TEXT = """(element, needle) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    }
    return 0;
}"""


def lines_of(locator, needle: str) -> int:
    """On how many lines `needle` is drawn inside `locator` (0: not found in one text node)."""
    return locator.evaluate(LINES_OF_TEXT, needle)


def highlight_styles(locator) -> list[dict[str, str]]:
    return locator.evaluate_all(
        "spans => spans.map(s => { const c = getComputedStyle(s); return {text: s.innerText, "
        "padding: c.paddingLeft + ' ' + c.paddingRight, margin: c.marginLeft + ' ' + c.marginRight, "
        "background: c.backgroundColor}; })")


def test_chat_answers_with_tight_highlights_one_line_clause_numbers_and_a_short_open_notice(app_url, browser):
    page, log = open_page(browser, app_url)
    goto_page(page, app_url, "岗位职责助手")

    sidebar = page.get_by_test_id("stSidebar")
    assert OPEN_NOTICE in sidebar.inner_text()
    assert not sidebar.get_by_test_id("stAlert").count()  # one quiet line, not a warning box
    sidebar.get_by_test_id("stCaptionContainer").filter(has_text=OPEN_NOTICE).get_by_test_id(
        "stTooltipHoverTarget").hover()
    tooltip = page.get_by_test_id("stTooltipContent")
    tooltip.wait_for()
    assert "dutykb users add" in tooltip.inner_text()  # the details, for whoever runs the app
    page.mouse.move(DESKTOP["width"] // 2, DESKTOP["height"] // 2)

    traditional = ask(page, "機房可以帶易燃物品嗎", "二、安全生產制度")
    assert "嚴禁攜帶易燃易爆物品進入機房" in traditional.inner_text()
    simplified = ask(page, "排队超过10人怎么办", "六、排班制度")
    assert "現場主管應立即調整" in simplified.inner_text()  # quotes as the document writes them
    for message in (traditional, simplified):
        message.get_by_test_id("stExpander").first.locator("summary").click()
    source = traditional.get_by_test_id("stExpander").first
    label = source.locator("summary").get_by_test_id("stMarkdownContainer").inner_text()
    assert label.startswith("[1] 《後場老師職責》") and label.rstrip().endswith(CLAUSE_1), label
    assert "條" not in label.split("›")[-1]  # the UI's words are Simplified; titles stay as written

    quote = source.get_by_test_id("stExpanderDetails")
    quote.get_by_text("嚴禁攜帶易燃易爆物品進入", exact=False).wait_for()
    marks = highlight_styles(page.get_by_test_id("stExpander").locator(
        "span.stMarkdownColoredText, span.stMarkdownColoredBackground"))
    assert {m["text"] for m in marks} >= {"機房", "物品"}, marks
    for m in marks:  # no padded box around a match: it would read as a space inside Chinese text
        assert m["padding"] == "0px 0px" and m["margin"] == "0px 0px", m
    shoot(page, "chat")
    assert not settle(page, log)


def link_targets(page) -> list[str]:
    return page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")


def font_size(locator) -> float:
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_addresses_quoted_from_a_document_are_text_not_links(linked_app_url, browser):
    from conftest import LINKED_ADDRESSES

    page, log = open_page(browser, linked_app_url)
    goto_page(page, linked_app_url, "岗位职责助手")
    message = ask(page, "网管员的岗位职责是什么", "网管员岗位职责")
    for summary in message.get_by_test_id("stExpander").locator("summary").all():
        summary.click()
    text = message.inner_text().replace(NO_BREAK, "")
    assert all(address in text for address in LINKED_ADDRESSES), text  # shown, and copied, as written
    corpus_links = [href for href in link_targets(page) if "example" in href or href.startswith("mailto:")]
    assert not corpus_links, corpus_links
    shoot(page, "chat-addresses")

    goto_page(page, f"{linked_app_url}/roles", "岗位职责一览")
    page.get_by_text("报修单一律在", exact=False).first.wait_for()
    assert not [href for href in link_targets(page) if "example" in href]
    title, document, role = (font_size(page.get_by_role("heading", name=name).first)
                             for name in ("岗位职责一览", "网络报修规定", "网管员"))
    assert title > document > role, (title, document, role)  # the document's title heads its roles, under the page's
    shoot(page, "roles")
    assert not settle(page, log)


def one_source_card(message, items: list[int]):
    """The one source card of a whole-list answer: labelled with the list's item range, each item's [n] inside."""
    cards = message.get_by_test_id("stExpander")
    assert cards.count() == 1, [c.inner_text() for c in cards.all()]
    label = cards.first.locator("summary").get_by_test_id("stMarkdownContainer").inner_text()
    first, last = items[0], items[-1]
    assert NO_BREAK.join(("第", str(first), "–", str(last), "项")) in label, label
    assert label.startswith(f"[{first}–{last}]"), label
    return cards.first


def test_a_follow_up_question_is_understood_from_the_turn_before(app_url, browser):
    page, log = open_page(browser, app_url)
    goto_page(page, app_url, "岗位职责助手")
    duties = ask(page, "值班长的职责是什么", "三、值班長崗位職責")
    one_source_card(duties, list(range(1, 8)))
    duties.get_by_test_id("stExpander").locator("summary").click()
    duties.scroll_into_view_if_needed()
    shoot(page, "chat-whole-list-desktop")
    follow_up = ask(page, "那质检员呢？", "四、質檢員崗位職責")
    text = follow_up.inner_text()
    assert "理解为：质检员的职责是什么？" in text and "质检员的岗位职责（共3项）" in text
    assert "配合值班長做好各類數據提取" in text
    follow_up.scroll_into_view_if_needed()  # the chat scrolls inside its own container
    shoot(page, "chat-follow-up")
    assert not settle(page, log)


def test_on_a_phone_a_source_label_never_splits_its_clause_number(app_url, browser):
    page, log = open_page(browser, app_url, PHONE)
    goto_page(page, app_url, "岗位职责助手")
    message = ask(page, "值班长的岗位职责是什么", "三、值班長崗位職責")
    card = one_source_card(message, list(range(1, 8)))
    assert card.bounding_box()["height"] < PHONE["height"] / 4  # the sources take a line or three, not screens
    card.locator("summary").click()
    summaries = message.get_by_test_id("stExpander").locator("summary").get_by_test_id("stMarkdownContainer")
    clauses = [(summary, CLAUSE.search(summary.inner_text()).group()) for summary in summaries.all()]
    wrapped = 0
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        for summary, clause in clauses:
            lines = lines_of(summary, clause)
            assert lines == 1, f"{clause!r} drawn on {lines} lines at {width}px"
        wrapped += sum(lines_of(summary, summary.inner_text().strip()) > 1 for summary, _ in clauses)
    assert wrapped  # the labels did wrap at these widths, just never inside a clause number
    page.set_viewport_size(PHONE)
    shoot(page, "chat-phone")
    assert not settle(page, log)


def test_deep_links_open_their_page_without_errors_and_the_icon_is_served_by_the_app(app_url, browser):
    from apps.ui.pages import URL_PATHS

    headings = {"roles": "岗位", "curation": "条目管理", "role-review": "岗位核对", "hit-test": "命中测试",
                "lexicon": "词典", "evals": "评测", "study": "入职学习"}
    assert set(headings) == set(URL_PATHS.values())
    for url_path, heading in headings.items():
        page, log = open_page(browser, app_url)
        goto_page(page, f"{app_url}/{url_path}", heading)
        assert urlparse(page.url).path == f"/{url_path}"
        assert not settle(page, log), url_path  # no 404 for /{page}/_stcore/health or …/host-config
        if url_path == "hit-test":
            shoot(page, "deep-link-hit-test")
        icon = page.locator("link[rel~='icon']").first.get_attribute("href")
        assert icon and urlparse(icon).netloc in ("", urlparse(app_url).netloc), icon
        response = page.request.get(urljoin(page.url, icon))
        assert response.ok and response.headers["content-type"] == "image/png"
        page.close()


def test_trainer_pages_list_parsed_titles_derive_file_names_note_split_role_names_and_fit_the_hit_table(
        app_url, browser):
    page, log = open_page(browser, app_url)
    goto_page(page, f"{app_url}/curation", "条目管理")
    table = page.get_by_test_id("stDataFrame").locator("table")  # the grid's accessible (unseen) table
    table.wait_for(state="attached")
    header = [cell.text_content() for cell in table.locator("thead th").all()]
    cells = [cell.text_content() for cell in table.locator("tbody tr").first.locator("td").all()]
    row = dict(zip(header[-len(cells):], cells, strict=True))
    assert row["标题"] == "後場老師職責" and row["版本数"] == "原始文件", row
    assert row["岗位"].startswith("16 个：") and "值班長" in row["岗位"], row  # the roles it defines
    assert fits(page.get_by_test_id("stDataFrame")), "the entry list scrolls sideways"
    shoot(page, "curation-list")

    page.get_by_text("新建条目", exact=True).click()
    title = page.get_by_label("标题（必填）")
    title.fill("夜班值守规范（2024版）")
    title.press("Tab")
    file_name = page.get_by_label("文件名（按标题生成，可以修改）")
    page.wait_for_function("el => el.value === '夜班值守规范-2024版.md'", arg=file_name.element_handle())
    page.get_by_label("正文（Markdown：标题和 1、2、… 编号的条目）").fill(NEW_ENTRY_BODY)
    page.get_by_role("button", name="预览").click()
    note = page.get_by_test_id("stAlertContentInfo").filter(has_text="夜班值守员")
    note.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "整词" in note.inner_text() and "jieba" not in note.inner_text()
    warnings = page.get_by_test_id("stAlertContentWarning")
    assert "「# 附录」下没有条目或正文" in warnings.first.inner_text()
    assert all("夜班值守员" not in w.inner_text() for w in warnings.all())  # only what needs action warns
    assert page.get_by_label("文件名（按标题生成，可以修改）").input_value() == "夜班值守规范-2024版.md"
    shoot(page, "curation-new-preview")

    goto_page(page, f"{app_url}/hit-test", "命中测试")
    question = page.get_by_label("问题")
    question.fill("交接班要提前多久到")
    question.press("Enter")
    grid = page.get_by_test_id("stDataFrame")
    grid.locator("table").wait_for(state="attached", timeout=ANSWER_TIMEOUT_MS)
    assert [c.text_content() for c in grid.locator("thead th").all()][-2:] == ["命中词", "小节"]
    assert fits(grid), "the hit table scrolls sideways: its last columns are cut off"
    shoot(page, "hit-test")
    assert not settle(page, log)


def choose(page, combobox, option: str | re.Pattern[str], search: str = "") -> None:
    """Pick a select box's option as a person does. A click right after the box's expander opens can come
    before the box is ready and the list never opens (seen on both widths), so it is clicked until it does.
    With `search`, the words are typed into the box, which opens its list at once (a click alone left it
    closed five times running in CI), and the option they leave first is taken with Enter, as from the
    keyboard: clicking it on a phone met an option drawn anew under the pointer until the click gave up."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    listed = page.get_by_role("option", name=option)
    for _ in range(CHOOSE_TRIES):
        combobox.click()
        if search:
            combobox.fill(search)
        try:
            listed.wait_for(timeout=CHOOSE_WAIT_MS)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    if search:
        page.keyboard.press("Enter")
    else:
        listed.click()


def review_step(page, form, button: str, done: str) -> None:
    """Press a correction form's save button and wait for the re-ingest's outcome on the page drawn again."""
    form.get_by_role("button", name=button).click()
    page.get_by_test_id("stAlertContentSuccess").filter(has_text=done).wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_idle(page)


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_trainer_adds_a_missed_role_and_drops_a_spurious_one_then_the_chat_answers_with_it(
        review_app_url, browser, viewport, name):
    from ingest.overrides import Action, load_overrides
    from ingest.pipeline import run_ingest

    url, settings = review_app_url
    page, log = open_page(browser, url, viewport)
    goto_page(page, f"{url}/role-review", "岗位核对")
    documents = page.get_by_test_id("stRadioOption")
    documents.first.wait_for(timeout=ANSWER_TIMEOUT_MS)  # the page reads every document's outline first
    labels = documents.all_inner_texts()
    assert labels[0].startswith("待核对") and "关于元旦放假的通知" in labels[0], labels  # no role found: first
    badge = documents.first.locator(".stMarkdownBadge")
    assert badge.inner_text() == "待核对"
    shoot(page, f"role-review-list-{name}")
    documents.filter(has_text="《物业服务中心岗位职责》").click()
    page.get_by_role("heading", name="客服主管").wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_idle(page)

    adding = page.get_by_test_id("stExpander").filter(has_text="从大纲节点添加岗位")
    adding.locator("summary").click()
    choose(page, adding.get_by_role("combobox", name="大纲节点"), re.compile("三、工作分工 › 1. 工作：工程维修"),
           search="工程维修")
    adding.get_by_label("岗位名称").fill("维修工")
    adding.get_by_label("原因").fill("表格里的分工行，解析没当成岗位")
    adding.scroll_into_view_if_needed()
    shoot(page, f"role-review-add-{name}")
    review_step(page, adding, "添加岗位", "从大纲节点添加岗位：维修工")
    added = page.locator("[class*='st-key-rr-role-']").filter(has=page.get_by_role("heading", name="维修工"))
    assert "来源：人工添加" in added.inner_text() and "做好维修记录。" in added.inner_text()

    owners = page.locator("[class*='st-key-rr-role-']").filter(has=page.get_by_role("heading", name="业主"))
    form = owners.get_by_test_id("stExpander")
    form.locator("summary").click()
    form.get_by_role("radio", name="不是岗位").click()
    form.get_by_label("原因").wait_for()
    form.get_by_label("原因").fill("业主须知，不是岗位")
    form.scroll_into_view_if_needed()
    shoot(page, f"role-review-not-a-role-{name}")
    review_step(page, form, "保存更正", "不是岗位：业主")
    owners.wait_for(state="detached")
    roles = page.locator("[class*='st-key-rr-role-'] h3").all_inner_texts()
    assert [r.strip() for r in roles] == ["客服主管", "维修工"], roles
    # every form starts closed and empty: 维修工 now stands where 业主 did, and must not show its choice
    assert not page.locator("[class*='st-key-rr-role-'] [role=radio][aria-checked=true]").count()
    assert not page.locator("[class*='st-key-rr-role-'] details[open]").count()
    assert "原因：业主须知，不是岗位" in page.get_by_test_id("stMain").inner_text()
    page.get_by_test_id("stAlertContentSuccess").scroll_into_view_if_needed()  # the outcome, on a phone too
    shoot(page, f"role-review-{name}")
    assert [(o.action, o.by) for o in load_overrides(settings.corpus)] == [(Action.ADD, "匿名"),
                                                                        (Action.NOT_A_ROLE, "匿名")]

    assert (settings.corpus / "roles.yaml").is_file()  # the corrections live beside the documents

    goto_page(page, url, "岗位职责助手")
    answer = ask(page, "维修工的职责有哪些", "三、工作分工")
    assert "维修工的岗位职责（共2项）" in answer.inner_text()
    assert "维修公共设施。" in answer.inner_text() and "做好维修记录。" in answer.inner_text()
    answer.scroll_into_view_if_needed()
    shoot(page, f"role-review-chat-{name}")

    # the document is edited around both anchors (a row above the added one, an item for the owners) and
    # ingested again: the added role and the dropped one stay as the trainer left them
    edited = REVIEW_HANDBOOK.replace("| 工程维修 |", "| 保洁 | 1. 清扫楼道。2. 清运垃圾。 |\n| 工程维修 |")
    edited = edited.replace("2. 爱护公共设施。", "2. 爱护公共设施。\n3. 装修前向物业申报。")
    (settings.corpus / REVIEW_DOC).write_text(edited, encoding="utf-8")
    assert not run_ingest(settings, show_progress=False).unmatched_overrides
    goto_page(page, f"{url}/role-review", "岗位核对")
    documents.filter(has_text="《物业服务中心岗位职责》").click()
    page.get_by_role("heading", name="维修工").wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_idle(page)
    roles = page.locator("[class*='st-key-rr-role-'] h3").all_inner_texts()
    assert [r.strip() for r in roles] == ["客服主管", "维修工"], roles
    assert not page.get_by_test_id("stAlertContentWarning").count()  # no correction reported stale
    goto_page(page, url, "岗位职责助手")
    answer = ask(page, "维修工的职责有哪些", "三、工作分工")
    assert "维修工的岗位职责（共2项）" in answer.inner_text() and "清扫楼道" not in answer.inner_text()
    answer.scroll_into_view_if_needed()
    shoot(page, f"role-review-after-edit-{name}")
    assert not settle(page, log)


def fits(grid) -> bool:
    """Whether a dataframe shows every column without scrolling sideways."""
    return grid.locator(".dvn-scroller").evaluate("s => s.scrollWidth <= s.clientWidth")


def newest_report(home: Path) -> dict | None:
    reports = sorted((home / "evals" / "runs").glob("*/report.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8")) if reports else None


def test_editor_deselects_a_suite_with_a_click_runs_and_sees_runs_labelled_by_date_and_time(app_url, browser, home):
    page, log = open_page(browser, app_url)
    goto_page(page, f"{app_url}/evals", "评测")
    picker = page.get_by_test_id("stMultiSelect")
    picker.locator("[data-tag]").first.wait_for()
    assert [t.get_attribute("aria-label") for t in picker.locator("[data-tag]").all()] == [
        "a-shift.yaml", "b-machine-room.yaml"]
    page.get_by_role("button", name="Remove a-shift.yaml").click()  # the × on the tag, as a person clicks it
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stMultiSelect] [data-tag]').length === 1")
    before = newest_report(home)
    page.get_by_role("button", name="运行评测").click()
    page.get_by_text("评测集：机房安全", exact=False).wait_for(timeout=EVAL_TIMEOUT_MS)
    report = newest_report(home)
    assert report is not None and report != before
    assert [s["name"] for s in report["suites"]] == ["机房安全"]  # the deselected suite did not run
    shoot(page, "evals-report")

    page.get_by_role("tab", name="历史趋势").click()
    chart = page.get_by_test_id("stVegaLiteChart").last
    chart.locator("svg").first.wait_for()
    labels = [t.text_content() for t in chart.locator("svg .role-axis-label text").all()]
    run_label = re.compile(r"\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")
    assert any(run_label.fullmatch(label) for label in labels), labels  # the single run: date and time
    assert all(run_label.fullmatch(label) or re.fullmatch(r"[01]\.\d", label) for label in labels), labels
    shoot(page, "evals-history")
    assert not settle(page, log)


@pytest.mark.slow
def test_make_start_on_a_fresh_clone_serves_pages_without_console_errors(browser, seed_settings, tmp_path):
    """`make start` in a clean clone: ingest from scratch, then the server, then the pages in Chromium.

    It reuses this run's virtualenv (`-o` keeps make from reinstalling into it) and puts the clone's
    sources first on the path, so what runs is the clone's code, Makefile and config; the embedding
    cache is the test run's, which only saves re-embedding the same texts.
    """
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "PYTHONPATH": str(clone), "DUTYKB_EMBEDDING_CACHE": str(seed_settings.embedding_cache_path)}
    for name in ("DUTYKB_HOME", "DUTYKB_CORPUS", "DUTYKB_SUITES_DIR", "DUTYKB_USERS_FILE", "DUTYKB_CONFIG"):
        env.pop(name, None)
    command = ["make", "--no-print-directory", "start", f"VENV={venv}", "-o", f"{venv}/.installed"]
    log_file = tmp_path / "make-start.log"
    with serve(command, clone, env, log_file) as url:
        assert (clone / ".dutykb" / "manifest.json").exists()  # make start ingested the shipped corpus
        for url_path, heading in (("", "岗位职责助手"), ("/hit-test", "命中测试"), ("/evals", "评测")):
            page, log = open_page(browser, url)
            goto_page(page, url + url_path, heading)
            problems = settle(page, log)
            assert not problems, (url_path, problems, log.console)
            page.close()


OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('[data-testid=stMain] *')]
        .filter(e => !e.closest('[data-testid=stDataFrame]'))  // a table scrolls inside its own box
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })
        .map(e => `${e.tagName} ${e.getAttribute('data-testid') || ''}: ${(e.innerText || '').slice(0, 40)}`);
}"""
STUDY_ROLE = re.compile("^值班長（")
SCORE = re.compile(r"得分：(\d+) / (\d+)")
WRONG_CLOZE = "不知道"
SELECT_ALL = "__select_all__"  # the data-key of a multiselect's "select all" option


def overflowing(page) -> list[str]:
    """Elements of the page drawn past its right edge (text that runs off a phone's screen)."""
    return page.evaluate(OVERFLOWING)


def pick_in_order(page, box) -> int:
    """Pick every option of a multiselect in the order listed (not its "select all"); returns how many."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    options = page.locator(f"[role=option]:not([data-key={SELECT_ALL}])")
    for _ in range(CHOOSE_TRIES):
        box.click()
        try:
            options.first.wait_for(timeout=CHOOSE_WAIT_MS)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    keys = options.evaluate_all("listed => listed.map(o => o.dataset.key)")
    for key in keys:
        option = page.locator(f"[role=option][data-key='{key}']")
        if not option.count():
            box.click()  # the list closed after a pick
        wait_idle(page)  # an option clicked while the list is still being drawn is replaced under the click
        option.click()
    page.keyboard.press("Escape")
    return len(keys)


def answer_quiz(page, form) -> int:
    """Answer every question as a hire unsure of them: a blank with 不知道, the first of the choices, the steps in
    the order listed. Returns how many questions the form asked."""
    from apps.ui.study_page import STEP_LETTERS

    questions = form.locator("[class*='st-key-study-q-']")
    asked = questions.count()
    for i in range(asked):
        widget = questions.nth(i)
        if widget.get_by_test_id("stTextInput").count():
            widget.locator("input").fill(WRONG_CLOZE)
        elif widget.get_by_test_id("stRadio").count():
            widget.get_by_test_id("stRadioOption").first.click()
        else:
            steps = pick_in_order(page, widget.get_by_role("combobox"))
            tags = [t.get_attribute("aria-label") for t in widget.locator("[data-tag]").all()]
            assert tags == list(STEP_LETTERS[:steps]), tags  # picked by the letter each whole step is listed under
    return asked


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_new_hire_studies_a_role_and_takes_a_quiz_and_the_trainer_sees_it(app_url, browser, home, viewport, name):
    from apps.ui.study_page import DEFAULT_QUESTIONS
    from kb.quiz_store import QUIZ_FILENAME, QuizStore

    page, log = open_page(browser, app_url, viewport)
    goto_page(page, f"{app_url}/study", "入职学习")
    choose(page, page.get_by_role("combobox", name="选择你的岗位"), STUDY_ROLE)
    page.get_by_role("heading", name="值班長 · 学习资料").wait_for(timeout=ANSWER_TIMEOUT_MS)
    main = page.get_by_test_id("stMain")
    for shown in ("具體負責熱線服務中心現場管理", "相关规定与流程", "工作中打交道的岗位", "有什么变化"):
        main.get_by_text(shown, exact=False).first.wait_for()
    assert not overflowing(page), overflowing(page)
    shoot(page, f"study-sheet-{name}")

    page.get_by_role("button", name="开始自测").click()
    form = page.get_by_test_id("stForm")
    form.wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_idle(page)
    assert answer_quiz(page, form) == DEFAULT_QUESTIONS
    assert not overflowing(page), overflowing(page)
    form.scroll_into_view_if_needed()
    shoot(page, f"study-quiz-{name}")

    form.get_by_role("button", name="提交答案").click()
    score = page.get_by_test_id("stAlertContentSuccess").filter(has_text="得分")
    score.wait_for(timeout=ANSWER_TIMEOUT_MS)
    right, asked = map(int, SCORE.search(score.inner_text()).groups())
    assert asked == DEFAULT_QUESTIONS
    mine = QuizStore(home / QUIZ_FILENAME).progress()[0]  # newest first: this hire's quiz
    assert (mine.role, mine.answered, mine.right) == ("值班長", asked, right)
    block = page.get_by_test_id("stVerticalBlock")
    results = main.locator(block).filter(has_not=block).filter(has_text="正确答案：")  # each question's own box
    assert results.count() == asked
    assert results.filter(has_text="出处：《").count() == asked  # every question shows its source after answering
    assert results.filter(has_text="你的答案：").count() == asked - right  # and a wrong answer the hire's own
    assert not overflowing(page), overflowing(page)
    score.scroll_into_view_if_needed()
    shoot(page, f"study-score-{name}")
    assert not settle(page, log)
    page.close()

    # the trainer (open mode: everyone is one) sees the quiz counted and the questions most often missed
    page, log = open_page(browser, app_url, viewport)
    goto_page(page, f"{app_url}/study", "入职学习")
    page.get_by_role("heading", name="培训进度").wait_for()
    tables = page.get_by_test_id("stDataFrame")
    tables.first.locator("table").wait_for(state="attached")
    assert "值班長" in tables.first.locator("table").text_content()
    missed = QuizStore(home / QUIZ_FILENAME).most_missed()
    main = page.get_by_test_id("stMain")
    for m in missed:
        main.get_by_text(f"答错 {m.missed} / {m.asked} 次", exact=False).first.wait_for()
    assert missed or right == asked  # every question the hire got wrong is among them
    assert not overflowing(page), overflowing(page)
    main.get_by_text("最常答错的题目").scroll_into_view_if_needed()
    shoot(page, f"study-trainer-{name}")
    assert not settle(page, log)
