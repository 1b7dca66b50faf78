"""The parser and entity recogniser decoded with the GIL held, and every layer multiplying through NumPy's
BLAS, parse exactly as spaCy's own loop on thinc's default BLIS does."""

from __future__ import annotations

import logging
from importlib import resources

import pytest
import spacy
from spacy.pipeline import DependencyParser, EntityRecognizer

from claimwatch.config import load_config
from claimwatch.nlp import transition_loop
from claimwatch.nlp.model import LINE_BREAKS, load_model
from claimwatch.nlp.transition_loop import HeldEntityRecognizer, HeldParser, speed_up_parsers

from .test_attribute_table import texts


def corpus() -> list[str]:
    """The news fixtures and the demo corpus's pages as raw HTML too: long, messy documents."""
    demo = resources.files("claimwatch.jobs").joinpath("demo_corpus")
    pages = [p.read_text(encoding="utf-8") for p in demo.iterdir() if p.name.endswith(".html")]
    return [*texts(), *pages[:3]]


def parse(doc: spacy.tokens.Doc) -> list[tuple[str, str, int, str, int, str, str]]:
    return [(t.text, t.tag_, t.head.i, t.dep_, int(t.is_sent_start or 0), t.ent_iob_, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def stock() -> spacy.language.Language:
    nlp = spacy.load(load_config().nlp.model)
    nlp.add_pipe(LINE_BREAKS, before="parser")
    return nlp


def test_the_loaded_model_decodes_with_the_gil_held() -> None:
    nlp = load_model(load_config().nlp.model)
    assert isinstance(nlp.get_pipe("parser"), HeldParser)
    assert isinstance(nlp.get_pipe("ner"), HeldEntityRecognizer)


def test_the_loaded_model_multiplies_through_numpys_blas(stock: spacy.language.Language) -> None:
    def blis(nlp: spacy.language.Language) -> set[bool]:
        return {node.ops.use_blis for _n, c in nlp.pipeline if getattr(c, "model", None) for node in c.model.walk()}

    assert blis(load_model(load_config().nlp.model)) == {False}
    assert blis(stock) == {True}  # what the comparison below is against


@pytest.mark.parametrize("batch_size", [1, 16])
def test_heads_labels_sentences_and_entities_are_spacys(stock: spacy.language.Language, batch_size: int) -> None:
    fast = load_model(load_config().nlp.model)
    ours = list(fast.pipe(corpus(), batch_size=batch_size))
    theirs = list(stock.pipe(corpus(), batch_size=batch_size))
    assert sum(len(doc.ents) for doc in ours) > 200  # the comparison covers many entities and long documents
    for mine, spacys in zip(ours, theirs, strict=True):
        assert parse(mine) == parse(spacys)
    one = corpus()[0]
    assert parse(fast(one)) == parse(stock(one))  # a single text goes through `predict` alone


def test_a_component_that_parses_differently_keeps_spacys_loop(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    nlp = spacy.load(load_config().nlp.model)
    monkeypatch.setattr(transition_loop._HeldLoop, "predict", lambda self, docs: self.moves.init_batch(docs))
    with caplog.at_level(logging.WARNING, logger="claimwatch.nlp.transition_loop"):
        speed_up_parsers(nlp)
    assert type(nlp.get_pipe("parser")) is DependencyParser
    assert type(nlp.get_pipe("ner")) is EntityRecognizer
    assert "keeping spaCy's own loop" in caplog.text
    assert nlp("President Volodymyr Zelensky met Donald Trump in Washington on Friday.").ents  # it still parses


def test_a_beam_search_keeps_spacys_loop() -> None:
    nlp = spacy.load(load_config().nlp.model)
    nlp.get_pipe("ner").cfg["beam_width"] = 4
    speed_up_parsers(nlp)
    assert type(nlp.get_pipe("ner")) is EntityRecognizer
    assert isinstance(nlp.get_pipe("parser"), HeldParser)


@pytest.mark.parametrize("unseen", [False, True])
def test_a_steps_scores_are_spacys(stock: spacy.language.Language, unseen: bool) -> None:
    """The scorer against spaCy's own step, score for score, at every step of a long text; with a class
    marked unseen its column takes spaCy's fill value, as in its `step_forward`."""
    for name in ("parser", "ner"):
        component = stock.get_pipe(name)
        docs = [stock.make_doc(text) for text in corpus()[:4]]
        for earlier, proc in stock.pipeline:
            if earlier == name:
                break
            docs = [proc(doc) for doc in docs]
        step = component.model.predict(docs)
        if unseen:
            step.mark_class_unseen(1)
        scores = transition_loop._scorer(step)
        assert scores != step.predict  # the lean path, not the fallback
        states = [state for state in component.moves.init_batch(docs) if not state.is_final()]
        steps = 0
        while states:
            expected, found = step.predict(states), scores(states)
            assert found.tobytes() == expected.tobytes()
            if unseen:
                assert (found[:, 1] == found.min()).all()
            states = component.transition_states(states, expected)
            steps += 1
        assert steps > 100
