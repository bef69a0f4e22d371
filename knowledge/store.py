"""The Chroma store of precedents and exemption precedents.

Embedded (`PersistentClient` in the data folder) by default, a Chroma server when
FOIBOT_CHROMA_HOST is set: the same code either way. Each collection records the
embedding model and dimension it was built with, and refuses another model.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.citations import metadata_key, section_key
from knowledge.models import Disposition, ExemptionPrecedent, Precedent
from knowledge.settings import Settings

PRECEDENTS = "precedents"
EXEMPTION_PRECEDENTS = "exemption_precedents"
_REASONING_POOL = 200  # nearest reasoning paragraphs fetched in one plain query, then sorted by section
EXEMPTION_SEPARATOR = ", "


class StoreError(Exception):
    """The store cannot be opened or used; the message is one line and says what to do."""


@dataclass(frozen=True)
class SearchHit:
    """One precedent found by a search, with its cosine similarity to the query."""

    id: str
    score: float
    question: str
    answer: str
    disposition: str
    exemptions: tuple[str, ...]
    reference: str
    date: str
    authority: str
    regime: str
    source: str
    request_stance: str
    source_file: str = ""
    origin_kind: str = ""
    """Where the precedent came from: `file`, `url` (a crawled disclosure log), `wdtk` or `case`."""
    origin_url: str = ""
    last_seen: str = ""
    answer_in_text: bool = True
    """False where the published text did not carry the answer (an absent attachment): no vote."""
    note: str = ""

    def to_json(self) -> dict[str, object]:
        """The JSON shape printed by `foibot search --json`."""
        return {
            "id": self.id, "score": round(self.score, 4), "reference": self.reference,
            "date": self.date, "disposition": self.disposition, "exemptions": list(self.exemptions),
            "question": self.question, "answer": self.answer, "authority": self.authority,
            "regime": self.regime, "source": self.source, "request_stance": self.request_stance,
            "origin": {"kind": self.origin_kind, "url": self.origin_url}, "last_seen": self.last_seen,
            "answer_in_text": self.answer_in_text, "note": self.note,
        }

    @property
    def link(self) -> str:
        """The public page this precedent came from (http or https only), else empty."""
        return self.origin_url if self.origin_url.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class Reasoning:
    """A stored paragraph of exemption reasoning found for a section."""

    section: str
    kind: str
    """`harm_test`, `public_interest` or `ncnd`."""
    text: str
    authority: str
    reference: str
    score: float
    source_file: str = ""


def precedent_metadata(
    precedent: Precedent, source_file: str, content_hash: str, origin: dict[str, str] | None = None
) -> dict[str, Any]:
    """Chroma metadata for a precedent.

    Only what searches filter on is a key of its own (each cited section gets a boolean
    key); the rest travels as one JSON payload, which keeps writes fast. `origin` says where
    it came from (kind, url, ...); by default it is read from `source_file`.
    """
    stance = precedent.request_stance
    payload = {
        "question": precedent.question,
        "answer": precedent.answer,
        "exemptions": list(precedent.exemptions),
        "reference": precedent.reference,
        "authority": precedent.authority,
        "source": precedent.source,
        "position": precedent.position,
        "request_stance": (
            f"{stance.disposition.value}: {EXEMPTION_SEPARATOR.join(stance.exemptions)}" if stance else ""
        ),
        "origin": origin or origin_of(source_file),
        "last_seen": datetime.now(UTC).isoformat(timespec="seconds"),
        "date": precedent.date,
        "regime": precedent.regime.value,
        "content_hash": content_hash,
        "note": precedent.note,
    }
    # Every metadata key is a row in Chroma's tables: only what searches filter on gets one.
    metadata: dict[str, Any] = {
        "disposition": precedent.disposition.value,
        "source": precedent.source,
        "source_file": source_file,
        "answer_in_text": precedent.answer_in_text,
        "payload": json.dumps(payload, ensure_ascii=False),
    }
    for label in precedent.exemptions:
        metadata[metadata_key(label)] = True
    return metadata


def origin_of(source_file: str) -> dict[str, str]:
    """Provenance read from a ledger key: a crawled URL, an approved case, or a file path."""
    if source_file.startswith(("https://", "http://")):
        return {"kind": "url", "url": source_file}
    if source_file.startswith("case:"):
        return {"kind": "case", "url": ""}
    return {"kind": "file", "url": source_file}


def exemption_metadata(item: ExemptionPrecedent, source_file: str, content_hash: str) -> dict[str, Any]:
    """Chroma metadata for a paragraph of exemption reasoning."""
    payload = {"text": item.text, "reference": item.reference, "authority": item.authority, "source": item.source,
               "kind": item.kind, "section": item.section, "date": item.date, "regime": item.regime.value,
               "content_hash": content_hash}
    return {
        metadata_key(item.section): True, "source_file": source_file,
        "payload": json.dumps(payload, ensure_ascii=False),
    }


class KnowledgeStore:
    """Precedents and exemption precedents in two Chroma collections."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_name = settings.embedding_model
        self._client = _connect(settings)
        self._collections: dict[str, Any] = {}
        self._reasoning_keys: tuple[int, frozenset[str]] = (-1, frozenset())

    def collection(self, name: str, dimension: int | None = None) -> Any:
        """A collection, created for this model if new, refused if built with another."""
        if name in self._collections:
            return self._collections[name]
        full_name = f"{self.settings.collection_prefix}_{name}"
        existing = self._get(full_name)
        if existing is None:
            if dimension is None:
                return None
            existing = self._client.create_collection(
                full_name,
                metadata={"embedding_model": self.model_name, "embedding_dim": dimension},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        built_with = (existing.metadata or {}).get("embedding_model")
        built_dim = (existing.metadata or {}).get("embedding_dim")
        if built_with != self.model_name or (dimension is not None and built_dim != dimension):
            raise StoreError(
                f"the store was built with embedding model {built_with!r} ({built_dim} dimensions) but "
                f"FOIBOT_EMBEDDING_MODEL is {self.model_name!r}: set it back, or rebuild the store "
                "with `foibot rebuild` (re-embeds every source)"
            )
        self._collections[name] = existing
        return existing

    def _get(self, full_name: str) -> Any:
        try:
            return self._client.get_collection(full_name, embedding_function=None)
        except Exception as error:  # chromadb raises NotFoundError or ValueError by version
            if "does not exist" in str(error) or "not found" in str(error).lower():
                return None
            raise StoreError(f"cannot open Chroma collection {full_name}: {error}") from None

    def ensure_collections(self, dimension: int) -> None:
        """Create both collections for this model if they do not exist yet."""
        for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
            self.collection(name, dimension=dimension)

    def check_model(self) -> None:
        """Raise StoreError now if the store was built with another model."""
        for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
            self.collection(name)

    def write(
        self,
        name: str,
        ids: Sequence[str],
        embeddings: NDArray[np.float32],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Upsert records into a collection, in batches Chroma accepts."""
        if not ids:
            return
        collection = self.collection(name, dimension=int(embeddings.shape[1]))
        step = max(1, min(5000, self._client.get_max_batch_size()))
        for start in range(0, len(ids), step):
            end = start + step
            collection.upsert(
                ids=list(ids[start:end]), embeddings=embeddings[start:end], metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Iterable[str]) -> None:
        """Remove records by id from both collections (unknown ids are ignored)."""
        id_list = list(ids)
        if not id_list:
            return
        for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
            collection = self.collection(name)
            if collection is None:
                continue
            step = 5000
            for start in range(0, len(id_list), step):
                collection.delete(ids=id_list[start : start + step])

    def search(
        self,
        query_embedding: NDArray[np.float32],
        k: int = 5,
        disposition: str | None = None,
        exemption: str | None = None,
        exclude_ids: frozenset[str] = frozenset(),
        where: dict[str, Any] | None = None,
    ) -> list[SearchHit]:
        """The k precedents nearest the query, optionally filtered."""
        collection = self.collection(PRECEDENTS)
        if collection is None or k <= 0:
            return []
        clauses: list[dict[str, Any]] = [dict(where)] if where else []
        if disposition:
            clauses.append({"disposition": Disposition(disposition).value})
        if exemption:
            clauses.append({metadata_key(exemption): True})
        condition: dict[str, Any] | None = None
        if len(clauses) == 1:
            condition = clauses[0]
        elif clauses:
            condition = {"$and": clauses}
        total = collection.count()
        if total == 0:
            return []
        result = collection.query(
            query_embeddings=query_embedding.reshape(1, -1),
            n_results=min(total, k + len(exclude_ids)),
            where=condition,
            include=["metadatas", "distances"],
        )
        hits = []
        for record_id, metadata, distance in zip(
            result["ids"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            if record_id in exclude_ids:
                continue
            hits.append(hit_from_record(record_id, metadata, 1.0 - float(distance)))
        return hits[:k]

    def search_reasoning_for(self, query_embedding: NDArray[np.float32], sections: Sequence[str], k: int = 6,
                             where: dict[str, Any] | None = None) -> dict[str, list[Reasoning]]:
        """Paragraphs of the authority's reasoning nearest the question, up to `k` per section, keyed
        by section key (`s31`): every section found near the question, and each one asked for.

        A filtered Chroma query costs ten times a plain one, so the nearest paragraphs of any
        section are fetched once and sorted by the sections they carry; only sections asked for
        that got none that way are fetched with a filter. `where` may only exclude a source file.
        """
        found: dict[str, list[Reasoning]] = {section_key(section): [] for section in sections}
        collection = self.collection(EXEMPTION_PRECEDENTS)
        size = collection.count() if collection is not None else 0
        if k <= 0 or size == 0:
            return found
        excluded = str(((where or {}).get("source_file") or {}).get("$ne", ""))
        vector = query_embedding.reshape(1, -1)
        nearest = collection.query(query_embeddings=vector, n_results=min(size, _REASONING_POOL),
                                   include=["metadatas", "distances"])
        self._sort_reasoning(nearest, found, k, excluded, add_keys=True)
        missing = [key for key, items in found.items()
                   if not items and metadata_key(key) in self._keys_with_reasoning(collection, size)]
        if missing:
            keys = [{metadata_key(key): True} for key in missing]
            condition: dict[str, Any] = keys[0] if len(keys) == 1 else {"$or": keys}
            if excluded:
                condition = {"$and": [condition, {"source_file": {"$ne": excluded}}]}
            filtered = collection.query(query_embeddings=vector, n_results=k * len(missing), where=condition,
                                        include=["metadatas", "distances"])
            self._sort_reasoning(filtered, found, k, excluded, add_keys=False)
        return found

    def _keys_with_reasoning(self, collection: Any, size: int) -> frozenset[str]:
        """The section keys any paragraph of reasoning carries (read again whenever the collection changes size)."""
        if self._reasoning_keys[0] != size:
            keys: set[str] = set()
            for start in range(0, size, 5000):
                batch = collection.get(include=["metadatas"], limit=5000, offset=start)
                keys.update(key for metadata in batch["metadatas"] for key, value in metadata.items()
                            if key.startswith("ex_") and value is True)
            self._reasoning_keys = (size, frozenset(keys))
        return self._reasoning_keys[1]

    @staticmethod
    def _sort_reasoning(result: Any, found: dict[str, list[Reasoning]], k: int, excluded: str,
                        add_keys: bool) -> None:
        """Each paragraph to the section key it argues for (a new key too, with `add_keys`)."""
        for metadata, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            if excluded and metadata.get("source_file") == excluded:
                continue
            payload = json.loads(str(metadata.get("payload") or "{}"))
            section = str(payload.get("section", ""))
            key = section_key(section) if section else ""
            if not key or (key not in found and not add_keys):
                continue
            items = found.setdefault(key, [])
            if len(items) < k:
                items.append(Reasoning(
                    section=section, kind=str(payload.get("kind", "")), text=str(payload.get("text", "")),
                    authority=str(payload.get("authority", "")), reference=str(payload.get("reference", "")),
                    score=1.0 - float(distance), source_file=str(metadata.get("source_file", "")),
                ))

    def counts(self, exclude_ids: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Sizes, and counts of precedents by disposition and by exemption section.

        `exclude_ids` are records a killed refresh left half-written (the ledger's pending ids):
        searches skip them, so counts do too.
        """
        precedents = self.collection(PRECEDENTS)
        reasoning = self.collection(EXEMPTION_PRECEDENTS)
        by_disposition: Counter[str] = Counter()
        readable: Counter[str] = Counter()
        by_exemption: Counter[str] = Counter()
        sections_by_outcome: dict[str, Counter[str]] = {}
        regimes: dict[str, Counter[str]] = {}
        not_in_text = 0
        stored = precedents.count() if precedents is not None else 0
        total = 0
        for start in range(0, stored, 5000):
            batch = precedents.get(include=["metadatas"], limit=5000, offset=start)
            for record_id, metadata in zip(batch["ids"], batch["metadatas"], strict=True):
                if record_id in exclude_ids:
                    continue
                total += 1
                by_disposition[str(metadata.get("disposition"))] += 1
                not_in_text += metadata.get("answer_in_text") is False
                if metadata.get("answer_in_text") is not False:
                    readable[str(metadata.get("disposition"))] += 1
                payload = json.loads(str(metadata.get("payload") or "{}"))
                authority = str(payload.get("authority") or "")
                regimes.setdefault(authority, Counter())[str(payload.get("regime") or "")] += 1
                for label in payload.get("exemptions") or ():
                    by_exemption[str(label)] += 1
                    if metadata.get("answer_in_text") is not False:
                        sections_by_outcome.setdefault(str(metadata.get("disposition")), Counter())[str(label)] += 1
        reasonings = reasoning.count() if reasoning is not None else 0
        if reasoning is not None and exclude_ids:
            reasonings -= len(reasoning.get(ids=list(exclude_ids), include=[])["ids"])
        return {
            "precedents": total,
            "exemption_precedents": reasonings,
            "by_disposition": dict(by_disposition.most_common()),
            "by_exemption": dict(by_exemption.most_common()),
            "answers_not_in_text": not_in_text,
            "by_disposition_in_text": dict(readable.most_common()),
            "exemptions_by_disposition_in_text": {outcome: dict(counts.most_common())
                                                  for outcome, counts in sections_by_outcome.items()},
            "regimes_by_authority": {name: dict(counts.most_common()) for name, counts in regimes.items()},
        }

    def records_for(self, source_file: str) -> list[str]:
        """Ids of all precedents and exemption precedents a source file contributed."""
        ids: list[str] = []
        for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
            collection = self.collection(name)
            if collection is not None:
                ids += collection.get(where={"source_file": source_file}, include=[])["ids"]
        return ids

    def reset(self) -> None:
        """Drop both collections (the rebuild path)."""
        for name in (PRECEDENTS, EXEMPTION_PRECEDENTS):
            full_name = f"{self.settings.collection_prefix}_{name}"
            if self._get(full_name) is not None:
                self._client.delete_collection(full_name)
        self._collections.clear()


def hit_from_record(record_id: str, metadata: dict[str, Any], score: float) -> SearchHit:
    """A search hit from a stored precedent's metadata."""
    payload = json.loads(str(metadata.get("payload") or "{}"))
    origin = payload.get("origin") if isinstance(payload.get("origin"), dict) else {}
    return SearchHit(
        id=record_id,
        score=score,
        question=str(payload.get("question", "")),
        answer=str(payload.get("answer", "")),
        disposition=str(metadata.get("disposition", "")),
        exemptions=tuple(payload.get("exemptions") or ()),
        reference=str(payload.get("reference", "")),
        date=str(payload.get("date", metadata.get("date", ""))),
        authority=str(payload.get("authority", "")),
        regime=str(payload.get("regime", metadata.get("regime", ""))),
        source=str(payload.get("source", "")),
        request_stance=str(payload.get("request_stance", "")),
        source_file=str(metadata.get("source_file", "")),
        origin_kind=str(origin.get("kind", "")),
        origin_url=str(origin.get("url", "")),
        last_seen=str(payload.get("last_seen", "")),
        answer_in_text=metadata.get("answer_in_text") is not False,
        note=str(payload.get("note", "")),
    )


def _connect(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as error:  # connection refused, bad folder: one line for the user
        where = (f"Chroma server at {settings.chroma_host}:{settings.chroma_port}"
                 if settings.chroma_host else f"Chroma folder {settings.chroma_dir}")
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(f"cannot open {where}: {first_line}") from None
