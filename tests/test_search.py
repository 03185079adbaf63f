import json
from collections import Counter

import pytest
from conftest import REPO

from apps.cli.main import main
from kb.embed import LangchainEmbeddings
from kb.knowledge import UnknownRoleError
from kb.normalize import normalize
from kb.retrieve import HybridRetriever, KBRetriever, QueryError, rrf_fuse

BOILERPLATE = ["當前位置", "發布時間", "擴展閱讀", "熱點內容", "瀏覽:", "韓國電影", "查理九世"]
RESULT_KEYS = {"rank": int, "chunk_id": str, "doc_id": str, "title": str, "section": str, "items": list,
               "text": str, "score": float}


@pytest.fixture(scope="module")
def retriever(seed_kb):
    return HybridRetriever(seed_kb)


def test_rrf_weights_and_ties():
    fused = rrf_fuse({"a": [1, 2, 3], "b": [3, 2]}, {"a": 2.0, "b": 1.0}, k=60)
    scores = dict(fused)
    assert scores[1] == pytest.approx(2 / 61)
    assert scores[3] == pytest.approx(2 / 63 + 1 / 61)
    assert [i for i, _ in fused] == [2, 3, 1]


@pytest.mark.parametrize("query", ["值班长具体负责哪些事情", "值班長具體負責哪些事情"])
def test_simplified_and_traditional_queries_find_traditional_text(retriever, query):
    top = retriever.search(query, k=3)[0]
    assert top.chunk.role == "值班長"
    assert "負責漫遊客戶投訴的處理" in top.chunk.text


def test_each_retriever_alone_finds_cross_script_text(retriever):
    for mode in ("bm25", "dense"):
        hits = retriever.search("排队等待超过10人现场主管怎么调整", k=5, mode=mode)
        assert any("等待人數>10人" in h.chunk.text for h in hits), mode


def test_role_filter_in_either_script(retriever):
    for role in ("质检员", "質檢員"):
        hits = retriever.search("投诉处理", k=5, role=role)
        assert hits and all(h.chunk.role == "質檢員" for h in hits)
    for mode in ("bm25", "dense"):
        assert all(h.chunk.role == "采編員" for h in retriever.search("资料库", k=5, role="采编员", mode=mode))
    with pytest.raises(UnknownRoleError, match="known roles"):
        retriever.search("投诉", role="宇航员")


def test_empty_query_is_rejected(retriever):
    for query in ["", "   ", "\x00\x01"]:
        with pytest.raises(QueryError):
            retriever.search(query)


def test_hits_carry_per_retriever_ranks(retriever):
    hit = retriever.search("机房能带易燃易爆物品吗", k=1)[0]
    assert "嚴禁攜帶易燃易爆物品進入機房" in hit.chunk.text
    assert set(hit.ranks) >= {"bm25", "dense"} and hit.scores["bm25"] > 0


def test_boilerplate_is_not_in_any_index(seed_kb):
    for phrase in BOILERPLATE:  # the vector store holds no text (tests/adversarial/test_vector_store_faults.py)
        assert all(phrase not in c.text for c in seed_kb.build.chunks), phrase
        assert all(normalize(phrase) not in c.match_text for c in seed_kb.build.chunks), phrase


