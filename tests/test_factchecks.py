"""Fact-checks: every source kind, the rating scale, matching through the full-text index, status and
its history, merges and splits — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from claimwatch.config import load_config
from claimwatch.config.settings import FeedSettings
from claimwatch.ingest.claimreview import parse_claim_reviews
from claimwatch.ingest.factcheck_api import API_KEY_ENV
from claimwatch.ingest.factcheck_import import ImportErrors, read_factchecks
from claimwatch.ingest.ratings import RatingScale
from claimwatch.jobs.cli import app
from claimwatch.jobs.factchecks import FactCheckSummary, fetch_api, import_file, match_all
from claimwatch.jobs.fetch import fetch_feeds
from claimwatch.store.claims import merge_claims, split_claim, spread
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import decide_link, rank_factchecks, refresh_status, set_status
from claimwatch.store.models import (
    Article,
    Claim,
    ClaimEdit,
    ClaimFactCheck,
    ClaimOccurrence,
    ClaimStatusChange,
    FactCheck,
)

from .conftest import FIXTURES, LoopbackSite, Route, make_settings

runner = CliRunner()
SCALE = RatingScale(load_config().factchecks.ratings)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("False", "false"),
        ("Pants on Fire!", "false"),
        ("Mostly False", "mostly false"),
        ("Half True", "mixed"),
        ("Missing context", "mixed"),
        ("TRUE", "true"),
        ("Unproven", "unproven"),
        ("Satire", "other"),
        ("Something new entirely", "other"),
        ("This claim is mostly false.", "mostly false"),
        ("", None),
    ],
)
def test_rating_scale(written: str, normalised: str | None) -> None:
    assert SCALE.normalise(written) == normalised


def test_researchers_extend_the_rating_table(tmp_path: Path) -> None:
    config = tmp_path / "cw.toml"
    config.write_text('[factchecks.ratings]\n"four pinocchios" = "false"\n"фейк" = "false"\n')
    scale = RatingScale(load_config(config).factchecks.ratings)
    assert scale.normalise("Four Pinocchios") == "false" and scale.normalise("ФЕЙК") == "false"
    assert scale.normalise("Pants on Fire") == "false"  # the built-in table is still there
    bad = tmp_path / "bad.toml"
    bad.write_text('[factchecks.ratings]\n"meh" = "kinda"\n')
    with pytest.raises(Exception, match="factchecks.ratings"):
        load_config(bad)


def test_import_reports_bad_rows_by_line_and_keeps_good_ones() -> None:
    csv = ImportErrors()
    records = list(read_factchecks(FIXTURES / "factchecks.csv", csv))
    assert [r.external_id for r in records] == ["fc-001", "fc-002", "fc-003", "fc-004"]
    assert [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in csv.errors] == ["6", "7", "8", "9"]
    assert "'claim' is empty" in csv.errors[0] and "not an ISO 8601 date" in csv.errors[1]
    assert records[1].review_date == datetime(2025, 2, 24, 10, tzinfo=timezone.utc)
    jsonl = ImportErrors()
    assert [r.external_id for r in read_factchecks(FIXTURES / "factchecks.jsonl", jsonl)] == ["jl-1", "jl-2"]
    assert any(":3: not JSON" in e for e in jsonl.errors) and any("unknown column(s) colour" in e for e in jsonl.errors)


def test_import_is_idempotent(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    settings = make_settings(tmp_path)
    first = import_file(settings, factory, FIXTURES / "factchecks.csv")
    again = import_file(settings, factory, FIXTURES / "factchecks.csv")
    assert (first.new, first.updated, again.new, again.updated) == (4, 0, 0, 0)
    with factory() as session:
        stored = {f.external_id: f for f in session.scalars(select(FactCheck))}
    assert stored["fc-003"].rating_text == "Pants on Fire!" and stored["fc-003"].rating == "false"
    assert stored["fc-001"].origin == "import"


def test_claimreview_markup_in_its_shapes() -> None:
    single, problems = parse_claim_reviews(
        (FIXTURES / "claimreview-single.html").read_bytes(), "https://checkers.example/p"
    )
    assert problems == []
    [review] = single
    assert (review.claim_reviewed, review.rating_text, review.publisher, review.claimant) == (
        "Ukraine started the war with Russia.",
        "False",
        "Checkers Desk",
        "Donald Trump",
    )
    assert review.url == "https://checkers.example/2025/02/ukraine-did-not-start-war"
    assert review.review_date == datetime(2025, 2, 21, 9, tzinfo=timezone.utc)
    assert review.appearances == ("https://video.example/1",)
    assert review.claim_date == datetime(2025, 2, 18, tzinfo=timezone.utc)
    graph, problems = parse_claim_reviews(
        (FIXTURES / "claimreview-graph-and-broken.html").read_bytes(), "https://t.example/p"
    )
    assert [(r.claim_reviewed, r.rating_text, r.claimant) for r in graph] == [
        ("The United States gave Ukraine 350 billion dollars", "Mostly False", None),
        ("Zelensky's approval rating is 4 percent", "1/6", "Donald Trump"),
    ]
    assert len(problems) == 2
    assert "JSON-LD script 1" in problems[0] and "without claimReviewed" in problems[1]
    assert parse_claim_reviews(b"", "https://x.example/")[0] == []


def test_factchecker_feed_pages_bring_their_claim_reviews(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session]
) -> None:
    site.add(
        "/feed",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Checkers</title>'
        "<item><title>No, Ukraine did not start the war</title><link>{base}/review</link></item>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    site.add("/review", (FIXTURES / "claimreview-single.html").read_text())
    settings = make_settings(tmp_path)
    settings = settings.model_copy(
        update={"feeds": [FeedSettings(name="Checkers", url=site.url("/feed"), kind="factcheck")]}
    )
    fetch_feeds(settings, factory)
    with factory() as session:
        [check] = session.scalars(select(FactCheck)).all()
    assert (check.origin, check.rating, check.publisher) == ("claimreview", "false", "Checkers Desk")


def test_api_pages_are_followed_and_the_key_never_leaks(
    tmp_path: Path, site: LoopbackSite, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def api(handler: BaseHTTPRequestHandler) -> Route:
        params = parse_qs(urlsplit(handler.path).query)
        if params.get("key") != ["secret-test-key"]:
            return Route(403, b'{"error": "bad key"}', {"Content-Type": "application/json"})
        if params["query"] == ["fail please"]:
            return Route(400, b'{"error": "bad query"}', {"Content-Type": "application/json"})
        page = "factcheck-api-page2.json" if params.get("pageToken") == ["page-2"] else "factcheck-api-page1.json"
        return Route(200, (FIXTURES / page).read_bytes(), {"Content-Type": "application/json"})

    site.routes["/v1alpha1/claims:search"] = api
    monkeypatch.setenv(API_KEY_ENV, "secret-test-key")
    settings = make_settings(tmp_path, retries=0)
    settings = settings.model_copy(
        update={
            "watchlist": [],
            "topics": [],
            "factchecks": settings.factchecks.model_copy(
                update={
                    "api_url": site.url("/v1alpha1/claims:search"),
                    "api_queries": ["Ukraine started the war", "fail please"],
                }
            ),
        }
    )
    summary = FactCheckSummary()
    fetch_api(settings, factory, summary)
    assert summary.new == 3
    assert len(summary.errors) == 1 and "fail please" in summary.errors[0] and "HTTP 400" in summary.errors[0]
    assert "secret-test-key" not in summary.errors[0]
    with factory() as session:
        ratings = {f.url: (f.rating_text, f.rating, f.claimant) for f in session.scalars(select(FactCheck))}
    assert ratings["https://truthteam.example/api/1"] == ("Pants on Fire", "false", "Donald Trump")
    assert ratings["https://checkers.example/api/2"] == ("Half True", "mixed", None)
    monkeypatch.delenv(API_KEY_ENV)
    skipped = FactCheckSummary()
    fetch_api(settings, factory, skipped)
    assert skipped.new == 0 and "CLAIMWATCH_FACTCHECK_API_KEY is not set" in skipped.errors[0]


def _claim_with_occurrence(session: Session, text: str, outlet: str = "Kyiv Wire") -> Claim:
    article = Article(
        url=f"https://news.example/{abs(hash((text, outlet)))}",
        outlet=outlet,
        text=text,
        content_hash="h",
        relevant=True,
        published_at=datetime(2025, 2, 20, tzinfo=timezone.utc),
    )
    claim = Claim(text=text, normalized=text.casefold())
    session.add_all([article, claim])
    session.flush()
    session.add(
        ClaimOccurrence(
            claim_id=claim.id,
            article_id=article.id,
            text=text,
            sentence=text,
            start=0,
            end=len(text),
            framing="reported",
            extractor_version="test",
        )
    )
    session.flush()
    return claim


def test_matching_uses_the_index_and_links_with_status_history(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    settings = make_settings(tmp_path)
    import_file(settings, factory, FIXTURES / "factchecks.csv")
    with transaction(factory) as session:
        war = _claim_with_occurrence(session, "Kyiv began the war against Russia")
        other = _claim_with_occurrence(session, "The Black Sea grain corridor reopened")
        war_id, other_id = war.id, other.id
    with factory() as session:
        ranked = rank_factchecks(session, "Kyiv began the war against Russia", top=3)
    assert ranked[0][0].external_id == "fc-001" and ranked[0][1] >= 0.8
    summary = FactCheckSummary()
    match_all(settings, factory, summary)
    with factory() as session:
        links = session.scalars(select(ClaimFactCheck).where(ClaimFactCheck.claim_id == war_id)).all()
        assert [(link.status, link.method, link.created_by) for link in links if link.status == "confirmed"] == [
            ("confirmed", "fulltext+rescore", "claimwatch")
        ]
        assert session.get(Claim, war_id).status == "false"
        assert session.get(Claim, other_id).status == "unchecked"
        [change] = session.scalars(select(ClaimStatusChange).where(ClaimStatusChange.claim_id == war_id)).all()
        assert (change.old_status, change.new_status, change.changed_by) == ("unchecked", "false", "claimwatch")
        assert "Checkers Desk rated it 'False'" in change.reason and change.url.endswith("ukraine-started-war")
    again = FactCheckSummary()
    match_all(settings, factory, again)
    assert (again.confirmed, again.suggested) == (0, 0)  # nothing linked twice


def test_manual_status_wins_until_handed_back(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        claim = _claim_with_occurrence(session, "Ukraine started the war")
        check = FactCheck(
            external_id="x1",
            claim_reviewed="Ukraine started the war",
            rating="false",
            rating_text="False",
            origin="import",
            publisher="Checkers Desk",
        )
        session.add(check)
        session.flush()
        link = ClaimFactCheck(
            claim_id=claim.id,
            factcheck_id=check.id,
            status="suggested",
            score=0.6,
            method="fulltext+rescore",
            created_by="claimwatch",
        )
        session.add(link)
        session.flush()
        refresh_status(session, claim)
        assert claim.status == "unchecked"  # a suggestion does not set the status
        decide_link(session, link.id, "confirmed", "ana")
        assert claim.status == "false" and link.decided_by == "ana"
        set_status(session, claim.id, "mixed", note="new evidence", url="https://x.example/e", by="ana")
        refresh_status(session, claim)
        assert claim.status == "mixed" and claim.status_manual
        set_status(session, claim.id, "auto", note=None, url=None, by="ana")
        assert claim.status == "false" and not claim.status_manual
        history = [
            (c.old_status, c.new_status, c.changed_by)
            for c in session.scalars(
                select(ClaimStatusChange).where(ClaimStatusChange.claim_id == claim.id).order_by(ClaimStatusChange.id)
            )
        ]
    assert history == [
        ("unchecked", "false", "claimwatch"),
        ("false", "mixed", "ana"),
        ("mixed", "false", "claimwatch"),
    ]


def test_merge_and_split_keep_their_history(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        a = _claim_with_occurrence(session, "Ukraine started the war", outlet="Kyiv Wire")
        b = _claim_with_occurrence(session, "Kyiv is responsible for the war", outlet="Atlantic Ledger")
        merge_claims(session, a.id, b.id, note="same claim", by="ana")
        result = spread(session, a.id)
        assert result.occurrences == 2 and set(result.outlets) == {"Kyiv Wire", "Atlantic Ledger"}
        moved = [o.id for o in session.scalars(select(ClaimOccurrence).where(ClaimOccurrence.claim_id == a.id))][1:]
        new = split_claim(session, a.id, moved, text="Kyiv is responsible for the war", note="different", by="ana")
        assert spread(session, new.id).occurrences == 1 and spread(session, a.id).occurrences == 1
        moved_rows = session.scalars(select(ClaimOccurrence).where(ClaimOccurrence.id.in_(moved))).all()
        assert {(o.grouping, o.grouping_score) for o in moved_rows} == {("edit", None)}  # the researcher's
        edits = [
            (e.kind, e.edited_by, e.occurrence_ids) for e in session.scalars(select(ClaimEdit).order_by(ClaimEdit.id))
        ]
        with pytest.raises(ValueError):
            split_claim(session, a.id, [999_999], text="x", note=None, by="ana")
    assert [kind for kind, _by, _ids in edits] == ["merge", "split"] and edits[1][2] == moved


def test_match_cli_prints_trec_lines(tmp_path: Path) -> None:
    assert runner.invoke(app, ["factchecks", "import", str(FIXTURES / "factchecks.csv")]).exit_code == 0
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "text": "Zelensky's approval is only 4%"})
        + "\n"
        + json.dumps({"id": "q2", "text": "the United States handed Kyiv $350 billion"})
        + "\n"
    )
    result = runner.invoke(app, ["factchecks", "match", str(queries), "--top", "2", "--format", "trec"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" and parts[5] == "claimwatch" for parts in lines)
    firsts = {parts[0]: parts[2] for parts in lines if parts[3] == "1"}
    assert firsts == {"q1": "fc-003", "q2": "fc-002"}
    scores = [float(parts[4]) for parts in lines if parts[0] == "q1"]
    assert scores == sorted(scores, reverse=True)
    bad = runner.invoke(app, ["factchecks", "import", str(FIXTURES / "not-a-feed.html")])
    assert bad.exit_code == 6


def test_claims_cli_set_status_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    from claimwatch.store.db import open_store

    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}")
    with transaction(factory) as session:
        claim_id = _claim_with_occurrence(session, "Ukraine started the war").id
    result = runner.invoke(
        app,
        [
            "claims",
            "set-status",
            str(claim_id),
            "false",
            "--note",
            "debunked",
            "--url",
            "https://checkers.example/x",
            "--by",
            "ana",
        ],
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["claims", "show", str(claim_id)])
    assert "status false, set by a researcher" in shown.output and "unchecked → false by ana: debunked" in shown.output
    assert runner.invoke(app, ["claims", "set-status", str(claim_id), "sorta"]).exit_code == 6
    assert runner.invoke(app, ["claims", "show", "999"]).exit_code == 6
