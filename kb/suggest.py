"""Suggestions: short topic names near a question, and the well-formed question a click on one asks."""
from __future__ import annotations

from kb.blocks import MAX_TOPIC_CHARS, topic_name
from kb.normalize import normalize, to_script_of
from kb.records import Hit

MAX_SUGGESTIONS = 3
MIN_TOPIC_CHARS = 2
ROLE_QUESTION = "{topic}的岗位职责是什么？"
TOPIC_QUESTION = "{topic}有哪些规定？"


def topics(hits: list[Hit], script_of: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The roles and section headings of the hits, as topic names (≤ MAX_TOPIC_CHARS), once each."""
    found: list[str] = []
    seen: set[str] = set()
    for hit in hits:
        label = hit.chunk.role or (hit.chunk.section.split(" › ")[-1] if hit.chunk.section else hit.chunk.title)
        topic = topic_name(label)[:MAX_TOPIC_CHARS]
        key = normalize(topic)
        if len(topic) < MIN_TOPIC_CHARS or key in seen:
            continue
        seen.add(key)
        found.append(to_script_of(topic, script_of))
        if len(found) == limit:
            break
    return found


def question_for(topic: str, role_forms: set[str]) -> str:
    """The question a click on a suggested topic asks, in the topic's script."""
    template = ROLE_QUESTION if normalize(topic) in role_forms else TOPIC_QUESTION
    return to_script_of(template.format(topic=topic), topic)
