"""`foibot check`: is this deployment ready? One line per part, in seconds, before anything heavy loads.

Settings, Slack tokens, the store, the embedding model, the case database and the language
model are each looked at without loading torch or the model: a missing SLACK_BOT_TOKEN is
reported before a ten-second model load, and `foibot serve` runs the same checks first.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.settings import Settings

_CONNECT_SECONDS = 3.0


class Verdict(StrEnum):
    """How one part of the deployment stands."""

    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


class ServeMode(StrEnum):
    """What the checks are for: the command line alone, or the bot over HTTP or Socket Mode."""

    CLI = "cli"
    HTTP = "http"
    SOCKET = "socket"


@dataclass(frozen=True)
class Check:
    """One part's verdict and a line saying why."""

    part: str
    verdict: Verdict
    detail: str

    def line(self) -> str:
        """The check as one line: verdict, part, detail."""
        return f"{self.verdict.value:4}  {self.part:9} {self.detail}"


def run_checks(settings: Settings, mode: ServeMode = ServeMode.CLI) -> list[Check]:
    """Every check, in order; none loads the model or sends a request to Slack or the model."""
    parts: list[Callable[[Settings, ServeMode], Check]] = [
        _data_folder, _slack, _store, _model, _database, _language_model]
    checks = []
    for part in parts:
        try:
            checks.append(part(settings, mode))
        except Exception as error:  # a check must report, never crash the command
            checks.append(Check(part.__name__.strip("_").replace("_", " "), Verdict.FAIL, _first_line(error)))
    return checks


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]


def _data_folder(settings: Settings, mode: ServeMode) -> Check:
    folder = settings.data_dir
    existing = next((p for p in (folder, *folder.absolute().parents) if p.exists()), Path("/"))
    if not os.access(existing, os.W_OK):
        return Check("settings", Verdict.FAIL, f"data folder {folder} cannot be written (FOIBOT_DATA_DIR)")
    where = "exists" if folder.exists() else "will be created"
    return Check("settings", Verdict.OK, f"settings read; data folder {folder} {where}")


def _slack(settings: Settings, mode: ServeMode) -> Check:
    needed: list[tuple[str, str, str]] = [("SLACK_BOT_TOKEN", settings.slack_bot_token, "xoxb-")]
    if mode is ServeMode.SOCKET:
        needed.append(("SLACK_APP_TOKEN", settings.slack_app_token, "xapp-"))
    else:
        needed.append(("SLACK_SIGNING_SECRET", settings.slack_signing_secret, ""))
    missing = [name for name, value, _ in needed if not value.strip()]
    malformed = [f"{name} does not start with {prefix}" for name, value, prefix in needed
                 if value.strip() and prefix and not value.startswith(prefix)]
    serving = mode is not ServeMode.CLI
    if missing:
        detail = "; ".join(f"{name} is not set" for name in missing)
        return Check("slack", Verdict.FAIL if serving else Verdict.WARN,
                     detail + ("" if serving else " (needed by foibot serve; see .env.example)"))
    if malformed:
        return Check("slack", Verdict.FAIL, "; ".join(malformed))
    return Check("slack", Verdict.OK, "tokens set (not tried against Slack: foibot serve does that at start)")


def _store(settings: Settings, mode: ServeMode) -> Check:
    from knowledge.refresh import StoreHeld, writing_store
    from knowledge.store import PRECEDENTS, KnowledgeStore

    if settings.chroma_host:
        if not _reachable(settings.chroma_host, settings.chroma_port):
            return Check("store", Verdict.FAIL,
                         f"no Chroma server at {settings.chroma_host}:{settings.chroma_port} (FOIBOT_CHROMA_HOST)")
        where = f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
    else:
        if not settings.chroma_dir.exists():
            return Check("store", Verdict.WARN, f"{settings.chroma_dir} is empty: run foibot ingest")
        try:
            with writing_store(settings):
                pass
        except StoreHeld as held:
            if mode is not ServeMode.CLI:
                return Check("store", Verdict.FAIL, str(held))
        where = str(settings.chroma_dir)
    store = KnowledgeStore(settings)
    store.check_model()
    collection = store.collection(PRECEDENTS)
    count = collection.count() if collection is not None else 0
    if not count:
        return Check("store", Verdict.WARN, f"{where} holds no precedents: run foibot ingest")
    return Check("store", Verdict.OK, f"{where}: {count:,} precedents, built with {settings.embedding_model}")


def _model(settings: Settings, mode: ServeMode) -> Check:
    from knowledge.embeddings import EmbeddingError, resolve_model_path

    try:
        path = resolve_model_path(settings.embedding_model)
    except EmbeddingError as error:
        return Check("model", Verdict.FAIL, str(error))
    if Path(path).is_dir():
        return Check("model", Verdict.OK, f"{settings.embedding_model} on disk ({path}), loads offline")
    return Check("model", Verdict.WARN, f"{settings.embedding_model} is not on disk: it loads from the "
                                        "Hugging Face hub on first use (needs the network)")


def _database(settings: Settings, mode: ServeMode) -> Check:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = settings.case_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.exists():
            folder = next((p for p in path.absolute().parents if p.exists()), Path("/"))
            if not os.access(folder, os.W_OK):
                return Check("database", Verdict.FAIL, f"cannot create {path}")
            return Check("database", Verdict.OK, f"SQLite {path} will be created")
    engine = create_engine(url, connect_args={"timeout": _CONNECT_SECONDS} if parsed.get_backend_name() == "sqlite"
                           else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    finally:
        engine.dispose()
    return Check("database", Verdict.OK, f"{parsed.render_as_string(hide_password=True)} answers")


def _language_model(settings: Settings, mode: ServeMode) -> Check:
    from bot.llm.providers import LLMConfigError, check_settings, model_url

    if settings.llm_provider == "none":
        return Check("llm", Verdict.OK, "none configured: drafts come from precedents (FOIBOT_LLM_PROVIDER)")
    try:
        check_settings(settings)
    except LLMConfigError as error:
        return Check("llm", Verdict.FAIL, str(error))
    module = {"anthropic": "langchain_anthropic", "ollama": "langchain_ollama"}.get(settings.llm_provider,
                                                                                 "langchain_openai")
    if importlib.util.find_spec(module) is None:
        return Check("llm", Verdict.FAIL, f"{module.replace('_', '-')} is not installed (see README: extras)")
    url = model_url(settings)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not parts.hostname or not _reachable(parts.hostname, port):
        return Check("llm", Verdict.FAIL, f"cannot connect to {parts.hostname}:{port} ({settings.llm_provider})")
    return Check("llm", Verdict.OK, f"{settings.llm_provider}:{settings.llm_model} at {parts.hostname}:{port} "
                                    "accepts connections")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=_CONNECT_SECONDS):
            return True
    except OSError:
        return False
