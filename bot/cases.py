"""The case database: cases, their questions and every draft version, kept with SQLAlchemy.

Any SQLAlchemy URL works; the default (`Settings.case_database_url`) is a SQLite file in the data
folder, opened in WAL mode with foreign keys on. Requester personal data lives only in the
`requester_*` columns of `cases`, never in the JSON of drafts. A `CaseStore` opens one session per
call, so one store can be shared by a pool of worker threads. The `processed_events` table lets the
Slack bot ignore an event it has already handled.

The schema is kept by Alembic migrations (`bot/migrations/`): opening a database upgrades it to
the latest revision first, in one transaction, including databases created before migrations
existed (they are stamped with the baseline, which is exactly their schema, and upgraded from
there). Case records are kept for years, so no change to a table is ever left to `create_all`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
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
    inspect,
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
from sqlalchemy.pool import NullPool, StaticPool

from bot.models import (
    Alternative,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseQuestion,
    CaseStatus,
    Cue,
    CueKind,
    Draft,
    DraftWarning,
    EditKind,
    Evidence,
    OpeningStance,
    Option,
    Requester,
    StanceDecision,
    WarningKind,
)
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

    def __init__(self, reference: str, number: int, known: tuple[int, ...] = ()) -> None:
        super().__init__(reference, number)
        self.reference = reference
        self.number = number
        self.known = known

    def __str__(self) -> str:
        listed = f" (its questions are {', '.join(f'Q{n}' for n in self.known)})" if self.known else ""
        return f"case {self.reference!r} has no question {self.number}{listed}"


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
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    left_out: Mapped[list[str]] = mapped_column(JSON, default=list)
    caseworker: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str] = mapped_column(String(255), default="")
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    stance: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

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
    """The question's id for the life of the case."""
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    """The question's place in the letter's order."""

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
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    advice: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="foibot")
    created_at: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    edit: Mapped[str] = mapped_column(String(32), default=EditKind.DRAFTED.value)
    author_name: Mapped[str] = mapped_column(String(255), default="")
    undoes: Mapped[int] = mapped_column(Integer, default=0)
    placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    basis: Mapped[str] = mapped_column(Text, default="")

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


def option_to_dict(option: Option) -> dict[str, Any]:
    """Every field of an Option as JSON-ready values."""
    return {"disposition": option.disposition.value, "probability": option.probability,
            "exemptions": list(option.exemptions), "wording": option.wording,
            "evidence": [evidence_to_dict(e) for e in option.evidence]}


def option_from_dict(data: dict[str, Any]) -> Option:
    """The Option that `option_to_dict` wrote."""
    return Option(Disposition(data["disposition"]), float(data["probability"]), tuple(data.get("exemptions", ())),
                  str(data["wording"]), tuple(evidence_from_dict(e) for e in data.get("evidence", ())))


def cue_from_dict(data: dict[str, Any]) -> Cue:
    """The Cue that `Cue.to_json` wrote."""
    return Cue(CueKind(data["kind"]), str(data["reason"]), tuple(data.get("sections", ())), str(data.get("link", "")),
               tuple(data.get("references", ())))


def warning_from_dict(data: dict[str, Any] | str) -> DraftWarning:
    """The DraftWarning that `DraftWarning.to_json` wrote."""
    if isinstance(data, str):  # a row the migration has not seen (written by an older process meanwhile)
        return DraftWarning(WarningKind.NOTE, data)
    try:
        kind = WarningKind(data.get("kind", "note"))
    except ValueError:
        kind = WarningKind.NOTE
    return DraftWarning(kind, str(data.get("message", "")))


def stance_from_dict(data: dict[str, Any] | None) -> OpeningStance | None:
    """The OpeningStance that `OpeningStance.to_json` wrote."""
    if not data:
        return None
    return OpeningStance(Disposition(data["disposition"]), tuple(data.get("exemptions", ())),
                         tuple(data.get("references", ())), str(data.get("reason", "")),
                         str(data.get("subject", "")), StanceDecision(data.get("decision", "offered")))


def event_from_dict(data: dict[str, Any]) -> CaseEvent:
    """The CaseEvent that `CaseEvent.to_json` wrote."""
    return CaseEvent(CaseEventKind(data["kind"]), str(data["by"]), str(data["at"]), str(data.get("by_name", "")),
                     str(data.get("override", "")), tuple(int(n) for n in data.get("filed", ())),
                     int(data.get("precedents", 0)), str(data.get("detail", "")))


