"""The digest: sections, escaping, one digest per window, sure and uncertain send failures — over a real
SMTP server on loopback."""

from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from claimwatch.config.settings import ActorSettings, Settings
from claimwatch.jobs.cli import app
from claimwatch.jobs.digest import resend_last, send_digest
from claimwatch.store.db import transaction
from claimwatch.store.models import (
    Actor,
    Article,
    Claim,
    ClaimOccurrence,
    ClaimStatusChange,
    DigestRun,
    Quote,
    Source,
)

from .conftest import MailSink, make_settings

runner = CliRunner()
NOW = datetime.now(timezone.utc)


def mail_settings(tmp_path: Path, smtp: MailSink, **digest: object) -> Settings:
    settings = make_settings(tmp_path)
    return settings.model_copy(
        update={
            "actors": [ActorSettings(name="Donald Trump", type="PERSON")],
            "digest": settings.digest.model_copy(
                update={
                    "recipients": ["desk@newsroom.example"],
                    "sender": "claimwatch@monitor.example",
                    "smtp_host": smtp.host,
                    "smtp_port": smtp.port,
                    "retry_backoff": 0.0,
                    "list_unsubscribe": "mailto:admin@monitor.example?subject=unsubscribe",
                    **digest,
                }
            ),
        }
    )


def add_story(factory: sessionmaker[Session], title: str, *, when: datetime = NOW, outlet: str = "Kyiv Wire") -> None:
    with transaction(factory) as session:
        article = Article(
            url=f"https://news.example/{abs(hash(title))}",
            title=title,
            outlet=outlet,
            text=title,
            content_hash="h",
            relevant=True,
            fetched_at=when,
            published_at=when,
        )
        trump = session.scalars(select(Actor).where(Actor.name == "Donald Trump")).first() or Actor(
            name="Donald Trump", type="PERSON"
        )
        claim = session.scalars(select(Claim).where(Claim.normalized == "start ukraine war")).first() or Claim(
            text="Ukraine started the war", normalized="start ukraine war"
        )
        session.add_all([article, trump, claim])
        session.flush()
        session.add(
            ClaimOccurrence(
                claim_id=claim.id,
                article_id=article.id,
                claimant_actor_id=trump.id,
                claimant_text="Trump",
                text="Ukraine started the war",
                sentence=title,
                start=0,
                end=5,
                framing="refuted",
                extractor_version="t",
            )
        )
        session.add(
            Quote(
                article_id=article.id,
                speaker_actor_id=trump.id,
                speaker_text="Trump",
                kind="direct",
                text="They should never have started it",
                start=0,
                end=5,
                quoted=[[0, 5]],
                extractor_version="t",
            )
        )
        session.add(
            ClaimStatusChange(
                claim_id=claim.id,
                old_status="unchecked",
                new_status="false",
                reason="Checkers Desk rated it 'False'",
                url="https://checkers.example/1",
                changed_by="claimwatch",
                changed_at=when,
            )
        )


def received(smtp: MailSink) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=policy.default) for raw in smtp.messages]  # type: ignore[misc]


def test_digest_has_every_section_and_links_to_sources(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server)
    add_story(factory, "Trump repeats claim about the war's origin")
    with transaction(factory) as session:
        session.add(
            Source(name="Dead Feed", url="https://dead.example/rss", consecutive_failures=5, last_error="HTTP 503")
        )
    outcome = send_digest(settings, factory, datetime.now(timezone.utc))
    assert outcome.status == "sent"
    [message] = received(smtp_server)
    assert message["Subject"].startswith(
        f"[claimwatch] {datetime.now(timezone.utc):%Y-%m-%d}: 1 new claim, 1 status change"
    )
    assert message["Message-ID"] == outcome.message_id and message["List-Unsubscribe"].startswith("<mailto:")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for section in (
        "NEW CLAIMS",
        "FACT-CHECK STATUS CHANGES",
        "MOST REPEATED CLAIMS",
        "NOTABLE QUOTES",
        "NEW ARTICLES",
        "FEEDS IN TROUBLE",
    ):
        assert section in plain, section
    assert "Ukraine started the war" in plain and "by Donald Trump" in plain and "refuted 1" in plain
    assert "unchecked -> false" in plain and "Dead Feed: 5 failures in a row" in plain
    assert 'Donald Trump: "Trump" (Kyiv Wire)' in plain  # a direct quote shows its quoted words
    assert 'href="https://news.example/' in html and "https://checkers.example/1" in html


def test_one_digest_per_window_and_nothing_when_nothing_is_new(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server)
    add_story(factory, "First story")
    first = send_digest(settings, factory, datetime.now(timezone.utc))
    second = send_digest(settings, factory, datetime.now(timezone.utc) + timedelta(seconds=1))
    assert (first.status, second.status) == ("sent", "empty")
    assert len(smtp_server.messages) == 1  # Google Alerts style: no mail without news
    add_story(factory, "Second story", when=datetime.now(timezone.utc) + timedelta(seconds=2))
    third = send_digest(settings, factory, datetime.now(timezone.utc) + timedelta(seconds=3))
    assert third.status == "sent" and len(smtp_server.messages) == 2
    with factory() as session:
        runs = session.scalars(select(DigestRun).order_by(DigestRun.window_start)).all()
    for earlier, later in zip(runs, runs[1:]):
        assert earlier.window_end == later.window_start  # windows tile: nothing skipped, nothing twice
    subjects = [m["Subject"] for m in received(smtp_server)]
    assert "2 new articles" not in subjects[1] and "1 new article" in subjects[1]


