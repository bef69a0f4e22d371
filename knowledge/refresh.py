"""Ingest and refresh: bring the store up to date with source folders, incrementally.

A SQLite ledger records, per source file, its content hash and the ids it contributed.
Unchanged files cost a hash and no embedding. Each batch of changed files is written in
three steps so that a kill at any moment leaves every file fully old or fully new:
  1. journal the new ids (committed);
  2. upsert the new records into Chroma;
  3. one ledger transaction: point each file at its new ids, move its old ids to garbage,
     clear its journal entry; then delete the garbage from Chroma.
On the next open, journalled ids (a batch that never reached step 3) are deleted and
garbage is collected. Searches skip journalled and garbage ids meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from knowledge.embeddings import SentenceEmbeddings
from knowledge.loaders import SUPPORTED_SUFFIXES, LoadError, load_path, with_export_labels
from knowledge.models import ParsedDocument
from knowledge.parser import parse_document
from knowledge.reading import reader_version
from knowledge.settings import Settings
from knowledge.sqlite_file import SqliteFile
from knowledge.store import (
    EXEMPTION_PRECEDENTS,
    PRECEDENTS,
    KnowledgeStore,
    exemption_metadata,
    precedent_metadata,
)

_BATCH_TEXTS = 1024
_READ_AHEAD = 8  # files read and parsed ahead while a batch is encoded
_SWITCH_INTERVAL_S = 0.0005  # see _model_first
_SCHEMA = """
create table if not exists documents (
    path text primary key, content_hash text not null, ids text not null,
    precedents integer not null, ingested_at text not null, last_seen text not null,
    reader text not null default '');
