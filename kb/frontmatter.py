"""The front matter of corpus entries: one schema for ingest, the curation store, the entry form and records.

    ---
    title: 夜班值守规范                # shown as the document's title (else the first short line, else the file name)
    department: 客服中心
    roles: [夜班值守员, 值班长]        # roles the text does not name in a heading
    source: 客服中心制度汇编 2024
    version: 3                         # kept by the curation store
    effective: 2024-07-01
    status: active                     # or retired: kept on disk, left out of the index
    tags: [夜班, 机房]
    visibility: [hr]                   # groups allowed to see the entry; none = everyone
    ---

Unknown keys are refused with the closest known key as a hint: a misspelt `visiblity` would
otherwise make a restricted entry public.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import DutyKBError
from kb.safeyaml import load_yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
LIST_SEPARATORS = re.compile(r"[,，、;；]")
ACTIVE: Final = "active"
RETIRED: Final = "retired"
FIELD_ORDER = ("title", "department", "roles", "source", "version", "effective", "status", "tags", "visibility")
HINT_CUTOFF = 0.6
FRONT_MATTER_FIRST_LINE = 2  # the YAML starts on the line after the opening ---


class FrontMatterError(DutyKBError):
    """Front matter that cannot be used; the message names the field and the problem."""


class EntryMeta(BaseModel):
    """Validated front matter of one entry."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    title: str | None = None
    department: str | None = None
    roles: list[str] = Field(default_factory=list)
    source: str | None = None
    version: int | None = Field(default=None, ge=1)
    effective: str | None = None
    status: Literal["active", "retired"] = ACTIVE
    tags: list[str] = Field(default_factory=list)
    visibility: list[str] = Field(default_factory=list)

    @field_validator("title", "department", "source", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value or None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError("must be text")

    @field_validator("effective", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("roles", "tags", "visibility", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = [v.strip() for v in LIST_SEPARATORS.split(value)]
        if not isinstance(value, list):
            raise ValueError("must be a list")
        items = [str(v).strip() if isinstance(v, (str, int)) else v for v in value]
        if any(not isinstance(v, str) for v in items):
            raise ValueError("must be a list of names")
        if any(not v for v in items):
            raise ValueError("holds an empty name")
        return items

    @field_validator("visibility")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        bad = [g for g in value if not re.search(r"\w", g)]
        if bad:
            raise ValueError(f"group name {bad[0]!r} has no letters or digits")
        return sorted(set(value))

    @property
    def retired(self) -> bool:
        return self.status == RETIRED

    def to_front_matter(self) -> dict[str, Any]:
        """Fields in their documented order, empty ones left out (what the curation store writes)."""
        data = self.model_dump()
        return {k: data[k] for k in FIELD_ORDER if data[k] not in (None, "", [])}

    def with_changes(self, **changes: Any) -> EntryMeta:
        return parse_meta({**self.to_front_matter(), **changes}, "front matter")


def _hint(key: str) -> str:
    fields = list(EntryMeta.model_fields)
    close = difflib.get_close_matches(key.lower(), fields, n=1, cutoff=HINT_CUTOFF)
    return f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(FIELD_ORDER)})"


def parse_meta(data: Any, where: str) -> EntryMeta:
    """Validate a front-matter mapping; FrontMatterError names the first problem and a fix."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"{where}: front matter must be a mapping of fields")
    for key in data:
        if str(key) not in EntryMeta.model_fields:
            raise FrontMatterError(f"{where}: unknown front matter field '{key}'{_hint(str(key))}")
    try:
        return EntryMeta.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "front matter"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise FrontMatterError(f"{where}: front matter field '{field}' {message[:1].lower()}{message[1:]}") from None


def split_front_matter(text: str, where: str = "front matter") -> tuple[EntryMeta, str]:
    """(validated front matter, body) of a Markdown entry; no front matter gives the defaults."""
    match = FRONT_MATTER.match(text)
    if not match:
        return EntryMeta(), text
    data = load_yaml(match.group(1), where, FRONT_MATTER_FIRST_LINE)
    return parse_meta(data, where), text[match.end():]


def render_entry(meta: EntryMeta, body: str) -> str:
    """The Markdown file of an entry: YAML front matter, then the body."""
    import yaml

    front = yaml.safe_dump(meta.to_front_matter(), allow_unicode=True, sort_keys=False).strip()
    return f"---\n{front}\n---\n{body.strip()}\n"
