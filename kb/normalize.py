"""Match-text normalisation, shared by ingest and queries.

Structure is parsed on the original text (NFKC would turn ① into 1); this
module only produces the *match* text that BM25 and the embedder see, plus
script conversion for display.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
_FULLWIDTH_OFFSET = 0xFEE0
_FULLWIDTH_FIRST, _FULLWIDTH_LAST = 0xFF01, 0xFF5E
_IDEOGRAPHIC_SPACE = "\u3000"
NAMES_CACHED = 1 << 16


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # compiled OpenCC: loading its dictionaries is the slow part, so once per process

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


_WIDTH_TABLE: dict[int, str | int] = {code: code - _FULLWIDTH_OFFSET
                                      for code in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1)}
_WIDTH_TABLE[ord(_IDEOGRAPHIC_SPACE)] = " "
# Characters OpenCC's t2s leaves as a variant that Simplified text writes otherwise (帳 → 帐, while documents
# write 账; 衞 stays 衞, documents write 卫): folded so a Traditional document and a Simplified question match.
_VARIANT_TABLE = str.maketrans({"帐": "账", "衞": "卫", "牠": "它", "粧": "妆"})


def fold_width(text: str) -> str:
    """Full-width ASCII forms to half width; leaves CJK punctuation such as 、。 alone."""
    return text.translate(_WIDTH_TABLE)


def normalize(text: str) -> str:
    """The one match-text function: t2s (with its leftover variants folded), width folding, lower case,
    collapsed whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = fold_width(to_simplified(text).translate(_VARIANT_TABLE)).lower()
    return _WHITESPACE.sub(" ", text).strip()


@lru_cache(maxsize=NAMES_CACHED)
def normalize_name(name: str) -> str:
    """`normalize` for short strings that every build normalises again (role names and aliases, dictionary
    words): memoised, as a large corpus has tens of thousands of them."""
    return normalize(name)


def is_traditional(text: str) -> bool:
    """True when converting to Simplified changes the text (it holds Traditional-only characters)."""
    return to_simplified(text) != text


def to_script_of(text: str, reference: str) -> str:
    """`text` converted into the script (Simplified or Traditional) that `reference` is written in."""
    return to_traditional(text) if is_traditional(reference) else to_simplified(text)


_NOT_TEXT = re.compile(r"[\W_]+")


def text_key(text: str) -> str:
    """`normalize` without punctuation or spaces: two items that differ only in those are the same item."""
    return _NOT_TEXT.sub("", normalize(text))
