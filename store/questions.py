"""The common questions researchers ask of the store, each one short query over a view.

They are written once here and appear in three places: docs/schema.md (a test checks each is quoted there
verbatim), `claimwatch browse` (Datasette canned queries) and the tests, which run every one on SQLite and
PostgreSQL against the demo corpus. `:name` marks a parameter.
"""

from __future__ import annotations

from typing import NamedTuple

from .models import FALSE_STATUSES


class Question(NamedTuple):
    name: str
    title: str
    sql: str
    postgresql: str | None = None  # when PostgreSQL needs other SQL (full-text search)


QUESTIONS = [
    Question(
        "claims_in_articles",
        "Every claim made in an article: who, where, when, how framed, and its fact-check status",
        """select claim, claimant, claimant_text, framing, outlet, article_url, published_at,
       claim_status, factcheck_url, factcheck_rating
from claims_in_articles order by published_at desc""",
    ),
    Question(
        "claims_with_status",
        "Claims with their fact-check status and the fact-check that set it, most widespread first",
        """select s.claim_id, s.claim, s.claim_status, s.outlets, s.occurrences, b.url as factcheck_url, b.rating
from claim_spread s left join claim_best_factcheck b on b.claim_id = s.claim_id
order by s.outlets desc, s.occurrences desc""",
    ),
    Question(
        "quotes_by_speaker",
        "What one person was quoted as saying",
        """select published_at, outlet, kind, cue, quoted_words, text, article_url
from quotes_in_articles where speaker = :speaker order by published_at""",
    ),
    Question(
        "false_claims_asserted",
        "Outlets that asserted a claim fact-checkers rated false or mostly false",
        # the condition the partial index ix_claim_outlet_tallies_false holds, which SQLite uses only when stated
        f"""select t.outlet, c.text as claim, t.occurrences as times, t.first_seen_at as first_time, b.url as factcheck
from claim_outlet_tallies t join claims c on c.id = t.claim_id
left join claim_best_factcheck b on b.claim_id = c.id
where t.framing = 'asserted' and t.{FALSE_STATUSES}
order by times desc""",
    ),
    Question(
        "refuted_vs_repeated",
        "How each claim was framed: outlets that refuted it against those that repeated it",
        """select claim, claim_status, asserted + reported as repeated, refuted, outlets, first_seen_at
from claim_spread where occurrences > 0 order by refuted desc, repeated desc""",
    ),
    Question(
        "spread_per_day",
        "A claim's spread per day",
        """select day, occurrences, articles, outlets from claim_spread_daily
where claim_id = :claim_id order by day""",
    ),
    Question(
        "new_claims",
        "Claims first seen on or after a day (YYYY-MM-DD)",
        """select claim_id, claim, claim_status, occurrences, outlets, first_seen_at from claim_spread
where first_seen_at >= :since order by first_seen_at desc""",
    ),
    Question(
        "actor_pairs",
        "Actors mentioned together, by number of articles",
        """select x.name as actor, y.name as other_actor, t.articles from actor_pair_tallies t
join actors x on x.id = t.actor_id join actors y on y.id = t.other_actor_id
order by t.articles desc limit 50""",
    ),
    Question(
        "claimants",
        "Who makes the claims, and how outlets present them",
        """select who, framing, occurrences from claimant_tallies order by occurrences desc""",
    ),
    Question(
        "search_articles",
        "Articles matching words (full-text search), latest first",
        """select a.id, a.title, a.outlet, a.url, a.published_at
from articles_fts join articles a on a.id = articles_fts.rowid
where articles_fts match :terms order by articles_fts.rowid desc limit 50""",
        postgresql="""select id, title, outlet, url, published_at
from articles, websearch_to_tsquery('english', :terms) as q
where search_vector @@ q order by id desc limit 50""",
    ),
]
