"""Table look-ups in front of spaCy's attribute ruler.

The English models' attribute ruler maps each fine-grained tag (and a few words) to a coarse part of
speech, morphology and lemma with ~180 one-token patterns, and spaCy's Matcher tries every pattern at
every token: ~13 µs a token, about a tenth of the small model's parse. Most of those patterns ask only
"is the tag X" and/or "is the lower-case word Y", which a dictionary answers at once. `speed_up` gives a
loaded ruler a `match` step that answers those from tables and leaves every other pattern (dependency
labels, regular expressions, several tokens) to a Matcher of their own. It returns exactly the matches
spaCy's would, in the same order, and the ruler's own code applies them; tests/test_attribute_table.py
compares the annotations over the test corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore
from spacy.tokens import Doc

# The token attributes a table can answer, in the order a rule is filed by (the most selective first).
_COLUMNS = {"LOWER": LOWER, "DEP": DEP, "TAG": TAG, "IS_SPACE": IS_SPACE}
_NAMES = list(_COLUMNS)
Match = tuple[int, int, int, int]
Condition = tuple[int, bool, frozenset[int]]  # column, whether the value must be in the set, the set
Rule = tuple[int, int, tuple[Condition, ...]]  # rule number, its match id, the conditions left to check


def speed_up(nlp: Language) -> None:
    """Give every attribute ruler of `nlp` the table-backed match step (annotations unchanged)."""
    for _, component in nlp.pipeline:
        if isinstance(component, AttributeRuler):
            component.match = TableMatch(component)  # type: ignore[method-assign]


def _conditions(token: dict[str, Any], strings: StringStore) -> list[Condition] | None:
    """A one-token pattern as conditions on table columns, or None when a table cannot answer it."""
    conditions = []
    for attr, spec in token.items():
        if attr not in _COLUMNS:
            return None
        if isinstance(spec, Mapping) and len(spec) == 1 and set(spec) <= {"IN", "NOT_IN"}:
            wanted, values = "IN" in spec, next(iter(spec.values()))
        else:
            wanted, values = True, [spec]
        if attr == "IS_SPACE":
            if not all(isinstance(v, bool) for v in values):
                return None
            codes = frozenset(int(v) for v in values)
        elif all(isinstance(v, str) for v in values):
            codes = frozenset(strings.add(v) for v in values)
        else:
            return None
        conditions.append((_NAMES.index(attr), wanted, codes))
    return conditions


class TableMatch:
    """The attribute ruler's `match`: (rule, match id, start, end) for every rule that applies, sorted."""

    def __init__(self, ruler: AttributeRuler) -> None:
        strings = ruler.vocab.strings
        self._strings = strings
        self._tables: list[dict[int, list[Rule]]] = [defaultdict(list) for _ in _COLUMNS]
        self._rest = Matcher(ruler.vocab, validate=False)
        for rule in range(len(ruler.attrs)):
            key = str(rule)
            patterns = ruler.matcher.get(key)[1]
            filed = [_conditions(p[0], strings) if len(p) == 1 else None for p in patterns]
            if any(f is None or not any(wanted for _, wanted, _ in f) for f in filed):
                self._rest.add(key, patterns)
                continue
            for conditions in filed:
                anchor = min((c for c in conditions if c[1]), key=lambda c: c[0])
                others = tuple(c for c in conditions if c is not anchor)
                for code in anchor[2]:
                    self._tables[anchor[0]][code].append((rule, strings[key], others))
        self._used = [(i, table.get) for i, table in enumerate(self._tables) if table]

    def __call__(self, doc: Doc) -> list[Match]:
        found: set[Match] = set()
        for i, row in enumerate(doc.to_array(list(_COLUMNS.values())).tolist()):
            for column, look_up in self._used:
                for rule, match_id, others in look_up(row[column], ()):
                    if all((row[c] in codes) == wanted for c, wanted, codes in others):
                        found.add((rule, match_id, i, i + 1))
        if len(self._rest):
            for match_id, start, end in self._rest(doc, allow_missing=True, as_spans=False):
                found.add((int(self._strings[match_id]), match_id, start, end))
        return sorted(found)
