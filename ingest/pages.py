"""Article pages: the main text and metadata of an HTML page, via trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True)
class PageText:
    text: str
    title: str | None
    author: str | None
    date: str | None
    site_name: str | None
    canonical_url: str | None


def extract_page(html: bytes | str, url: str) -> PageText | None:
    """Main text and metadata of a page; None when trafilatura finds no article text in it.

    Bytes are decoded by trafilatura, which honours the page's declared and detected encoding."""
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, with_metadata=True, favor_precision=True
    )
    if doc is None or not getattr(doc, "text", None):
        return None
    return PageText(
        text=doc.text.strip(),
        title=doc.title,
        author=doc.author,
        date=doc.date,
        site_name=doc.sitename,
        canonical_url=doc.url if doc.url and doc.url != url else None,
    )
