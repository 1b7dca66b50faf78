"""Score `claimwatch extract` against a hand-annotated gold file (the format of seed_article.gold.json).

    .venv/bin/python benchmarks/eval_extract.py ../shared/gold/seed_article.gold.json [more.gold.json …]

Actors: a gold actor is found when an extracted actor has its canonical name and every gold surface form
appears among that actor's mentions; precision counts extracted PERSON/ORG/GPE actors (the gold files do
not annotate NORP groups such as "Ukrainian"). Quotes: the gold annotates words inside quotation marks; an
extracted direct or mixed quote matches when one of its `quoted` spans overlaps the gold span by at least
half of the longer of the two; indirect quotes (no marks) are counted, not scored. For matched quotes the
speaker is right when the canonical speaker equals the gold one (both null for unnamed sources) and the
`speaker_text` span overlaps the gold speaker span. Claims match on overlap with the gold evidence span;
for matched claims, claimant (canonical name, or claimant_text for unnamed ones) and framing are checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimwatch.config import load_config
from claimwatch.jobs.analyze import build_extractor


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def prf(tp: int, predicted: int, gold: int) -> str:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.2f} R={r:.2f} F1={f:.2f} (tp={tp}, predicted={predicted}, gold={gold})"


def _norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def evaluate(gold_path: Path, extractor) -> dict[str, int]:  # type: ignore[no-untyped-def]
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (gold_path.parent / gold["text_file"]).read_text(encoding="utf-8")
    out = extractor.extract(text).to_json()
    counts: dict[str, int] = {}
    print(f"\n== {gold_path.name} ({len(text)} characters)")

    # Actors
    predicted = {a["name"]: a for a in out["actors"]}
    found = 0
    for g in gold["actors"]:
        actor = predicted.get(g["name"])
        forms = {text[s:e] for s, e in actor["mentions"]} if actor else set()
        ok = actor is not None and set(g["surface_forms"]) <= forms
        found += ok
        if not ok:
            print(f"  actor missed or incomplete: {g['name']} (gold forms {g['surface_forms']}, got {sorted(forms)})")
    named = [a for a in out["actors"] if a["type"] in ("PERSON", "ORG", "GPE")]
    true_named = sum(1 for a in named if a["name"] in {g["name"] for g in gold["actors"]})
    print(
        f"  actors:  {prf(found, len(named), len(gold['actors']))}; correct extracted names {true_named}/{len(named)}"
    )
    extra = sorted(a["name"] for a in named if a["name"] not in {g["name"] for g in gold["actors"]})
    if extra:
        print(f"           not in gold: {', '.join(extra)}")

    # Quotes
    marked = [q for q in out["quotes"] if q["kind"] != "indirect"]
    matched = speaker_ok = cue_ok = 0
    for g in gold["quotes"]:
        span = (g["start"], g["end"])
        best = None
        for q in marked:
            for s, e in q["quoted"]:
                if overlap((s, e), span) * 2 >= max(e - s, span[1] - span[0]):
                    best = q
        if best is None:
            print(f"  quote missed: {g['quote']!r}")
            continue
        matched += 1
        speaker_span_ok = (
            best["speaker_start"] is not None
            and overlap((best["speaker_start"], best["speaker_end"]), (g["speaker_start"], g["speaker_end"])) > 0
        )
        if best["speaker"] == g["speaker"] and speaker_span_ok:
            speaker_ok += 1
        else:
            print(
                f"  speaker wrong for {g['quote'][:40]!r}: got {best['speaker']!r}/{best['speaker_text']!r}, "
                f"gold {g['speaker']!r}/{g['speaker_text']!r}"
            )
        cue_ok += _norm(best["cue"]) == _norm(g["cue"])
    print(f"  quotes (in quotation marks): {prf(matched, len(marked), len(gold['quotes']))}")
    print(
        f"  speaker accuracy on matched quotes: {speaker_ok}/{matched}; cue accuracy: {cue_ok}/{matched}; "
        f"indirect quotes extracted (not scored): {len(out['quotes']) - len(marked)}"
    )

    # Claims
    claims_found = claimant_ok = framing_ok = 0
    for g in gold["claims"]:
        span = (g["evidence_start"], g["evidence_end"])
        hits = [c for c in out["claims"] if overlap((c["start"], c["end"]), span) > 0]
        if not hits:
            print(f"  claim missed: {g['claim']!r}")
            continue
        claims_found += 1
        best = max(hits, key=lambda c: overlap((c["start"], c["end"]), span))
        if g.get("claimant"):
            who_ok = best["claimant"] == g["claimant"]
        else:
            who_ok = best["claimant"] is None and _norm(best["claimant_text"]) == _norm(g.get("claimant_text"))
        claimant_ok += who_ok
        framing_ok += best["framing"] == g["framing"]
        if not who_ok or best["framing"] != g["framing"]:
            print(
                f"  claim {g['claim'][:50]!r}: got claimant {best['claimant']!r}/{best['claimant_text']!r}, "
                f"framing {best['framing']}; gold {g.get('claimant')!r}/{g.get('claimant_text')!r}, {g['framing']}"
            )
    print(f"  claims:  {prf(claims_found, len(out['claims']), len(gold['claims']))}")
    print(
        f"  claimant accuracy on found claims: {claimant_ok}/{claims_found}; "
        f"framing accuracy: {framing_ok}/{claims_found}"
    )

    # Paraphrases of gold claims, each on its own: are they linked to the watchlist?
    for g in gold["claims"]:
        for paraphrase in g.get("paraphrases", []):
            sentence = f"Officials said that {paraphrase}."
            linked = [c["watchlist"] for c in extractor.extract(sentence).to_json()["claims"] if c["watchlist"]]
            print(f"  paraphrase {paraphrase!r}: {'linked to ' + linked[0] if linked else 'NOT linked'}")
    counts.update(actors=found, quotes=matched, speakers=speaker_ok, claims=claims_found)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path, help="gold JSON files; text_file is read beside each")
    args = parser.parse_args()
    settings = load_config()
    # Watchlist claims without their configured paraphrases: restatements must be found on meaning alone.
    bare = [w.model_copy(update={"paraphrases": []}) for w in settings.watchlist]
    extractor = build_extractor(settings.model_copy(update={"watchlist": bare}))
    print(f"extractor {extractor.version}, config {settings.source_path or 'bundled defaults'}")
    for path in args.gold:
        if not path.is_file():
            sys.exit(f"{path}: no such gold file")
        evaluate(path, extractor)


if __name__ == "__main__":
    main()
