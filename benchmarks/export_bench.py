"""Exports at a million rows: peak memory and time of `claimwatch export` (the installed command) at two
sizes, and the Parquet file read back by pandas and DuckDB with its row count and types.

    .venv/bin/python benchmarks/export_bench.py [--rows 100000 1000000] [--database-url postgresql+psycopg://…]

The store is synthetic and bulk-loaded: articles of a few sentences, canonical claims, and claim
occurrences spread over them (one article per 20 occurrences, one claim per 10), so that
`claims_in_articles` — a five-way join with the best fact-check — has exactly `--rows` rows. Peak memory
is the export process's VmHWM, read from /proc while it runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd
from bench_store import bench_store, load_synthetic

CLAIMWATCH = str(Path(sys.executable).parent / "claimwatch")
CHUNK = 50_000
FRAMINGS = ("asserted", "reported", "refuted")


def load(url: str, rows: int) -> None:
    load_synthetic(url, articles=max(1, rows // 20), occurrences=rows, claims=max(1, rows // 10))


def export(url: str, data_dir: Path, fmt: str, path: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) of `claimwatch export claims_in_articles`."""
    config = data_dir / "claimwatch.toml"
    config.write_text(f'data_dir = "{data_dir}"\n')
    env = {**os.environ, "CLAIMWATCH_DATABASE_URL": url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [CLAIMWATCH, "--config", str(config), "export", "claims_in_articles", "--format", fmt, "-o", str(path)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]))
        except (OSError, StopIteration):
            pass
        time.sleep(0.02)
    if process.returncode != 0:
        raise SystemExit(f"export failed with exit code {process.returncode}")
    return time.perf_counter() - started, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", help="PostgreSQL (a schema of its own is used); default SQLite")
    args = parser.parse_args()
    print(f"backend {'PostgreSQL' if args.database_url else 'SQLite'}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            with bench_store(args.database_url, tmp, "cw_bench_export") as url:
                started = time.perf_counter()
                load(url, rows)
                print(f"\n== {rows} claim occurrences bulk-loaded in {time.perf_counter() - started:.0f} s")
                for fmt in ("parquet", "csv", "jsonl"):
                    path = tmp / f"claims.{fmt}"
                    seconds, peak = export(url, tmp, fmt, path)
                    size = path.stat().st_size / 1e6
                    print(f"   export {fmt:8} {seconds:6.1f} s  {rows / seconds:8.0f} rows/s  peak RSS {peak:5.0f} MB  "
                          f"file {size:6.1f} MB")  # fmt: skip
                parquet = tmp / "claims.parquet"
                frame = pd.read_parquet(parquet, columns=["occurrence_id", "published_at", "start", "checkworthiness"])
                with duckdb.connect() as duck:
                    counted, stamp, offset = duck.execute(
                        f"SELECT count(*), any_value(typeof(published_at)), any_value(typeof(start)) FROM '{parquet}'"
                    ).fetchone()
                print(
                    f"   read back: pandas {len(frame)} rows (published_at {frame['published_at'].dtype}, start "
                    f"{frame['start'].dtype}, checkworthiness {frame['checkworthiness'].dtype}); DuckDB {counted} rows "
                    f"({stamp}, {offset}); ids unique and ordered: "
                    f"{frame['occurrence_id'].is_monotonic_increasing and frame['occurrence_id'].is_unique}"
                )


if __name__ == "__main__":
    main()
