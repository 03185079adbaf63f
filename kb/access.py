"""Who may see what: an entry's front matter `visibility` lists the groups allowed to see it.

Entries without `visibility` are public. Every read path (search, answers, suggestions,
hit tests, role pages, curation lists, eval runs in the app) takes an `Audience` and
filters with it; the library's default audience is the public one, so a path that
forgets to pass the viewer's groups hides restricted text instead of leaking it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

ALL_GROUPS = "*"  # as a group name (users file, stored feedback): every entry
GROUP_SEPARATOR = ","


@dataclass(frozen=True)
class Audience:
    """The reader: the groups they belong to, or `unrestricted` for operators who see every entry."""

    groups: frozenset[str] = frozenset()
    unrestricted: bool = False

    @classmethod
    def of(cls, groups: Iterable[str]) -> Audience:
        """Members of `groups`; the group `*` makes the audience unrestricted."""
        names = frozenset(str(g).strip() for g in groups if str(g).strip())
        return cls(unrestricted=True) if ALL_GROUPS in names else cls(names)

    @classmethod
    def parse(cls, text: str) -> Audience:
        """The inverse of `__str__`: comma-separated groups, `*`, or empty for the public."""
        return cls.of(text.split(GROUP_SEPARATOR))

    def __str__(self) -> str:
        return ALL_GROUPS if self.unrestricted else GROUP_SEPARATOR.join(sorted(self.groups))

    def covers(self, other: Audience) -> bool:
        """Whether this audience may see everything `other` may (so other's answers show it nothing new)."""
        return self.unrestricted or (not other.unrestricted and other.groups <= self.groups)

    def may_see(self, visibility: Sequence[str] | None) -> bool:
        return self.unrestricted or not visibility or bool(self.groups.intersection(visibility))

    def describe(self) -> str:
        if self.unrestricted:
            return "all entries"
        if not self.groups:
            return "public entries only"
        return "public entries and groups " + ", ".join(sorted(self.groups))


PUBLIC = Audience()
EVERYONE = Audience(unrestricted=True)


def visible_mask(visibilities: Sequence[Sequence[str]], audience: Audience) -> np.ndarray | None:
    """Boolean mask over chunks the audience may see; None when nothing is hidden (the common case)."""
    if audience.unrestricted or not any(visibilities):
        return None
    return np.array([audience.may_see(v) for v in visibilities], dtype=bool)
