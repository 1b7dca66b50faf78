"""The per-claim counters and the claimant, actor-pair and claim-outlet tallies are what grouping the
occurrences and mentions gives, after every write that moves them — a batch, its re-analysis, a
researcher's merge and split or status change, the migration that fills them, the recount command — on
both backends."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from claimwatch.jobs.cli import app
from claimwatch.nlp.actors import Actor as FoundActor
from claimwatch.nlp.actors import ActorMention as FoundMention
from claimwatch.nlp.claims import Claim as FoundClaim
from claimwatch.nlp.extract import Extraction
from claimwatch.store.analysis import save_extractions
from claimwatch.store.claims import merge_claims, split_claim
from claimwatch.store.db import _alembic_config, migrate, transaction
from claimwatch.store.factchecks import set_status
from claimwatch.store.models import Article, Claim, ClaimOccurrence
from claimwatch.store.questions import QUESTIONS
from claimwatch.store.reports import most_repeated_claims

from .conftest import statements_sent

GROUPED = """
SELECT c.id, COUNT(o.id), COUNT(DISTINCT o.article_id), COUNT(DISTINCT a.outlet),
       COALESCE(SUM(CASE WHEN o.framing = 'asserted' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN o.framing = 'reported' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN o.framing = 'refuted' THEN 1 ELSE 0 END), 0),
       MIN(COALESCE(a.published_at, a.fetched_at)), MAX(COALESCE(a.published_at, a.fetched_at))
FROM claims c LEFT JOIN claim_occurrences o ON o.claim_id = c.id LEFT JOIN articles a ON a.id = o.article_id
GROUP BY c.id ORDER BY c.id
"""
runner = CliRunner()
CLAIMANTS = """
SELECT COALESCE(w.name, o.claimant_text, '(the outlet)') AS who, o.framing, COUNT(*)
FROM claim_occurrences o LEFT JOIN actors w ON w.id = o.claimant_actor_id
GROUP BY who, o.framing ORDER BY who, o.framing
"""
PAIRS = """
SELECT actor_id, other_actor_id, COUNT(*) FROM actor_cooccurrence GROUP BY actor_id, other_actor_id
ORDER BY actor_id, other_actor_id
"""
OUTLETS = """
SELECT o.claim_id, a.outlet, o.framing, c.status, COUNT(*), MIN(COALESCE(a.published_at, a.fetched_at)),
       MAX(COALESCE(a.published_at, a.fetched_at))
