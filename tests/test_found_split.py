"""The found corpus split: a file's split depends on its name alone, and a round can be placed under its own root."""

from __future__ import annotations

from pathlib import Path

from evals.found_split import FOUND_ROOT, HELDOUT_PERCENT, main, split_of

NAMES = [f"文档{i}.md" for i in range(400)]


def test_split_is_a_function_of_the_name_and_holds_out_about_the_set_share() -> None:
    splits = [split_of(name) for name in NAMES]
    assert splits == [split_of(f"some/folder/{name}") for name in NAMES]
    share = 100 * splits.count("heldout") / len(NAMES)
    assert abs(share - HELDOUT_PERCENT) < 8


def test_root_option_places_text_and_binaries_under_the_given_root(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    names = ["某单位岗位职责.md", "某单位岗位说明书.docx", "某单位值班表.xlsx"]
    for name in names:
        (staging / name).write_bytes(name.encode("utf-8"))
    root = tmp_path / "round2"
    assert main([str(staging), "--root", str(root)]) == 0
    for name in names:
        folder = "docs" if name.endswith(".md") else "fetched"
        placed = root / split_of(name) / folder / name
        assert placed.read_bytes() == name.encode("utf-8")
        assert not (FOUND_ROOT / split_of(name) / folder / name).exists()
    assert not any(staging.iterdir())


def test_malformed_command_line_is_refused(tmp_path: Path) -> None:
    assert main([]) == 2
    assert main([str(tmp_path), "--to", str(tmp_path)]) == 2
