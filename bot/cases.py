"""The case database: cases, their questions and every draft version, kept with SQLAlchemy.

Any SQLAlchemy URL works; the default (`Settings.case_database_url`) is a SQLite file in the data
folder, opened in WAL mode with foreign keys on. Requester personal data lives only in the
`requester_*` columns of `cases`, never in the JSON of drafts. A `CaseStore` opens one session per
call, so one store can be shared by a pool of worker threads. The `processed_events` table lets the
Slack bot ignore an event it has already handled.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool

from bot.models import Alternative, Case, CaseQuestion, Draft, Evidence, Requester
from knowledge.models import Disposition, Regime

_RETRIES = 20
"""How often a write that lost a race on a unique constraint is tried again."""


class CaseError(Exception):
    """Base of the case database's errors; `str()` is a one-line message."""


class CaseNotFound(CaseError, KeyError):
    """No case has this reference."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference

    def __str__(self) -> str:
        return f"no case with reference {self.reference!r}"


class QuestionNotFound(CaseError, KeyError):
    """The case has no question with this number."""

    def __init__(self, reference: str, number: int) -> None:
        super().__init__(reference, number)
        self.reference = reference
        self.number = number

    def __str__(self) -> str:
        return f"case {self.reference!r} has no question {self.number}"


class CaseExists(CaseError):
    """A case with this reference is already stored."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference

    def __str__(self) -> str:
        return f"a case with reference {self.reference!r} already exists"


# --- Schema ---------------------------------------------------------------------------------


class Base(DeclarativeBase):
    """Declarative base of the case database's tables."""


class CaseRow(Base):
    """One row of `cases`."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_thread", "slack_channel", "slack_thread_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    received: Mapped[date] = mapped_column(Date)
    regime: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date)
    extended_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    request_text: Mapped[str] = mapped_column(Text)
    requester_name: Mapped[str] = mapped_column(Text, default="")
    requester_email: Mapped[str] = mapped_column(Text, default="")
    requester_address: Mapped[str] = mapped_column(Text, default="")
    requester_phone: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="open", index=True)
    slack_channel: Mapped[str] = mapped_column(String(64), default="")
    slack_thread_ts: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[str] = mapped_column(String(40), index=True)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)

    questions: Mapped[list[QuestionRow]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="QuestionRow.number",
    )


class QuestionRow(Base):
    """One row of `case_questions`."""

    __tablename__ = "case_questions"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_case_questions_case_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    case: Mapped[CaseRow] = relationship(back_populates="questions")
    versions: Mapped[list[VersionRow]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VersionRow.version",
    )


class VersionRow(Base):
    """One row of `draft_versions`: one version of the draft answer to one question."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("question_id", "version", name="uq_draft_versions_question_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("case_questions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    disposition: Mapped[str] = mapped_column(String(64))
    exemptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    wording: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    precedents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    advice: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="foibot")
    created_at: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[QuestionRow] = relationship(back_populates="versions")


class ReferenceCounterRow(Base):
    """The last reference number handed out for one prefix and year."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class ProcessedEventRow(Base):
    """A Slack event already handled (seen_at in seconds since the epoch)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class SlackMessageRow(Base):
    """Where a case's messages live in Slack (question 0 is the parent), so edits land in place."""

    __tablename__ = "slack_messages"

    reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(64))


# --- Conversions ----------------------------------------------------------------------------


def now_iso() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    """Every field of an Evidence as JSON-ready values."""
    return {
        "reference": evidence.reference,
        "date": evidence.date,
        "score": evidence.score,
        "disposition": evidence.disposition,
        "exemptions": list(evidence.exemptions),
        "question": evidence.question,
        "answer": evidence.answer,
        "source": evidence.source,
        "precedent_id": evidence.precedent_id,
        "flags": list(evidence.flags),
    }


