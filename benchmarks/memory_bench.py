"""Daemon memory: resident set size of a real `claimwatch run` (the daemon, with its extraction workers when
`[nlp] n_process` > 1) during its first cycles and between them, on the demo corpus served on loopback.

    .venv/bin/python benchmarks/memory_bench.py [--cycles 3] [--processes 1] [--precision int8]

RSS is read from /proc every 50 ms for the daemon and its child processes together; "during" is the peak
while a cycle runs (job_runs says so), "between" the largest value seen while none runs, after the first.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proc_stat import proc_stats
from sqlalchemy import create_engine, text

from claimwatch.jobs.demo import DEMO_FEEDS, serve_corpus

CLAIMWATCH = str(Path(sys.executable).parent / "claimwatch")


def rss_mb(pid: int) -> float:
    """RSS of `pid` and its descendants (extraction workers), in MB."""
    parents = {child: int(fields[1]) for child, fields in proc_stats().items()}
    family, total = {pid}, 0
    for _depth in range(3):
        family |= {child for child, parent in parents.items() if parent in family}
    for member in family:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        rss = [line for line in status.splitlines() if line.startswith("VmRSS")]
        total += int(rss[0].split()[1]) if rss else 0  # a process that has exited but not been reaped has none
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1, help="[nlp] n_process")
    parser.add_argument("--precision", choices=("int8", "float32"), default="int8", help="[semantic] precision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve_corpus() as base_url:
        config = Path(tmp) / "claimwatch.toml"
        feeds = "".join(
            f'[[feeds]]\nname = "{name}"\nurl = "{base_url}/feeds/{file}"\noutlet = "{outlet}"\n'
            for name, file, outlet in DEMO_FEEDS
        )
        config.write_text(
            f'data_dir = "{tmp}"\n[fetch]\nallow_private_addresses = true\nper_host_delay = 0.0\n'
            f'[nlp]\nn_process = {args.processes}\n[semantic]\nprecision = "{args.precision}"\n'
            "[schedule]\nfetch_every_minutes = 0.25\n"
            + feeds
            + '[[topics]]\nname = "minerals-deal"\nall = ["Ukraine"]\nany = ["minerals", "rare earth"]\n'
            + '[[topics]]\nname = "war-origin"\nany = ["started the war", "start the war"]\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
        daemon = subprocess.Popen([CLAIMWATCH, "--config", str(config), "run"], env=env, stderr=subprocess.DEVNULL)
        engine = create_engine(f"sqlite:///{tmp}/claimwatch.db")
        during, between, finished = 0.0, 0.0, 0
        try:
            while finished < args.cycles:
                sample = rss_mb(daemon.pid)
                try:
                    with engine.connect() as conn:
                        running = conn.execute(
                            text("SELECT count(*) FROM job_runs WHERE job = 'cycle' AND outcome = 'running'")
                        ).scalar()
                        finished = conn.execute(
                            text("SELECT count(*) FROM job_runs WHERE job = 'cycle' AND outcome != 'running'")
                        ).scalar()
                except Exception:  # the store is not created yet
                    running = 0
                if running:
                    during = max(during, sample)
                elif finished:
                    between = max(between, sample)
                time.sleep(0.05)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
            engine.dispose()
    print(
        f"daemon with n_process = {args.processes}, encoder in {args.precision}, "
        f"{args.cycles} cycles over the demo corpus"
    )
    print(f"  peak RSS during a cycle: {during:.0f} MB (issue #14 bound: 600 MB)")
    print(f"  peak RSS between cycles: {between:.0f} MB (issue #14 bound: 400 MB)")


if __name__ == "__main__":
    main()
