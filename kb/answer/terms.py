"""Per-build term statistics the stages share: BM25 terms of a text, IDF, coverage of a question's terms.

A leaf of the answer path (kb.answer): it imports no stage, so every stage may use it.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

from kb.blocks import Outline, clean_label
from kb.knowledge import KnowledgeBase
from kb.normalize import normalize
from kb.query import Query
from kb.tokenize import BIGRAM_PREFIX

HEADING_LABELS = 2  # the section labels that count as a passage's heading
TERM_CACHE = 20_000  # tokenised texts kept per build
# jieba part-of-speech flags of words that only join others: localisers (中, 上), prepositions, particles,
# conjunctions, pronouns, adverbs, interjections, onomatopoeia. A question term straddling such a word's edge
# ("业中", "中有" of "执业|中|有") names nothing asked about.
JOINING_FLAGS = ("f", "p", "u", "c", "y", "e", "o", "r", "d")


class Scorer:
    """Per-build term statistics and the unit scoring (one per knowledge base, rebuilt with each build)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()  # the app's sessions answer in threads that share one Scorer
        self._build_id = ""
        self._idf: dict[str, float] = {}
        self._unknown = 0.0
        self._terms: OrderedDict[str, frozenset[str]] = OrderedDict()
        self.outline = Outline([])

    def refresh(self) -> None:
        build = self.kb.build
        with self._lock:
            if self._build_id == build.manifest.build_id:
                return
            df = build.lexical.document_frequencies()
            total = len(build.chunks) + 1
            self._idf = {t: math.log(total / (1 + f)) + 1 for t, f in df.items()}
            self._unknown = math.log(total) + 1
            self._terms.clear()
            self.outline = Outline(build.chunks)
            self._build_id = build.manifest.build_id

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unknown)

    def known(self, term: str) -> bool:
        return term in self._idf

    def terms(self, text: str) -> frozenset[str]:
        """BM25 terms of a text (original script), memoised."""
        with self._lock:
            found = self._terms.get(text)
            if found is not None:
                self._terms.move_to_end(text)
                return found
        found = frozenset(self.kb.build.lexical.terms(normalize(text)))
        with self._lock:
            self._terms[text] = found
            if len(self._terms) > TERM_CACHE:
                self._terms.popitem(last=False)
        return found

    def coverage(self, question_terms: frozenset[str], terms: frozenset[str]) -> float:
        """IDF-weighted share of the question's terms found among `terms` (unknown terms weigh most)."""
        if not question_terms:
            return 0.0
        total = sum(self.idf(t) for t in question_terms)
        return sum(self.idf(t) for t in question_terms if t in terms) / total

    def question_terms(self, query: Query, roles: bool = False) -> frozenset[str]:
        """The terms a question's coverage counts: its BM25 terms without those that only straddle the edge of
        a joining word, and without the names of roles it mentions (unless `roles`: a block heading naming
        the role helps). Those straddling terms are rare, so they weighed most, and a heading repeating the
        question's phrasing outranked one naming what it asks about ("护士在执业活动中…" over "权利和义务");
        terms across two content words stay ("换班" of "调换|班次")."""
        build = self.kb.build
        whole = self.terms(query.text)
        joints: set[int] = set()  # character offsets in the match form where a joining word begins or ends
        at = 0
        for word, flag in build.lexical.tokenizer.tagged_words(query.match):
            start = query.match.find(word, at)
            if start < 0:
                continue
            at = start + len(word)
            if flag.startswith(JOINING_FLAGS):
                joints.update((start, at))

        def clean(term: str) -> bool:
            text = term.removeprefix(BIGRAM_PREFIX)
            spans = [i for i in range(len(query.match)) if query.match.startswith(text, i)]
            return not spans or any(not joints & set(range(i + 1, i + len(text))) for i in spans)

        kept = frozenset(t for t in whole if clean(t)) or whole
        if roles:
            return kept
        # the role a question names says whose text it is, not what the text must say: its name is no term
        role_terms = frozenset().union(*(self.terms(form) for form in build.role_forms_in(query.match)))
        return kept - role_terms or kept

    def expanded_coverage(self, query: Query, question: frozenset[str], terms: frozenset[str]) -> float:
        """The question's coverage by `terms`, where a question word they lack is covered by an alternate they hold
        (kb.expand: a rule saying 就餐 covers the 吃零食 of the question) at the weight of the alternate's own
        terms, at most the word's: a word no document has weighs most, and a common index word (交接 for
        交接班) must not earn that weight."""
        coverage = self.coverage(question, terms)
        if not query.expansion or not question:
            return coverage
        total = sum(self.idf(t) for t in question)
        earned = 0.0
        for word, alternates in query.expansion.alternates:
            lacking = sum(self.idf(t) for t in self.terms(word) & question if t not in terms)
            # the alternate's terms the question shares (交接 of 交接班) are counted in `coverage` already
            held = [sum(self.idf(t) for t in self.terms(a) - question) for a in alternates if self.terms(a) <= terms]
            if lacking and held:
                earned += min(lacking, max(held))
        return coverage + earned / total

    def heading_of(self, position: int) -> str:
        return " ".join(clean_label(label) for label in self.outline.paths[position][-HEADING_LABELS:])