FROM claim_occurrences o JOIN articles a ON a.id = o.article_id JOIN claims c ON c.id = o.claim_id
GROUP BY o.claim_id, a.outlet, o.framing, c.status ORDER BY o.claim_id, a.outlet, o.framing
"""
TALLIES = (
    (
        OUTLETS,
        "SELECT claim_id, outlet, framing, claim_status, occurrences, first_seen_at, last_seen_at "
        "FROM claim_outlet_tallies "
        "ORDER BY claim_id, outlet, framing",
    ),
    (CLAIMANTS, "SELECT who, framing, occurrences FROM claimant_tallies ORDER BY who, framing"),
    (PAIRS, "SELECT actor_id, other_actor_id, articles FROM actor_pair_tallies ORDER BY actor_id, other_actor_id"),
)
KEPT = """
SELECT claim_id, occurrences, articles, outlets, asserted, reported, refuted, first_seen_at, last_seen_at
FROM claim_spread ORDER BY claim_id
"""


def _counts(session: Session, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in session.execute(text(sql))]


def _consistent(session: Session) -> None:
    assert _counts(session, KEPT) == _counts(session, GROUPED)
    for grouped, kept in TALLIES:
        assert _counts(session, kept) == _counts(session, grouped)


def _claim(wording: str, framing: str, start: int = 0, by: str | None = None, words: str | None = None) -> FoundClaim:
    found = FoundClaim(wording, start, start + len(wording), framing, 0.8, sentence=wording + ".")
    found.claimant, found.claimant_text = by, words
    return found


def _actors(*names: str) -> list[FoundActor]:
    return [FoundActor(name, "PERSON", [FoundMention(10 * i, 10 * i + 5, name)]) for i, name in enumerate(names)]


def _article(session: Session, n: int, outlet: str, day: int) -> Article:
    article = Article(
        url=f"https://news.example/{n}",
        outlet=outlet,
        text="…",
        content_hash=f"h{n}",
        relevant=True,
        language="en",
        published_at=datetime(2025, 3, day, 9, tzinfo=timezone.utc),
    )
    session.add(article)
    session.flush()
    return article


def _spread(session: Session, wording: str) -> tuple[object, ...]:
    claim = session.scalars(select(Claim).where(Claim.text == wording)).one()
    return (claim.occurrence_count, claim.article_count, claim.outlet_count, claim.refuted_count)


def test_counters_follow_batches_reanalysis_merges_and_splits(factory: sessionmaker[Session]) -> None:
    war, deal = "Ukraine started the war", "The deal gives the United States half of the revenue"
    with transaction(factory) as session:
        a, b, c = (
            _article(session, 1, "Kyiv Wire", 3),
            _article(session, 2, "Kyiv Wire", 1),
            _article(session, 3, "Ledger", 5),
        )
        save_extractions(
            session,
            [
                (
                    a,
                    Extraction(
                        actors=_actors("Donald Trump", "Volodymyr Zelensky"),
                        claims=[
                            _claim(war, "refuted", by="Volodymyr Zelensky", words="he"),
                            _claim(deal, "asserted", 40),
                        ],
                    ),
                ),
                (
                    b,
                    Extraction(
                        actors=_actors("Donald Trump", "Volodymyr Zelensky", "Scott Bessent"),
                        claims=[_claim(war, "reported", words="a senior official"), _claim(war, "asserted", 60)],
                    ),
                ),
                (c, Extraction(actors=_actors("Scott Bessent"), claims=[_claim(deal, "reported", by="Scott Bessent")])),
            ],
        )
        assert _spread(session, war) == (3, 2, 1, 1) and _spread(session, deal) == (2, 2, 2, 0)
        _consistent(session)
        # `claims list` reads the counters; a window since before the first article groups the same rows
        counted = [(c.id, n, outlets) for c, n, outlets in most_repeated_claims(session, limit=5)]
        window = datetime(2000, 1, 1, tzinfo=timezone.utc)
        grouped = [(c.id, n, outlets) for c, n, outlets in most_repeated_claims(session, limit=5, since=window)]
        assert counted == grouped and [n for _id, n, _o in counted] == [3, 2]
    with transaction(factory) as session:  # b re-analysed by a newer extractor: its war claims are gone
        b = session.get(Article, b.id)
        reanalysed = Extraction(actors=_actors("Scott Bessent", "Donald Trump"), claims=[_claim(deal, "refuted")])
        save_extractions(session, [(b, reanalysed)])
        assert _spread(session, war) == (1, 1, 1, 1) and _spread(session, deal) == (3, 3, 2, 1)
        war_claim = session.scalars(select(Claim).where(Claim.text == war)).one()
        assert war_claim.first_seen_at == datetime(2025, 3, 3, 9, tzinfo=timezone.utc)  # b's day 1 went with it
        _consistent(session)
    with transaction(factory) as session:
        deal_id, war_id = (session.scalars(select(Claim.id).where(Claim.text == t)).one() for t in (deal, war))
        merge_claims(session, deal_id, war_id, note=None, by="ana")
        assert _spread(session, deal) == (4, 3, 2, 2)
        moved = session.scalars(select(ClaimOccurrence.id).where(ClaimOccurrence.framing == "refuted")).all()
        split_claim(session, deal_id, moved, text="Nobody started anything", note=None, by="ana")
        assert _spread(session, deal) == (2, 2, 2, 0) and _spread(session, "Nobody started anything") == (2, 2, 1, 2)
        _consistent(session)


def test_new_articles_add_to_the_counters_of_a_claim_made_before(factory: sessionmaker[Session]) -> None:
    """Later batches add to the counters and tally rows a claim already has (the batch path adds, it does
    not recount): the same outlet and framing again, a new outlet without one, an article older than the
    claim's first; each time the counters equal what grouping the rows gives."""
    war = "Ukraine started the war"
    with transaction(factory) as session:
        first = _article(session, 1, "Kyiv Wire", 10)
        save_extractions(session, [(first, Extraction(actors=[], claims=[_claim(war, "asserted")]))])
    with transaction(factory) as session:
        again, unnamed = _article(session, 2, "Kyiv Wire", 12), _article(session, 3, "Ledger", 11)
        unnamed.outlet = None
        older = _article(session, 4, "Ledger", 2)
        save_extractions(
            session,
            [
                (again, Extraction(actors=[], claims=[_claim(war, "asserted"), _claim(war, "reported", 50)])),
                (unnamed, Extraction(actors=[], claims=[_claim(war, "asserted")])),
                (older, Extraction(actors=[], claims=[_claim(war, "refuted")])),
            ],
        )
        claim = session.scalars(select(Claim).where(Claim.text == war)).one()
        assert (claim.occurrence_count, claim.article_count, claim.outlet_count) == (5, 4, 2)
        assert (claim.asserted_count, claim.reported_count, claim.refuted_count) == (3, 1, 1)
        assert claim.first_seen_at == datetime(2025, 3, 2, 9, tzinfo=timezone.utc)
        assert claim.last_seen_at == datetime(2025, 3, 12, 9, tzinfo=timezone.utc)
        _consistent(session)


