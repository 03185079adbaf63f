"""Lexical tokens for BM25: jieba words, character bigrams, or both, over match text.

jieba loads its dictionary lazily on first use; role names and curated words
are added to its user dictionary so they stay whole.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

from kb.normalize import normalize

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDISH = re.compile(r"[\w\u3400-\u9fff]", re.U)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_jieba_lock = threading.Lock()
USER_WORD_FREQ = 2000  # high enough that jieba keeps a registered word whole
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 之 也 都 就 要 会 能 可以 吗 呢 吧 啊 么 什么 怎么 怎么办 怎样 如何 哪些 哪个 "
    "为什么 是否 有没有 我 我们 你 你们 他 她 它 这 那 这个 那个 一个 请问 请 一下".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)  # jieba prints its dictionary-loading chatter on stderr otherwise
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def add_words(words: Iterable[str]) -> None:
    """Register words (in match form) with jieba so they are not split."""
    tokenizer = _jieba()
    with _jieba_lock:
        for word in words:
            form = normalize(word)
            if len(form) >= 2:
                tokenizer.add_word(form, freq=USER_WORD_FREQ)


def jieba_words(match_text: str, for_search: bool = False, synonyms: dict[str, str] | None = None) -> list[str]:
    tokenizer = _jieba()
    cut = tokenizer.cut_for_search(match_text) if for_search else tokenizer.cut(match_text)
    words = [w for w in (t.strip() for t in cut) if w and _WORDISH.search(w) and w not in STOPWORDS]
    return [synonyms.get(w, w) for w in words] if synonyms else words


def char_bigrams(match_text: str) -> list[str]:
    grams: list[str] = []
    for run in _CJK_RUN.findall(match_text):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    grams.extend(w for w in re.findall(r"[a-z0-9]+", match_text))
    return grams


def content_bigrams(match_text: str, synonyms: dict[str, str] | None = None) -> list[str]:
    """Character bigrams inside runs of non-stopword jieba words, so 的/是什么 never form bigrams."""
    grams: list[str] = []
    run = ""
    for word in _jieba().cut(match_text):
        if word in STOPWORDS or not _CJK.search(word):
            grams.extend(char_bigrams(run))
            run = ""
        else:
            run += synonyms.get(word, word) if synonyms else word
    grams.extend(char_bigrams(run))
    return grams


def tokenize(match_text: str, method: str, synonyms: dict[str, str] | None = None) -> list[str]:
    """Tokens of already-normalised text by the configured method; synonyms map words to a canonical form."""
    if method == "jieba":
        return jieba_words(match_text, synonyms=synonyms)
    if method == "search":
        return jieba_words(match_text, for_search=True, synonyms=synonyms)
    if method == "bigram":
        return char_bigrams(match_text)
    if method == "jieba+bigram":
        return jieba_words(match_text, synonyms=synonyms) + ["#" + g for g in content_bigrams(match_text, synonyms)]
    raise ValueError(f"unknown lexical tokenizer '{method}'")