def _version_row(draft: Draft, version: int) -> VersionRow:
    return VersionRow(
        version=version,
        disposition=draft.disposition.value,
        exemptions=list(draft.exemptions),
        wording=draft.wording,
        confidence=draft.confidence,
        precedents=[evidence_to_dict(evidence) for evidence in draft.precedents],
        warnings=[warning.to_json() for warning in draft.warnings],
        alternatives=[alternative_to_dict(alternative) for alternative in draft.alternatives],
        advice=draft.advice,
        author=draft.author,
        created_at=draft.created_at or now_iso(),
        note=draft.note,
        edit=draft.edit.value,
        author_name=draft.author_name,
        undoes=draft.undoes,
        placeholder=draft.placeholder,
        proposed=draft.proposed,
        options=[option_to_dict(option) for option in draft.options],
        cues=[cue.to_json() for cue in draft.cues],
        basis=draft.basis,
    )


def _draft(row: VersionRow) -> Draft:
    return Draft(
        disposition=Disposition(row.disposition),
        exemptions=tuple(row.exemptions or ()),
        wording=row.wording,
        confidence=row.confidence,
        precedents=tuple(evidence_from_dict(item) for item in row.precedents or ()),
        warnings=tuple(warning_from_dict(item) for item in row.warnings or ()),
        alternatives=tuple(alternative_from_dict(item) for item in row.alternatives or ()),
        advice=row.advice,
        author=row.author,
        created_at=row.created_at,
        note=row.note,
        edit=EditKind(row.edit or EditKind.DRAFTED.value),
        author_name=row.author_name or "",
        undoes=row.undoes or 0,
        placeholder=bool(row.placeholder),
        proposed=bool(row.proposed),
        options=tuple(option_from_dict(item) for item in row.options or ()),
        cues=tuple(cue_from_dict(item) for item in row.cues or ()),
        basis=row.basis or "",
    )


def _question_row(question: CaseQuestion, position: int) -> QuestionRow:
    return QuestionRow(
        number=question.number, text=question.text, position=question.position or position,
        versions=[_version_row(draft, index) for index, draft in enumerate(question.versions, start=1)],
    )


def _case_row(case: Case) -> CaseRow:
    questions = [*case.questions, *case.removed]
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
        status=case.status.value,
        slack_channel=case.slack_channel,
        slack_thread_ts=case.slack_thread_ts,
        created_at=case.created_at or now_iso(),
        warnings=[warning.to_json() for warning in case.warnings],
        left_out=list(case.left_out),
        caseworker=case.caseworker,
        opened_by=case.opened_by,
        events=[item.to_json() for item in case.events],
        stance=case.stance.to_json() if case.stance else None,
        questions=[_question_row(question, index) for index, question in enumerate(questions, start=1)],
    )


def _case(row: CaseRow) -> Case:
    questions = [
        CaseQuestion(
            number=question.number,
            text=question.text,
            versions=[_draft(version) for version in sorted(question.versions, key=lambda v: v.version)],
            position=question.position,
        )
        for question in sorted(row.questions, key=lambda q: (q.position, q.number))
    ]
    return Case(
        reference=row.reference,
        received=row.received,
        regime=Regime(row.regime),
        due_date=row.due_date,
        request_text=row.request_text,
        questions=[question for question in questions if not question.removed],
        requester=Requester(
            name=row.requester_name,
            email=row.requester_email,
            address=row.requester_address,
            phone=row.requester_phone,
        ),
        status=CaseStatus(row.status),
        extended_due_date=row.extended_due_date,
        slack_channel=row.slack_channel,
        slack_thread_ts=row.slack_thread_ts,
        created_at=row.created_at,
        warnings=[warning_from_dict(item) for item in row.warnings or ()],
        left_out=list(row.left_out or ()),
        stance=stance_from_dict(row.stance),
        caseworker=row.caseworker or "",
        opened_by=row.opened_by or "",
        removed=[question for question in questions if question.removed],
        events=[event_from_dict(item) for item in row.events or ()],
    )


