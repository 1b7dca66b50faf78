"""A first cycle end to end against the naive sequential script a user could write in an afternoon, and a
cycle with nothing new against the first.

    .venv/bin/python benchmarks/cycle_bench.py [--feeds 80] [--entries 25] [--reps 3] [--processes 2] \
        [--corpus generated|fixtures] [--matching meaning|words]

The site: `--feeds` RSS feeds of `--entries` entries each, every entry an HTML article page (a nav bar, a
headline, the article's paragraphs, a footer), served on loopback by a process of its own with
TCP_NODELAY; feeds carry an ETag and answer 304 to a matching If-None-Match. The page's text under its
headline and first line of its own is, by default, a distinct generated article of ~650 words
(benchmarks/news_corpus.py: wire-copy sentences with quotations, indirect speech, figures, opinions), so
no two pages share a claim; `--corpus fixtures` joins three bodies of the annotated news fixtures and
demo articles in turn instead — real prose, but a 32-article batch then holds each body about seven times, and
claimwatch encodes each distinct claim of a batch once, which flatters it (docs/performance.md).

- **naive script**: httpx (one keep-alive client) → feedparser → each page fetched → trafilatura →
  spaCy `nlp.pipe` over all texts (the shipped model, 1 process, batches of 16) → each article and its named
  entities inserted into SQLite, sequentially, as in a tutorial.
- **naive script, NumPy's BLAS**: the same script with one change a skeptic would make after reading
  claimwatch's source: the model's matrix products through NumPy's BLAS on one thread instead of BLIS
  (nlp/model.py `use_numpy_blas`, the call claimwatch makes on its own model). The strongest plain
  baseline; the ratio against it says what claimwatch's own pipeline gains beyond that one line.
- **claimwatch, first cycle**: `run_cycle(settings, factory)`, the call `claimwatch run --once` makes, on
  a fresh SQLite store with the bundled config (its topics, actors, watchlist and sentence model) and
  `[nlp] n_process` = `--processes`: fetch, extract, store, match. Everything a cron `run --once` loads is
  loaded inside the clock (the extraction workers and their models, the sentence model); the naive
  script's spaCy model is loaded before its clock starts. `--matching words` empties `[semantic] model`:
  claims are then grouped and matched by their words only, and nobody embeds them (embedding took over a
  third of a first cycle's CPU when profiled: 23 of ~64 s).
- **claimwatch, nothing new**: the same store's next cycle: every feed answers 304.

Runs are interleaved (naive, naive with NumPy's BLAS, first, nothing new) and repeated; medians and spread
are printed, with the ratios of the medians.
"""

from __future__ import annotations

from claimwatch.nlp.torchless import keep_torch_out

# What the command line does before anything imports spaCy: thinc would import PyTorch (installed with the
# model package), which claimwatch never calls: ~1.8 s and ~240 MB in each process, the pool's workers among
# them (a spawned worker runs this script's imports again).
keep_torch_out()

import argparse
import sqlite3
import statistics
import tempfile
import time
from functools import partial
from importlib import resources
from pathlib import Path

import feedparser
import httpx
import news_corpus
import spacy
import trafilatura
from ingest_bench import serve
from threadpoolctl import threadpool_info, threadpool_limits

from claimwatch.config import load_config
from claimwatch.config.settings import FeedSettings, Settings
from claimwatch.jobs import semantic
from claimwatch.jobs.cycle import run_cycle
from claimwatch.nlp.embeddings import load_embedder
from claimwatch.nlp.model import use_numpy_blas
from claimwatch.store.db import open_store

HERE = Path(__file__).resolve().parent
PAGE_BODIES = 3  # article bodies per page: ~650 words, a long news article
NAIVE = "naive script"
NAIVE_BLAS = "naive script, NumPy's BLAS"
FIRST = "claimwatch first cycle"


