"""The layers of a BERT encoder as an ONNX graph, built in memory from the model's own weights, for ONNX
Runtime to run.

Why a graph of our own rather than an exported file: the model ships as safetensors weights, and exporting
takes PyTorch, which claimwatch keeps out of its processes. A BERT layer is a dozen standard operators; the
graph below is the same arithmetic as the model's PyTorch code (tests/test_semantic.py compares vectors).

In `int8` precision each of the 36 weight matrices is stored as int8 (7 bits used: `WEIGHT_TOP`) with one
scale per output column; its input is quantised to uint8 on the fly, each token's row with a scale of its
own, and the integer product is rescaled to float32 (`_Graph._integer_linear`). ONNX Runtime's own dynamic
quantisation (`DynamicQuantizeMatMul`) uses one scale for the whole input, so a text's vector would depend
on the texts batched with it; with a scale per token it does not, texts are encoded in batches, and the
vectors are closer to float32's (1,500 claims: mean cosine 0.996 against 0.993, at 1.55 ms a claim against
1.83 encoded one at a time; docs/performance.md). Layer norms, softmax and GELU stay in float32.

Run as `python -m claimwatch.nlp.bert_graph FOLDER PRECISION OUTPUT`, it writes the graph to a file: the
encoder builds its cached graph so, in a short-lived child, and its own process never imports onnx.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal, cast

import numpy as np
from onnx import ModelProto, TensorProto, helper, numpy_helper

from .bert import model_weights, quantize_rows

Precision = Literal["int8", "float32"]
OPSET = 20  # the first with a standard Gelu operator
# The file format version written: opset 20's (onnx 1.15), which every onnxruntime the project allows can
# read. onnx writes its own newest by default (14 in onnx 1.23), which onnxruntime 1.31 refuses.
IR_VERSION = 9
# Weights in 7 bits (-63..63), as ONNX Runtime's own quantiser does with `reduce_range`: on x86 CPUs
# without VNNI instructions its integer product adds pairs of uint8 x int8 products in 16 bits, which full
# 8-bit weights can overflow (it saturates). There a Cyrillic sentence's vector fell to a cosine of 0.963
# with float32's (0.987 with 7 bits) while on a CPU with VNNI it did not: in 7 bits no pair can overflow,
# so the integer products are exact on every x86 CPU and a store's vectors do not depend, beyond float
# rounding, on the machine that computed them.
WEIGHT_TOP = 63


def encoder_graph(
    tensor: Callable[[str], np.ndarray], *, layers: int, heads: int, hidden: int, eps: float, precision: Precision
) -> ModelProto:
    """Inputs `hidden` (batch, tokens, width; the embedded, normalised tokens) and `mask_bias` (batch, 1, 1,
    tokens; 0 for a token, a large negative number for padding); output `last`, the last layer's states.
    `tensor(name)` reads a weight by its name in the model without its `bert.` prefix."""
    graph = _Graph(precision)
    size = hidden // heads
    graph.constant("heads_shape", np.array([0, 0, heads, size], dtype=np.int64))
    graph.constant("width_shape", np.array([0, 0, hidden], dtype=np.int64))
    graph.constant("scale", np.array(1 / np.sqrt(size), dtype=np.float32))
    if precision == "int8":  # what each integer product uses (_Graph._integer_linear)
        graph.nodes.append(helper.make_node("Shape", ["hidden"], ["batch_tokens"], start=0, end=2))
        graph.constant("last_axis", np.array([-1], dtype=np.int64))
        graph.constant("tiny", np.array(1e-12, dtype=np.float32))
        graph.constant("one", np.array(1, dtype=np.float32))
        graph.constant("u8_top", np.array(127, dtype=np.float32))
        graph.constant("u8_middle", np.array(128, dtype=np.uint8))
    x = "hidden"
    for i in range(layers):
        p = f"encoder.layer.{i}."
        # query, key and value as one product (its input quantised once), split after
        qkv = graph.linear(x, _stacked(tensor, [f"{p}attention.self.{part}" for part in ("query", "key", "value")]), "")
        q, k, v = graph.split(qkv, 3)
        # (batch, tokens, width) → (batch, heads, tokens, size); keys as (batch, heads, size, tokens)
        q = graph.node("Transpose", graph.node("Reshape", q, "heads_shape"), perm=[0, 2, 1, 3])
        k = graph.node("Transpose", graph.node("Reshape", k, "heads_shape"), perm=[0, 2, 3, 1])
        v = graph.node("Transpose", graph.node("Reshape", v, "heads_shape"), perm=[0, 2, 1, 3])
        scores = graph.node("Add", graph.node("Mul", graph.node("MatMul", q, k), "scale"), "mask_bias")
        context = graph.node("MatMul", graph.node("Softmax", scores, axis=-1), v)
        context = graph.node("Reshape", graph.node("Transpose", context, perm=[0, 2, 1, 3]), "width_shape")
        attended = graph.linear(context, tensor, f"{p}attention.output.dense")
        x = graph.norm(graph.node("Add", x, attended), tensor, f"{p}attention.output.LayerNorm", eps)
        up = graph.linear(x, tensor, f"{p}intermediate.dense")
        down = graph.linear(graph.node("Gelu", up), tensor, f"{p}output.dense")
        x = graph.norm(graph.node("Add", x, down), tensor, f"{p}output.LayerNorm", eps)
    graph.nodes.append(helper.make_node("Identity", [x], ["last"]))
    onnx_graph = helper.make_graph(
        graph.nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", hidden]),
            helper.make_tensor_value_info("mask_bias", TensorProto.FLOAT, ["batch", 1, 1, "tokens"]),
        ],
        [helper.make_tensor_value_info("last", TensorProto.FLOAT, ["batch", "tokens", hidden])],
        graph.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(onnx_graph, opset_imports=opsets, ir_version=IR_VERSION)


def _stacked(tensor: Callable[[str], np.ndarray], names: list[str]) -> Callable[[str], np.ndarray]:
    """A reader for one linear layer made of `names` side by side: their weights' rows and biases stacked,
    so one product gives their outputs one after the other."""
    return lambda part: np.concatenate([tensor(f"{name}{part}") for name in names])


def build_graph(folder: Path, precision: Precision) -> bytes:
    """The serialised graph of the model in `folder` (a sentence-transformers BERT folder)."""
    config = json.loads((folder / "config.json").read_text())
    with model_weights(folder) as tensor:
        graph = encoder_graph(
            tensor,
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            hidden=int(config["hidden_size"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
            precision=precision,
        )
    return graph.SerializeToString()


def write_graph(folder: Path, precision: Precision, output: Path) -> None:
    """`build_graph` into `output`, atomically: a process reading the cache never sees half a file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=output.parent, suffix=".part", delete=False) as part:
        part.write(build_graph(folder, precision))
    os.replace(part.name, output)