@dataclass(frozen=True)
class CaseChange:
    """Everything one edit of a case changes, written in one transaction."""

    versions: tuple[tuple[int, Draft], ...] = ()
    """New versions, as (question id, draft)."""
    new_questions: tuple[CaseQuestion, ...] = ()
    texts: tuple[tuple[int, str], ...] = ()
    """Questions whose text changes (a split or a merge), as (question id, text)."""
    order: tuple[int, ...] = ()
    """Every question id in the new letter order; empty: the order stays."""
    status: CaseStatus | None = None
    left_out: tuple[str, ...] | None = None
    stance: OpeningStance | None = None
    caseworker: str | None = None
    event: CaseEvent | None = None


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


BASELINE_REVISION = "0001"
"""The migration whose schema is exactly what `create_all` made before migrations existed."""
_MIGRATION_LOCK = 7_235_109
"""PostgreSQL advisory lock key: one process upgrades a database at a time."""


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "bot:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The latest migration of the case database."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None  # the package ships its migrations
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration a database is at (None: never migrated, or empty)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _migration_engine(url: str) -> Engine:
    """An engine whose transactions really wrap DDL: SQLite's driver otherwise runs ALTER TABLE outside them."""
    engine = create_engine(make_url(url), poolclass=NullPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _own_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA busy_timeout=30000")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        # IMMEDIATE takes the write lock at once: a second process opening the database waits, then
        # finds it upgraded, instead of migrating it twice.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_database(engine: Engine, url: str, memory: bool) -> None:
    """Bring the case database to the latest migration, all or nothing; a no-op when it is there."""
    from alembic import command

    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:
            return
    sqlite_file = engine.dialect.name == "sqlite" and not memory
    migrator = _migration_engine(url) if sqlite_file else engine
    try:
        with migrator.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            current = current_revision(connection)
            if current == head:
                return
            config = _alembic_config(connection)
            if current is None and inspect(connection).has_table("cases"):
                command.stamp(config, BASELINE_REVISION)  # made by create_all before migrations existed
            command.upgrade(config, "head")
    finally:
        if migrator is not engine:
            migrator.dispose()


class CaseStore:
    """Cases, their questions and draft versions in one SQL database; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine, memory = _make_engine(url)
        # An in-memory SQLite database is one shared connection: let one call use it at a time.
        self._lock: contextlib.AbstractContextManager[Any] = threading.RLock() if memory else contextlib.nullcontext()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._lock:
            upgrade_database(self.engine, url, memory)

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
                        known = tuple(session.scalars(select(QuestionRow.number).where(
                            QuestionRow.case_id == case_id).order_by(QuestionRow.number)))
                        raise QuestionNotFound(reference, number, known)
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

    def commit(self, reference: str, change: CaseChange) -> Case:
        """Write one edit of a case (versions, new questions, order, case fields) all or nothing; the case."""
        for _ in range(_RETRIES):
            try:
                with self._write() as session:
                    row = self._load(session, reference)
                    self._apply(row, change)
                    session.flush()
                    return _case(row)
            except IntegrityError:
                continue  # another writer took a version number: number them again
        raise CaseError(f"case {reference!r} was being changed by someone else; try again")

    @staticmethod
    def _apply(row: CaseRow, change: CaseChange) -> None:
        by_number = {question.number: question for question in row.questions}
        for question in change.new_questions:
            if question.number in by_number:
                raise CaseError(f"case {row.reference!r} already has a question {question.number}")
            added = _question_row(question, len(by_number) + 1)
            row.questions.append(added)
            by_number[question.number] = added
        known = tuple(sorted(by_number))
        for number, text in change.texts:
            if number not in by_number:
                raise QuestionNotFound(row.reference, number, known)
            by_number[number].text = text
        for number, draft in change.versions:
            if number not in by_number:
                raise QuestionNotFound(row.reference, number, known)
            target = by_number[number]
            latest = max((version.version for version in target.versions), default=0)
            target.versions.append(_version_row(draft, latest + 1))
        for position, number in enumerate(change.order, start=1):
            by_number[number].position = position
        if change.status is not None:
            row.status = change.status.value
        if change.left_out is not None:
            row.left_out = list(change.left_out)
        if change.stance is not None:
            row.stance = change.stance.to_json()
        if change.caseworker is not None:
            row.caseworker = change.caseworker
        if change.event is not None:
            row.events = [*(row.events or []), change.event.to_json()]

    def set_status(self, reference: str, status: CaseStatus | str) -> Case:
        """Change a case's status; the updated case."""
        return self.commit(reference, CaseChange(status=CaseStatus(status)))

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
