"""A BERT sentence encoder: the sentence-transformers model's own weights and tokenizer, run on ONNX Runtime
without PyTorch.

Why: PyTorch costs the daemon ~190 MB resident before it computes anything, and a 6-layer, 384-wide encoder
needs nothing from it. This reads a sentence-transformers folder of the BERT family (`model.safetensors`,
`tokenizer.json`, `config.json`, mean pooling, normalised), looks tokens up in NumPy and runs the layers as an
ONNX graph built from the same weights (nlp/bert_graph.py). In `float32` it gives the vectors of
`SentenceTransformer.encode`; in `int8` (the default) the weight matrices are quantised, ~2× faster again,
at a cosine of ~0.99 to them (tests/test_semantic.py compares both; docs/performance.md has the cost and
docs/factchecks.md what it does to matching).
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnxruntime
from safetensors import safe_open
from tokenizers import Tokenizer

if TYPE_CHECKING:
    from .bert_graph import Precision

log = logging.getLogger(__name__)


class UnsupportedModel(ValueError):
    """The folder holds a model this encoder cannot run (not BERT, not mean pooling)."""


def _layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = np.square(centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight_bias[0] + weight_bias[1]


# ONNX Runtime's fusion of the residual Add into the LayerNormalization runs ~3x slower on this model's
# CPU path than the two operators it replaces (its kernel accumulates in double): a quarter of the encoder's
# time with it (docs/performance.md).
SLOW_FUSIONS = ["SkipLayerNormFusion"]
BATCH_TOKENS = 512  # padded tokens an encoding batch holds at most (see BertEncoder.encode)


def _session_options() -> onnxruntime.SessionOptions:
    """One thread: the encoder always runs beside other work of the same process (a thread parsing the next
    batch, the fetch), and threads of its own would fight them for the cores. Measured on 2 cores, the
    one-process analyze stage read 4,150 words/s with one encoder thread against 3,700 with two
    (docs/performance.md). Idle threads sleep rather than spin."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False  # an arena keeps the largest batch's buffers for the life of the process
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: its warnings are about graph rewrites, not about results
    return options


@contextmanager
def model_weights(folder: Path) -> Iterator[Callable[[str], np.ndarray]]:
    """Reads the folder's weights by name, without BERT's `bert.` prefix; each its own array, so nothing keeps
    the whole file alive."""
    with safe_open(str(folder / "model.safetensors"), framework="np") as weights:
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights.keys() else ""
        yield lambda name: weights.get_tensor(prefix + name)


def _session(folder: Path, precision: Precision, cache_dir: Path | None) -> onnxruntime.InferenceSession:
    """A session on the graph of the model in `folder`. With a cache folder: the graph built once, from this
    model by this graph code, in a child process (which imports onnx so that this one need not); a cached
    file that will not load is built again. Without one: built here."""

    def session(graph: bytes | str) -> onnxruntime.InferenceSession:
        return onnxruntime.InferenceSession(
            graph, _session_options(), providers=["CPUExecutionProvider"], disabled_optimizers=SLOW_FUSIONS
        )

    if cache_dir is None:
        from .bert_graph import build_graph

        return session(build_graph(folder, precision))
    cached = cache_dir / f"{folder.name}-{precision}-{_graph_key(folder)}.onnx"
    if cached.is_file():
        try:
            return session(str(cached))
        except Exception as exc:  # ONNX Runtime's own exception types are not part of its public API
            log.warning("the cached encoder graph %s does not load (%s); building it again", cached, exc)
    command = [sys.executable, "-m", "claimwatch.nlp.bert_graph", str(folder), precision, str(cached)]
    built = subprocess.run(command, capture_output=True, text=True)
    if built.returncode != 0:
        raise RuntimeError(f"building the encoder graph of {folder} failed: {built.stderr.strip()[-2000:]}")
    return session(str(cached))


def _graph_key(folder: Path) -> str:
    """Changes with the model's files and with the code that builds the graph (bert_graph.py, and this
    module's weight reading and quantisation)."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    for path in (folder / "config.json", folder / "model.safetensors"):
        stat = path.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    for code in (Path(__file__), Path(__file__).with_name("bert_graph.py")):
        digest.update(code.read_bytes())
    return digest.hexdigest()[:16]


def quantize_rows(matrix: np.ndarray, top: int = 127) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float32 scale a row, symmetric: a row's largest magnitude maps to `top`. The
    word-piece table is kept so, and each weight matrix of the int8 graph (its rows are the output channels,
    `top` 63: bert_graph.WEIGHT_TOP says why)."""
    matrix = matrix.astype(np.float32)
    scale = np.abs(matrix).max(axis=1) / top
    scale[scale == 0] = 1.0
    return np.round(matrix / scale[:, None]).astype(np.int8), scale


class _Table:
    """The word-piece embedding table, the model's largest matrix (30,522 × 384): kept in float16, or in int8
    with a scale a row (a quarter of float32's memory; the rows agree with float32's to ~1%)."""

    def __init__(self, table: np.ndarray, precision: Precision) -> None:
        self.scale: np.ndarray | None = None
        if precision == "int8":
            self.values, self.scale = quantize_rows(table)
        else:
            self.values = table.astype(np.float16)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        if self.scale is None:
            return self.values[ids].astype(np.float32)
        return self.values[ids].astype(np.float32) * self.scale[ids][..., None]


class BertEncoder:
    """Mean-pooled, unit-length sentence vectors from a BERT sentence-transformers folder."""

    def __init__(self, folder: Path, precision: Precision = "int8", cache_dir: Path | None = None) -> None:
        """`cache_dir`: where the built graph is kept for the next process, which then loads it without
        importing `onnx` (~15 MB resident) or building it again."""
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
        self.dimensions = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.precision = precision
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()
        with model_weights(folder) as tensor:
            self.words = _Table(tensor("embeddings.word_embeddings.weight"), precision)
            self.positions = tensor("embeddings.position_embeddings.weight")
            self.token_type = tensor("embeddings.token_type_embeddings.weight")[0]
            self.embed_norm = (tensor("embeddings.LayerNorm.weight"), tensor("embeddings.LayerNorm.bias"))
        self._session = _session(folder, precision, cache_dir)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length float32 row per text. Texts are batched by length, at most `batch_size` of them and
        `BATCH_TOKENS` padded tokens a batch: past that the layers' intermediate results outgrow the CPU's
        cache and a token costs more, not less (int8, one thread: 1.58 ms a claim in batches of 16, 2.03 in
        batches of 64 without the bound).
        A text's vector does not depend on its batch (in int8 each token is quantised by itself)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]  # `ids` builds a new list at every access
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for rows in _batches(order, lengths, batch_size):
            longest = lengths[rows[-1]]  # rows come shortest first
            ids = np.zeros((len(rows), longest), dtype=np.int64)
            mask = np.zeros((len(rows), longest), dtype=np.float32)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = encodings[i].ids
                mask[r, : lengths[i]] = 1.0
            out[rows] = self._forward(ids, mask)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        x = self.words.rows(ids) + self.positions[: ids.shape[1]] + self.token_type
        x = _layer_norm(x, self.embed_norm, self.eps).astype(np.float32)
        mask_bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        (last,) = self._session.run(None, {"hidden": x, "mask_bias": mask_bias})
        pooled = (last * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def _batches(order: Sequence[int], lengths: Sequence[int], most: int) -> Iterator[list[int]]:
    """`order` (indexes into `lengths`, shortest first) cut into runs of at most `most` texts whose padded size
    (texts × the longest) stays within BATCH_TOKENS; a text longer than that runs alone."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) == most or (len(batch) + 1) * lengths[i] > BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch
