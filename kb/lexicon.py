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

It must be UTF-8: a settings file this short is too little text to tell GBK from Big5
reliably, and a wrong guess would silently add garbled words. Every way the file can be
unreadable (encoding, YAML, a value YAML cannot build, nesting) is a LexiconError naming
the file and the problem; what ingest does then is in `ingest.pipeline`.
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
UTF8_BOM = b"\xef\xbb\xbf"
YAML_STR_TAG = "tag:yaml.org,2002:str"


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


def _unbuildable_scalar(text: str) -> yaml.ScalarNode | None:
    """The first unquoted value YAML takes for a typed one it cannot build (`2024-13-45`: a date in month 13)."""
    pending = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag != YAML_STR_TAG:
                try:
                    yaml.safe_load(node.value)
                except ValueError:
                    return node
        elif isinstance(node, yaml.SequenceNode):
            pending += reversed(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending += [n for pair in reversed(node.value) for n in reversed(pair)]
    return None


def _bad_value(text: str, where: str, exc: ValueError) -> LexiconError:
    node = _unbuildable_scalar(text)
    if node is None:
        return LexiconError(f"{where}: a value YAML cannot read ({exc})")
    kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
    return LexiconError(f"{where} line {node.start_mark.line + 1}: {node.value} is not a valid {kind} ({exc}); "
                        f"quote it ('{node.value}') to keep it as a word")


def parse_lexicon(text: str, where: str) -> Lexicon:
    try:
        data = load_yaml(text, where) or {}
    except YamlError as exc:
        raise LexiconError(str(exc)) from None
    except RecursionError:
        raise LexiconError(f"{where}: lists nested too deeply (a lexicon is `words: [...]` and "
                           "`synonyms: [[...], ...]`)") from None
    except ValueError as exc:  # PyYAML builds typed values after parsing: a date in month 13
        raise _bad_value(text, where, exc) from None
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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        text = data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: not UTF-8 text (saved as GBK or Big5, or not a text file): "
                           "save it as UTF-8") from None
    return parse_lexicon(text, str(path))


def save_lexicon(corpus_dir: Path, lexicon: Lexicon) -> None:
    text = yaml.safe_dump(lexicon.to_dict(), allow_unicode=True, sort_keys=False)
    parse_lexicon(text, LEXICON_FILE)  # never write a file the next ingest would reject
    atomic_write_text(corpus_dir / LEXICON_FILE, text)
