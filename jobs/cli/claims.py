"""`claimwatch claims …`: spread, status, links, merges and splits — researchers' edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from claimwatch.store.claim_counts import recount_claims
from claimwatch.store.claims import merge_claims, split_claim, spread
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import ClaimNotFound, decide_link, set_status
from claimwatch.store.reports import (
    claim_links,
    most_repeated_claims,
    status_history,
)
from claimwatch.store.tallies import retally
from claimwatch.store.writes import exclusive_writes

from .common import (
    EXIT_INPUT,
    T,
    app,
    console,
    fail,
    load_settings,
    open_store_or_exit,
)

claims_app = typer.Typer(help="Canonical claims: spread, status, merges and splits.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")


def _researcher_edit(work: Callable[[Session], T]) -> T:
    """Run a researcher's change in one transaction, under the writer lock (it moves occurrences and
    recounts claims, as a batch does); an unknown id or a refused change exits with code 6."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    try:
        with exclusive_writes(factory), transaction(factory) as session:
            return work(session)
    except (LookupError, ValueError) as exc:  # ClaimNotFound is a LookupError
        raise fail(EXIT_INPUT, str(exc)) from exc


@claims_app.command("list")
def claims_list(
    limit: Annotated[int, typer.Option(help="How many claims.")] = 30,
    status: Annotated[str | None, typer.Option(help="Only claims with this fact-check status.")] = None,
) -> None:
    """Canonical claims with the most occurrences first."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with factory() as session:
        rows = most_repeated_claims(session, limit=limit, status=status)
    table = Table(title="Claims", title_justify="left")
    for column in ("id", "claim", "status", "occurrences", "outlets", "first seen", "watchlist"):
        table.add_column(column)
    for claim, occurrences, outlets in rows:
        table.add_row(
            str(claim.id),
            claim.text[:80],
            claim.status,
            str(occurrences),
            str(outlets),
            f"{claim.first_seen_at:%Y-%m-%d}" if claim.first_seen_at else "",
            claim.watchlist_key or "",
        )
    console.print(table)


@claims_app.command("show")
def claims_show(claim_id: Annotated[int, typer.Argument(help="Claim id.")]) -> None:
    """A claim's spread (outlets, claimants, framings, per day), its fact-check links and status history."""
    settings = load_settings()
    factory = open_store_or_exit(settings)
    with factory() as session:
        try:
            found = spread(session, claim_id)
        except ClaimNotFound as exc:
            raise fail(EXIT_INPUT, str(exc)) from exc
        links = claim_links(session, claim_id)
        history = status_history(session, claim_id)
    claim = found.claim
    console.print(
        f"[bold]{claim.text}[/] (claim {claim.id}; status {claim.status}"
        f"{', set by a researcher' if claim.status_manual else ''})"
    )
    console.print(f"{found.occurrences} occurrences, first seen {found.first_seen or 'never'}")
    for label, counter in (("outlets", found.outlets), ("claimants", found.claimants), ("framing", found.framings)):
        console.print(f"{label}: " + ", ".join(f"{k} ({v})" for k, v in counter.most_common()))
    console.print("per day: " + ", ".join(f"{d} ({n})" for d, n in sorted(found.daily.items())))
    for link, factcheck in links:
        console.print(
            f"link {link.id}: {link.status} {link.score or ''} [{factcheck.rating or '?'}] "
            f"{factcheck.publisher or ''}: {factcheck.claim_reviewed[:80]} {factcheck.url or ''}"
        )
    for change in history:
        console.print(
            f"{change.changed_at:%Y-%m-%d %H:%M} {change.old_status} → {change.new_status} "
            f"by {change.changed_by}: {change.reason or ''} {change.url or ''}"
        )


@claims_app.command("set-status")
def claims_set_status(
    claim_id: Annotated[int, typer.Argument(help="Claim id.")],
    status: Annotated[
        str,
        typer.Argument(
            help="unchecked, false, mostly false, mixed, mostly true, true, "
            "unproven, other; or auto to hand it back to the rule."
        ),
    ],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    url: Annotated[str | None, typer.Option(help="Evidence, e.g. a fact-check URL.")] = None,
    by: Annotated[str, typer.Option(help="Who is making the change.")] = "researcher",
) -> None:
    """Set or override a claim's fact-check status; the change goes into its history."""
    new_status = _researcher_edit(lambda s: set_status(s, claim_id, status, note=note, url=url, by=by).status)
    console.print(f"claim {claim_id}: status {new_status}")


@claims_app.command("link")
def claims_link(
    link_id: Annotated[int, typer.Argument(help="Claim–fact-check link id (see claims show).")],
    decision: Annotated[str, typer.Argument(help="confirm or reject")],
    by: Annotated[str, typer.Option(help="Who decides.")] = "researcher",
) -> None:
    """Confirm or reject a suggested link between a claim and a fact-check."""
    if decision not in ("confirm", "reject"):
        raise fail(2, "decision must be confirm or reject")
    _researcher_edit(lambda s: decide_link(s, link_id, "confirmed" if decision == "confirm" else "rejected", by))
    console.print(f"link {link_id}: {decision}ed")


@claims_app.command("merge")
def claims_merge(
    keep: Annotated[int, typer.Argument(help="The claim that stays.")],
    other: Annotated[int, typer.Argument(help="The claim merged into it (deleted).")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str, typer.Option(help="Who.")] = "researcher",
) -> None:
    """Merge two canonical claims; the edit is kept in claim_edits."""
    _researcher_edit(lambda s: merge_claims(s, keep, other, note=note, by=by))
    console.print(f"claim {other} merged into claim {keep}")


@claims_app.command("split")
def claims_split(
    claim_id: Annotated[int, typer.Argument(help="The claim to split.")],
    occurrences: Annotated[list[int], typer.Argument(help="Occurrence ids that move to the new claim.")],
    text: Annotated[str, typer.Option(help="Wording of the new claim.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str, typer.Option(help="Who.")] = "researcher",
) -> None:
    """Move some occurrences of a claim to a new claim; the edit is kept in claim_edits."""
    new_id = _researcher_edit(lambda s: split_claim(s, claim_id, occurrences, text=text, note=note, by=by).id)
    console.print(f"new claim {new_id} with {len(occurrences)} occurrences from claim {claim_id}")


@claims_app.command("recount")
def claims_recount() -> None:
    """Recount every claim's spread counters and the claimant and actor-pair tallies from the rows (after
    rows were changed by hand in SQL)."""

    def recount(session: Session) -> None:
        recount_claims(session)
        retally(session)

    _researcher_edit(recount)
    console.print("claims and tallies recounted from the occurrences and mentions")
