"""One frozen settings object, read from the environment and `.env` (prefix FOIBOT_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Deployment settings for the knowledge base and the tools built on it."""

    model_config = SettingsConfigDict(
        env_prefix="FOIBOT_", env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    data_dir: Path = Path("./data")
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_device: Literal["cpu", "cuda"] = "cpu"
    embedding_batch_size: int = Field(default=64, ge=1)
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection_prefix: str = "foibot"
    sources: Annotated[tuple[str, ...], NoDecode] = ()
    authority: str = ""
    max_file_bytes: int = Field(default=25 * 1024 * 1024, ge=1)

    # Crawling disclosure logs and importing from WhatDoTheyKnow
    crawl_delay: float = Field(default=1.0, ge=0)
    crawl_contact: str = ""
    crawl_max_pages: int = Field(default=1000, ge=1)
    crawl_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    crawl_timeout: float = Field(default=30.0, gt=0)
    wdtk_url: str = "https://www.whatdotheyknow.com"

    # Drafting and letters
    database_url: str | None = None
    review_contact: str = ""
    caseworker_name: str = ""
    """Who letters are signed by when a case names no caseworker (e.g. "FOI Officer, Information Rights Team")."""
    letter_template: Path | None = None
    """The authority's own Word template (.docx) for letters; default: the A4, en-GB one foibot ships."""
    letter_wording_dir: Path | None = None
    """A folder of files overriding prompts/letter/*.md, one file per piece of wording."""
    central_government: bool = False
    authority_kind: Literal["", "police", "council", "nhs", "central", "other"] = ""
    default_regime: Literal["foia", "eir", "foisa"] = "foia"
    precedent_max_age_years: float = Field(default=4.0, gt=0)
    min_similarity: float = Field(default=0.45, ge=0, le=1)
    max_request_chars: int = Field(default=100_000, ge=1)

    # Slack (the usual Slack variable names, no FOIBOT_ prefix)
    slack_bot_token: str = Field(default="", validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: str = Field(
        default="", validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: str = Field(default="", validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str = Field(
        default="https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url")
    )
    allowed_channels: Annotated[tuple[str, ...], NoDecode] = ()
    allowed_users: Annotated[tuple[str, ...], NoDecode] = ()
    refresh_schedule: str = ""
    refresh_timezone: str = "Europe/London"
    slack_workers: int = Field(default=2, ge=1, le=64)
    slack_max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest request body `foibot serve` reads; a bigger one is refused with 413 before it is read."""

    # Language model (optional: none drafts from precedents only; see bot/llm/providers.py)
    llm_provider: Literal["none", "openai", "anthropic", "ollama", "openai-compatible"] = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0, le=5)
    llm_concurrency: int = Field(default=8, ge=1, le=32)
    llm_local_only: bool = False
    llm_stream_interval: float = Field(default=1.0, ge=0.1)
    llm_structured_output: Literal["auto", "json_schema", "function_calling", "off"] = "auto"

    @field_validator("sources", "allowed_channels", "allowed_users", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        # Folders are listed comma-separated in the environment, e.g. "logs/2023,logs/2024".
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("refresh_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name (e.g. Europe/London)") from None
        return value

    @field_validator("chroma_host", mode="before")
    @classmethod
    def _blank_host_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def case_database_url(self) -> str:
        """SQLAlchemy URL of the case database: FOIBOT_DATABASE_URL, else SQLite in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'cases.sqlite3').resolve()}"

    @property
    def ledger_path(self) -> Path:
        """SQLite file that records what each source file contributed to the store."""
        return self.data_dir / "ledger.sqlite3"

    @property
    def crawl_state_path(self) -> Path:
        """SQLite file, next to the ledger, that keeps crawl validators, frontiers and imports."""
        return self.data_dir / "crawl.sqlite3"
