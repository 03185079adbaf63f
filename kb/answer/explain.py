"""What each stage of the answer path made of one question (`dutykb ask --explain`).

Each stage's output carries the earlier ones; the explanation shows only what each stage added, as
plain JSON values (Chinese text as written), so a reader can see where an answer went wrong.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kb.answer.level import Leveled
from kb.answer.passage import Passage
from kb.answer.pipeline import Answerer
from kb.answer.retrieve import Retrieved
from kb.answer.select import Selected
from kb.answer.verify import Verified
from kb.query import Query
from kb.records import Answer

SHOWN_PASSAGES = 8  # the best retrieved passages shown (a question's hits hold dozens)
SCORE_DIGITS = 4


def explain(answerer: Answerer, query: Query) -> list[dict[str, Any]]:
    """[{stage, output}] for the Query, then each stage in order; the last output is the answer's JSON."""
    shown: dict[str, Callable[[Any], dict[str, Any]]] = {
        "retrieve": retrieved, "select": selected, "verify": verified, "level": leveled, "compose": composed}
    return [{"stage": "query", "output": understood(query)},
            *({"stage": name, "output": shown[name](value)} for name, value in answerer.stages(query))]


def understood(query: Query) -> dict[str, Any]:
    wants = query.wants
    return {
        "text": query.text, "asked": query.asked, "match": query.match, "type": query.qtype.value,
        "focus": list(query.focus), "topic": list(query.topic), "mentioned": sorted(query.mentioned),
        "picked": sorted(query.picked), "context_roles": sorted(query.context.roles),
        "condition": query.context.condition,
        "organisations": sorted(query.scope.organisations),
        "wants": {"unit": wants.unit.value if wants.unit else None, "classifier": wants.classifier,
                  "measured": wants.measured, "money": wants.money, "penalty": wants.penalty,
                  "qualification": wants.qualification.pattern if wants.qualification else None,
                  "period": wants.period.pattern if wants.period else None},
    }


def passage(p: Passage) -> dict[str, Any]:
    return {"text": p.text, "doc": p.doc, "heading": p.heading, "score": round(p.score, SCORE_DIGITS),
            "dense": round(p.dense, SCORE_DIGITS), "coverage": round(p.coverage, SCORE_DIGITS)}


def retrieved(out: Retrieved) -> dict[str, Any]:
    return {
        "degraded": out.retrieval.degraded,
        "hits": [{"rank": h.rank, "chunk_id": h.chunk.chunk_id, "title": h.chunk.title, "section": h.chunk.section,
                  "score": round(h.score, SCORE_DIGITS)} for h in out.hits],
        "passages": len(out.passages),
        "best_passages": [passage(p) for p in out.passages[:SHOWN_PASSAGES]],
    }


def selected(out: Selected) -> dict[str, Any]:
    selection = out.selection
    if selection is None:
        return {"shape": None, "confidence": out.confidence, "lines": []}
    return {
        "shape": selection.shape.value, "confidence": round(out.confidence, SCORE_DIGITS),
        "block": selection.block.heading if selection.block is not None else None,
        "lead": selection.lead.text if selection.lead is not None else None,
        "unsaid": list(selection.unsaid),
        "lines": [{"text": line.text, "cited": line.key is not None, "n": line.n, "depth": line.depth}
                  for line in selection.lines],
    }


def verified(out: Verified) -> dict[str, Any]:
    found = out.findings
    if found is None:
        return {"checked": False}
    return {"checked": True, "missing": [m.value for m in found.missing], "absent": list(found.absent),
            "unknown_post": found.post, "off_topic": found.off_topic}


def leveled(out: Leveled) -> dict[str, Any]:
    verdict = out.verdict
    return {"level": verdict.level.value, "missing": [m.value for m in verdict.missing],
            "absent": list(verdict.absent), "unknown_post": verdict.role}


def composed(out: Answer) -> dict[str, Any]:
    return out.to_json()


def as_text(stages: list[dict[str, Any]]) -> str:
    """The explanation for a terminal: each stage a heading, its fields one per line, lists one entry per line."""
    out: list[str] = []
    for entry in stages:
        out.append(f"== {entry['stage']} ==")
        out += _lines(entry["output"], 0)
    return "\n".join(out)


def _lines(value: Any, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out += _lines(item, depth + 1)
            elif isinstance(item, str) and "\n" in item:  # an answer's text: its lines as they read
                out.append(f"{pad}{key}:")
                out += [f"{pad}  {line}" for line in item.split("\n")]
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict):
                inner = _lines(item, depth + 1)
                out.append(f"{pad}- {inner[0].strip()}" if inner else f"{pad}-")
                out += inner[1:]
            else:
                out.append(f"{pad}- {_scalar(item)}")
        return out
    return [f"{pad}{_scalar(value)}"]


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("\n", " ⏎ ")  # a quoted block stays one line of the explanation
    if isinstance(value, dict | list):
        return "[]" if isinstance(value, list) else "{}"
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
