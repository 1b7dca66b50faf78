"""A BERT sentence encoder in NumPy: the sentence-transformers model's own weights and tokenizer, run
without PyTorch.

Why: PyTorch costs the daemon ~190 MB resident before it computes anything, and a 6-layer, 384-wide encoder
needs nothing from it that NumPy's BLAS does not do as fast on a CPU. This reads a sentence-transformers
folder of the BERT family (`model.safetensors`, `tokenizer.json`, `config.json`, mean pooling, normalised)
and gives the same vectors as `SentenceTransformer.encode` (tests/test_semantic.py compares them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from safetensors import safe_open
from tokenizers import Tokenizer


class UnsupportedModel(ValueError):
    """The folder holds a model this encoder cannot run (not BERT, not mean pooling)."""


@dataclass(frozen=True)
class _Layer:
    # weights as stored, (out, in): multiplied as `x @ w.T`, a transposed view BLAS reads without a copy
    qkv: np.ndarray  # (3 × hidden, hidden): query, key and value projections stacked
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]

    def widened(self) -> _Layer:
        """This layer with float32 matrices, for the length of one `encode` call."""
        wide = {name: getattr(self, name).astype(np.float32) for name in ("qkv", "out", "up", "down")}
        return replace(self, **wide)


def _layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = np.square(centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight_bias[0] + weight_bias[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))), on one buffer. BERT was
    trained with the exact erf form; the two differ by under 5e-4 per activation, and the sentence vectors
    still agree with sentence-transformers' to a cosine of 0.999999 (tests/test_semantic.py checks 0.9999).
    The GELU was ~30% of an encode; this form takes half the time of a vectorised erf (and an eighth of
    SciPy's element-wise erf)."""
    y = np.square(x)
    y *= x
    y *= np.float32(0.044715)
    y += x
    y *= np.float32(np.sqrt(2 / np.pi))
    np.tanh(y, out=y)
    y += 1.0
    y *= x
    y *= 0.5
    return y


class BertEncoder:
    """Mean-pooled, unit-length sentence vectors from a BERT sentence-transformers folder."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text())
        pooling_file = folder / "1_Pooling" / "config.json"
        pooling = json.loads(pooling_file.read_text()) if pooling_file.is_file() else {}
        if config.get("model_type") != "bert" or not pooling.get("pooling_mode_mean_tokens"):
            raise UnsupportedModel(
                f"{folder} is not a mean-pooled BERT sentence-transformers model (model_type "
                f"{config.get('model_type')!r}); claimwatch runs that family only"
            )
        settings_file = folder / "sentence_bert_config.json"
        settings = json.loads(settings_file.read_text()) if settings_file.is_file() else {}
        self.max_tokens = int(settings.get("max_seq_length", config.get("max_position_embeddings", 512)))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()
        with safe_open(str(folder / "model.safetensors"), framework="np") as weights:
            prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights.keys() else ""

            def w(name: str) -> np.ndarray:  # each tensor its own array: nothing keeps the whole file alive
                return weights.get_tensor(prefix + name)

            def half(name: str) -> np.ndarray:  # matrices kept in float16 (half the memory), computed in float32
                return w(name).astype(np.float16)

            self.words = half("embeddings.word_embeddings.weight")
            self.positions = w("embeddings.position_embeddings.weight")
            self.token_type = w("embeddings.token_type_embeddings.weight")[0]
            self.embed_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
            self.layers = []
            for i in range(int(config["num_hidden_layers"])):
                p = f"encoder.layer.{i}."
                parts = ("query", "key", "value")
                self.layers.append(
                    _Layer(
                        qkv=np.concatenate([half(f"{p}attention.self.{part}.weight") for part in parts]),
                        qkv_bias=np.concatenate([w(f"{p}attention.self.{part}.bias") for part in parts]),
                        out=half(f"{p}attention.output.dense.weight"),
                        out_bias=w(f"{p}attention.output.dense.bias"),
                        norm1=(w(f"{p}attention.output.LayerNorm.weight"), w(f"{p}attention.output.LayerNorm.bias")),
                        up=half(f"{p}intermediate.dense.weight"),
                        up_bias=w(f"{p}intermediate.dense.bias"),
                        down=half(f"{p}output.dense.weight"),
                        down_bias=w(f"{p}output.dense.bias"),
                        norm2=(w(f"{p}output.LayerNorm.weight"), w(f"{p}output.LayerNorm.bias")),
                    )
                )
        self.dimensions = int(config["hidden_size"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length float32 row per text; texts are batched by length so padding stays small."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        layers = [layer.widened() for layer in self.layers]
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1.0
            out[rows] = self._forward(ids, mask, layers)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray, layers: list[_Layer]) -> np.ndarray:
        batch, length = ids.shape
        hidden, heads = self.dimensions, self.heads
        size = hidden // heads
        x = self.words[ids].astype(np.float32) + self.positions[:length] + self.token_type
        x = _layer_norm(x, self.embed_norm, self.eps).reshape(batch * length, hidden)
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in layers:
            qkv = (x @ layer.qkv.T + layer.qkv_bias).reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] * scale) @ qkv[1].transpose(0, 1, 3, 2) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            x = _layer_norm(x + context @ layer.out.T + layer.out_bias, layer.norm1, self.eps)
            up = x @ layer.up.T + layer.up_bias
            x = _layer_norm(x + _gelu(up) @ layer.down.T + layer.down_bias, layer.norm2, self.eps)
        x = x.reshape(batch, length, hidden)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
