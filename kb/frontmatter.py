"""The front matter of corpus entries: one schema for ingest, the curation store, the entry form and records.

    ---
    title: 夜班值守规范                # shown as the document's title (else the first short line, else the file name)
    department: 客服中心
    organisation: 华联超市             # or `organization`: whose document it is (else its folder or title, kb.scope)
    roles: [夜班值守员, 值班长]        # roles the text does not name in a heading
    source: 客服中心制度汇编 2024
    version: 3                         # kept by the curation store
    effective: 2024-07-01
    status: active                     # or retired: kept on disk, left out of the index
    tags: [夜班, 机房]
    visibility: [hr]                   # groups allowed to see the entry; `public` (or no line) = everyone
    ---

Keys dutykb does not use (`date`, `draft`, `aliases`, `uid`, `summary` … from static-site generators
and note tools) are kept as they are, in `EntryMeta.ignored`, and written back on every save. Refused,
with the file named: a near-miss of dutykb's own keys (`titel`, `visiblity`: see `near_miss`), a key
that reads as an access rule dutykb would not apply (`private`, `visible_to`), an invalid value, and —
so that a restricted entry never becomes public by accident — front matter that does not parse as
front matter (no closing `---`, a `visibility:` line outside it), a key given twice, and an empty
`visibility` (`visibility: public` says everyone).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import DutyKBError
from kb.safeyaml import YamlError, load_yaml

DELIMITER = "---"
BOM = "\ufeff"
KEY_LINE = re.compile(r"[ \t]*[\"']?([A-Za-z][\w-]*)[\"']?[ \t]*:")
CODE_FENCE = re.compile(r"[ \t]*(```|~~~)")
ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
LIST_SEPARATORS = re.compile(r"[,，、;；]")
ACTIVE: Final = "active"
RETIRED: Final = "retired"
PUBLIC: Final = "public"  # the visibility that says everyone, as `dutykb --as-group public` reads as no group
FIELD_ORDER = ("title", "department", "organisation", "roles", "source", "version", "effective", "status", "tags",
               "visibility")
VISIBILITY = "visibility"
KEY_SPELLINGS = {"organization": "organisation"}  # other spellings of dutykb's own keys, read as the key
# A near-miss is one edit (a letter added, dropped, changed, or two neighbours swapped) from a dutykb key, two
# from a key of 9+ letters, letter case ignored: `titel`, `Tags`, `visiblity`. A flat two edits would catch
# common foreign keys: `time`/title, `notes`/roles, `page`/tags, `state`/status, `person`/version.
LETTERS_PER_EDIT = 4
# Keys that read as an access rule: ignoring them would publish what their author meant to restrict.
ACCESS_KEY_PART = "visib"
ACCESS_KEYS = frozenset({"access", "audience", "groups", "permissions", "private", "restricted"})
FRONT_MATTER_FIRST_LINE = 2  # the YAML starts on the line after the opening ---


class FrontMatterError(DutyKBError):
    """Front matter that cannot be used; the message names the field and the problem.

    `restricts`: the file says who may see it (a `visibility` line, or a near-miss of one), so an
    earlier indexed version of it is not kept serving: it may have been public.
    """

    def __init__(self, message: str, restricts: bool = False) -> None:
        super().__init__(message)
        self.restricts = restricts


class EntryMeta(BaseModel):
    """Validated front matter of one entry; `ignored` holds the keys dutykb does not use, as written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    title: str | None = None
    department: str | None = None
    organisation: str | None = None
    roles: list[str] = Field(default_factory=list)
    source: str | None = None
    version: int | None = Field(default=None, ge=1)
    effective: str | None = None
    status: Literal["active", "retired"] = ACTIVE
    tags: list[str] = Field(default_factory=list)
    visibility: list[str] = Field(default_factory=list)
    ignored: dict[str, Any] = Field(default_factory=dict)

    @field_validator("title", "department", "organisation", "source", mode="before")
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
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            year, month, day = (int(part) for part in value.strip().split("-"))
            try:
                dt.date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"is not a real date: {value.strip()} ({exc})") from None
        return value

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
        if PUBLIC in value:
            if len(value) > 1:
                raise ValueError(f"lists '{PUBLIC}' (everyone) together with groups; keep one of the two")
            return []
        bad = [g for g in value if not re.search(r"\w", g)]
        if bad:
            raise ValueError(f"group name {bad[0]!r} has no letters or digits")
        return sorted(set(value))

    @property
    def retired(self) -> bool:
        return self.status == RETIRED

    def to_front_matter(self, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """Fields in their documented order, empty ones left out, then the ignored keys as written (what the
        curation store writes; `json` mode turns the dates among them into text)."""
        data = self.model_dump(mode=mode)
        return {**{k: data[k] for k in FIELD_ORDER if data[k] not in (None, "", [])}, **data["ignored"]}

    def with_changes(self, **changes: Any) -> EntryMeta:
        return parse_meta({**self.to_front_matter(), **changes}, "front matter")


def edits(a: str, b: str) -> int:
    """Edits turning `a` into `b`: letters inserted, deleted, replaced, or two neighbours swapped."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, row = row, current
    return row[-1]


def near_miss(key: str) -> str | None:
    """The dutykb key that `key` misspells (see LETTERS_PER_EDIT), or None for a key of its own."""
    folded = key.lower()
    if key in FIELD_ORDER:
        return None
    for field in FIELD_ORDER:
        if edits(folded, field) <= len(field) // LETTERS_PER_EDIT:
            return field
    return None


def _reads_as_access(key: str) -> bool:
    folded = key.lower()
    return folded in ACCESS_KEYS or (ACCESS_KEY_PART in folded and key != VISIBILITY)


def _about_visibility(key: str) -> bool:
    return key == VISIBILITY or near_miss(key) == VISIBILITY or ACCESS_KEY_PART in key.lower()


def parse_meta(data: Any, where: str) -> EntryMeta:
    """Validate a front-matter mapping; FrontMatterError names the first problem and a fix."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"{where}: front matter must be a mapping of fields")
    own: dict[str, Any] = {}
    ignored: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = KEY_SPELLINGS.get(str(raw_key), str(raw_key))
        if key in own:
            raise FrontMatterError(f"{where}: front matter field '{key}' is given twice ('{raw_key}')")
        meant = near_miss(key)
        if meant:
            raise FrontMatterError(f"{where}: unknown front matter field '{key}' (did you mean '{meant}'?)",
                                   restricts=meant == VISIBILITY)
        if _reads_as_access(key):
            raise FrontMatterError(
                f"{where}: front matter field '{key}' reads as an access rule, but dutykb restricts an entry only "
                f"with `visibility: [group, …]` (or `visibility: {PUBLIC}` for everyone); rename or remove it",
                restricts=True)
        (own if key in FIELD_ORDER else ignored)[key] = value
    try:
        return EntryMeta.model_validate({**own, "ignored": ignored})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "front matter"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise FrontMatterError(f"{where}: front matter field '{field}' {message[:1].lower()}{message[1:]}",
                               restricts=field == VISIBILITY) from None


def stray_visibility_line(text: str, first_line: int = 1) -> int | None:
    """The line number of a `visibility:` line (or a near-miss of one) in text that is not front matter;
    lines inside fenced code blocks are examples, not settings."""
    fenced = False
    for number, line in enumerate(text.splitlines(), first_line):
        if CODE_FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else KEY_LINE.match(line)
        if match and _about_visibility(match.group(1)):
            return number
    return None


def _stray(where: str, line: int) -> FrontMatterError:
    return FrontMatterError(
        f"{where}: line {line} sets visibility outside the front matter, where it is not read (the entry would be "
        f"public); put it between the --- line that opens the file and the --- line that closes the front matter",
        restricts=True)


def _block(text: str, where: str) -> tuple[str | None, int, str]:
    """(the front matter's YAML or None, the line it starts on, the body); blank lines before the opening
    `---` are allowed, as Hugo allows them."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or lines[start].rstrip() != DELIMITER:
        return None, 0, text
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if end is None:
        raise FrontMatterError(
            f"{where}: the front matter opened by --- on line {start + 1} is never closed; add a --- line after "
            "its last field", restricts=stray_visibility_line(text) is not None)
    return "".join(lines[start + 1:end]), start + FRONT_MATTER_FIRST_LINE, "".join(lines[end + 1:])


def split_front_matter(text: str, where: str = "front matter") -> tuple[EntryMeta, str]:
    """(validated front matter, body) of a Markdown entry; no front matter gives the defaults."""
    text = text.removeprefix(BOM)
    front, first_line, body = _block(text, where)
    body_line = first_line + (front or "").count("\n") + 1 if front is not None else 1
    stray = stray_visibility_line(body, body_line)
    if stray is not None:
        raise _stray(where, stray)
    if front is None:
        return EntryMeta(), text
    try:
        data = load_yaml(front, where, first_line)
    except YamlError as exc:
        raise FrontMatterError(str(exc), restricts=stray_visibility_line(front) is not None) from None
    if isinstance(data, dict) and VISIBILITY in data and data[VISIBILITY] in (None, "", []):
        raise FrontMatterError(
            f"{where}: front matter field 'visibility' is empty; list the groups that may see the entry, or write "
            f"`visibility: {PUBLIC}` for everyone", restricts=True)
    try:
        return parse_meta(data, where), body
    except FrontMatterError as exc:
        exc.restricts = exc.restricts or stray_visibility_line(front) is not None
        raise


def render_entry(meta: EntryMeta, body: str) -> str:
    """The Markdown file of an entry: YAML front matter, then the body."""
    import yaml

    front = yaml.safe_dump(meta.to_front_matter(), allow_unicode=True, sort_keys=False).strip()
    return f"---\n{front}\n---\n{body.strip()}\n"
