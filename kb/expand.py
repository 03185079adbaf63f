"""Query expansion: a question's everyday words → the words the documents use for the same thing.

New hires ask "能在工位上吃零食吗" where the rule says "不允许在办公区内就餐", "弄坏了" where it says
"造成损坏". A question word is given alternates that are words of the index itself (a word no document
has cannot help any search), from:
- the lexicon's synonym groups (`corpus/lexicon.yaml`, kb.lexicon: trainers' own words);
- the Cilin thesaurus (kb.thesaurus): the word's synonym groups, then, for a word no document has, the
  synonym groups of its 词群 (零食 → 食品);
- a compound the thesaurus does not know (吃零食) is looked up by its parts (零食).
Expanded terms join the BM25 query with a lower weight than the question's own (kb.retrieve); a quote
holding an alternate covers the question word in its lexical score (kb.units), in the focus and topic
checks (kb.levels) and in a hedge's 相关规定 (kb.select), so a paraphrase is not hedged for want of the
question's exact word.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from kb.lexical import LexicalIndex
from kb.paraphrase import CILIN_CLASSES, NEVER_EXPANDED
from kb.settings import Settings
from kb.thesaurus import Thesaurus, thesaurus

Known = Callable[[str], bool]  # whether the index has a word as a term
Parts = Callable[[str], list[str]]  # the shorter words of a compound (jieba's search cut)


@dataclass(frozen=True)
class Limits:
    """How far expansion reaches (Settings fields of the same names, kb.settings)."""

    per_word: int = 4  # alternates kept per question word
    clusters: bool = True  # also the words of its 词群, beyond its synonyms (for a word the index lacks)
    absent_only: bool = False  # expand only words no document has


@dataclass(frozen=True)
class Expansion:
    """Question word (match form) → the index's words for the same thing, nearest first."""

    alternates: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.alternates)

    def of(self, word: str) -> tuple[str, ...]:
        return next((alts for w, alts in self.alternates if w == word), ())

    @property
    def words(self) -> tuple[str, ...]:
        """Every alternate, once."""
        return tuple(dict.fromkeys(a for _, alts in self.alternates for a in alts))


def _from_thesaurus(word: str, thesaurus: Thesaurus, known: Known, clusters: bool, flag: str = "") -> list[str]:
    classes = CILIN_CLASSES.get(flag[:1], "")
    groups = [g for g in thesaurus.groups_of(word) if not classes or g.code[0] in classes]
    found = [w for g in groups if g.synonyms for w in g.words]
    if clusters:
        found += [w for code in dict.fromkeys(g.cluster for g in groups)
                  for g in thesaurus.cluster(code) if g.synonyms for w in g.words]
    return [w for w in found if w != word and known(w)]


def alternates_of(word: str, thesaurus: Thesaurus, lexicon: dict[str, list[str]], known: Known, parts: Parts,
                  limits: Limits, present: Known | None = None, flag: str = "") -> tuple[str, ...]:
    """The index's words for what `word` names: lexicon group first, then the thesaurus, then by its parts.
    `present`: whether the index holds the word, whole or in pieces (秘书处 as 秘书 and 处); default `known`.
    `flag`: the word's jieba part of speech, which keeps it to the thesaurus groups of its kind."""
    present = present or known
    if word in NEVER_EXPANDED or (limits.absent_only and present(word)):
        return ()
    # a word the index has is expanded only to its synonyms: its 词群 holds as many other senses as same ones
    absent = not present(word)
    found = [w for w in lexicon.get(word, []) if w != word and known(w)]
    found += _from_thesaurus(word, thesaurus, known, limits.clusters and absent, flag)
    if not found and not thesaurus.groups_of(word):  # a compound the thesaurus lacks: 吃零食 → 零食 → 食品
        for part in parts(word):
            if part != word and part not in NEVER_EXPANDED and len(part) > 1:
                # a part the index has is the documents' own word (交接 of 交接班): no need to look further
                found += [part] if known(part) else _from_thesaurus(part, thesaurus, known, limits.clusters)
    return tuple(dict.fromkeys(found))[:limits.per_word]


def lexicon_groups(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """Word → the other words of its lexicon synonym group (match forms)."""
    out: dict[str, list[str]] = {}
    for group in groups:
        forms = list(group)
        for word in forms:
            out[word] = [w for w in forms if w != word]
    return out


def expand(words: Iterable[str], thesaurus: Thesaurus, lexicon: dict[str, list[str]], known: Known, parts: Parts,
           limits: Limits, present: Known | None = None, flags: Mapping[str, str] | None = None) -> Expansion:
    """The alternates of each question word that has any (`flags`: word → its jieba part of speech)."""
    flags = flags or {}
    pairs = [(w, alternates_of(w, thesaurus, lexicon, known, parts, limits, present, flags.get(w, "")))
             for w in dict.fromkeys(words)]
    return Expansion(tuple((w, alts) for w, alts in pairs if alts))


def limits_of(settings: Settings) -> Limits:
    return Limits(settings.expansion_per_word, settings.expansion_clusters, settings.expansion_absent_only)


def query_expansion(lexical: LexicalIndex, settings: Settings, words: Iterable[str],
                    tagged: Iterable[tuple[str, str]] = (), visible: np.ndarray | None = None) -> Expansion:
    """The expansion of a question's topic words against one build's index (none when turned off); `tagged`:
    the question's words with their part of speech; `visible`: the chunks the asker may see (alternates are
    only words those hold, so an expansion never depends on, nor shows, a restricted chunk's words)."""
    if settings.expansion_weight <= 0:
        return Expansion()
    tokenizer = lexical.tokenizer
    groups: dict[str, list[str]] = {}
    for variant, canonical in tokenizer.synonyms.items():
        groups.setdefault(canonical, [canonical]).append(variant)
    return expand(words, thesaurus(), lexicon_groups(groups.values()), lambda term: lexical.has(term, visible),
                  lambda word: tokenizer.jieba_words(word, for_search=True), limits_of(settings),
                  lambda word: present(lexical, word, visible), dict(tagged))


def present(lexical: LexicalIndex, word: str, visible: np.ndarray | None = None) -> bool:
    """The index holds the word, as a word or as all of its pieces (经理 inside 礼仪队经理)."""
    pieces = [t for t in lexical.terms(word) if t != word]
    return lexical.has(word, visible) or (bool(pieces) and all(lexical.has(t, visible) for t in pieces))
