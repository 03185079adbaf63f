"""The package layers, checked on every module (imports at any depth, including inside functions).

kb/      the library: imports nothing above it, and no UI toolkit
ingest/  the write side: imports only the library
evals/   scoring: the library, and ingest only to build an index it scores
apps/    the top layer (CLI, benchmarks, Streamlit pages): composes the others

Inside kb/answer/ the answer path's stages run in one order, and no stage imports a later one; the
package's other modules are leaves (they import no stage), except those that run the stages.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OWN = ("kb", "ingest", "evals", "apps")
ALLOWED = {
    "kb": {"kb"},
    "ingest": {"kb", "ingest"},
    "evals": {"kb", "ingest", "evals"},
    "apps": {"kb", "ingest", "evals", "apps"},
}
UI_TOOLKITS = ("streamlit", "streamlit_authenticator", "altair", "pandas")
UI_PACKAGE = "apps.ui"
ANSWER = REPO / "kb" / "answer"
STAGE_ORDER = ("retrieve", "select", "verify", "level", "compose")
STAGE_RUNNERS = ("__init__", "pipeline", "explain")  # they run the stages, so they may import every one


def modules() -> list[Path]:
    return sorted(p for layer in OWN for p in (REPO / layer).rglob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_module_imports_only_from_its_own_layer_or_below(path):
    layer = path.relative_to(REPO).parts[0]
    wrong = sorted(name for name in imported(path)
                   if name.split(".")[0] in OWN and name.split(".")[0] not in ALLOWED[layer])
    assert not wrong, f"{path.relative_to(REPO)} ({layer}) imports {wrong}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_only_the_streamlit_pages_import_a_ui_toolkit(path):
    if module_name(path).startswith(UI_PACKAGE):
        return
    toolkits = sorted(name for name in imported(path) if name.split(".")[0] in UI_TOOLKITS)
    assert not toolkits, f"{path.relative_to(REPO)} imports {toolkits}"


def test_evals_use_ingest_only_to_build_an_index():
    builders = {"ingest.pipeline", "ingest.build"}
    for path in (REPO / "evals").rglob("*.py"):
        used = {name for name in imported(path) if name.startswith("ingest.")}
        assert {name.rsplit(".", 1)[0] if name.rsplit(".", 1)[0] in builders else name
                for name in used} <= builders, f"{path.relative_to(REPO)} uses {used}"


def test_the_check_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ingest.load import discover\n", encoding="utf-8")
    assert "ingest.load" in imported(bad)


def later_stages(path: Path) -> list[str]:
    """The answer stages a module of kb/answer imports that come after it (a leaf comes before every stage)."""
    name = path.stem
    if name in STAGE_RUNNERS:
        return []
    rank = STAGE_ORDER.index(name) if name in STAGE_ORDER else -1
    stages = {n.split(".")[2] for n in imported(path) if n.startswith("kb.answer.") and n.split(".")[2] in STAGE_ORDER}
    return sorted(s for s in stages if STAGE_ORDER.index(s) > rank)


def test_every_answer_stage_is_a_module():
    assert {p.stem for p in ANSWER.glob("*.py")} >= set(STAGE_ORDER)


@pytest.mark.parametrize("path", sorted(ANSWER.glob("*.py")), ids=lambda p: p.name)
def test_no_answer_stage_imports_a_later_one(path):
    assert not later_stages(path), f"kb/answer/{path.name} imports the later stage(s) {later_stages(path)}"


def test_the_stage_order_check_sees_a_later_import(tmp_path):
    early = tmp_path / "select.py"
    early.write_text("from kb.answer.level import Verdict\nfrom kb.answer.retrieve import Retrieved\n",
                     encoding="utf-8")
    leaf = tmp_path / "checks.py"
    leaf.write_text("def f():\n    from kb.answer import verify\n", encoding="utf-8")
    assert later_stages(early) == ["level"] and later_stages(leaf) == ["verify"]
