"""Turn corpus and user text into safe Streamlit markdown: escaping, highlights, citation markers.

Corpus and user text is never trusted as markdown or HTML: every ASCII
punctuation character is backslash-escaped (CommonMark allows that for all of
them), so `*`, `[`, `<`, `$` or `:` in a duty item cannot turn into emphasis,
links, HTML, LaTeX or Streamlit directives. Only the markup added here survives.

Escaping does not stop bare addresses from becoming links: Streamlit's renderer
(react-markdown with remark-gfm) links `http://…`, `https://…`, `www.…` and
`name@host` found in the text after escapes are resolved. So an invisible word
joiner goes where each of those would start (between the scheme and `:`, between
`www` and `.`, after `@`): the page shows, and a reader copies, the address as
written, with one invisible character inside it.
"""
from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator

from kb.blocks import strip_marker
from kb.clauses import SourceGroup, clause_text, numbers_text
from kb.llm import CITATION, UNCITED_MARK, UNSUPPORTED_MARK
from kb.normalize import fold_width, normalize, to_simplified
from kb.records import BREADCRUMB_SEP
from kb.tokenize import BIGRAM_PREFIX, Tokenizer

MARKDOWN_SPECIALS = frozenset(string.punctuation)
HARD_BREAK = "  \n"
MIN_HIGHLIGHT_CHARS = 2  # single characters (到, 的) would light up half of every sentence
NO_BREAK = "\u2060"  # WORD JOINER: no line break here, and nothing visible
NO_LINK = NO_BREAK  # the same invisible character, inside an address: remark-gfm's patterns no longer match it
# Where remark-gfm's link patterns start; each looks at most LINK_CONTEXT characters back and one ahead, so
# text cut anywhere is treated the same, given the characters before the cut.
LINK_STARTS = re.compile(r"(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)(?=[-\w])", re.IGNORECASE | re.ASCII)
LINK_CONTEXT = len("https")
CHECK_MARKS = re.compile("(" + "|".join(re.escape(m) for m in (UNSUPPORTED_MARK, UNCITED_MARK)) + ")")


def unlink(text: str, before: str = "") -> str:
    """`text` with a word joiner wherever remark-gfm would start a link; `before` is the text shown just before
    it, when `text` is a piece of something longer (the joiner may belong right at the cut)."""
    before = before[-LINK_CONTEXT:]
    cuts = [m.start() - len(before) for m in LINK_STARTS.finditer(before + text) if m.start() >= len(before)]
    pieces = [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return NO_LINK.join(pieces)


def escape_markdown(text: str, before: str = "") -> str:
    """`text` shown literally by st.markdown, addresses included; line breaks are kept. `before`: as in `unlink`."""
    escaped = "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in unlink(text, before))
    return escaped.replace("\r\n", "\n").replace("\n", HARD_BREAK)


def escape_stream(pieces: Iterable[str]) -> Iterator[str]:
    """Escape streamed pieces one by one; each is escaped knowing the text before it, so pieces can be cut
    anywhere, even inside an address."""
    before = ""
    for piece in pieces:
        yield escape_markdown(piece, before)
        before = (before + piece)[-LINK_CONTEXT:]


def _fold_char(ch: str) -> str:
    folded = fold_width(to_simplified(ch)).lower()
    return folded if len(folded) == 1 else ch


def match_form(text: str) -> str:
    """Normalised text with exactly one character per character of `text`, so positions carry over.

    `normalize` may change the length (phrase conversions, collapsed spaces); highlighting
    needs positions in the original text, so this folds character by character where needed.
    """
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        folded = fold_width(simplified).lower()
        if len(folded) == len(text):
            return folded
    return "".join(_fold_char(ch) for ch in text)


def question_terms(question: str, tokenizer: Tokenizer) -> set[str]:
    """The question's words and bigrams (match form) worth highlighting in a quote."""
    terms = (t.removeprefix(BIGRAM_PREFIX) for t in tokenizer.terms(normalize(question)))
    return {t for t in terms if len(t) >= MIN_HIGHLIGHT_CHARS}


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escaped markdown of `text` with every occurrence of a term (match form) on an orange background."""
    form = match_form(text)
    marked = [False] * len(text)
    for term in {t for t in terms if t}:
        start = form.find(term)
        while start >= 0:
            marked[start:start + len(term)] = [True] * len(term)
            start = form.find(term, start + 1)
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape_markdown(text[i:j], text[:i])
        out.append(mark(piece) if marked[i] and text[i:j].strip() else piece)
        i = j
    return "".join(out)


def mark(markdown: str) -> str:
    """Highlight already-escaped markdown: orange bold text, as Chinese search pages mark matches.

    Not `:orange-background[…]`: Streamlit pads that box on both sides, which reads as a space
    inside Chinese text (具體 負責 熱線)."""
    return f":orange[**{markdown}**]"


def citation_marker(n: int) -> str:
    return f":blue-badge[{n}]"


def answer_markdown(text: str) -> str:
    """An answer's text (one item or sentence a line, [n] markers) as markdown with badges for citations."""
    lines = []
    for line in text.split("\n"):
        out, last = [], 0
        for match in CITATION.finditer(line):
            out.append(_plain_with_marks(line[last:match.start()]))
            out.append(citation_marker(int(match.group(1))))
            last = match.end()
        out.append(_plain_with_marks(line[last:]))
        lines.append("".join(out))
    return HARD_BREAK.join(lines)


def _plain_with_marks(text: str) -> str:
    """Escaped text whose checker marks (unsupported / uncited sentence) stand out in red."""
    return "".join(
        f":red[{escape_markdown(part)}]" if CHECK_MARKS.fullmatch(part) else escape_markdown(part)
        for part in CHECK_MARKS.split(text) if part
    )


def unbroken(clause: str) -> str:
    """A clause number kept on one line: a word joiner wherever a line could break (not inside a number)."""
    return "".join(ch if i == 0 or (ch.isdigit() and clause[i - 1].isdigit()) else NO_BREAK + ch
                   for i, ch in enumerate(clause))


def clause_label(numbers: list[int], kind: str) -> str:
    """第1–11项 / 第12条 in the UI's script, kept on one line (a label never wraps as 第1 / 条 or 1– / 11)."""
    return unbroken(clause_text(numbers, kind))


def group_label(group: SourceGroup) -> str:
    """A source card's label: the answer's markers it holds and the block once, with its item ranges:
    [1–11] 《title》 section › 第1–11项."""
    label = escape_markdown(f"[{numbers_text(group.numbers)}] {group.where}")
    clauses = [unbroken(clause) for clause in group.clauses]
    return label + (escape_markdown(BREADCRUMB_SEP) + "、".join(clauses) if clauses else "")


def group_quotes(group: SourceGroup, terms: Iterable[str]) -> str:
    """The quotes of a source card, one per citation, each led by its [n] badge (as in the answer) and, when the
    quote does not show its own number (a duty item quoted from the registry), by its clause number."""
    rows = []
    for citation in group.citations:
        lead = citation_marker(citation.n) + " "
        if citation.items and strip_marker(citation.quote) == citation.quote.strip():
            lead += f"**{clause_label(citation.items, citation.item_kind)}** "
        rows.append(lead + highlight(citation.quote, terms))
    return HARD_BREAK.join(rows)
