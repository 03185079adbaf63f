"""Lexical tokens for BM25 over match text: jieba words, character bigrams, or both.

Each build has its own `Tokenizer`: jieba's stock dictionary plus that build's words (role
names and aliases, lexicon words), so a word removed from the lexicon is gone from the next
build, whatever the process tokenised before. The stock dictionary loads once per process,
lazily; a build's dictionary is a copy of it with the build's words added.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.normalize import normalize_name

if TYPE_CHECKING:
    import jieba

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDISH = re.compile(r"[\w\u3400-\u9fff]", re.U)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
USER_WORD_FREQ = 2000  # high enough that jieba keeps a registered word whole
MIN_WORD_CHARS = 2
BIGRAM_PREFIX = "#"  # marks bigram terms so they never collide with a two-character word
DICTIONARIES_KEPT = 4  # builds alive at once in a process: the live one, one being opened, an ingest's
FINGERPRINT_CHARS = 16
METHODS = ("jieba", "search", "bigram", "jieba+bigram")
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 之 也 都 就 要 会 能 可以 吗 呢 吧 啊 么 什么 怎么 怎么办 怎样 如何 哪些 哪个 "
    "为什么 是否 有没有 我 我们 你 你们 他 她 它 这 那 这个 那个 一个 请问 请 一下".split()
)


@lru_cache(maxsize=1)
def _stock() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(60)  # jieba prints its dictionary-loading chatter on stderr otherwise
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def stock_words(match_text: str) -> list[str]:
    """jieba's own segmentation, without any build's words (to show which names it would split)."""
    return [w for w in _stock().cut(match_text) if w.strip()]


def stock_tagged_words(match_text: str) -> list[tuple[str, str]]:
    """jieba's own words with their part-of-speech flags, without any build's words (for checks on any text)."""
    return [(pair.word, pair.flag) for pair in _tagger(()).cut(match_text) if pair.word.strip()]


@lru_cache(maxsize=DICTIONARIES_KEPT)
def _with_words(words: tuple[str, ...]) -> jieba.Tokenizer:
    """A jieba tokenizer over a copy of the stock dictionary with `words` (match form) kept whole."""
    import jieba

    stock = _stock()
    if not words:
        return stock
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(stock.FREQ), stock.total, True
    for word in words:
        tokenizer.add_word(word, freq=USER_WORD_FREQ)
    return tokenizer


@lru_cache(maxsize=DICTIONARIES_KEPT)
def _tagger(words: tuple[str, ...]):
    """A part-of-speech tagger over the same dictionary as `_with_words(words)`."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_with_words(words))


def char_bigrams(match_text: str) -> list[str]:
    grams: list[str] = []
    for run in _CJK_RUN.findall(match_text):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    grams.extend(_ASCII_WORD.findall(match_text))
    return grams


class Tokenizer:
    """BM25 terms of match text for one build; `synonyms` map a variant word to its group's canonical form."""

    def __init__(self, method: str, words: Iterable[str] = (), synonyms: dict[str, str] | None = None) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown lexical tokenizer '{method}' (one of {', '.join(METHODS)})")
        self.method = method
        forms = {normalize_name(w) for w in words}
        self.words = tuple(sorted(f for f in forms if len(f) >= MIN_WORD_CHARS))
        self.synonyms = synonyms or {}

    @property
    def _jieba(self) -> jieba.Tokenizer:
        return _with_words(self.words)

    @property
    def fingerprint(self) -> str:
        """Identifies everything that decides the terms of a text, so terms can be reused across builds."""
        basis = json.dumps([self.method, self.words, sorted(self.synonyms.items())], ensure_ascii=False)
        return hashlib.sha256(basis.encode()).hexdigest()[:FINGERPRINT_CHARS]

    def jieba_words(self, match_text: str, for_search: bool = False, cut: list[str] | None = None) -> list[str]:
        if cut is None:
            cut = list(self._jieba.cut_for_search(match_text) if for_search else self._jieba.cut(match_text))
        words = [w for w in (t.strip() for t in cut) if w and _WORDISH.search(w) and w not in STOPWORDS]
        return [self.synonyms.get(w, w) for w in words]

    def tagged_words(self, match_text: str) -> list[tuple[str, str]]:
        """jieba words with their part-of-speech flag (the build's own words, unknown to the tagger: 'x')."""
        return [(pair.word, pair.flag) for pair in _tagger(self.words).cut(match_text) if pair.word.strip()]

    def content_bigrams(self, match_text: str, cut: list[str] | None = None) -> list[str]:
        """Character bigrams inside runs of non-stopword jieba words, so 的/是什么 never form bigrams
        (`cut`: jieba's cut of the text when the caller already has it)."""
        grams: list[str] = []
        run = ""
        for word in self._jieba.cut(match_text) if cut is None else cut:
            if word in STOPWORDS or not _CJK.search(word):
                grams.extend(char_bigrams(run))
                run = ""
            else:
                run += self.synonyms.get(word, word)
        grams.extend(char_bigrams(run))
        return grams

    def terms(self, match_text: str) -> list[str]:
        """Tokens of already-normalised text by this build's method."""
        if self.method == "jieba":
            return self.jieba_words(match_text)
        if self.method == "search":
            return self.jieba_words(match_text, for_search=True)
        if self.method == "bigram":
            return char_bigrams(match_text)
        cut = list(self._jieba.cut(match_text))  # segmenting is most of the cost: once for both kinds of term
        grams = self.content_bigrams(match_text, cut)
        return self.jieba_words(match_text, cut=cut) + [BIGRAM_PREFIX + g for g in grams]
