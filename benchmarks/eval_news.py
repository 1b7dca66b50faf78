"""Score attribution and claims on the annotated news fixtures (tests/fixtures/news), beside a simple
baseline, in one run.

    .venv/bin/python benchmarks/eval_news.py [tests/fixtures/news] [--verbose]

Each `NN-name.txt` has a `NN-name.gold.json` written by hand before the rules were tuned (the guide is in
docs/nlp.md): attributions (the reported content as a substring, its kind, the speaker's canonical name or
null for an unnamed source, the speaker's words), claims (verifiable factual statements as substrings, with
claimant and framing) and `not_claims` (opinions, predictions, promises, questions).

Measures:
- **speaker accuracy on quoted attributions**: gold direct and mixed quotes that an extracted quote's
  quoted words overlap; right when the canonical speaker equals the gold one (an unnamed source: when the
  extracted speaker's words and the gold ones share their head word). Quote recall is printed beside it.
- **indirect-speech recall**: gold attributions without quotation marks that an extracted quote or claim
  covers (overlap of at least half the gold content); the speaker of those found is scored as above.
- **verifiable share of claims**: an extracted claim is verifiable when it overlaps a gold claim by at
  least half of the shorter span; anything else (a `not_claims` span or nothing annotated) counts against.
  Claim recall is printed beside it.
- **framing and claimant accuracy on found claims**: for each gold claim found, the extracted claim that
  overlaps it most; right when its framing (asserted, reported, refuted) and its claimant's canonical name
  (None for no named claimant) equal the gold ones. The baseline does not frame claims (n/a).

Baseline: what a plain spaCy script does — a quotation's speaker is the nearest PERSON or ORG entity in its
sentence (else the previous one), indirect speech is `say` with a clausal complement, and every sentence
with a number or a named entity is a claim.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from claimwatch.config import load_config
from claimwatch.jobs.analyze import build_extractor
from claimwatch.nlp.claim_vectors import encode_claims
from claimwatch.nlp.embeddings import Embedder, active_embedder
from claimwatch.nlp.quotemarks import find_quotations

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "tests" / "fixtures" / "news"


def locate(text: str, fragment: str, where: str) -> tuple[int, int]:
    start = text.find(fragment)
    if start < 0:
        raise SystemExit(f"{where}: {fragment!r} is not in the text")
    return start, start + len(fragment)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    return overlap(a, b) / (max(a[1], b[1]) - min(a[0], b[0]))


def _words(text: str | None) -> list[str]:
    words = [w.casefold().strip(".,;:") for w in (text or "").split()]
    return [w.removesuffix("'s").removesuffix("’s") for w in words if w]


def speaker_right(gold: dict, name: str | None, words: str | None) -> bool:
    if gold["speaker"]:
        return (name or "").casefold() == gold["speaker"].casefold()
    found = _words(words)
    return bool(found) and found[-1] in set(_words(gold["speaker_text"]))


@dataclass
class Predicted:
    """One system's output on one article, reduced to what is scored."""

    quotes: list[tuple[list[tuple[int, int]], tuple[int, int], str | None, str | None]] = field(default_factory=list)
    claims: list[tuple[int, int]] = field(default_factory=list)
    framings: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)  # claim → framing, claimant


@dataclass
class Score:
    quoted_gold: int = 0
    quoted_found: int = 0
    speaker_right: int = 0
    indirect_gold: int = 0
    indirect_found: int = 0
    indirect_speaker_right: int = 0
    claims: int = 0
    verifiable: int = 0
    gold_claims: int = 0
    gold_claims_found: int = 0
    framed: int = 0  # found gold claims whose framing the system gives
    framing_right: int = 0
    claimant_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def score(text: str, gold: dict, predicted: Predicted) -> Score:
    result = Score()
    where = gold["id"]
    for g in gold["attributions"]:
        span = locate(text, g["content"], where)
        if g["kind"] in ("direct", "mixed"):
            result.quoted_gold += 1
            hits = [q for q in predicted.quotes if any(overlap(s, span) for s in q[0])]
            if not hits:
                result.misses.append(f"quote missed: {g['content'][:60]!r}")
                continue
            result.quoted_found += 1
            _quoted, _span, name, words = hits[0]
            if speaker_right(g, name, words):
                result.speaker_right += 1
            else:
                result.misses.append(
                    f"speaker of {g['content'][:40]!r}: got {name!r}/{words!r}, "
                    f"gold {g['speaker']!r}/{g['speaker_text']!r}"
                )
        else:
            result.indirect_gold += 1
            length = span[1] - span[0]
            hits = [q for q in predicted.quotes if overlap(q[1], span) * 2 >= length]
            if not hits:
                result.misses.append(f"indirect missed: {g['content'][:60]!r} ({g['cue']})")
                continue
            result.indirect_found += 1
            _quoted, _span, name, words = max(hits, key=lambda q: jaccard(q[1], span))  # the most specific
            if speaker_right(g, name, words):
                result.indirect_speaker_right += 1
            else:
                result.misses.append(
                    f"speaker of indirect {g['content'][:40]!r}: got {name!r}/{words!r}, gold {g['speaker']!r}"
                )
    claims = [locate(text, c["text"], where) for c in gold["claims"]]
    result.gold_claims = len(claims)
    for c, g in zip(claims, gold["claims"]):
        hits = [p for p in predicted.claims if overlap(c, p) * 2 >= min(c[1] - c[0], p[1] - p[0])]
        if not hits:
            result.misses.append(f"claim missed: {text[c[0] : c[1]][:80]!r}")
            continue
        result.gold_claims_found += 1
        best = max(hits, key=lambda p: jaccard(c, p))
        if best not in predicted.framings:
            continue
        framing, claimant = predicted.framings[best]
        result.framed += 1
        result.framing_right += framing == g["framing"]
        result.claimant_right += claimant == g["claimant"]
        if (framing, claimant) != (g["framing"], g["claimant"]):
            result.misses.append(
                f"claim {g['text'][:40]!r}: got {framing}/{claimant!r}, gold {g['framing']}/{g['claimant']!r}"
            )
    for p in predicted.claims:
        result.claims += 1
        if any(overlap(c, p) * 2 >= min(c[1] - c[0], p[1] - p[0]) for c in claims):
            result.verifiable += 1
        else:
            result.misses.append(f"claim not verifiable: {text[p[0] : p[1]][:80]!r}")
    return result