def test_a_refused_send_is_retried_and_delivered_once(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server, send_retries=2)
    add_story(factory, "Story")
    smtp_server.refuse_next = 2
    outcome = send_digest(settings, factory, datetime.now(timezone.utc))
    assert outcome.status == "sent" and len(smtp_server.messages) == 1


def test_a_failed_window_is_folded_into_the_next_digest(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server, send_retries=0)
    add_story(factory, "Monday story")
    smtp_server.refuse_next = 1
    failed = send_digest(settings, factory, datetime.now(timezone.utc))
    assert failed.status == "failed" and "451" in failed.error and smtp_server.messages == []
    add_story(factory, "Tuesday story", when=datetime.now(timezone.utc) + timedelta(seconds=1))
    later = send_digest(settings, factory, datetime.now(timezone.utc) + timedelta(seconds=2))
    assert later.status == "sent"
    [message] = received(smtp_server)
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "Monday story" in plain and "Tuesday story" in plain


def test_an_uncertain_send_is_never_repeated_on_its_own(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server, send_retries=3)
    add_story(factory, "Story")
    smtp_server.drop_next = 1
    outcome = send_digest(settings, factory, datetime.now(timezone.utc))
    assert outcome.status == "uncertain" and len(smtp_server.messages) == 1  # it arrived; the reply was lost
    again = send_digest(settings, factory, datetime.now(timezone.utc) + timedelta(seconds=1))
    assert again.status == "empty" and len(smtp_server.messages) == 1
    forced = resend_last(settings, factory)  # a person decides: same window, same Message-ID
    assert forced.status == "sent" and forced.message_id == outcome.message_id
    ids = {m["Message-ID"] for m in received(smtp_server)}
    assert ids == {outcome.message_id}


def test_an_attempt_cut_short_by_a_dead_process_is_not_resent(tmp_path: Path, factory, smtp_server: MailSink) -> None:  # type: ignore[no-untyped-def]
    settings = mail_settings(tmp_path, smtp_server)
    add_story(factory, "Story", when=NOW - timedelta(hours=2))
    with transaction(factory) as session:  # what a process killed between 'sending' and the reply leaves
        session.add(
            DigestRun(
                window_start=NOW - timedelta(days=1),
                window_end=NOW - timedelta(hours=1),
                message_id="<digest.killed@monitor.example>",
                status="sending",
            )
        )
    outcome = send_digest(settings, factory, datetime.now(timezone.utc))
    assert outcome.status == "empty" and smtp_server.messages == []
    with factory() as session:
        killed = session.scalars(
            select(DigestRun).where(DigestRun.message_id == "<digest.killed@monitor.example>")
        ).one()
    assert killed.status == "uncertain"


def test_unreachable_smtp_is_a_sure_failure(tmp_path: Path, factory) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings = mail_settings(tmp_path, MailSink("127.0.0.1", dead), send_retries=1)
    add_story(factory, "Story")
    outcome = send_digest(settings, factory, datetime.now(timezone.utc))
    assert outcome.status == "failed" and "cannot connect" in outcome.error


def test_digest_cli_sends_and_reports(tmp_path: Path, smtp_server: MailSink, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "cw.toml"
    config.write_text(
        f'data_dir = "data"\n[digest]\nrecipients = ["desk@newsroom.example"]\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_server.port}\nsend_when_empty = true\n'
    )
    result = runner.invoke(app, ["--config", str(config), "digest"])
    assert result.exit_code == 0, result.output
    assert "digest sent" in result.output and len(smtp_server.messages) == 1
    assert "Nothing new in this window." in received(smtp_server)[0].get_body(("plain",)).get_content()


def test_new_claims_leave_out_claims_not_worth_checking(factory: sessionmaker[Session]) -> None:
    from claimwatch.store.digests import new_claims

    now = datetime.now(timezone.utc)
    with transaction(factory) as session:
        article = Article(url="https://news.example/a", text="…", relevant=True, content_hash="a", fetched_at=now)
        session.add(article)
        session.flush()
        for text, score, key, status in (
            ("Unemployment rose to 14 percent", 0.9, None, "unchecked"),
            ("the talks were going nowhere", 0.2, None, "unchecked"),
            ("Ukraine started the war", 0.1, "ukraine-started-war", "unchecked"),
            ("the mayor took bribes", 0.3, None, "false"),
        ):
            claim = Claim(text=text, normalized=text.lower(), watchlist_key=key, status=status)
            session.add(claim)
            session.flush()
            session.add(
                ClaimOccurrence(
                    claim_id=claim.id, article_id=article.id, text=text, sentence=text, start=0, end=1,
                    framing="reported", checkworthiness=score, extractor_version="test",
                )
            )  # fmt: skip
    with factory() as session:
        window = (now - timedelta(hours=1), now + timedelta(hours=1))
        shown = {item.text for item in new_claims(session, *window, min_checkworthiness=0.5)}
        everything = {item.text for item in new_claims(session, *window)}
    assert shown == {"Unemployment rose to 14 percent", "Ukraine started the war", "the mayor took bribes"}
    assert everything == shown | {"the talks were going nowhere"}
