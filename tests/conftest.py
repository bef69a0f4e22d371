"""Shared fixtures: settings on a temporary data folder, and the real model loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Refresher, RefreshSummary
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "samples" / "corpus"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
needs_shared_examples = pytest.mark.skipif(
    not SHARED_EXAMPLES.is_dir(),
    reason=f"{SHARED_EXAMPLES} is absent: the real examples live beside a working checkout, not in a clone",
)
"""Marks a test that reads the real documents in ../shared/examples (absent on a bare clone)."""


@pytest.fixture(scope="session")
def embeddings() -> SentenceEmbeddings:
    """The real default model, loaded once for the whole run."""
    model = SentenceEmbeddings("all-MiniLM-L6-v2")
    _ = model.model
    return model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on an empty data folder, isolated from any .env."""
    return Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]


def ingest_samples(data: Path, embeddings: SentenceEmbeddings) -> RefreshSummary:
    """The sample corpus ingested into its own data folder (each module keeps its own store)."""
    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    refresher = Refresher(settings, KnowledgeStore(settings), embeddings)
    try:
        return refresher.run([SAMPLE_CORPUS])
    finally:
        refresher.close()


def case_settings(knowledge_dir: Path, tmp_path: Path) -> Settings:
    """Settings on a module's sample store with a fresh case database, for Fenmoor Constabulary."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=knowledge_dir, database_url=f"sqlite:///{tmp_path / 'cases.sqlite3'}",
        authority="Fenmoor Constabulary", review_contact="reviews@fenmoor.example.org",
    )