def article_texts() -> list[str]:
    """The bodies pages are made of: the annotated news fixtures and the demo corpus's articles."""
    news = sorted((HERE.parent / "tests" / "fixtures" / "news").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8").split("\n", 2)[2] for p in news]  # without the fixture's headline
    demo = resources.files("claimwatch.jobs").joinpath("demo_corpus")
    for name in ("kyiv-rejects-draft.html", "war-origin-claim.html", "minerals-explainer.html"):
        texts.append(trafilatura.extract(demo.joinpath(name).read_text(encoding="utf-8")) or "")
    return [t for t in texts if t.strip()]


def _fixture_page(bodies: list[str], feed: int, entry: int) -> bytes:
    first = feed * 7 + entry
    return _page(feed, entry, "\n".join(bodies[(first + k) % len(bodies)] for k in range(PAGE_BODIES)))


def _generated_page(feed: int, entry: int) -> bytes:
    return _page(feed, entry, news_corpus.article(feed * 10_000 + entry))


def _page(feed: int, entry: int, body: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (
        f"<html><head><title>Ukraine minerals story {feed}-{entry}</title></head><body>"
        f"<nav>Home | World | Business</nav><article><h1>Ukraine minerals story {feed}-{entry}</h1>"
        f"<p>Story {feed}-{entry} of our coverage of Ukraine and its minerals.</p>{paragraphs}</article>"
        f"<footer>© Loopback Wire</footer></body></html>"
    ).encode()


def _feed(base: str, feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Ukraine minerals story {feed}-{e}</title><link>{base}/p/{feed}/{e}</link>"
        f"<guid>cycle-{feed}-{e}</guid><description>Ukraine, part {e}.</description></item>"
        for e in range(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'.encode()
    )


def naive(base: str, feeds: range, nlp: spacy.language.Language, folder: Path) -> int:
    """The tutorial pipeline, sequential; returns the articles stored."""
    texts: list[tuple[str, str]] = []
    with httpx.Client() as client:
        for f in feeds:
            for entry in feedparser.parse(client.get(f"{base}/f/{f}").content).entries:
                text = trafilatura.extract(client.get(entry.link).text)
                if text:
                    texts.append((entry.link, text))
    db = sqlite3.connect(folder / "naive.db")
    db.execute("create table if not exists articles (id integer primary key, url text unique, text text)")
    db.execute("create table if not exists entities (article_id integer, text text, label text, start integer)")
    for (url, text), doc in zip(texts, nlp.pipe((t for _u, t in texts), batch_size=16)):
        article_id = db.execute("insert into articles (url, text) values (?, ?)", (url, text)).lastrowid
        db.executemany(
            "insert into entities values (?, ?, ?, ?)", [(article_id, e.text, e.label_, e.start_char) for e in doc.ents]
        )
        db.commit()
    db.close()
    return len(texts)


def settings_for(base: str, feeds: range, folder: Path, processes: int, matching: str = "meaning") -> Settings:
    settings = load_config()
    semantic = settings.semantic if matching == "meaning" else settings.semantic.model_copy(update={"model": ""})
    return settings.model_copy(
        update={
            "feeds": [FeedSettings(name=f"Feed {f}", url=f"{base}/f/{f}", outlet=f"Outlet {f}") for f in feeds],
            "searches": [],  # the bundled news searches would reach the internet
            "fetch": settings.fetch.model_copy(update={"allow_private_addresses": True, "per_host_delay": 0.0}),
            "nlp": settings.nlp.model_copy(update={"n_process": processes}),
            "semantic": semantic,
            "data_dir": folder,
            "database_url": f"sqlite:///{folder}/claimwatch.db",
        }
    )


def cold() -> None:
    """Forget what an earlier cycle of this process loaded (the sentence model, its indexes and watchlist
    vectors), so every cycle pays what a cron `run --once` pays."""
    load_embedder.cache_clear()
    semantic._INDEXES.clear()
    semantic._WORDINGS.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=80)
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2, help="claimwatch's [nlp] n_process")
    parser.add_argument(
        "--corpus", choices=("generated", "fixtures"), default="generated", help="distinct pages, or fixture bodies"
    )
    parser.add_argument(
        "--matching",
        choices=("meaning", "words"),
        default="meaning",
        help="the bundled config (grouping and matching by meaning), or words only ([semantic] model empty)",
    )
    args = parser.parse_args()
    if args.corpus == "generated":
        page = _generated_page
        words = len(news_corpus.article(0).split())
    else:
        bodies = article_texts()
        page = partial(_fixture_page, bodies)
        words = PAGE_BODIES * sum(len(b.split()) for b in bodies) // len(bodies)
    server, base = serve(args.entries, page, _feed)
    feeds = range(args.feeds)
    print(
        f"{args.feeds} feeds x {args.entries} entries = {args.feeds * args.entries} articles "
        f"(~{words} words each, {args.corpus} corpus, matching by {args.matching})"
    )
    nlp = spacy.load(load_config().nlp.model)
    nlp_blas = spacy.load(load_config().nlp.model)
    # Each script's BLAS threads are its own, set for its runs: the plain script keeps NumPy's default, the
    # BLAS one holds it to one thread (use_numpy_blas's setting), and claimwatch's cycle sets its own in this
    # same process (a `run --once` parent with a pool holds its BLAS to one thread: jobs/analyze.build_pool).
    default_threads = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
    with threadpool_limits(limits=1, user_api="blas"):
        use_numpy_blas(nlp_blas)
    rates: dict[str, list[float]] = {NAIVE: [], NAIVE_BLAS: [], FIRST: [], "nothing new": []}
    for _rep in range(args.reps):
        for name, model, blas_threads in ((NAIVE, nlp, default_threads), (NAIVE_BLAS, nlp_blas, 1)):
            with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=blas_threads, user_api="blas"):
                started = time.perf_counter()
                count = naive(base, feeds, model, Path(tmp))
                rates[name].append(count / (time.perf_counter() - started))
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(base, feeds, Path(tmp), args.processes, args.matching)
            factory = open_store(settings.database_url)
            cold()
            started = time.perf_counter()
            first = run_cycle(settings, factory)
            first_seconds = time.perf_counter() - started
            cold()
            started = time.perf_counter()
            second = run_cycle(settings, factory)
            second_seconds = time.perf_counter() - started
            factory.kw["bind"].dispose()
            assert first.analysis.articles == count, (first.analysis.articles, count)
            assert second.new_articles == 0
            rates[FIRST].append(first.analysis.articles / first_seconds)
            rates["nothing new"].append(second_seconds / first_seconds)
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in first.stages.items())
            print(f"  rep {_rep + 1}: first cycle {first_seconds:.1f} s ({stages}); nothing new {second_seconds:.2f} s")
    for name in (NAIVE, NAIVE_BLAS, FIRST):
        values = rates[name]
        print(f"{name:30} {statistics.median(values):6.2f} articles/s  (spread {min(values):.2f}–{max(values):.2f})")
    for baseline in (NAIVE, NAIVE_BLAS):
        ratio = statistics.median(rates[FIRST]) / statistics.median(rates[baseline])
        print(f"{FIRST} / {baseline}: {ratio:.2f}x")
    share = rates["nothing new"]
    print(
        f"nothing-new cycle / first cycle: 1/{1 / statistics.median(share):.0f} "
        f"(spread 1/{1 / max(share):.0f}–1/{1 / min(share):.0f})"
    )
    server.terminate()


if __name__ == "__main__":
    main()
