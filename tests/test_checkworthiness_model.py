"""The learned check-worthiness shipped in the package: it ranks checkable statements of fact above
opinions, wishes and questions, and it is what analysis and `claimwatch extract` store and print."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from claimwatch.config import load_config
from claimwatch.jobs.cli import app
from claimwatch.nlp.checkworthiness import sentence_signals
from claimwatch.nlp.checkworthiness_model import load_checkworthiness_model
from claimwatch.nlp.embeddings import load_embedder
from claimwatch.nlp.model import load_model

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


def test_statements_of_fact_score_above_opinions_wishes_and_questions() -> None:
    model = load_checkworthiness_model()
    embedder = load_embedder(model.model)
    texts = FACTS + NOT_FACTS
    signals = [sentence_signals(doc[:]) for doc in load_model(load_config().nlp.model).pipe(texts)]
    scores = model.score(texts, embedder.encode(texts), signals)
    facts, others = scores[: len(FACTS)], scores[len(FACTS) :]
    assert min(facts) > model.threshold > max(others), (facts, others)


def test_extract_prints_the_learned_score() -> None:
    text = "Ukraine received 350 billion dollars in US military aid, Trump said on Tuesday. " + NOT_FACTS[0]
    result = CliRunner().invoke(app, ["extract", "-"], input=text)
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)["claims"]
    assert claims and all(0 <= c["checkworthiness"] <= 1 for c in claims)
    aid = next(c for c in claims if "350 billion" in c["text"])
    assert aid["checkworthiness"] > load_checkworthiness_model().threshold
