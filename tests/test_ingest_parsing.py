"""Feed parsing, URL canonicalisation, topic rules and language tagging, on fixture files."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from claimwatch.config.settings import TopicSettings
from claimwatch.ingest.feeds import FeedParseError, parse_feed
from claimwatch.ingest.language import detect_language
from claimwatch.ingest.topics import match_topics
from claimwatch.ingest.urls import canonical_url

from .conftest import FIXTURES


def _parse(name: str, base: str = "https://feeds.example/feed.xml"):  # type: ignore[no-untyped-def]
    return parse_feed((FIXTURES / name).read_bytes(), base)


def test_rss20_relative_links_entities_and_bad_dates() -> None:
    feed = _parse("rss20-relative-links.xml", "https://dnipro-daily.example/rss/all.xml")
    assert feed.title == "Dnipro Daily"
    assert [e.url for e in feed.entries] == [
        "https://dnipro-daily.example/news/2025/02/sybiha-no-deal",
        "https://dnipro-daily.example/rss/news/2025/02/bad-date",
    ]
    first, bad_date = feed.entries
    assert first.title == 'Sybiha: no deal without guarantees — "on paper"'
    assert first.summary == "The foreign minister said Kyiv needs written guarantees."
    assert first.published_at == datetime(2025, 2, 15, 11, 0, tzinfo=timezone.utc)
    assert first.guid == "dd-1001"
    assert bad_date.published_at is None


def test_rss091_in_latin1() -> None:
    feed = _parse("rss091.xml")
    assert feed.title == "Café Europa Weekly"
    [entry] = feed.entries
    assert (entry.url, entry.guid) == ("http://cafe-europa.example/2025/02/minerals.html", None)
    assert entry.title == "Brussels weighs in on Ukraine's mineral wealth"


def test_rss10_and_atom03() -> None:
    rdf = _parse("rss10-rdf.xml").entries
    assert [(e.title, e.author) for e in rdf] == [
        ("Grain corridor traffic holds steady & insurers relax", "Iryna Bondar")
    ]
    assert rdf[0].published_at == datetime(2025, 2, 19, 6, 15, tzinfo=timezone.utc)
    atom = _parse("atom03.xml").entries
    assert atom[0].url == "https://gazette.example/envoy-visit"
    assert atom[0].guid == "tag:gazette.example,2025:envoy-visit"


def test_truncated_feed_keeps_its_good_entries_with_a_warning() -> None:
    feed = _parse("rss20-unclosed.xml")
    assert feed.entries[0].url == "https://truncated.example/first"
    assert feed.warning


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="not"):
        _parse("not-a-feed.html")
    with pytest.raises(FeedParseError):
        parse_feed(b"", "https://feeds.example/empty")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://News.Example.COM:443/World/Story/?utm_source=rss&utm_medium=x&id=7#comments",
            "https://news.example.com/World/Story?id=7",
        ),
        ("http://news.example:80/a?fbclid=abc&gclid=def", "http://news.example/a"),
        ("https://news.example:8443/a/", "https://news.example:8443/a"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example/search?q=rare+earth&page=2", "https://news.example/search?q=rare+earth&page=2"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


TOPICS = [
    TopicSettings(name="minerals", all=["Ukraine"], any=["rare earth", "critical minerals"]),
    TopicSettings(name="no-sport", any=["Kyiv"], none=["football", "derby"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UKRAINE and the RARE   EARTH deal", ["minerals"]),
        ("Ukraine's critical minerals", ["minerals"]),
        ("Ukrainex rare earthling", []),  # word boundaries, not substrings
        ("rare earth prices in China", []),  # 'all' term missing
        ("Kyiv derby ends 2-1", []),  # 'none' term present
        ("Talks in Kyiv on rare earth deposits in Ukraine", ["minerals", "no-sport"]),
    ],
)
def test_topic_rules(text: str, expected: list[str]) -> None:
    assert list(match_topics(text, TOPICS)) == expected


def test_matched_terms_are_kept() -> None:
    assert match_topics("Kyiv talks on rare earth deposits in Ukraine", TOPICS) == {
        "minerals": ["Ukraine", "rare earth"],
        "no-sport": ["Kyiv"],
    }


def test_language_tags() -> None:
    assert detect_language("The deal would give the United States access to Ukraine's critical minerals.") == "en"
    assert detect_language("Угода надасть Сполученим Штатам доступ до українських корисних копалин.") == "uk"
    assert detect_language("ok") is None


def test_wrong_encoding_keeps_every_entry() -> None:
    feed = _parse("rss20-wrong-encoding.xml")
    assert [e.url for e in feed.entries] == ["https://mixed.example/1", "https://mixed.example/2"]
    assert feed.entries[0].title == "Clean UTF-8 title: Київ і Вашингтон"
    assert feed.entries[1].title == "Київ in the wrong encoding here"  # the Cyrillic page read as cp1251
    assert feed.warning and "Windows code page" in feed.warning


def test_google_news_search_names_the_outlet_of_each_entry() -> None:
    [entry] = _parse("google-news-search.xml").entries
    assert entry.outlet == "Riverside Herald"
    assert entry.url.startswith("https://news.google.com/rss/articles/")


def test_gdelt_artlist_keeps_only_http_entries() -> None:
    from claimwatch.ingest.search import parse_gdelt

    feed = parse_gdelt((FIXTURES / "gdelt-artlist.json").read_bytes())
    assert [e.url for e in feed.entries] == [
        "https://www.kyivpost.example/post/45012",
        "https://wire.example/world/europe/rare-earths-ukraine?utm_source=gdelt",
    ]
    assert feed.entries[0].published_at == datetime(2025, 2, 15, 9, 15, tzinfo=timezone.utc)
    assert feed.entries[0].outlet == "kyivpost.example"
    with pytest.raises(FeedParseError, match="not JSON: 'The specified phrase is too short.'"):
        parse_gdelt(b"The specified phrase is too short.")


def test_search_urls_are_built_from_topic_terms() -> None:
    from urllib.parse import parse_qs, urlsplit

    from claimwatch.ingest.search import gdelt_url, google_news_url, topic_query

    topic = TopicSettings(name="t", all=["Ukraine"], any=["rare earth", "minerals"], none=["football"])
    assert topic_query(topic) == 'Ukraine ("rare earth" OR minerals) -football'
    google = parse_qs(urlsplit(google_news_url(topic)).query)
    assert google["q"] == ['Ukraine ("rare earth" OR minerals) -football'] and google["ceid"] == ["US:en"]
    gdelt = parse_qs(urlsplit(gdelt_url(topic)).query)
    assert gdelt["mode"] == ["artlist"] and gdelt["format"] == ["json"]
    assert gdelt["query"] == ['Ukraine ("rare earth" OR minerals) -football sourcelang:english']


@pytest.mark.parametrize(
    ("wrapped", "target"),
    [
        ("https://news.google.com/url?sa=t&url=https%3A%2F%2Fwire.example%2Fa%3Fid%3D1", "https://wire.example/a?id=1"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fwire.example%2Fb&h=AT0", "https://wire.example/b"),
        (
            "https://www.google.com/url?q=https://news.google.com/url?url=https://wire.example/c",
            "https://wire.example/c",
        ),
        ("https://news.google.com/rss/articles/CBMiWmh0?oc=5", "https://news.google.com/rss/articles/CBMiWmh0?oc=5"),
        (
            "https://www.bing.com/news/apiclick.aspx?url=javascript:alert(1)",
            "https://www.bing.com/news/apiclick.aspx?url=javascript:alert(1)",
        ),
    ],
)
def test_aggregator_links_are_unwrapped(wrapped: str, target: str) -> None:
    from claimwatch.ingest.urls import unwrap_redirect

    assert unwrap_redirect(wrapped) == target


def test_same_site() -> None:
    from claimwatch.ingest.urls import same_site

    assert same_site("https://www.wire.example/a", "http://wire.example/b")
    assert not same_site("https://wire.example/a", "https://evil.example/a")
