"""schema.org ClaimReview markup in fact-checkers' pages (JSON-LD in <script type="application/ld+json">).

Pages carry it in many shapes: a single object, a list, an @graph, itemReviewed nested or not, ratings as
alternateName or only as a number. Broken JSON in one script does not stop the others on the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from .factcheck_record import FactCheckRecord, parse_date


def _objects(data: object) -> Iterator[dict[str, object]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"])


def _is_claim_review(obj: dict[str, object]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in kinds


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = next((_name(v) for v in value if _name(v)), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _appearances(item: dict[str, object]) -> tuple[str, ...]:
    """URLs where the reviewed claim appeared (itemReviewed.appearance / firstAppearance)."""
    urls = []
    for key in ("firstAppearance", "appearance"):
        value = item.get(key)
        for entry in value if isinstance(value, list) else [value]:
            url = entry.get("url") if isinstance(entry, dict) else entry
            if isinstance(url, str) and url.startswith(("http://", "https://")) and url not in urls:
                urls.append(url)
    return tuple(urls)


def _rating(review: dict[str, object]) -> str | None:
    rating = review.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if not isinstance(rating, dict):
        return None
    for key in ("alternateName", "name"):
        if isinstance(rating.get(key), str) and rating[key].strip():
            return str(rating[key]).strip()
    value, best = rating.get("ratingValue"), rating.get("bestRating")
    return f"{value}/{best}" if value is not None and best is not None else None


def parse_claim_reviews(page: bytes | str, page_url: str) -> tuple[list[FactCheckRecord], list[str]]:
    """ClaimReview records found in a page, and a message for every JSON-LD script that could not be read."""
    records: list[FactCheckRecord] = []
    problems: list[str] = []
    try:
        tree = lxml_html.fromstring(page or b"<html/>")
    except (ValueError, etree.ParserError) as exc:
        return records, [f"{page_url}: not an HTML page ({exc})"]
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    for index, script in enumerate(scripts, start=1):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(re.sub(r"^\s*<!--|-->\s*$", "", raw))
        except json.JSONDecodeError as exc:
            problems.append(f"{page_url}: JSON-LD script {index}: {exc.msg} at line {exc.lineno}")
            continue
        for obj in _objects(data):
            if not _is_claim_review(obj):
                continue
            claim = obj.get("claimReviewed")
            item = obj.get("itemReviewed") if isinstance(obj.get("itemReviewed"), dict) else {}
            if not claim and isinstance(item, dict):
                claim = item.get("name") or item.get("text")
            if not isinstance(claim, str) or not claim.strip():
                problems.append(f"{page_url}: JSON-LD script {index}: ClaimReview without claimReviewed")
                continue
            url = obj.get("url") if isinstance(obj.get("url"), str) else page_url
            publisher = obj.get("author") or obj.get("publisher")
            site = (
                publisher.get("url") if isinstance(publisher, dict) and isinstance(publisher.get("url"), str) else None
            )
            records.append(
                FactCheckRecord(
                    external_id=f"{url}#{claim.strip()[:200]}",
                    claim_reviewed=claim.strip(),
                    origin="claimreview",
                    url=url,
                    title=_name(obj.get("headline")) or _name(obj.get("name")),
                    publisher=_name(publisher),
                    publisher_site=site,
                    claimant=_name(item.get("author")) if isinstance(item, dict) else None,
                    rating_text=_rating(obj),
                    review_date=parse_date(obj.get("datePublished")),
                    claim_date=parse_date(item.get("datePublished")) if isinstance(item, dict) else None,
                    language=_name(obj.get("inLanguage")),
                    appearances=_appearances(item) if isinstance(item, dict) else (),
                )
            )
    return records, problems