def evidence_from_dict(data: dict[str, Any]) -> Evidence:
    """The Evidence that `evidence_to_dict` wrote."""
    return Evidence(
        reference=str(data["reference"]),
        date=str(data["date"]),
        score=float(data["score"]),
        disposition=str(data["disposition"]),
        exemptions=tuple(data.get("exemptions", ())),
        question=str(data["question"]),
        answer=str(data["answer"]),
        source=str(data["source"]),
        precedent_id=str(data.get("precedent_id", "")),
        flags=tuple(data.get("flags", ())),
    )


def alternative_to_dict(alternative: Alternative) -> dict[str, Any]:
    """Every field of an Alternative as JSON-ready values."""
    return {
        "disposition": alternative.disposition.value,
        "exemptions": list(alternative.exemptions),
        "wording": alternative.wording,
        "evidence": evidence_to_dict(alternative.evidence) if alternative.evidence is not None else None,
    }


def alternative_from_dict(data: dict[str, Any]) -> Alternative:
    """The Alternative that `alternative_to_dict` wrote."""
    evidence = data.get("evidence")
    return Alternative(
        disposition=Disposition(data["disposition"]),
        exemptions=tuple(data.get("exemptions", ())),
        wording=str(data["wording"]),
        evidence=evidence_from_dict(evidence) if evidence is not None else None,
    )


def _version_row(draft: Draft, version: int) -> VersionRow:
    return VersionRow(
        version=version,
        disposition=draft.disposition.value,
        exemptions=list(draft.exemptions),
        wording=draft.wording,
        confidence=draft.confidence,
        precedents=[evidence_to_dict(evidence) for evidence in draft.precedents],
        warnings=list(draft.warnings),
        alternatives=[alternative_to_dict(alternative) for alternative in draft.alternatives],
        advice=draft.advice,
        author=draft.author,
        created_at=draft.created_at or now_iso(),
        note=draft.note,
    )


def _draft(row: VersionRow) -> Draft:
    return Draft(
        disposition=Disposition(row.disposition),
        exemptions=tuple(row.exemptions or ()),
        wording=row.wording,
        confidence=row.confidence,
        precedents=tuple(evidence_from_dict(item) for item in row.precedents or ()),
        warnings=tuple(row.warnings or ()),
        alternatives=tuple(alternative_from_dict(item) for item in row.alternatives or ()),
        advice=row.advice,
        author=row.author,
        created_at=row.created_at,
        note=row.note,
    )


def _case_row(case: Case) -> CaseRow:
    return CaseRow(
        reference=case.reference,
        received=case.received,
        regime=case.regime.value,
        due_date=case.due_date,
        extended_due_date=case.extended_due_date,
        request_text=case.request_text,
        requester_name=case.requester.name,
        requester_email=case.requester.email,
        requester_address=case.requester.address,
        requester_phone=case.requester.phone,
        status=case.status,
        slack_channel=case.slack_channel,
        slack_thread_ts=case.slack_thread_ts,
        created_at=case.created_at or now_iso(),
        warnings=list(case.warnings),
        questions=[
            QuestionRow(
                number=question.number,
                text=question.text,
                versions=[_version_row(draft, index) for index, draft in enumerate(question.versions, start=1)],
            )
            for question in case.questions
        ],
    )


def _case(row: CaseRow) -> Case:
    return Case(
        reference=row.reference,
        received=row.received,
        regime=Regime(row.regime),
        due_date=row.due_date,
        request_text=row.request_text,
        questions=[
            CaseQuestion(
                number=question.number,
                text=question.text,
                versions=[_draft(version) for version in sorted(question.versions, key=lambda v: v.version)],
            )
            for question in sorted(row.questions, key=lambda q: q.number)
        ],
        requester=Requester(
            name=row.requester_name,
            email=row.requester_email,
            address=row.requester_address,
            phone=row.requester_phone,
        ),
        status=row.status,
        extended_due_date=row.extended_due_date,
        slack_channel=row.slack_channel,
        slack_thread_ts=row.slack_thread_ts,
        created_at=row.created_at,
        warnings=list(row.warnings or ()),
    )


