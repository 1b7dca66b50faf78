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


def match_topics(text: str, topics: Sequence[TopicSettings]) -> dict[str, list[str]]:
    """The topics whose rule holds for `text` (title and body together), each with the terms that matched."""
    folded = text.casefold()
    matched: dict[str, list[str]] = {}
    for topic in topics:
        anys = [term for term in topic.any if _has(folded, term)]
        if topic.any and not anys:
            continue
        if not all(_has(folded, term) for term in topic.all):
            continue
        if any(_has(folded, term) for term in topic.none):
            continue
        matched[topic.name] = [*topic.all, *anys]
    return matched
