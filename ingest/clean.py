"""Strip scraped-page boilerplate (breadcrumbs, timestamps, SEO lines, link lists, Q&A fillers).

Patterns are matched on the Simplified match text of each line so one pattern
covers both scripts; the kept lines are returned in their original form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.normalize import normalize
from kb.outline import HEADING, ITEM, LINE, Block

BREADCRUMB = re.compile(r"^(当前位置|您的位置|你的位置|你现在的位置)\s*[:：]")
PUBLISHED = re.compile(r"^(发布时间|发表时间|更新时间|发布日期|时间)\s*[:：]\s*\d{4}")
SEO_EXTENDED_READING = re.compile(r"^\(?\d+\)?.{0,40}(扩展阅读|延伸阅读|拓展阅读)\s*[:：]?$")
LINK_LIST_MAX_LINE = 30  # titles in a "hot content" list are short; a longer line means real text resumed
LINK_LIST_HEADINGS = {"热点内容", "相关文章", "相关内容", "猜你喜欢", "热门推荐", "热门文章", "推荐阅读", "最新文章"}
LISTING_LINE = re.compile(r"(发布|发表)\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}.*(浏览|阅读|点击)\s*[:：]\s*\d+")
VIEW_COUNT = re.compile(r"^(浏览|阅读|点击)(次数|量)?\s*[:：]?\s*\d+\s*(次)?$")
# a page's meta line: publish date / source / hits / font size / print-close links, in any combination
PAGE_META = re.compile(r"(浏览次数|访问量|点击量|阅读量|点击数)\s*[:：]|字体\s*[:：]\s*\[?\s*大|【\s*(打印|关闭)")
# A table of contents line: a heading, a run of leader dots (or ellipses), maybe a page number. The heading
# itself follows in the body, so the entry would only duplicate it as an empty section.
TOC_LINE = re.compile(r"^.{1,60}?(?:[.．·…⋯_]\s*){6,}\s*\d{0,4}\s*$")
AD_LINE = re.compile(r"^(广告|赞助|点击下载|扫码关注|版权所有|copyright)", re.I)
QA_FILLERS = re.compile(
    r"^[,，。.]?\s*(这个问题也许我能帮上点忙|希望对你有所帮助|希望能帮到你|希望对您有所帮助|以上回答希望对你有帮助|满意请采纳)[。!！.]*$"
)


@dataclass
class CleanResult:
    text: str
    removed: list[str] = field(default_factory=list)


def _is_link_list_heading(match_line: str) -> bool:
    return match_line.rstrip(":：") in LINK_LIST_HEADINGS


def _drop_reason(match_line: str) -> str | None:
    if BREADCRUMB.match(match_line):
        return "breadcrumb"
    if PUBLISHED.match(match_line):
        return "timestamp"
    if SEO_EXTENDED_READING.match(match_line):
        return "seo"
    if LISTING_LINE.search(match_line) or VIEW_COUNT.match(match_line):
        return "listing"
    if PAGE_META.search(match_line):
        return "page meta"
    if AD_LINE.match(match_line):
        return "ad"
    if QA_FILLERS.match(match_line):
        return "filler"
    if TOC_LINE.match(match_line):
        return "contents"
    return None


@dataclass
class CleanBlocks:
    blocks: list[Block]
    removed: list[str] = field(default_factory=list)


class _Cleaner:
    """Line-by-line boilerplate filter; a link-list heading drops itself and the listing below it."""

    def __init__(self) -> None:
        self.in_link_list = False
        self.removed: list[str] = []

    def keep(self, line: str, plain: bool = True) -> bool:
        """Whether to keep a line; `plain` is False for what a format marks as a heading or list item, which is
        never an ad label (a sponsorship team's `赞助`, as Markdown's `- 赞助` and `## 赞助` are not)."""
        match_line = normalize(line)
        if not match_line:
            return True
        if _is_link_list_heading(match_line):
            self.in_link_list = True
            self.removed.append(line)
            return False
        reason = _drop_reason(match_line)
        if reason == "ad" and not plain:
            reason = None
        if self.in_link_list and (reason == "listing" or len(match_line) <= LINK_LIST_MAX_LINE):
            self.removed.append(line)
            return False
        self.in_link_list = False
        if reason:
            self.removed.append(line)
            return False
        return True


def clean_blocks(blocks: list[Block]) -> CleanBlocks:
    """Drop boilerplate lines, headings and items of a format reader's blocks (tables are kept as read)."""
    cleaner = _Cleaner()
    kept = [b for b in blocks if b.kind not in (LINE, HEADING, ITEM) or cleaner.keep(b.text, plain=b.kind == LINE)]
    return CleanBlocks(kept, cleaner.removed)


def clean_text(text: str) -> CleanResult:
    """Remove boilerplate lines; a link-list heading drops itself and the listing below it."""
    cleaner = _Cleaner()
    kept = [line for line in text.split("\n") if cleaner.keep(line)]
    return CleanResult(text="\n".join(kept).strip("\n"), removed=cleaner.removed)