create table if not exists journal (path text primary key, ids text not null);
create table if not exists garbage (id integer primary key, ids text not null);
create table if not exists runs (id integer primary key, started text, finished text, summary text);
"""


class ProgressReport(Protocol):
    """Hears how far a long run has got, e.g. to draw a progress bar (the CLI's is in bot/console.py)."""

    def advance(self, source: str, done: int, total: int | None) -> None:
        """`done` of `total` items (files, pages, requests) of `source`; total None when unknown."""


class RefreshBusy(Exception):
    """Another refresh holds the lock on this data folder."""


@dataclass
class SourceSummary:
    """What one run did to one configured source (a folder, a disclosure-log URL, a WhatDoTheyKnow body)."""

    source: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The per-source summary as JSON."""
        return {
            "source": self.source, "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": [{"file": path, "reason": reason} for path, reason in self.failed],
            "requests": self.requests, "seconds": round(self.seconds, 2),
        }


@dataclass
class RefreshSummary:
    """What one ingest or refresh did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    precedents_written: int = 0
    seconds: float = 0.0
    requests: int = 0
    sources: list[SourceSummary] = field(default_factory=list)

    @property
    def ingested_nothing(self) -> bool:
        """True when files were given, none could be read, and nothing else changed."""
        return bool(self.failed) and not (self.added or self.updated or self.unchanged or self.removed)

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON."""
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": [{"file": path, "reason": reason} for path, reason in self.failed],
            "precedents_written": self.precedents_written, "seconds": round(self.seconds, 2),
            "requests": self.requests, "sources": [source.to_json() for source in self.sources],
        }

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged}, failed {len(self.failed)} "
            f"({self.precedents_written} precedents written) in {self.seconds:.1f} s"
        ]
        out += [f"  failed: {printable(path)}: {reason}" for path, reason in self.failed]
        out += [
            f"  {printable(s.source)}: added {s.added}, updated {s.updated}, removed {s.removed}, "
            f"unchanged {s.unchanged}, failed {len(s.failed)}, {s.requests} requests, {s.seconds:.1f} s"
            for s in self.sources
        ]
        return out


def printable(name: str) -> str:
    """A file name on one line: newlines and other control characters written as escapes."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in name)


class Ledger(SqliteFile):
    """What each source file contributed to the store, plus the crash-safety journal."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)
        columns = {row[1] for row in self.db.execute("pragma table_info(documents)")}
        if "reader" not in columns:  # a ledger written before the reader's version was recorded
            self.db.execute("alter table documents add column reader text not null default ''")

    # A file read by another version of the reader reports no content hash, so the next refresh
    # reads it again (its records are replaced as for a changed file).
    _SELECT = "select path, case when reader = ? then content_hash else '' end, ids from documents"

    def documents(self) -> dict[str, tuple[str, list[str]]]:
        """Every recorded file: its content hash ('' where another reader read it) and ids."""
        rows = self.db.execute(self._SELECT, (reader_version(),))
        return {path: (digest, json.loads(ids)) for path, digest, ids in rows}

    def contents(self) -> dict[str, tuple[str, list[str]]]:
        """Every recorded file: its content hash, whichever reader read it, and ids (to match files by content)."""
        rows = self.db.execute("select path, content_hash, ids from documents")
        return {path: (digest, json.loads(ids)) for path, digest, ids in rows}

    def documents_for(self, keys: Sequence[str]) -> dict[str, tuple[str, list[str]]]:
        """The recorded entries (content hash, '' where another reader read it, and ids) of just these keys."""
        found: dict[str, tuple[str, list[str]]] = {}
        for start in range(0, len(keys), 500):
            part = list(keys[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self.db.execute(f"{self._SELECT} where path in ({marks})", (reader_version(), *part))
            found.update({path: (digest, json.loads(ids)) for path, digest, ids in rows})
        return found

    def last_seen(self, keys: Sequence[str]) -> dict[str, str]:
        """When each of these keys was last found by a refresh."""
        unique = list(dict.fromkeys(keys))
        marks = ",".join("?" * len(unique))
        rows = self.db.execute(f"select path, last_seen from documents where path in ({marks})", unique)  # noqa: S608
        return dict(rows.fetchall())

    def pending_ids(self) -> frozenset[str]:
        """Ids that searches must skip: written but not committed, or committed for deletion."""
        ids: set[str] = set()
        for (raw,) in self.db.execute("select ids from journal union all select ids from garbage"):
            ids.update(json.loads(raw))
        return frozenset(ids)

    def recover(self, store: KnowledgeStore) -> int:
        """Undo half-written batches and finish interrupted deletions; returns ids removed."""
        removed = 0
        for path, raw in self.db.execute("select path, ids from journal").fetchall():
            ids = json.loads(raw)
            store.delete(ids)
            removed += len(ids)
            self.db.execute("delete from journal where path = ?", (path,))
        for row_id, raw in self.db.execute("select id, ids from garbage").fetchall():
            ids = json.loads(raw)
            store.delete(ids)
            removed += len(ids)
            self.db.execute("delete from garbage where id = ?", (row_id,))
        return removed

    def last_run(self) -> dict[str, Any] | None:
        """The newest finished run's times and summary."""
        row = self.db.execute(
            "select started, finished, summary from runs where finished is not null order by id desc limit 1"
        ).fetchone()
        if row is None:
            return None
        return {"started": row[0], "finished": row[1], "summary": json.loads(row[2])}

    def record_run(self, started: str, summary: RefreshSummary) -> None:
        """Keep a run's summary for `foibot stats` and `/foi status`."""
        self.db.execute(
            "insert into runs (started, finished, summary) values (?, ?, ?)",
            (started, _now(), json.dumps(summary.to_json())),
        )

    def reset(self) -> None:
        """Forget every file (the rebuild path)."""
        with self.transaction() as db:
            for table in ("documents", "journal", "garbage"):
                db.execute(f"delete from {table}")  # noqa: S608 - fixed table names


@contextlib.contextmanager
def refresh_lock(data_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the data folder's refresh lock: one refresh at a time, across processes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / "refresh.lock", "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RefreshBusy(
                "another refresh is running on this data folder; try again when it ends (or use --wait)"
            ) from None
        yield
    finally:
        handle.close()


_NOT_PRECEDENTS = re.compile(r"(?i)^readme(?:\.\w+)?$")
"""A folder's README says what the folder is; it is no response letter."""


class StoreHeld(RefreshBusy):
    """The bot holds the embedded Chroma folder, so another process must not write to it."""


_HELD_BY_BOT = ("the bot (foibot serve) holds the embedded store in {folder}: refresh through the bot "
                "(/foi refresh or FOIBOT_REFRESH_SCHEDULE), or run a Chroma server and set FOIBOT_CHROMA_HOST")


@contextlib.contextmanager
def bot_store(settings: Settings) -> Iterator[None]:
    """Held by `foibot serve` while it runs: the embedded store is then this process's alone.

    Chroma's embedded folder belongs to one process: what another process writes there the
    bot's in-memory index never sees. With a Chroma server there is nothing to hold.
    """
    with _store_claim(settings, fcntl.LOCK_EX, "another foibot serve already holds the embedded store in {folder}"):
        yield


@contextlib.contextmanager
def writing_store(settings: Settings) -> Iterator[None]:
    """Held by a command-line ingest, refresh or import: refused while the bot holds the embedded store."""
    with _store_claim(settings, fcntl.LOCK_SH, _HELD_BY_BOT):
        yield


@contextlib.contextmanager
def _store_claim(settings: Settings, mode: int, refusal: str) -> Iterator[None]:
    if settings.chroma_host:
        yield
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(settings.data_dir / "store.lock", "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreHeld(refusal.format(folder=settings.chroma_dir)) from None
        yield
    finally:
        handle.close()


def source_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """Files to read, folders scanned (for pruning) and paths that could not be used.

    A subfolder that cannot be read is reported (and its files are not pruned), never skipped
    silently; so is a broken or looping symbolic link.
    """
    files: list[Path] = []
    folders: list[Path] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            folders.append(path.resolve())
            found, unreadable = scan_folder(path)
            files += found
            problems += unreadable
        elif path.is_file():
            files.append(path.resolve())
        else:
            problems.append((str(path), _missing_reason(path)))
    return list(dict.fromkeys(files)), folders, problems


def scan_folder(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Supported files under a folder (hidden ones and READMEs left out), and what could not be read."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []

    def unreadable(error: OSError) -> None:
        problems.append((str(error.filename or folder), f"cannot read folder: {error.strerror or error}"))

    for top, subfolders, names in os.walk(folder, onerror=unreadable, followlinks=False):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or _NOT_PRECEDENTS.match(name):
                continue
            path = Path(top) / name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_file():
                files.append(path.resolve())
            elif path.is_symlink():
                problems.append((str(path), _missing_reason(path)))
    return sorted(files), problems


def _missing_reason(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be used, in a few words."""
    if path.is_symlink():
        try:
            path.stat()
        except OSError as error:
            if error.errno == errno.ELOOP:
                return "symbolic link loop (the link points back to itself)"
            return f"broken symbolic link (to {os.readlink(path)})"
        return "not a regular file"
    return "no such file or folder"


@dataclass
class _Batch:
    batch: list[_Pending]
    records: dict[str, list[tuple[str, str, dict[str, Any]]]]
    vectors: dict[str, NDArray[np.float32]]
    ids_by_file: dict[str, list[str]]


@dataclass
class _Pending:
    path: str
    digest: str
    parsed: list[ParsedDocument]
    new: bool
    origin: dict[str, str] | None = None


@dataclass(frozen=True)
class ParsedSource:
    """Documents read from somewhere other than a file (a crawled page, a WhatDoTheyKnow request)."""

    key: str
    """The ledger key: the page's URL."""
    digest: str
    parsed: list[ParsedDocument]
    origin: dict[str, str]


class Refresher:
    """Runs ingests and refreshes against one store and ledger."""

    def __init__(self, settings: Settings, store: KnowledgeStore, embeddings: SentenceEmbeddings) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.ledger = Ledger(settings.ledger_path)

    def run(
        self,
        paths: Sequence[Path],
        prune: bool = True,
        progress: ProgressReport | None = None,
        on_file: Callable[[int, int], None] | None = None,
        record: bool = True,
        label: str = "files",
    ) -> RefreshSummary:
        """Bring the store up to date with `paths`; prune vanished files under scanned folders.

        `record=False` leaves the run out of the ledger's history (a caller summing several sources records one).
        """
        started_clock = time.perf_counter()
        started = _now()
        summary = RefreshSummary()
        self.store.check_model()
        self.ledger.recover(self.store)
        files, folders, missing = source_files(paths)
        summary.failed += missing
        known = self.ledger.documents()
        pending: list[_Pending] = []
        pending_texts = 0
        # Chroma writes one batch on a worker thread while the next batch is embedded.
        with _model_first(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="foibot-writer") as writer:
            in_flight: tuple[_Batch, Future[None]] | None = None

            def submit(batch: list[_Pending]) -> None:
                nonlocal in_flight
                if not batch:
                    return
                self.store.ensure_collections(self.embeddings.dimension)
                prepared = self._prepare(batch)
                settle()
                self._journal(prepared)
                in_flight = (prepared, writer.submit(self._write, prepared))

            def settle() -> None:
                nonlocal in_flight
                if in_flight is not None:
                    prepared, future = in_flight
                    in_flight = None
                    future.result()
                    self._finish(prepared, known, summary)

            for index, (path, outcome) in enumerate(self._examined(files, known), start=1):
                key = str(path)
                if isinstance(outcome, str):
                    summary.failed.append((key, outcome))
                elif outcome is None:
                    summary.unchanged += 1
                else:
                    pending.append(outcome)
                    pending_texts += sum(len(d.precedents) + len(d.exemption_precedents) for d in outcome.parsed)
                    if pending_texts >= _BATCH_TEXTS:
                        submit(pending)
                        pending, pending_texts = [], 0
                if progress is not None:
                    progress.advance(label, index, len(files))
                if on_file is not None:
                    on_file(index, len(files))
            submit(pending)
            settle()
        if prune:
            self._prune(folders, files, known, summary)
        with self.ledger.transaction() as db:
            db.executemany("update documents set last_seen = ? where path = ?",
                           [(started, str(path)) for path in files])
        summary.seconds = time.perf_counter() - started_clock
        if record:
            self.ledger.record_run(started, summary)
        return summary

    def _examined(self, files: Sequence[Path], known: dict[str, tuple[str, list[str]]],
                  ) -> Iterator[tuple[Path, _Pending | str | None]]:
        """Each file examined, in order; read a few files ahead on a thread, which runs while the
        model encodes (torch leaves the interpreter free while it computes)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="foibot-reader") as reader:
            ahead: deque[tuple[Path, Future[_Pending | str | None]]] = deque()
            remaining = iter(files)
            for path in itertools.islice(remaining, _READ_AHEAD):
                ahead.append((path, reader.submit(self._examine, path, known.get(str(path)))))
            while ahead:
                path, future = ahead.popleft()
                following = next(remaining, None)
                if following is not None:
                    ahead.append((following, reader.submit(self._examine, following, known.get(str(following)))))
                yield path, future.result()

    def _examine(self, path: Path, known: tuple[str, list[str]] | None) -> _Pending | str | None:
        """None if unchanged, a failure reason, or the parsed documents to write."""
        try:
            size = path.stat().st_size
            if size > self.settings.max_file_bytes:
                limit = self.settings.max_file_bytes / 1e6
                return f"file too large ({size / 1e6:.1f} MB; the limit is {limit:.1f} MB)"
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            return f"cannot read file: {error.strerror}"
        if known is not None and known[0] == digest:
            return None
        try:
            documents = load_path(path, self.settings.max_file_bytes)
            parsed = [with_export_labels(parse_document(doc, self.settings.authority)) for doc in documents]
        except LoadError as error:
            return str(error)
        except RecursionError:
            return "document too deeply nested to read"
        except (ValueError, UnicodeError) as error:  # a loader's library refusing odd input
            return f"unreadable document ({type(error).__name__})"
        except MemoryError:
            return "document too large to read in memory"
        except Exception as error:  # one bad file must never stop the rest of the batch
            return f"unreadable document ({type(error).__name__})"
        if not any(doc.precedents for doc in parsed):
            return "no questions or answers found"
        return _Pending(str(path), digest, parsed, new=known is None)

    def _prepare(self, batch: list[_Pending]) -> _Batch:
        """Ids, texts, metadata and embeddings for a batch of changed files (no writes yet)."""
        records: dict[str, list[tuple[str, str, dict[str, Any]]]] = {PRECEDENTS: [], EXEMPTION_PRECEDENTS: []}
        ids_by_file: dict[str, list[str]] = {}
        for item in batch:
            file_key = hashlib.sha256(item.path.encode()).hexdigest()[:12]
            prefix = f"{file_key}-{item.digest[:12]}"
            ids: list[str] = []
            for doc_index, doc in enumerate(item.parsed):
                for precedent in doc.precedents:
                    record_id = f"{prefix}-{doc_index}-p{precedent.position}"
                    records[PRECEDENTS].append(
                        (record_id, precedent.question,
                         precedent_metadata(precedent, item.path, item.digest, item.origin))
                    )
                    ids.append(record_id)
                for number, reasoning in enumerate(doc.exemption_precedents):
                    record_id = f"{prefix}-{doc_index}-x{number}"
                    records[EXEMPTION_PRECEDENTS].append(
                        (record_id, reasoning.text, exemption_metadata(reasoning, item.path, item.digest))
                    )
                    ids.append(record_id)
            ids_by_file[item.path] = ids
        # One encode call for the whole batch: sentence-transformers sorts it by length once.
        texts = [text for rows in records.values() for _, text, _ in rows]
        embedded = self.embeddings.embed_array(texts)
        vectors: dict[str, NDArray[np.float32]] = {}
        start = 0
        for name, rows in records.items():
            vectors[name] = embedded[start : start + len(rows)]
            start += len(rows)
        return _Batch(batch, records, vectors, ids_by_file)

    def _journal(self, prepared: _Batch) -> None:
        """Step 1: record the ids about to be written, so a kill can be undone."""
        with self.ledger.transaction() as db:
            db.executemany("insert or replace into journal (path, ids) values (?, ?)",
                           [(path, json.dumps(ids)) for path, ids in prepared.ids_by_file.items()])

    def _write(self, prepared: _Batch) -> None:
        """Step 2: the records into Chroma (runs on the writer thread)."""
        for name, rows in prepared.records.items():
            if rows:
                self.store.write(name, [r[0] for r in rows], prepared.vectors[name], [r[2] for r in rows])
        _fault_point("after_upsert")

    def _finish(self, prepared: _Batch, known: dict[str, tuple[str, list[str]]], summary: RefreshSummary) -> None:
        """Step 3: point the ledger at the new records in one transaction, then collect garbage."""
        now = _now()
        with self.ledger.transaction() as db:
            for item in prepared.batch:
                old = known.get(item.path)
                new_ids = prepared.ids_by_file[item.path]
                stale = [record for record in (old[1] if old else []) if record not in set(new_ids)]
                if stale:
                    db.execute("insert into garbage (ids) values (?)", (json.dumps(stale),))
                db.execute(
                    "insert or replace into documents values (?, ?, ?, ?, ?, ?, ?)",
                    (item.path, item.digest, json.dumps(new_ids),
                     sum(len(doc.precedents) for doc in item.parsed), now, now, reader_version()),
                )
                db.execute("delete from journal where path = ?", (item.path,))
                known[item.path] = (item.digest, new_ids)
                summary.precedents_written += sum(len(doc.precedents) for doc in item.parsed)
                if item.new:
                    summary.added += 1
                else:
                    summary.updated += 1
        _fault_point("after_ledger")
        self.ledger.recover(self.store)

    def _prune(self, folders: list[Path], files: list[Path], known: dict[str, tuple[str, list[str]]],
               summary: RefreshSummary) -> None:
        present = {str(path) for path in files}
        unreadable = [Path(path) for path, reason in summary.failed if reason.startswith("cannot read folder")]
        gone = [path for path in known if path not in present
                and any(Path(path).is_relative_to(folder) for folder in folders)
                and not any(Path(path).is_relative_to(folder) for folder in unreadable)
                and _vanished(Path(path))]
        if not gone:
            return
        with self.ledger.transaction() as db:
            for path in gone:
                db.execute("insert into garbage (ids) values (?)", (json.dumps(known[path][1]),))
                db.execute("delete from documents where path = ?", (path,))
                del known[path]
        summary.removed += len(gone)
        self.ledger.recover(self.store)

    def ingest_parsed(self, key: str, parsed: list[ParsedDocument]) -> int:
        """Write documents that come from no file (an approved case) under a key of their own.

        The same crash-safe steps as a refresh; a second call with the same key replaces
        what the first wrote. Returns the number of precedents written.
        """
        self.store.check_model()
        self.ledger.recover(self.store)
        content = json.dumps([[p.to_json() for p in doc.precedents] for doc in parsed], sort_keys=True)
        digest = hashlib.sha256(content.encode()).hexdigest()
        known = self.ledger.documents()
        if known.get(key, ("", []))[0] == digest:
            return 0
        summary = RefreshSummary()
        self.store.ensure_collections(self.embeddings.dimension)
        prepared = self._prepare([_Pending(key, digest, parsed, new=key not in known)])
        self._journal(prepared)
        self._write(prepared)
        self._finish(prepared, known, summary)
        return summary.precedents_written

    def write_parsed(self, sources: Sequence[ParsedSource], summary: RefreshSummary) -> None:
        """Write changed non-file sources in one crash-safe batch, each fully old or fully new."""
        if not sources:
            return
        known = self.ledger.documents_for([source.key for source in sources])
        batch = [_Pending(s.key, s.digest, s.parsed, new=s.key not in known, origin=s.origin) for s in sources]
        self.store.ensure_collections(self.embeddings.dimension)
        prepared = self._prepare(batch)
        self._journal(prepared)
        self._write(prepared)
        self._finish(prepared, known, summary)

    def forget(self, keys: Sequence[str], summary: RefreshSummary) -> None:
        """Remove what these keys contributed (a page that disappeared), in one ledger transaction."""
        known = self.ledger.documents_for(keys)
        if not known:
            return
        with self.ledger.transaction() as db:
            for key, (_, ids) in known.items():
                db.execute("insert into garbage (ids) values (?)", (json.dumps(ids),))
                db.execute("delete from documents where path = ?", (key,))
        summary.removed += len(known)
        self.ledger.recover(self.store)

    def mark_seen(self, keys: Sequence[str]) -> None:
        """Record that these keys were found, unchanged or not, in this run."""
        with self.ledger.transaction() as db:
            db.executemany("update documents set last_seen = ? where path = ?", [(_now(), key) for key in keys])

    def rebuild(self, paths: Sequence[Path], progress: ProgressReport | None = None) -> RefreshSummary:
        """Drop the store and ledger, then ingest every source again with the current model."""
        self.store.reset()
        self.ledger.reset()
        return self.run(paths, progress=progress)

    def close(self) -> None:
        """Release the ledger."""
        self.ledger.close()


@contextlib.contextmanager
def _model_first() -> Iterator[None]:
    """Hand the interpreter back to the encoding thread sooner while the reader parses.

    The model's forward pass needs the interpreter between its compiled steps; a reader thread
    parsing in pure Python keeps it for the whole switch interval (5 ms) each time. A shorter
    interval for the length of a refresh keeps the model from waiting on the reader.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, _SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _vanished(path: Path) -> bool:
    """Whether a file is known to be gone; one that cannot even be looked at is kept, not pruned."""
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def _fault_point(name: str) -> None:
    # Lets the crash-safety test kill the process at an exact step, like a power cut would.
    if os.environ.get("FOIBOT_TEST_KILL_AT") == name:
        os.kill(os.getpid(), 9)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def refresh_times(cron: str, after: datetime, zone: str = "Europe/London") -> Iterator[datetime]:
    """When a cron schedule is due after `after`, read on the wall clock of `zone` (UK time by default).

    "0 2 * * *" is 02:00 in London all year (01:00 UTC in summer). A time that the autumn
    clock change repeats runs once, not twice.
    """
    from zoneinfo import ZoneInfo

    from croniter import croniter

    local = ZoneInfo(zone)
    times = croniter(cron, after.astimezone(local))
    previous_wall: datetime | None = None
    while True:
        due = times.get_next(datetime)
        wall = due.replace(tzinfo=None)
        if wall == previous_wall:
            continue
        previous_wall = wall
        yield due.astimezone(UTC)
