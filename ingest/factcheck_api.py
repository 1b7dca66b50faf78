"""Google Fact Check Tools API (`claims:search`): fact-checks of claims matching a query.

The API key comes from the environment (CLAIMWATCH_FACTCHECK_API_KEY), never from the config file, and is
never logged: errors name the query, not the request URL. Pages are followed through nextPageToken up to a
configured number; requests go through the shared polite fetcher (retries, Retry-After, rate limits).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import urlencode

from .factcheck_record import FactCheckRecord, parse_date
from .http import Fetcher, FetchError

API_KEY_ENV = "CLAIMWATCH_FACTCHECK_API_KEY"
PAGE_SIZE = 100


class FactCheckApiError(Exception):
    """The API could not be queried; the message names the query."""


def api_key() -> str | None:
    return os.environ.get(API_KEY_ENV) or None


def _records(payload: dict[str, object]) -> Iterator[FactCheckRecord]:
    for claim in payload.get("claims", []) or []:
        if not isinstance(claim, dict) or not isinstance(claim.get("text"), str):
            continue
        for review in claim.get("claimReview", []) or []:
            if not isinstance(review, dict):
                continue
            publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
            url = review.get("url") if isinstance(review.get("url"), str) else None
            yield FactCheckRecord(
                external_id=f"{url or publisher.get('site', '')}#{claim['text'][:200]}",
                claim_reviewed=claim["text"],
                origin="google_api",
                url=url,
                title=review.get("title") if isinstance(review.get("title"), str) else None,
                publisher=publisher.get("name"),
                publisher_site=publisher.get("site"),
                claimant=claim.get("claimant") if isinstance(claim.get("claimant"), str) else None,
                rating_text=review.get("textualRating") if isinstance(review.get("textualRating"), str) else None,
                review_date=parse_date(review.get("reviewDate")),
                claim_date=parse_date(claim.get("claimDate")),
                language=review.get("languageCode") if isinstance(review.get("languageCode"), str) else None,
            )


def search_claims(
    fetcher: Fetcher, base_url: str, query: str, *, key: str, language: str | None, max_pages: int
) -> list[FactCheckRecord]:
    """Every fact-check the API returns for `query`, following pages up to `max_pages`."""
    records: list[FactCheckRecord] = []
    token: str | None = None
    for _page in range(max_pages):
        params = {"query": query, "pageSize": str(PAGE_SIZE), "key": key}
        if language:
            params["languageCode"] = language
        if token:
            params["pageToken"] = token
        try:
            response = fetcher.get(f"{base_url}?{urlencode(params)}")
            payload = json.loads(response.body.decode("utf-8"))
        except FetchError as exc:
            # FetchError's text holds the URL, and the URL holds the key: report the status only.
            raise FactCheckApiError(
                f"query {query!r}: HTTP {exc.status or 'error'} ({'transient' if exc.transient else 'permanent'})"
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FactCheckApiError(f"query {query!r}: answer is not JSON ({exc})") from None
        if not isinstance(payload, dict):
            raise FactCheckApiError(f"query {query!r}: answer is not a JSON object")
        records.extend(_records(payload))
        token = payload.get("nextPageToken") if isinstance(payload.get("nextPageToken"), str) else None
        if not token:
            break
    return records
