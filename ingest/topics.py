"""Topic relevance: boolean term rules from config, matched on word boundaries with case folding."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from claimwatch.config.settings import TopicSettings


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.casefold().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _has(text: str, term: str) -> bool:
    return _term_pattern(term).search(text) is not None


def match_topics(text: str, topics: Sequence[TopicSettings]) -> list[str]:
    """Names of the topics whose rule holds for `text` (title and body together)."""
    folded = text.casefold()
    matched = []
    for topic in topics:
        if topic.any and not any(_has(folded, term) for term in topic.any):
            continue
        if not all(_has(folded, term) for term in topic.all):
            continue
        if any(_has(folded, term) for term in topic.none):
            continue
        matched.append(topic.name)
    return matched
