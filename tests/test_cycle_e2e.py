"""End to end: the real `claimwatch run --once` over loopback feeds, into SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.jobs.demo import DEMO_FEEDS, serve_corpus
from claimwatch.store.models import (
    Actor,
    Article,
    Claim,
    ClaimOccurrence,
    FetchLog,
    JobRun,
    Mention,
    Quote,
    Sighting,
    Source,
)

CLI = [sys.executable, "-c", "from claimwatch.jobs.cli import main; main()"]


def write_config(path: Path, base_url: str) -> Path:
    feeds = "".join(
        f'[[feeds]]\nname = "{name}"\nurl = "{base_url}/feeds/{file}"\noutlet = "{outlet}"\n\n'
        for name, file, outlet in DEMO_FEEDS
    )
    path.write_text(
        'data_dir = "data"\n\n[fetch]\nallow_private_addresses = true\nper_host_delay = 0.0\n\n'
        + feeds
        + '[[topics]]\nname = "minerals-deal"\nall = ["Ukraine"]\nany = ["minerals", "rare earth"]\n\n'
        + '[[topics]]\nname = "war-origin"\nany = ["started the war", "start the war"]\n\n'
        + '[[actors]]\nname = "Volodymyr Zelensky"\ntype = "PERSON"\naliases = ["Zelenskyy", "Zelensky"]\n'
        + 'affiliation = "Ukraine"\n\n[[actors]]\nname = "Ukraine"\ntype = "GPE"\naliases = ["Kyiv"]\n\n'
        + '[[watchlist]]\nkey = "ukraine-started-the-war"\nclaim = "Ukraine started the war"\n'
    )
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def _counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Article, Sighting, Actor, Mention)
        }


def test_run_once_stores_articles_actors_and_a_second_run_adds_nothing(
    tmp_path: Path, db_url: str, factory: sessionmaker[Session]
) -> None:
    with serve_corpus() as base_url:
        config = write_config(tmp_path / "claimwatch.toml", base_url)
        env = {"CLAIMWATCH_DATABASE_URL": db_url}
        first = run_cli("--config", str(config), "run", "--once", env=env)
        assert first.returncode == 0, first.stderr
        after_first = _counts(factory)
        second = run_cli("--config", str(config), "run", "--once", env=env)
        assert second.returncode == 0, second.stderr
        after_second = _counts(factory)

    assert "Cycle summary" in first.stdout
    # 7 feed entries: one story listed twice (tracking parameters differ), so 6 articles and 7 sightings.
    assert after_first == after_second
    assert after_first["articles"] == 6 and after_first["sightings"] == 7
    with factory() as session:
        articles = {a.title: a for a in session.scalars(select(Article))}
        rejected = articles["Kyiv will not sign minerals draft without security guarantees, officials say"]
        assert rejected.url == f"{base_url}/articles/kyiv-rejects-draft.html"
        assert rejected.text_source == "page" and "Subscribe" not in rejected.text
        assert rejected.outlet == "Kyiv Wire" and rejected.published_at is not None
        assert rejected.topics == {"minerals-deal": ["Ukraine", "minerals", "rare earth"]}
        assert articles["Envoy says talks on guarantees will continue next week"].text_source == "summary"
        ukrainian = articles["Енергетики відновили живлення у трьох областях"]
        assert ukrainian.language == "uk" and ukrainian.analyzed_at is None
        derby = articles["Dynamo Kyiv beat Shakhtar in a snowy derby"]
        assert not derby.relevant and derby.analyzed_at is None
        analysed = [a for a in articles.values() if a.analyzed_at is not None]
        assert {a.title for a in analysed} == {t for t, a in articles.items() if a.relevant and a.language == "en"}

        zelensky = session.scalars(select(Actor).where(Actor.name == "Volodymyr Zelensky")).one()
        mentions = session.scalars(select(Mention).where(Mention.actor_id == zelensky.id)).all()
        assert len(mentions) >= 3
        for mention in mentions:
            text = session.get(Article, mention.article_id).text
            assert text[mention.start : mention.end] == mention.text

        # Quotes and claims: the war-origin story restates the watchlist claim, refuted, with Trump as claimant.
        watch = session.scalars(select(Claim).where(Claim.watchlist_key == "ukraine-started-the-war")).one()
        occurrences = session.scalars(select(ClaimOccurrence).where(ClaimOccurrence.claim_id == watch.id)).all()
        assert occurrences and all(o.framing == "refuted" for o in occurrences)
        trump = session.scalars(select(Actor).where(Actor.name == "Donald Trump")).one()
        assert trump.id in {o.claimant_actor_id for o in occurrences}
        assert watch.first_seen_at is not None
        speakers = {q.speaker_text for q in session.scalars(select(Quote))}
        assert {"Volodymyr Zelenskyy", "Mariia Koval", "Sybiha"} <= speakers

        runs = session.scalars(select(JobRun).where(JobRun.job == "cycle")).all()
        assert [r.outcome for r in runs] == ["ok", "ok"]
        assert runs[0].summary["new_articles"] == 6 and runs[1].summary["new_articles"] == 0
        # Matching costs what changed: every new claim once, then nothing when nothing is new.
        claims = session.scalar(select(func.count()).select_from(Claim))
        assert runs[0].summary["claims_matched"] == claims > 0
        assert (runs[1].summary["claims_matched"], runs[1].summary["vectors_computed"]) == (0, 0)
        # Kyiv Wire's RSS says <ttl>30</ttl>: the second cycle leaves it alone; the Atom feed is polled again.
        logs = session.scalars(select(FetchLog).order_by(FetchLog.id)).all()
        assert sorted(log.source_id for log in logs) == [1, 2, 2]
        kyiv_wire = session.get(Source, 1)
        assert kyiv_wire.name == "Kyiv Wire (demo)"
        minutes = (kyiv_wire.next_check_at - kyiv_wire.last_fetched_at).total_seconds() / 60
        assert 29 < minutes < 31
