"""Integration: the real model, real Chroma on a temp folder, the refresh ledger."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from knowledge.embeddings import SentenceEmbeddings
from knowledge.refresh import Ledger, RefreshBusy, Refresher, refresh_lock
from knowledge.settings import Settings
from knowledge.store import EXEMPTION_PRECEDENTS, PRECEDENTS, KnowledgeStore, StoreError

pytestmark = pytest.mark.slow

DRONES = """Fenwick Vale Police
Our reference: FVP-2024-0101
Date: 3 March 2024

You asked:
1. How many drones does the force own?
2. Has the force used drones for covert surveillance?

Disclosure
Q1 - How many drones does the force own?
The force owns six drones.
Q2 - Has the force used drones for covert surveillance?
The force neither confirms nor denies whether it holds this information, relying on
sections 23(5), 24(2) and 31(3) of the Act.
"""

PARKING = """Marlow Heath Council
Reference: MHC/FOI/2023/77
Date: 12 June 2023

1. How much did the council collect in parking fines in 2022?
We collected 412,000 pounds in penalty charges in 2022.

2. Please list every officer's home address.
This information is withheld under section 40(2) of the Act as it is third-party personal data.
"""

GRITTING = """Loch Ardmore Council
Our ref: LAC-FOISA-22-9
Date: 1 December 2022
Freedom of Information (Scotland) Act 2002

You asked how many tonnes of salt the council spread on roads last winter.

