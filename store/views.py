"""The researchers' views: flat, documented relations over the tables, created by migration 0004.

Each view's columns are declared here with a type and a one-line meaning. This is what `claimwatch export`
types its files by (SQLite keeps no types for computed columns), what Datasette's metadata and
docs/codebook.md describe, and what a test checks against the database on both backends.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

FieldType = Literal["integer", "float", "boolean", "text", "timestamp", "date", "json", "binary"]


class Field(NamedTuple):
    name: str
    type: FieldType
    description: str


ARTICLE = [
    Field("article_id", "integer", "→ articles.id."),
    Field("article_title", "text", "Headline of the article."),
    Field("outlet", "text", "Publisher (site name or the feed's outlet)."),
    Field("article_url", "text", "Canonical URL of the article: cite it with the offsets."),
    Field("published_at", "timestamp", "Publication time (UTC) if the feed or page gave one."),
    Field("fetched_at", "timestamp", "When claimwatch stored the article (UTC)."),
]

VIEWS: dict[str, list[Field]] = {
    "claims_in_articles": [
        Field("occurrence_id", "integer", "→ claim_occurrences.id: one row per claim made in an article."),
        Field("claim_id", "integer", "→ claims.id: the canonical claim (one per proposition)."),
        Field("claim", "text", "The canonical claim's wording."),
        Field("wording", "text", "The claim as worded in this article."),
        Field("sentence", "text", "The sentence that carries it."),
        Field("start", "integer", "Offset of the wording in articles.text (Python string offset)."),
        Field("end", "integer", "Offset after the wording."),
        Field("framing", "text", "asserted | reported | refuted: how the article presents the claim."),
        Field("checkworthiness", "float", "0..1, higher = more worth checking."),
        Field("claimant", "text", "Canonical actor who made the claim, if named."),
        Field("claimant_text", "text", "Words naming the claimant in the article."),
        *ARTICLE,
        Field("claim_status", "text", "The claim's fact-check status (unchecked, false, … true)."),
        Field("watchlist_key", "text", "The config's watchlist key when the claim is a watched one."),
        Field("factcheck_url", "text", "URL of the best confirmed fact-check (the one that sets the status)."),
        Field("factcheck_rating", "text", "Its normalised rating."),
        Field("factcheck_rating_text", "text", "Its rating as published."),
        Field("factcheck_publisher", "text", "Who published it."),
        Field("grouping", "text", "How the occurrence joined its claim: watchlist | words | meaning | new | edit."),
        Field("extractor_version", "text", "The extractor that found it: cite with the row."),
    ],
    "quotes_in_articles": [
        Field("quote_id", "integer", "→ quotes.id: one row per quote."),
        Field("speaker", "text", "Canonical actor quoted, if named."),
        Field("speaker_text", "text", "Words naming the speaker ('a senior official', 'he')."),
        Field("cue", "text", "Reporting verb or phrase ('said', 'according to')."),
        Field("kind", "text", "direct | mixed | indirect."),
        Field("text", "text", "The attributed content."),
        Field("quoted_words", "text", "The exact words inside quotation marks, spans joined by ' … '."),
        Field("start", "integer", "Offset of the content in articles.text."),
        Field("end", "integer", "Offset after the content."),
        *ARTICLE,
        Field("extractor_version", "text", "The extractor that found it."),
    ],
    "claim_spread": [
        Field("claim_id", "integer", "→ claims.id."),
        Field("claim", "text", "The canonical claim's wording."),
        Field("claim_status", "text", "Fact-check status."),
        Field("watchlist_key", "text", "Watchlist key, if watched."),
        Field("occurrences", "integer", "Times it was made, over all articles."),
        Field("articles", "integer", "Distinct articles that made it."),
        Field("outlets", "integer", "Distinct outlets that made it."),
        Field("asserted", "integer", "Occurrences framed as asserted."),
        Field("reported", "integer", "Occurrences framed as reported."),
        Field("refuted", "integer", "Occurrences framed as refuted."),
        Field("first_seen_at", "timestamp", "Earliest article time (published, else fetched)."),
        Field("last_seen_at", "timestamp", "Latest article time."),
    ],
    "claim_spread_daily": [
        Field("claim_id", "integer", "→ claims.id."),
        Field("day", "date", "UTC day of the articles (published, else fetched)."),
        Field("occurrences", "integer", "Times it was made that day."),
        Field("articles", "integer", "Distinct articles that day."),
        Field("outlets", "integer", "Distinct outlets that day."),
    ],
    "claim_best_factcheck": [
        Field("claim_id", "integer", "→ claims.id."),
        Field("factcheck_id", "integer", "→ factchecks.id: the confirmed fact-check that sets the status."),
        Field("url", "text", "Its URL."),
        Field("rating", "text", "Normalised rating."),
        Field("rating_text", "text", "Rating as published."),
        Field("publisher", "text", "Who published it."),
        Field("review_date", "timestamp", "When it was published."),
        Field("score", "float", "The link's matching score."),
    ],
    "actor_cooccurrence": [
        Field("article_id", "integer", "→ articles.id: one row per pair of actors mentioned in one article."),
        Field("actor_id", "integer", "→ actors.id (the lower id of the pair)."),
        Field("actor", "text", "Its canonical name."),
        Field("actor_type", "text", "PERSON | ORG | GPE | NORP."),
        Field("other_actor_id", "integer", "→ actors.id (the higher id)."),
        Field("other_actor", "text", "Its canonical name."),
        Field("other_actor_type", "text", "PERSON | ORG | GPE | NORP."),
    ],
}
