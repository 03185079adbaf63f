"""The curator-editable lexicon: extra jieba words and synonym groups, applied at index and query time.

It lives in `corpus/lexicon.yaml`:

    words: [话务台席, 首问责任制]          # kept whole by jieba
    synonyms:                             # the first form of a group is canonical
      - [座席, 坐席, 台席]
      - [主管, 负责人]

Synonyms rewrite BM25 terms to the group's canonical form on both sides, so a
question with 坐席 matches a document with 座席. Role names are added as words
automatically. A change to this file changes the corpus fingerprint, so the
next ingest rebuilds the lexical index.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.atomic import atomic_write_text
from kb.errors import DutyKBError
from kb.normalize import normalize
from kb.records import Role
from kb.safeyaml import YamlError, load_yaml
from kb.tokenize import Tokenizer

LEXICON_FILE = "lexicon.yaml"


class LexiconError(DutyKBError):
    pass


@dataclass
class Lexicon:
    words: list[str] = field(default_factory=list)
    synonyms: list[list[str]] = field(default_factory=list)

    def canonical_map(self) -> dict[str, str]:
        """Match-form variant → match-form canonical word."""
        mapping: dict[str, str] = {}
        for group in self.synonyms:
            forms = [normalize(w) for w in group if normalize(w)]
            for form in forms[1:]:
                mapping[form] = forms[0]
        return mapping

    def all_words(self) -> list[str]:
        return self.words + [w for group in self.synonyms for w in group]

    def tokenizer(self, method: str, roles: Iterable[Role]) -> Tokenizer:
        """The tokenizer of a build indexed with this lexicon and these roles: their names stay whole."""
        names = [name for role in roles for name in [role.name, *role.aliases]]
        return Tokenizer(method, [*self.all_words(), *names], self.canonical_map())

    def fingerprint(self) -> str:
        return hashlib.sha256(yaml.safe_dump(self.to_dict(), allow_unicode=True).encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {"words": self.words, "synonyms": self.synonyms}


def parse_lexicon(text: str, where: str) -> Lexicon:
    try:
        data = load_yaml(text, where) or {}
    except YamlError as exc:
        raise LexiconError(str(exc)) from None
    if not isinstance(data, dict) or set(data) - {"words", "synonyms"}:
        raise LexiconError(f"{where}: expected a mapping with 'words' and/or 'synonyms'")
    words = data.get("words") or []
    groups = data.get("synonyms") or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise LexiconError(f"{where}: 'words' must be a list of words")
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) and w.strip() for w in g) for g in groups):
        raise LexiconError(f"{where}: each synonym group must be a list of at least two words")
    seen: dict[str, int] = {}
    for i, group in enumerate(groups):
        for word in group:
            key = normalize(word)
            if key in seen and seen[key] != i:
                raise LexiconError(f"{where}: '{word}' is in two synonym groups")
            seen[key] = i
    return Lexicon([w.strip() for w in words], [[w.strip() for w in g] for g in groups])


def load_lexicon(corpus_dir: Path) -> Lexicon:
    path = corpus_dir / LEXICON_FILE
    if not path.exists():
        return Lexicon()
    return parse_lexicon(path.read_text(encoding="utf-8"), str(path))


def save_lexicon(corpus_dir: Path, lexicon: Lexicon) -> None:
    text = yaml.safe_dump(lexicon.to_dict(), allow_unicode=True, sort_keys=False)
    parse_lexicon(text, LEXICON_FILE)  # never write a file the next ingest would reject
    atomic_write_text(corpus_dir / LEXICON_FILE, text)
