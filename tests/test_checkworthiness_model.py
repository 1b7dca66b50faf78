"""The learned check-worthiness shipped in the package: it ranks checkable statements of fact above
opinions, wishes and questions; the extractor scores every claim with it and turns an outlet's own
check-worthy statements into claims; analysis and `claimwatch extract` store and print it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from claimwatch.config import load_config
from claimwatch.jobs.analyze import build_extractor
from claimwatch.jobs.cli import app
from claimwatch.nlp.checkworthiness_model import load_checkworthiness_models, sentence_signals
from claimwatch.nlp.embeddings import load_embedder
from claimwatch.nlp.model import load_model

from .conftest import FIXTURES

FACTS = [
    "Russia launched 120 missiles and 90 drones at Ukraine's power grid on Sunday.",
    "The United States has provided about 65 billion dollars in military aid since February 2022.",
    "Unemployment in the region rose from 8 percent to 14 percent last year.",
]
NOT_FACTS = [
    "I hope the negotiators finally find the courage to do the right thing.",
    "What will the president do next?",
    "We should all be grateful for the brave people who keep the lights on.",
]


@pytest.mark.parametrize("which", ["text", "semantic"])
def test_statements_of_fact_score_above_opinions_wishes_and_questions(which: str) -> None:
    model = getattr(load_checkworthiness_models(), which)
    texts = FACTS + NOT_FACTS
    signals = [sentence_signals(doc[:]) for doc in load_model(load_config().nlp.model).pipe(texts)]
    vectors = load_embedder(model.embedding).encode(texts) if model.embedding else None
    scores = model.score(texts, signals, vectors)
    facts, others = scores[: len(FACTS)], scores[len(FACTS) :]
    assert min(facts) > model.threshold > max(others), (facts, others)


def test_the_outlets_own_checkworthy_statements_become_claims_scored_by_the_text_model() -> None:
    text = " ".join([FACTS[0], NOT_FACTS[0], FACTS[2]])
    extractor = build_extractor(load_config())
    claims = extractor.extract(text).claims
    assert [c.text for c in claims] == [FACTS[0], FACTS[2]]
    assert all(c.framing == "asserted" and c.claimant is None for c in claims)
    doc = extractor.nlp(text)
    text_model = load_checkworthiness_models().text
    expected = [text_model.score_one(s.text.strip(), sentence_signals(s)) for s in doc.sents if s.text.strip() in FACTS]
    assert [c.checkworthiness for c in claims] == pytest.approx(expected)


def test_extract_prints_the_learned_score() -> None:
    text = "Ukraine received 350 billion dollars in US military aid, Trump said on Tuesday. " + NOT_FACTS[0]
    result = CliRunner().invoke(app, ["extract", "-"], input=text)
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)["claims"]
    assert claims and all(0 <= c["checkworthiness"] <= 1 for c in claims)
    aid = next(c for c in claims if "350 billion" in c["text"])
    assert aid["checkworthiness"] > load_checkworthiness_models().semantic.threshold  # rescored: the extra is here


@pytest.mark.parametrize("which", ["text", "semantic"])
def test_shipped_scoring_equals_scikit_learn_on_the_same_vocabularies(which: str) -> None:
    """The daemon scores without scikit-learn (its import alone costs ~140 MB); the term cutting, TF-IDF and
    each model's form of rows must be the ones it was trained with."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    from claimwatch.nlp.checkworthiness_model import TERMS, VIEWS, view_texts

    model = getattr(load_checkworthiness_models(), which)
    texts = FACTS + NOT_FACTS + ["  Odd   spacing,\tTABS and a 1-2 punch!  ", "É à ü — “quoted” 3.5%", "a I x"]
    signals = [sentence_signals(doc[:]) for doc in load_model(load_config().nlp.model).pipe(texts)]
    width = 0 if model.embedding_coef is None else len(model.embedding_coef)
    vectors = np.random.default_rng(0).standard_normal((len(texts), width)).astype(np.float32)
    blocks = []
    for view, block in zip(VIEWS, model.blocks):
        fitted = TfidfVectorizer(**view.sklearn_params(block.rows), vocabulary=block.index)
        fitted.idf_ = block.idf
        view_text = [view_texts(t, s)[view.name] for t, s in zip(texts, signals)]
        tfidf = fitted.transform(view_text)
        if block.rows == TERMS:  # each row over the root of its number of terms, as scikit-learn cuts them
            analyzer = fitted.build_analyzer()
            tfidf = sp.diags([1 / np.sqrt(max(1, len(analyzer(t)))) for t in view_text]) @ tfidf
        blocks.append(tfidf)
    blocks.append(sp.csr_matrix(vectors.astype(np.float64)))  # embedding_coef carries the training scale
    coef = np.concatenate([b.coef for b in model.blocks] + ([model.embedding_coef] if width else []))
    expected = 1 / (1 + np.exp(-(sp.hstack(blocks).tocsr() @ coef + model.intercept)))
    for _twice in range(2):  # the second time from the words the first one kept
        assert np.allclose(model.score(texts, signals, vectors if width else None), expected, atol=1e-9)


def test_the_command_line_scores_without_scikit_learn() -> None:
    import subprocess
    import sys

    script = (
        "import sys; from claimwatch.nlp.checkworthiness_model import load_checkworthiness_models as m; "
        "m().text.score(['Prices rose 5 percent.']); "
        "print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_a_sentences_entities_are_those_that_begin_and_end_inside_it() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "news").glob("*.txt"))]
    compared = 0
    for doc in load_model(load_config().nlp.model).pipe(texts):
        # every sentence, and windows that cut entities at either end
        spans = [*doc.sents, *(doc[e.start + 1 : e.end + 6] for e in doc.ents if len(e) > 1)]
        spans += [doc[max(e.start - 4, 0) : e.end - 1] for e in doc.ents if len(e) > 1]
        for span in spans:
            expected = " ".join(f"ENT_{e.label_}" for e in span.ents) or "NOENT"
            assert sentence_signals(span).entities == expected, span.text
            compared += 1
    assert compared > 400
