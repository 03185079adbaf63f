import pytest

from ingest.pipeline import run_ingest
from kb.knowledge import KnowledgeBase
from kb.lexicon import Lexicon, LexiconError, load_lexicon, parse_lexicon, save_lexicon
from kb.retrieve import HybridRetriever

DOC = "---\ntitle: 座席规范\n---\n1、离开座席必须签出。\n2、午休时间由领班安排。\n"


def _bm25_top(settings, query):
    hits = HybridRetriever(KnowledgeBase(settings)).search(query, k=1, mode="bm25")
    return hits[0].chunk.text if hits else ""


def test_synonyms_apply_at_index_and_query_time_and_trigger_a_rebuild(make_settings, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "seat.md").write_text(DOC, encoding="utf-8")
    settings = make_settings(corpus)
    run_ingest(settings, show_progress=False)
    assert "座席" not in _bm25_top(settings, "台席")
    save_lexicon(corpus, Lexicon(words=["领班"], synonyms=[["座席", "坐席", "台席"]]))
    report = run_ingest(settings, show_progress=False)
    assert not report.up_to_date and report.embedded == 0  # the lexicon changes BM25 only
    assert "离开座席必须签出" in _bm25_top(settings, "離開台席要做什麼")
    assert report.skipped == []  # lexicon.yaml is settings, not a document


def test_bad_lexicon_is_reported_and_ingest_goes_on(make_settings, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "seat.md").write_text(DOC, encoding="utf-8")
    (corpus / "lexicon.yaml").write_text("synonyms: [[只有一个]]\n", encoding="utf-8")
    report = run_ingest(make_settings(corpus), show_progress=False)
    assert report.documents == 1
    assert report.skipped[0].path.endswith("lexicon.yaml") and "at least two" in report.skipped[0].reason


@pytest.mark.parametrize("text,message", [
    ("words: 座席\n", "'words' must be a list"),
    ("synonyms: [[a, b], [b, c]]\n", "two synonym groups"),
    ("other: 1\n", "expected a mapping"),
    ("words: [\n", "invalid YAML"),
])
def test_lexicon_validation(text, message):
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(text, "lexicon.yaml")


def test_round_trip(tmp_path):
    lexicon = Lexicon(words=["首问责任制"], synonyms=[["主管", "负责人"]])
    save_lexicon(tmp_path, lexicon)
    assert load_lexicon(tmp_path) == lexicon
    assert lexicon.canonical_map() == {"负责人": "主管"}


def test_a_synonym_group_with_a_role_name_adds_aliases(make_settings, seed_copy):
    save_lexicon(seed_copy, Lexicon(synonyms=[["值班長", "值班主任", "现场主管"]]))
    settings = make_settings(seed_copy)
    run_ingest(settings, show_progress=False)
    kb = KnowledgeBase(settings)
    role = next(r for r in kb.roles_for() if r.name == "值班長")
    assert {"值班主任", "现场主管"} <= set(role.aliases)
    assert kb.resolve_role("值班主任") == {"值班長"}


def test_each_build_has_its_own_words_and_removing_one_takes_effect_in_the_same_process():
    from kb.tokenize import Tokenizer

    word = "首问负责制度"  # jieba splits it on its own
    with_word = Tokenizer("jieba", [word])
    without = Tokenizer("jieba")
    assert word in with_word.terms(word)
    assert word not in without.terms(word)  # an earlier build's word does not leak into a later one
    assert word in with_word.terms(word)