def _two_articles(session: Session) -> None:
    a, b = _article(session, 1, "Kyiv Wire", 3), _article(session, 2, "Ledger", 4)
    claims = [
        _claim("Ukraine started the war", "asserted", by="Donald Trump"),
        _claim("Kyiv provoked it", "refuted", 30),
    ]
    save_extractions(
        session,
        [
            (a, Extraction(actors=_actors("Donald Trump", "Marco Rubio"), claims=claims)),
            (b, Extraction(actors=_actors("Donald Trump", "Marco Rubio"), claims=claims[:1])),
        ],
    )


def test_the_migration_fills_counters_and_tallies_from_the_rows(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        _two_articles(session)
        expected = _counts(session, GROUPED)
    engine = factory.kw["bind"]
    command.downgrade(_alembic_config(engine), "0005")  # the store as the release before the counters left it
    with engine.begin() as conn:
        assert "occurrence_count" not in conn.execute(text("SELECT * FROM claims")).keys()
        assert "claim_outlet_tallies" not in inspect(conn).get_table_names()
    migrate(engine)
    with factory() as session:
        assert _counts(session, KEPT) == expected and expected[0][1:4] == (2, 2, 2)
        _consistent(session)
        assert _counts(session, "SELECT articles FROM actor_pair_tallies") == [(2,)]


def test_recount_command_repairs_counters_changed_by_hand(db_url: str, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        _two_articles(session)
        session.execute(text("UPDATE claims SET occurrence_count = 7, outlet_count = 0, last_seen_at = NULL"))
        session.execute(text("UPDATE claimant_tallies SET occurrences = occurrences + 1"))
        session.execute(text("DELETE FROM actor_pair_tallies"))
        session.execute(text("UPDATE claim_outlet_tallies SET occurrences = 9, first_seen_at = NULL"))
    result = runner.invoke(app, ["claims", "recount"], env={"CLAIMWATCH_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    with factory() as session:
        _consistent(session)
        assert _counts(session, "SELECT occurrence_count FROM claims ORDER BY id") == [(2,), (1,)]


def test_false_claims_asserted_reads_the_outlet_tally_as_grouping_every_occurrence_would(
    factory: sessionmaker[Session],
) -> None:
    grouped = """
    select outlet, claim, count(*) as times, min(published_at) as first_time, max(factcheck_url) as factcheck
    from claims_in_articles where framing = 'asserted' and claim_status in ('false', 'mostly false')
    group by outlet, claim order by times desc, outlet
    """
    question = next(q for q in QUESTIONS if q.name == "false_claims_asserted")
    with transaction(factory) as session:
        war = "Ukraine started the war"
        articles = [_article(session, n, outlet, n) for n, outlet in enumerate(["Kyiv Wire", "Ledger", "Ledger"], 1)]
        save_extractions(
            session,
            [
                (a, Extraction(actors=[], claims=[_claim(war, "asserted"), _claim("Talks resume", "asserted", 30)]))
                for a in articles
            ],
        )
        war_id = session.scalars(select(Claim.id).where(Claim.text == war)).one()
        set_status(session, war_id, "false", note=None, url=None, by="ana")  # a researcher's rating
        _consistent(session)  # the outlet tally carries the new status
        answer = _counts(session, f"select * from ({question.sql}) as q order by times desc, outlet")
        assert answer == _counts(session, grouped)
        assert [(outlet, times) for outlet, _claim_text, times, *_rest in answer] == [("Ledger", 2), ("Kyiv Wire", 1)]


def test_a_batch_of_new_claims_is_one_insert_and_each_occurrence_names_its_own_claim(
    factory: sessionmaker[Session],
) -> None:
    """The batch's new claims go in as one statement and their ids are matched to them by word key, not by
    the order the database returns them in."""
    wordings = [
        "Ukraine will receive 40 percent of the fund's profits",
        "the fund holds 500 million dollars",
        "Kyiv signed the minerals agreement in Washington",
        "Russia occupies a fifth of Ukraine's lithium deposits",
    ]
    with statements_sent(factory) as sent, transaction(factory) as session:
        articles = [_article(session, n, f"outlet{n}", 1 + n) for n in range(2)]
        save_extractions(
            session,
            [
                (articles[0], Extraction(claims=[_claim(w, "asserted") for w in wordings], version="t")),
                (articles[1], Extraction(claims=[_claim(w, "reported") for w in reversed(wordings)], version="t")),
            ],
        )
    statements = [statement for statement in sent if statement.startswith("INSERT INTO claims ")]
    assert len(statements) == 1
    with factory() as session:
        pairs = session.execute(
            select(ClaimOccurrence.text, Claim.text).join(Claim, Claim.id == ClaimOccurrence.claim_id)
        ).all()
        assert len(pairs) == 8 and all(occurrence == claim for occurrence, claim in pairs)
        assert session.scalar(select(func.count(Claim.id))) == 4
