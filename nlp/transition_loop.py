"""spaCy's dependency parser and entity recogniser, decoded with the GIL held.

spaCy 3.8 runs a greedy parser's transition loop inside a `nogil` block, but the parse-state look-ups it
calls there, as its wheels are compiled, take the GIL and give it back on every call (an empty
`PyGILState_Ensure`/`Release` pair). The entity recogniser checks ~74 moves at every token, each a few
such look-ups: under perf, locking and unlocking that mutex was a third of the small English model's whole
parse, and the recogniser's decoding cost twice the dependency parser's for half the steps. Called with
the GIL already held, the same look-ups take the cheap path (the calling thread owns it).

So `speed_up_parsers` gives each greedy parser of a pipeline a `predict` that runs the loop from Python:
spaCy's own step model scores a step and spaCy's own transition code checks the moves and applies the best
(`transition_states`, the code its training runs), so the analysis is the same, token for token. On 96
generated news articles the parser's decoding took 1.1 s instead of 2.3 s and the recogniser's 3.1-3.7 s
instead of 7.7-9.2 s. Each component is checked against its stock self on a sample when the model loads;
one that disagrees, searches with a beam or runs on a GPU keeps spaCy's loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import numpy as np
from spacy import util
from spacy.language import Language
from spacy.pipeline import DependencyParser, EntityRecognizer
from spacy.tokens import Doc
from thinc.api import NumpyOps

log = logging.getLogger(__name__)

# A check sample: names, quotations, a figure and a sentence break, so both components make every kind of move.
SAMPLE = (
    'Ukrainian President Volodymyr Zelensky said on Tuesday that the agreement with the United States "is '
    'not yet final". The deal would give Washington 50% of future revenue from rare-earth minerals.\n'
    "Officials in Kyiv, speaking to Reuters, denied that talks had stalled."
)


class _HeldLoop:
    """`predict` and `pipe` of a greedy parser, the loop run with the GIL held (mixed in before its class)."""

    moves: Any
    model: Any

    def predict(self, docs: Doc | list[Doc]) -> list[Any]:
        docs = [docs] if isinstance(docs, Doc) else docs
        if not any(len(doc) for doc in docs):
            return self.moves.init_batch(docs)
        self._ensure_labels_are_added(docs)  # type: ignore[attr-defined]
        batch = self.moves.init_batch(docs)
        step = self.model.predict(docs)  # the token vectors, and each token's share of a state's hidden layer
        try:
            scores = _scorer(step)
            states = [state for state in batch if not state.is_final()]
            while states:
                states = self.transition_states(states, scores(states))  # type: ignore[attr-defined]
        finally:
            step.clear_memory()
        return batch

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """spaCy's `pipe`, each batch decoded at once: its states leave the loop as they finish, so cutting
        it into runs of similar length (which spaCy's loop needs) would only add steps."""
        error_handler = self.get_error_handler()  # type: ignore[attr-defined]
        for batch in util.minibatch(docs, size=batch_size):
            batch = list(batch)
            try:
                self.set_annotations(batch, self.predict(batch))  # type: ignore[attr-defined]
                yield from batch
            except Exception as exc:  # what spaCy's own pipe does: the pipeline's error handler decides
                error_handler(self.name, self, batch, exc)  # type: ignore[attr-defined]


def _scorer(step: Any) -> Callable[[list[Any]], np.ndarray]:
    """The scores of the next move of each state: spaCy's inference step (`step_forward` in
    spacy/ml/parser_model.pyx, same products in the same order) without what only training or an unseen
    class needs. spaCy fills an unseen class's column with the batch's `nanmin`, a copying scan of every
    score at every step (2.5% of a worker's time), even when no class is unseen, as in the shipped models;
    the output layer's weights are read once instead of through thinc's call chain at every step. A step
    model of another shape keeps spaCy's own `predict`."""
    upper = step.vec2scores  # None without an upper layer
    if upper is None or upper.name != "linear":
        return cast(Callable[[list[Any]], np.ndarray], step.predict)
    hidden, ops = step.state2vec, upper.ops
    weights, bias = upper.get_param("W"), upper.get_param("b")
    unseen = step._class_mask == 0  # noqa: SLF001
    fill = bool(unseen.any())

    def scores(states: list[Any]) -> np.ndarray:
        found = ops.gemm(hidden.predict(step.get_token_ids(states)), weights, trans2=True)
        found += bias
        if fill:
            found[:, unseen] = np.nanmin(found)
        return found

    return scores


class HeldParser(_HeldLoop, DependencyParser):
    """A dependency parser decoded by `_HeldLoop`."""


class HeldEntityRecognizer(_HeldLoop, EntityRecognizer):
    """An entity recogniser decoded by `_HeldLoop`."""


def speed_up_parsers(nlp: Language) -> None:
    """Replace each greedy parser and entity recogniser of `nlp` on the CPU by one that decodes with the
    GIL held, where it parses a sample exactly as the stock component does."""
    originals = list(nlp.pipeline)
    replaced = {}
    for name, component in originals:
        held = _held(component)
        if held is not None:
            replaced[name] = held
    if not replaced:
        return
    expected = nlp(SAMPLE).to_bytes()
    _swap(nlp, replaced)
    if nlp(SAMPLE).to_bytes() != expected:
        log.warning("%s: parsed differently with the GIL held; keeping spaCy's own loop", nlp.meta.get("name"))
        _swap(nlp, dict(originals))


def _held(component: Any) -> Any:
    """The GIL-held copy of a greedy CPU parser (same model, moves and settings), else None. The settings are
    its `cfg`, copied whole: the constructor's keywords only fill that dict when `moves` is given."""
    kinds = {DependencyParser: HeldParser, EntityRecognizer: HeldEntityRecognizer}
    kind = kinds.get(type(component))
    if kind is None or component.cfg.get("beam_width", 1) != 1 or not isinstance(component.model.ops, NumpyOps):
        return None
    held = kind(component.vocab, component.model, component.name, moves=component.moves, scorer=component.scorer)
    held.cfg = dict(component.cfg)
    return held


def _swap(nlp: Language, components: dict[str, Any]) -> None:
    """Put `components` in the pipeline in place of those of the same names (spaCy has no public call that
    replaces a component by an instance: `replace_pipe` builds a new one from its factory)."""
    nlp._components = [(name, components.get(name, proc)) for name, proc in nlp._components]  # noqa: SLF001