Response
The council does not hold this information. This is a notice under section 17 of the Act.
"""


class CountingEmbeddings(SentenceEmbeddings):
    """The real model, counting how many texts it is asked to embed."""

    def __init__(self, real: SentenceEmbeddings) -> None:
        super().__init__(real.model_name)
        self._model = real.model
        self.embedded = 0

    def embed_array(self, texts: list[str]) -> NDArray[np.float32]:
        self.embedded += len(texts)
        return super().embed_array(texts)


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drones.txt").write_text(DRONES, encoding="utf-8")
    (folder / "parking.txt").write_text(PARKING, encoding="utf-8")
    (folder / "gritting.txt").write_text(GRITTING, encoding="utf-8")
    return folder


def _refresher(settings: Settings, embeddings: SentenceEmbeddings) -> Refresher:
    return Refresher(settings, KnowledgeStore(settings), embeddings)


def test_ingest_then_search_finds_the_nearest_precedent(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    refresher = _refresher(settings, embeddings)
    summary = refresher.run([corpus])
    assert (summary.added, summary.failed) == (3, [])
    assert summary.precedents_written == 5

    query = embeddings.embed_array(["Do police use unmanned aircraft to watch people covertly?"])[0]
    hits = refresher.store.search(query, k=3)
    assert hits[0].reference == "FVP-2024-0101"
    assert hits[0].disposition == "ncnd"
    assert hits[0].exemptions == ("s23(5)", "s24(2)", "s31(3)")
    assert hits[0].score > hits[-1].score

    withheld = refresher.store.search(query, k=5, exemption="s40")
    assert [hit.reference for hit in withheld] == ["MHC/FOI/2023/77"]
    not_held = refresher.store.search(query, k=5, disposition="not_held")
    assert [hit.reference for hit in not_held] == ["LAC-FOISA-22-9"]
    assert not_held[0].regime == "foisa"
    assert refresher.store.collection(EXEMPTION_PRECEDENTS) is not None


def test_refresh_twice_adds_nothing_and_embeds_nothing(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    counting = CountingEmbeddings(embeddings)
    _refresher(settings, counting).run([corpus])
    before = KnowledgeStore(settings).counts()
    counting.embedded = 0

    again = _refresher(settings, counting).run([corpus])

    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    assert counting.embedded == 0
    assert KnowledgeStore(settings).counts() == before


def test_files_read_by_another_version_of_the_reader_are_read_again_once(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.refresh

    corpus = _corpus(tmp_path / "corpus")
    _refresher(settings, embeddings).run([corpus])
    before = KnowledgeStore(settings).counts()
    monkeypatch.setattr(knowledge.refresh, "reader_version", lambda: "an-upgraded-reader")

    upgraded = _refresher(settings, embeddings).run([corpus])
    settled = _refresher(settings, embeddings).run([corpus])

    assert (upgraded.added, upgraded.updated, upgraded.removed, upgraded.unchanged) == (0, 3, 0, 0)
    assert (settled.updated, settled.unchanged) == (0, 3)
    assert KnowledgeStore(settings).counts() == before  # replaced, not added twice
    ledger = Ledger(settings.ledger_path)
    assert all(digest for digest, _ids in ledger.contents().values())  # content is matched whoever read it


def test_a_ledger_written_before_reader_versions_gains_the_column_and_reads_its_files_again(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    import sqlite3

    corpus = _corpus(tmp_path / "corpus")
    _refresher(settings, embeddings).run([corpus])
    ledger = settings.data_dir / "ledger.sqlite3"
    with sqlite3.connect(ledger) as db:  # as an older foibot left it: no reader column
        db.execute("alter table documents drop column reader")

    again = _refresher(settings, embeddings).run([corpus])

    assert (again.updated, again.unchanged) == (3, 0)
    assert "reader" in {row[1] for row in sqlite3.connect(ledger).execute("pragma table_info(documents)")}


def test_a_refresh_leaves_the_interpreter_switch_interval_as_it_found_it(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    # The refresh shortens it while the reader parses beside the model, and only for that long.
    before = sys.getswitchinterval()

    _refresher(settings, embeddings).run([_corpus(tmp_path / "corpus")])

    assert sys.getswitchinterval() == before


def test_changed_file_replaces_its_precedents_and_removed_file_is_pruned(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    _refresher(settings, embeddings).run([corpus])
    (corpus / "parking.txt").write_text(PARKING.replace("412,000", "398,500"), encoding="utf-8")
    (corpus / "gritting.txt").unlink()

    summary = _refresher(settings, embeddings).run([corpus])

    assert (summary.updated, summary.removed, summary.unchanged) == (1, 1, 1)
    store = KnowledgeStore(settings)
    precedents = store.collection(PRECEDENTS).get(include=["metadatas"])
    answers = " ".join(str(m["payload"]) for m in precedents["metadatas"])
    assert "398,500" in answers
    assert "412,000" not in answers
    assert "LAC-FOISA-22-9" not in " ".join(str(m["payload"]) for m in precedents["metadatas"])
    assert store.counts()["precedents"] == 4


def test_store_built_with_one_model_refuses_another(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    _refresher(settings, embeddings).run([_corpus(tmp_path / "corpus")])
    other = Settings(_env_file=None, data_dir=settings.data_dir, embedding_model="paraphrase-albert-small-v2")  # type: ignore[call-arg]

    with pytest.raises(StoreError, match="rebuild"):
        KnowledgeStore(other).check_model()


def test_bad_files_are_reported_and_the_rest_of_the_batch_goes_on(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (corpus / "truncated.docx").write_bytes(b"PK\x03\x04garbage")
    with (corpus / "enormous.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    summary = _refresher(settings, embeddings).run([corpus])

    reasons = {Path(path).name: reason for path, reason in summary.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "truncated.pdf", "truncated.docx", "enormous.txt"}
    assert all("\n" not in reason for reason in reasons.values())
    assert "too large" in reasons["enormous.txt"]
    assert summary.added == 3
    ledger = Ledger(settings.ledger_path)
    assert len(ledger.documents()) == 3


def test_a_good_file_later_broken_keeps_its_old_precedents(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    _refresher(settings, embeddings).run([corpus])
    (corpus / "parking.txt").write_bytes(b"\x00\x01\x02 not text any more \xff\xfe\x00")

    summary = _refresher(settings, embeddings).run([corpus])

    assert [Path(path).name for path, _ in summary.failed] == ["parking.txt"]
    assert KnowledgeStore(settings).counts()["precedents"] == 5


def test_second_refresh_while_one_runs_is_refused(settings: Settings) -> None:
    with refresh_lock(settings.data_dir), pytest.raises(RefreshBusy), refresh_lock(settings.data_dir):
        pass


def test_stats_counts_by_disposition_and_exemption(
    settings: Settings, embeddings: SentenceEmbeddings, tmp_path: Path
) -> None:
    _refresher(settings, embeddings).run([_corpus(tmp_path / "corpus")])
    counts = KnowledgeStore(settings).counts()
    assert counts["by_disposition"] == {"disclosed": 2, "ncnd": 1, "exempt_withheld": 1, "not_held": 1}
    assert counts["by_exemption"]["s40(2)"] == 1
    assert counts["by_exemption"]["s24(2)"] == 1
    assert json.dumps(counts)