def test_cli_search_json_contract(seed_settings, capsys):
    assert main(["search", "交接班要提前多久到", "--json", "--k", "3", "--home", str(seed_settings.home)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "交接班要提前多久到"
    assert [r["rank"] for r in payload["results"]] == [1, 2, 3]
    for result in payload["results"]:
        assert set(result) == set(RESULT_KEYS) | {"role"}
        for key, kind in RESULT_KEYS.items():
            assert isinstance(result[key], kind), key
        assert result["role"] is None or isinstance(result["role"], str)
        assert all(isinstance(n, int) for n in result["items"])
    assert "提前10-15分鍾到達工作崗位" in payload["results"][0]["text"]


def test_cli_queries_file_prints_one_json_per_line(seed_settings, capsys, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("值班长职责\n\n外呼话务员做什么\n   \n", encoding="utf-8")
    assert main(["search", "--queries", str(queries), "--home", str(seed_settings.home)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["query"] for line in lines] == ["值班长职责", "外呼话务员做什么"]


def test_cli_roles_json_contract(seed_settings, capsys):
    assert main(["roles", "--json", "--home", str(seed_settings.home)]) == 0
    roles = json.loads(capsys.readouterr().out)["roles"]
    zhiban = next(r for r in roles if r["name"] == "值班長")
    assert set(zhiban) == {"name", "aliases", "source", "duties"}
    assert zhiban["source"] == "000_916eb7e6a919f6ca.txt" and "值班长" in zhiban["aliases"]
    assert zhiban["duties"][5] == {"n": 6, "text": "負責漫遊客戶投訴的處理;"}


def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["search", "值班长", "--home", str(tmp_path / "none")]) == 1
    assert "dutykb ingest" in capsys.readouterr().err


def test_langchain_retriever_and_embeddings(seed_kb):
    docs = KBRetriever(kb=seed_kb, k=2).invoke("外呼话务员的职责")
    assert len(docs) == 2 and docs[0].metadata["role"] == "外呼話務員"
    assert "breadcrumb" in docs[0].metadata and docs[0].page_content
    embeddings = LangchainEmbeddings(seed_kb.embedder)
    same = embeddings.embed_query("值班长")
    assert same == pytest.approx(embeddings.embed_query("值班長"))
    assert len(embeddings.embed_documents(["a", "b"])) == 2


def test_document_frequencies_come_from_the_index_and_match_a_count_over_chunks(seed_kb):
    from kb.lexical import LexicalIndex
    from kb.tokenize import Tokenizer

    texts = [c.match_text for c in seed_kb.build.chunks]
    index = LexicalIndex.build(texts, Tokenizer("jieba+bigram"))  # tokenised now, as the count below is
    counted: dict[str, int] = {}
    for text in texts:
        for term in set(index.terms(text)):
            counted[term] = counted.get(term, 0) + 1
    assert {t: n for t, n in index.document_frequencies().items() if t} == counted


def test_role_mentions_are_found_by_substring_lookup_longest_first(seed_kb):
    from kb.normalize import normalize

    def mentioned(question: str) -> set[str]:
        return seed_kb.roles_mentioned(normalize(question))

    assert mentioned("话务班长和值班长做什么") == {"話務班長", "值班長"}
    assert mentioned("话务班长做什么") == {"話務班長"}  # not also 話務員 or 班長 inside it
    assert mentioned("VIP话务员的职责") == {"VIP話務員"}
    assert mentioned("今天天气怎么样") == set()


@pytest.mark.parametrize("corpus", ["corpus", "evals/corpora/real"])
def test_the_array_built_bm25_index_is_bm25s_own_value_for_value(corpus):
    import bm25s
    import numpy as np

    from ingest.chunk import ChunkLimits
    from ingest.load import LoadError, read_document, scan
    from ingest.process import process_document
    from kb.bm25_arrays import ArrayBM25
    from kb.settings import Settings
    from kb.tokenize import Tokenizer

    roots = [REPO / corpus]
    limits = ChunkLimits(Settings().max_chunk_chars, Settings().role_chunk_max_chars)
    chunks = []
    for path in scan(roots).files:
        try:
            chunks += process_document(read_document(path, roots), limits).chunks
        except LoadError:  # the corpus's provenance scripts are not documents
            continue
    assert len(chunks) > 50
    tokenizer = Tokenizer("jieba+bigram")
    tokens = [tokenizer.terms(c.match_text) or [""] for c in chunks]
    stock, ours = bm25s.BM25(), ArrayBM25()
    stock.index(tokens, show_progress=False)
    ours.index(tokens, show_progress=False)
    assert ours.vocab_dict == stock.vocab_dict and ours.scores["num_docs"] == stock.scores["num_docs"]
    for key in ("data", "indices", "indptr"):
        assert ours.scores[key].dtype == stock.scores[key].dtype
        assert np.array_equal(ours.scores[key], stock.scores[key]), key
    assert ours.postings is not None
    indptr, docs, tfs, lengths = ours.postings
    assert list(lengths) == [len(t) for t in tokens]
    assert len(indptr) == len(stock.vocab_dict) + 1
    counted: dict[int, dict[int, int]] = {}  # term → chunk → frequency, counted the plain way
    for chunk, chunk_tokens in enumerate(tokens):
        for term, tf in Counter(stock.vocab_dict[t] for t in chunk_tokens).items():
            counted.setdefault(term, {})[chunk] = tf
    for term in range(len(stock.vocab_dict)):
        start, end = indptr[term], indptr[term + 1]
        assert dict(zip(docs[start:end].tolist(), tfs[start:end].tolist(), strict=True)) == counted.get(term, {})
