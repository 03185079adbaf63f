"""A table as the readers see it: rows of cells, each merged cell's text once (its other grid places marked)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    repeated: bool = False  # another grid place of a merged cell whose text was already given
    header: bool = False    # the format marks it as a header cell (<th>)


@dataclass
class Grid:
    rows: list[list[Cell]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def padded(self) -> list[list[Cell]]:
        width = self.width
        return [row + [Cell("")] * (width - len(row)) for row in self.rows]
