"""Synthetic precedents for the benchmarks: letters of ten in-line questions each."""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore

QUESTIONS_PER_LETTER = 10
TOPICS = ["speed cameras", "drone flights", "stop and search", "parking fines", "pothole repairs",
           "school exclusions", "air quality monitors", "agency staff", "firearms licences", "CCTV cameras",
           "council tax arrears", "tree felling", "road gritting", "homeless applications", "taser use",
           "mobile phone extraction", "fly-tipping", "licensing appeals", "bin collections", "overtime"]
ASKS = ["How many {t} were recorded in {y}?", "What did the {o} spend on {t} in {y}?",
         "Please provide the policy on {t} used by the {o}.", "Does the {o} hold records of {t} since {y}?",
         "How many complaints about {t} did the {o} receive in {y}, broken down by month?"]
_ANSWERS = ["The {o} recorded {n} cases of {t} in {y}.", "We do not hold information about {t} for {y}.",
            "Information about {t} is withheld under section 31(1)(a) as disclosure would prejudice the "
            "prevention of crime.", "The {o} neither confirms nor denies holding information about {t}, "
            "relying on sections 24(2) and 31(3).", "The cost of finding every record of {t} would exceed "
            "the appropriate limit of £450 under section 12(1)."]
_OWNERS = ["force", "council", "trust", "department"]


def synthetic_corpus(folder: Path, precedents: int, seed: int = 7) -> int:
    """Letters of ten in-line questions each; returns the number of letters written."""
    rng = random.Random(seed)
    letters = max(1, precedents // QUESTIONS_PER_LETTER)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(letters):
        lines = [f"Reference: BENCH-{number:05d}", f"Date: {rng.randint(1, 28)} March {rng.randint(2018, 2025)}", ""]
        for question in range(1, QUESTIONS_PER_LETTER + 1):
            values = {"t": rng.choice(TOPICS), "y": rng.randint(2015, 2025), "o": rng.choice(_OWNERS),
                      "n": rng.randint(0, 5000)}
            lines.append(f"{question}. {rng.choice(ASKS).format(**values)}")
            lines.append(rng.choice(_ANSWERS).format(**values))
            lines.append("")
        (folder / f"letter_{number:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return letters


@dataclass
class SyntheticStore:
    """A knowledge base built from synthetic letters, and what building it took."""

    settings: Settings
    embeddings: SentenceEmbeddings
    store: KnowledgeStore
    precedents: int
    build_s: float


def synthetic_store(precedents: int, prefix: str) -> SyntheticStore:
    """Write `precedents` synthetic precedents to a temp folder and ingest them into a fresh store."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    synthetic_corpus(work / "corpus", precedents)
    settings = Settings(_env_file=None, data_dir=work / "data", authority="Bench Constabulary")  # type: ignore[call-arg]
    embeddings = SentenceEmbeddings(settings.embedding_model)
    store = KnowledgeStore(settings)
    started = time.perf_counter()
    summary = Refresher(settings, store, embeddings).run([work / "corpus"])
    return SyntheticStore(settings, embeddings, store, summary.precedents_written, time.perf_counter() - started)