# --- Engine ---------------------------------------------------------------------------------


def _is_sqlite_memory(url: URL) -> bool:
    database = url.database or ""
    return url.get_backend_name() == "sqlite" and (
        database in ("", ":memory:") or (database.startswith("file:") and "mode=memory" in database)
    )


def _make_engine(url: str) -> tuple[Engine, bool]:
    """An engine for `url`, and whether it is an in-memory SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True), False
    memory = _is_sqlite_memory(parsed)
    if memory:
        engine = create_engine(
            parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}, pool_pre_ping=True
        )
    else:
        database = parsed.database or ""
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return engine, memory


class CaseStore:
    """Cases, their questions and draft versions in one SQL database; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine, memory = _make_engine(url)
        # An in-memory SQLite database is one shared connection: let one call use it at a time.
        self._lock: contextlib.AbstractContextManager[Any] = threading.RLock() if memory else contextlib.nullcontext()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with self._lock, self._sessions() as session:
            yield session

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        with self._lock, self._sessions.begin() as session:
            yield session

    @staticmethod
    def _load(session: Session, reference: str) -> CaseRow:
        row = session.scalars(
            select(CaseRow)
            .where(CaseRow.reference == reference)
            .options(selectinload(CaseRow.questions).selectinload(QuestionRow.versions))
        ).one_or_none()
        if row is None:
            raise CaseNotFound(reference)
        return row

    # --- References -------------------------------------------------------------------------

    def next_reference(self, prefix: str = "FOI", year: int | None = None) -> str:
        """A new reference such as FOI-2026-0001, numbered per prefix and year, never handed out twice."""
        year = date.today().year if year is None else year
        counter = (ReferenceCounterRow.prefix == prefix) & (ReferenceCounterRow.year == year)
        for _ in range(_RETRIES):
            try:
                with self._write() as session:
                    # The UPDATE comes first so that it takes the write lock before anything is read.
                    bumped = session.connection().execute(
                        update(ReferenceCounterRow).where(counter).values(last=ReferenceCounterRow.last + 1)
                    )
                    if bumped.rowcount == 0:
                        session.add(ReferenceCounterRow(prefix=prefix, year=year, last=1))
                        session.flush()
                    number = session.scalars(select(ReferenceCounterRow.last).where(counter)).one()
                    # Skip numbers already taken by cases stored under an explicit reference.
                    while self._taken(session, _reference(prefix, year, number)):
                        number += 1
                    session.execute(update(ReferenceCounterRow).where(counter).values(last=number))
                    return _reference(prefix, year, number)
            except IntegrityError:
                continue  # another caller created the counter first: bump it instead
        raise CaseError(f"could not allocate a {prefix}-{year} reference after {_RETRIES} tries")

    @staticmethod
    def _taken(session: Session, reference: str) -> bool:
        return session.scalar(select(CaseRow.id).where(CaseRow.reference == reference)) is not None

    # --- Cases ------------------------------------------------------------------------------

    def create(self, case: Case) -> Case:
        """Store a new case with its questions and their versions, all or nothing; the stored case.

        CaseExists if the reference is taken; CaseError if anything else breaks a constraint.
        """
        row = _case_row(case)
        try:
            with self._write() as session:
                session.add(row)
                session.flush()
                stored = _case(row)
        except IntegrityError as error:
            with self._read() as session:
                if self._taken(session, case.reference):
                    raise CaseExists(case.reference) from error
            detail = " ".join(str(error.orig).split())
            raise CaseError(f"could not store case {case.reference!r}: {detail}") from error
        return stored

    def get(self, reference: str) -> Case:
        """The case with this reference; CaseNotFound if there is none."""
        with self._read() as session:
            return _case(self._load(session, reference))

    def find_by_thread(self, channel: str, thread_ts: str) -> Case | None:
        """The case discussed in this Slack thread, or None."""
        if not channel or not thread_ts:
            return None
        with self._read() as session:
            row = session.scalars(
                select(CaseRow)
                .where(CaseRow.slack_channel == channel, CaseRow.slack_thread_ts == thread_ts)
                .order_by(CaseRow.id.desc())
                .limit(1)
                .options(selectinload(CaseRow.questions).selectinload(QuestionRow.versions))
            ).one_or_none()
            return _case(row) if row is not None else None

    def list_cases(self, status: str | None = None) -> list[Case]:
        """Every case, or those with this status, newest first."""
        query = select(CaseRow).options(selectinload(CaseRow.questions).selectinload(QuestionRow.versions))
        if status is not None:
            query = query.where(CaseRow.status == status)
        query = query.order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
        with self._read() as session:
            return [_case(row) for row in session.scalars(query)]

    def add_version(self, reference: str, number: int, draft: Draft) -> Case:
        """Append a version to question `number` of a case; the updated case."""
        for _ in range(_RETRIES):
            try:
                with self._write() as session:
                    case_id = session.scalar(select(CaseRow.id).where(CaseRow.reference == reference))
                    if case_id is None:
                        raise CaseNotFound(reference)
                    question_id = session.scalar(
                        select(QuestionRow.id).where(QuestionRow.case_id == case_id, QuestionRow.number == number)
                    )
                    if question_id is None:
                        raise QuestionNotFound(reference, number)
                    latest = session.scalar(
                        select(func.max(VersionRow.version)).where(VersionRow.question_id == question_id)
                    )
                    version = _version_row(draft, (latest or 0) + 1)
                    version.question_id = question_id
                    session.add(version)
                    session.flush()
                    session.expire_all()
                    return _case(self._load(session, reference))
            except IntegrityError:
                continue  # another writer took this version number: number it again
        raise CaseError(f"could not add a version to question {number} of case {reference!r}")

    def set_status(self, reference: str, status: str) -> Case:
        """Change a case's status; the updated case."""
        with self._write() as session:
            row = self._load(session, reference)
            row.status = status
            session.flush()
            return _case(row)

    def set_thread(self, reference: str, channel: str, thread_ts: str) -> Case:
        """Record the Slack thread a case is discussed in; the updated case."""
        with self._write() as session:
            row = self._load(session, reference)
            row.slack_channel = channel
            row.slack_thread_ts = thread_ts
            session.flush()
            return _case(row)

    def delete(self, reference: str) -> None:
        """Delete a case with its questions and versions; CaseNotFound if there is none."""
        with self._write() as session:
            session.delete(self._load(session, reference))

    # --- Slack event dedupe -----------------------------------------------------------------

    def remember_event(self, event_id: str) -> bool:
        """Record a Slack event id: True if it is new, False if it was seen before."""
        try:
            with self._write() as session:
                session.add(ProcessedEventRow(event_id=event_id, seen_at=time.time()))
        except IntegrityError:
            return False
        return True

    def set_message(self, reference: str, number: int, channel: str, ts: str) -> None:
        """Remember the Slack message that shows question `number` (0: the case's parent message)."""
        with self._write() as session:
            session.merge(SlackMessageRow(reference=reference, number=number, channel=channel, ts=ts))

    def message(self, reference: str, number: int) -> tuple[str, str] | None:
        """The (channel, ts) of the message showing question `number`, if one was posted."""
        with self._read() as session:
            row = session.get(SlackMessageRow, (reference, number))
            return (row.channel, row.ts) if row else None

    def forget_events_older_than(self, seconds: float) -> int:
        """Drop event ids seen more than `seconds` ago; how many were dropped."""
        with self._write() as session:
            result = session.connection().execute(
                delete(ProcessedEventRow).where(ProcessedEventRow.seen_at < time.time() - seconds)
            )
            return int(result.rowcount)


def _reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"