def ours(extractor, embedder: Embedder | None, text: str) -> Predicted:  # type: ignore[no-untyped-def]
    """What claimwatch extracts, and with `embedder` what analysis stores (check-worthiness rescored with the
    claims' vectors, and the outlet's statements that are then not check-worthy dropped)."""
    out = extractor.extract(text)
    if embedder is not None:
        encode_claims(embedder, [out])
    predicted = Predicted()
    for q in out.quotes:
        predicted.quotes.append((list(q.quoted), (q.start, q.end), q.speaker, q.speaker_text))
    for c in out.claims:
        predicted.claims.append((c.start, c.end))
        predicted.framings[(c.start, c.end)] = (c.framing, c.claimant)
        if c.framing != "asserted" and c.claimant_text:  # accusations are attributions too
            predicted.quotes.append(([], (c.start, c.end), c.claimant, c.claimant_text))
    return predicted


def baseline(doc: Doc) -> Predicted:
    predicted = Predicted()
    sentences = list(doc.sents)
    for quotation in find_quotations(doc.text):
        outer = doc.char_span(quotation.outer_start, quotation.outer_end, alignment_mode="expand")
        if outer is None:
            continue
        index = next(i for i, s in enumerate(sentences) if s.start <= outer.start < s.end)
        speaker = None
        for sentence in (sentences[index], sentences[index - 1] if index else None):
            names = [e for e in (sentence.ents if sentence is not None else ()) if e.label_ in ("PERSON", "ORG")]
            names = [e for e in names if not (outer.start <= e.start < outer.end)]
            if names:
                speaker = min(names, key=lambda e: min(abs(e.start - outer.start), abs(e.end - outer.end)))
                break
        name = speaker.text if speaker is not None else None
        predicted.quotes.append(
            ([(quotation.start, quotation.end)], (quotation.start, quotation.end), _full_name(doc, name), name)
        )
    for token in doc:
        if token.lemma_ == "say":
            clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if clause is not None:
                words = doc[subject.left_edge.i : subject.i + 1].text if subject is not None else None
                span = (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge))
                predicted.quotes.append(([], span, _full_name(doc, words), words))
    for sentence in sentences:
        if any(t.like_num for t in sentence) or sentence.ents:
            predicted.claims.append((sentence.start_char, sentence.end_char))
    return predicted


def _full_name(doc: Doc, words: str | None) -> str | None:
    """The longest PERSON/ORG name in the article that ends with the speaker's last word."""
    last = (words or "").split()[-1:] or [""]
    names = [e.text for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.text.split()[-1] == last[0]]
    return max(names, key=len) if names else words


def report(label: str, total: Score) -> None:
    def ratio(a: int, b: int) -> str:
        return f"{a / b:.2f} ({a}/{b})" if b else "n/a"

    print(
        f"{label:12} speaker accuracy (quoted) {ratio(total.speaker_right, total.quoted_found):16} "
        f"quote recall {ratio(total.quoted_found, total.quoted_gold):16} "
        f"indirect recall {ratio(total.indirect_found, total.indirect_gold):16} "
        f"indirect speaker {ratio(total.indirect_speaker_right, total.indirect_found):16} "
        f"verifiable claims {ratio(total.verifiable, total.claims):16} "
        f"claim recall {ratio(total.gold_claims_found, total.gold_claims):16} "
        f"framing {ratio(total.framing_right, total.framed):16} "
        f"claimant {ratio(total.claimant_right, total.framed)}"
    )


def gold_files(folder: Path) -> Iterable[tuple[Path, dict]]:
    for path in sorted(folder.glob("*.gold.json")):
        yield path.with_name(path.name.replace(".gold.json", ".txt")), json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    settings = load_config()
    extractor = build_extractor(settings)
    embedder = active_embedder(settings)  # the daemon's (its precision, its cached graph); None: words only
    totals = {"extractor": Score(), "analysis": Score(), "baseline": Score()}
    articles = 0
    for text_path, gold in gold_files(args.folder):
        text = text_path.read_text(encoding="utf-8")
        articles += 1
        for label, predicted in (
            ("extractor", ours(extractor, None, text)),
            ("analysis", ours(extractor, embedder, text)),
            ("baseline", baseline(extractor.nlp(text))),
        ):
            result = score(text, gold, predicted)
            totals[label].add(result)
            if args.verbose and label == "analysis" and result.misses:
                print(f"== {gold['id']}")
                for miss in result.misses:
                    print(f"  {miss}")
    print(f"{articles} annotated articles in {args.folder}; extractor {extractor.version}")
    for label, total in totals.items():
        report(label, total)


if __name__ == "__main__":
    main()
