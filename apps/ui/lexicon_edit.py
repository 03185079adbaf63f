"""Edit the lexicon as text: words and synonym groups typed one per line, and role alias groups.

The lexicon file itself is validated by `kb.lexicon` (a word may sit in one group
only, a group needs two words); this module turns what a trainer types into a
`Lexicon` and says in Chinese which line is wrong before that check runs.

A synonym group (or a word) that names a role the trainer may not see is restricted
like the role: `split_hidden` keeps it out of what the page shows, and `merge_hidden`
puts it back unchanged when the trainer saves.
"""
from __future__ import annotations

import re

import yaml

from kb.lexicon import LEXICON_FILE, Lexicon, LexiconError, parse_lexicon
from kb.normalize import normalize

WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")
GROUP_JOINER = " "


def split_words(text: str) -> list[str]:
    return [w for w in WORD_SEPARATORS.split(text) if w]


def unique(words: list[str]) -> list[str]:
    """First occurrence of each word, compared in match form (简/繁, width, case)."""
    seen: set[str] = set()
    out = []
    for word in words:
        if normalize(word) not in seen:
            seen.add(normalize(word))
            out.append(word)
    return out


def words_text(lexicon: Lexicon) -> str:
    return "\n".join(lexicon.words)


def groups_text(lexicon: Lexicon) -> str:
    return "\n".join(GROUP_JOINER.join(group) for group in lexicon.synonyms)


def parse_texts(words: str, groups: str) -> Lexicon:
    """The lexicon the two text areas describe; raises LexiconError (Chinese for the usual mistakes)."""
    parsed_groups = []
    for line_no, line in enumerate(groups.splitlines(), 1):
        group = unique(split_words(line))
        if len(group) == 1:
            raise LexiconError(f"同义词第 {line_no} 行只有一个词“{group[0]}”：一组至少要两个词")
        if group:
            parsed_groups.append(group)
    return validated(Lexicon(unique(split_words(words)), parsed_groups))


def validated(lexicon: Lexicon) -> Lexicon:
    """Check exactly as the next ingest will read the saved file."""
    seen: dict[str, int] = {}
    for i, group in enumerate(lexicon.synonyms):
        for word in group:
            other = seen.setdefault(normalize(word), i)
            if other != i:
                raise LexiconError(f"“{word}”同时出现在第 {other + 1} 组和第 {i + 1} 组同义词里：每个词只能属于一组")
    parse_lexicon(yaml.safe_dump(lexicon.to_dict(), allow_unicode=True), LEXICON_FILE)
    return lexicon


def add_words(lexicon: Lexicon, words: list[str]) -> Lexicon:
    return validated(Lexicon(unique(lexicon.words + words), lexicon.synonyms))


def add_group(lexicon: Lexicon, group: list[str]) -> Lexicon:
    """Add a synonym group; when its words already share a group, the new words join that group instead."""
    group = unique(group)
    if len(group) < 2:
        raise LexiconError("同义词组至少要两个词")
    forms = {normalize(w) for w in group}
    overlapping = [i for i, g in enumerate(lexicon.synonyms) if forms & {normalize(w) for w in g}]
    if len(overlapping) > 1:
        raise LexiconError("这些词分属已有的几组同义词，请在“词典”页合并")
    groups = [list(g) for g in lexicon.synonyms]
    if overlapping:
        groups[overlapping[0]] = unique(groups[overlapping[0]] + group)
    else:
        groups.append(group)
    return validated(Lexicon(lexicon.words, groups))


def role_group_index(lexicon: Lexicon, role_name: str) -> int | None:
    form = normalize(role_name)
    return next((i for i, g in enumerate(lexicon.synonyms) if form in {normalize(w) for w in g}), None)


def role_aliases(lexicon: Lexicon, role_name: str) -> list[str]:
    """The aliases the lexicon gives a role: the rest of the synonym group holding its name."""
    index = role_group_index(lexicon, role_name)
    if index is None:
        return []
    return [w for w in lexicon.synonyms[index] if normalize(w) != normalize(role_name)]


def set_role_aliases(lexicon: Lexicon, role_name: str, aliases: list[str]) -> Lexicon:
    """Replace the role's synonym group with [name, *aliases] (the name first: it stays canonical)."""
    groups = [list(g) for g in lexicon.synonyms]
    index = role_group_index(lexicon, role_name)
    group = unique([role_name, *aliases])
    if index is not None:
        groups.pop(index)
    if len(group) > 1:
        groups.insert(len(groups) if index is None else index, group)
    return validated(Lexicon(lexicon.words, groups))


def names_hidden(words: list[str], hidden_forms: set[str]) -> bool:
    return any(normalize(w) in hidden_forms for w in words)


def split_hidden(lexicon: Lexicon, hidden_forms: set[str]) -> tuple[Lexicon, Lexicon]:
    """(what the viewer may see, what they may not): groups and words naming a role hidden from them.

    `hidden_forms` are the match forms (kb.normalize) of the names and aliases of roles the viewer may not see.
    """
    shown_groups = [g for g in lexicon.synonyms if not names_hidden(g, hidden_forms)]
    hidden_groups = [g for g in lexicon.synonyms if names_hidden(g, hidden_forms)]
    shown_words = [w for w in lexicon.words if not names_hidden([w], hidden_forms)]
    hidden_words = [w for w in lexicon.words if names_hidden([w], hidden_forms)]
    return Lexicon(shown_words, shown_groups), Lexicon(hidden_words, hidden_groups)


def merge_hidden(edited: Lexicon, hidden: Lexicon) -> Lexicon:
    """The viewer's edit with the parts hidden from them put back as they were (validated)."""
    taken = {normalize(w) for g in hidden.synonyms for w in g}
    clash = next((w for g in edited.synonyms for w in g if normalize(w) in taken), None)
    if clash is not None:
        raise LexiconError(f"“{clash}”已属于另一组同义词（涉及你无权查看的岗位），不能再放进别的组")
    return validated(Lexicon(unique(edited.words + hidden.words), [*edited.synonyms, *hidden.synonyms]))