class _Graph:
    """Nodes and weights as they are added; each node's output is named after its position."""

    def __init__(self, precision: Precision) -> None:
        self.precision = precision
        self.nodes: list = []
        self.initializers: list = []
        self._shapes: set[str] = set()

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, *inputs: str, domain: str = "", **attributes: object) -> str:
        output = f"{op.lower()}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op, list(inputs), [output], domain=domain or None, **attributes))
        return output

    def split(self, x: str, parts: int) -> list[str]:
        """`x` cut into `parts` equal pieces along its last axis."""
        outputs = [f"split_{len(self.nodes)}_{i}" for i in range(parts)]
        self.nodes.append(helper.make_node("Split", [x], outputs, axis=-1, num_outputs=parts))
        return outputs

    def linear(self, x: str, tensor: Callable[[str], np.ndarray], name: str) -> str:
        """x @ weight.T + bias, the weight as the model stores it (out, in)."""
        n = len(self.initializers)
        weight = tensor(f"{name}.weight")
        b = self.constant(f"bias_{n}", tensor(f"{name}.bias").astype(np.float32))
        if self.precision == "int8":
            quantized, scale = quantize_rows(weight, WEIGHT_TOP)  # a scale per output channel: the product's columns
            w, s = self.constant(f"weight_{n}", np.ascontiguousarray(quantized.T)), self.constant(f"scale_{n}", scale)
            return self._integer_linear(x, w, s, b, *quantized.T.shape)
        w = self.constant(f"weight_{n}", np.ascontiguousarray(weight.astype(np.float32).T))
        return self.node("Add", self.node("MatMul", x, w), b)

    def _integer_linear(self, x: str, weight: str, scale: str, bias: str, width: int, out: int) -> str:
        """x @ weight + bias in integers: each token's row of `x` quantised by itself (its largest magnitude
        to 127, around 128 in uint8), the integer product rescaled by the weight's column scales and the row's
        scale. A token's result so depends on its own values only, never on the other texts of its batch
        (ONNX Runtime's DynamicQuantizeMatMul quantises the whole input with one scale), and texts can be
        encoded in batches."""
        rows = self.node("Reshape", x, self.shape(-1, width))  # (batch × tokens, width)
        magnitude = self.node("ReduceMax", self.node("Abs", rows), "last_axis", keepdims=0)
        row_scale = self.node("Div", self.node("Max", magnitude, "tiny"), "u8_top")  # (batch × tokens,)
        middle = self.node("Expand", "u8_middle", self.node("Shape", row_scale))
        quantized = self.node("QuantizeLinear", rows, row_scale, middle, axis=0)
        product = self.node(
            "MatMulIntegerToFloat", quantized, weight, "one", scale, "u8_middle", domain="com.microsoft"
        )
        scaled = self.node("Add", self.node("Mul", product, self.node("Unsqueeze", row_scale, "last_axis")), bias)
        return self.node("Reshape", scaled, self.node("Concat", "batch_tokens", self.shape(out), axis=0))

    def shape(self, *dims: int) -> str:
        """A constant int64 vector of `dims`, added once. Named `dims_…`: `shape_…` would be the name of the
        output of a Shape node at that position (`node`), and a graph with both does not load."""
        name = "dims_" + "_".join(str(d) for d in dims)
        if name not in self._shapes:
            self._shapes.add(self.constant(name, np.array(dims, dtype=np.int64)))
        return name

    def norm(self, x: str, tensor: Callable[[str], np.ndarray], name: str, eps: float) -> str:
        n = len(self.initializers)
        gamma = self.constant(f"gamma_{n}", tensor(f"{name}.weight").astype(np.float32))
        beta = self.constant(f"beta_{n}", tensor(f"{name}.bias").astype(np.float32))
        return self.node("LayerNormalization", x, gamma, beta, axis=-1, epsilon=eps)


if __name__ == "__main__":
    folder, precision, output = sys.argv[1:]
    write_graph(Path(folder), cast(Precision, precision), Path(output))
