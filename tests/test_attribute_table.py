"""The attribute ruler's table-backed match step annotates exactly as spaCy's own Matcher does."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.pipeline import AttributeRuler

from claimwatch.config import load_config
from claimwatch.nlp.attribute_table import TableMatch
from claimwatch.nlp.model import LINE_BREAKS, load_model

from .conftest import FIXTURES

# Speech the rare rules are for: contractions over two tokens, "there's", pronoun cases, spaces.
COLLOQUIAL = (
    "\"Y'all ain't gonna believe it, c'mon,\" she told reporters.  \"Let's see: there's nothin' in it "
    'for you, and I got ta go."\n\nIt was signed, but the minister said he did not know it. '
    "Did they?  There were   three drafts, which he had read."
)


def texts() -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "news").glob("*.txt"))]
    return [*found, (FIXTURES / "quote-patterns.txt").read_text(encoding="utf-8"), COLLOQUIAL]


def annotations(doc: spacy.tokens.Doc) -> list[tuple[str, str, str, str, str]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def test_the_table_matches_what_spacys_matcher_matches() -> None:
    ruler = load_model(load_config().nlp.model).get_pipe("attribute_ruler")
    assert isinstance(ruler.match, TableMatch)
    plain = spacy.load(load_config().nlp.model)
    rules_hit: set[int] = set()
    for doc in plain.pipe(texts()):
        expected = AttributeRuler.match(ruler, doc)
        assert ruler.match(doc) == expected
        rules_hit |= {rule for rule, *_ in expected}
    # Both halves were exercised: rules answered by the tables and rules left to the Matcher.
    patterns = {rule: ruler.matcher.get(str(rule))[1] for rule in rules_hit}
    assert any(len(p[0]) == 1 and set(p[0][0]) == {"TAG"} for p in patterns.values())
    assert any(len(p[0]) == 2 for p in patterns.values())
    assert any("DEP" in p[0][0] for p in patterns.values())


def test_the_sped_up_model_annotates_like_the_shipped_one() -> None:
    name = load_config().nlp.model
    plain = spacy.load(name)
    plain.add_pipe(LINE_BREAKS, before="parser")
    fast = load_model(name)
    for ours, theirs in zip(fast.pipe(texts()), plain.pipe(texts()), strict=True):
        assert annotations(ours) == annotations(theirs)


def test_rules_a_table_cannot_answer_stay_with_a_matcher(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": {"REGEX": "^gr[ae]y$"}}]], {"LEMMA": "grey"})
    ruler.add([[{"LOWER": "dark"}, {"LOWER": "grey"}]], {"LEMMA": "charcoal"}, index=1)
    ruler.add([[{"LOWER": {"NOT_IN": ["red"]}}]], {"NORM": "not-red"})
    ruler.add([[{"LOWER": "red"}]], {"NORM": "red!"})
    table = TableMatch(ruler)
    doc = nlp.make_doc("Dark grey and gray and red")
    assert table(doc) == AttributeRuler.match(ruler, doc)
    assert len(table._rest) == 3
