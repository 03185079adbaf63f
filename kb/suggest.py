"""Suggestions: topics near a question, and the well-formed question a click on one asks.

A suggestion is only worth a click when it is about what was asked. So:
- it comes from a retrieved passage whose text, heading or title holds one of the question's topic words
  (a question about office equipment never gets a sports rule because both were retrieved);
- when the question names a role (or the asker picked one, or the conversation is about one), it comes
  only from the documents of that role: another organisation's posts are no suggestion for it;
- a question about some organisations (named, implied by a post or a kind, or the picked role's; kb.scope) gets
  suggestions from theirs only;
- a question that shares no word with the documents (off-topic) and names nothing gets the knowledge
  base's roles instead: what it can answer, not passages that merely scored highest.
"""
from __future__ import annotations

from collections.abc import Iterable

from kb.blocks import MAX_TOPIC_CHARS, topic_name
from kb.jobtitles import ADDRESSEES
from kb.normalize import normalize, to_script_of
from kb.query import Query
from kb.records import BREADCRUMB_SEP, Hit, Role

MAX_SUGGESTIONS = 3
MIN_TOPIC_CHARS = 2
ROLE_QUESTION = "{topic}的岗位职责是什么？"
TOPIC_QUESTION = "{topic}有哪些规定？"


def topics(query: Query, hits: list[Hit], roles: list[Role], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Topic names (roles, section headings; ≤ MAX_TOPIC_CHARS) near the question, once each, in rank order."""
    if query.scope:  # the organisations the question is about (kb.scope): another's posts are no suggestion
        hits = [h for h in hits if not h.chunk.organisation or query.scope.holds(h.chunk.organisation)]
        roles = [r for r in roles if not r.organisation or query.scope.holds(r.organisation)]
    scoped = in_scope(hits, query, roles)
    near = [hit for hit in scoped if on_topic(hit, query.topic)]
    if near:
        return unique_topics((hit_label(hit) for hit in near), query.asked, limit)
    if query.topic and not any(on_topic(hit, query.topic) for hit in hits) and not query.prior_roles:
        return unique_topics((role.name for role in roles if not is_addressee(role.name)), query.asked, limit)
    return []


def in_scope(hits: list[Hit], query: Query, roles: list[Role]) -> list[Hit]:
    """The hits from the documents of the roles the question is about (all hits when it is about none)."""
    about = query.prior_roles
    if not about:
        return hits
    docs = {role.source for role in roles if role.name in about}
    return [hit for hit in hits if hit.chunk.doc_id in docs]


def on_topic(hit: Hit, topic: tuple[str, ...]) -> bool:
    """Whether the passage, its heading or its document's title holds one of the question's topic words
    (every passage is on topic for a question with none, such as "我的职责")."""
    if not topic:
        return True
    where = hit.chunk.match_text + normalize(hit.chunk.section + hit.chunk.title)
    return any(word in where for word in topic)


def is_addressee(role: str | None) -> bool:
    """A handbook's reader (员工): every rule of the handbook is theirs, so their name says no topic."""
    return role is not None and normalize(role) in ADDRESSEES


def hit_label(hit: Hit) -> str:
    chunk = hit.chunk
    role = None if is_addressee(chunk.role) else chunk.role
    return role or (chunk.section.split(BREADCRUMB_SEP)[-1] if chunk.section else chunk.title)


def unique_topics(labels: Iterable[str], script_of: str, limit: int) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for label in labels:
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
