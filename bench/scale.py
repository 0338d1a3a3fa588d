"""Throughput and memory of the processing stage on 1 process, 2 local processes and a 2-worker Dask cluster.

    .venv/bin/python bench/scale.py [--docs 400] [--stream 200] [--workers 2] [--no-storage]

The corpus is the sample reports cycled to --docs documents, each copy made distinct (as in
bench/pipeline.py). Each mode runs in its own process, so its peak memory is its own:
- spacy:   the bare model's ``nlp.pipe`` on the cleaned texts (the floor);
- serial:  clean + parse + extract (``process_stream``) in one process;
- pool:    the same on --workers local processes (``parallel.Workers``);
- dask:    the same on a Dask LocalCluster of --workers processes.
Worker start-up (interpreter, spaCy, gazetteer) is timed apart from throughput: the workers
first process one warm-up stream. Worker memory is each worker process's peak RSS (Linux VmHWM).
Then the streaming check: main-process peak RSS of a full ingest (into SQLite, on the local
pool) of --stream and of 4x --stream documents, read lazily, which should not grow.
Last, bench/storage.py (issue #6's storage figures), if it exists, with its default arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import _distinct  # noqa: E402  (the same distinct copies as the pipeline bench)


def stream(source: Path, n: int):
    """The sample reports cycled to ``n`` distinct documents, made one at a time (never all in memory)."""
    from eventledger import ingest

    base = [d for d in ingest.read_all([str(source)]) if isinstance(d, ingest.RawDocument)]
    if not base:
        sys.exit(f"no readable reports under {source}")
    return (_distinct(base[i % len(base)], i) for i in range(n))


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def worker_peaks_mb() -> list[int]:
    """Peak RSS of each worker process of this one (pool or Dask LocalCluster workers)."""
    peaks = []
    for child in multiprocessing.active_children():
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
        except OSError:  # not Linux: no per-process peak to read
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        peaks.append(round(kb / 1024))
    return sorted(peaks)


def workers_cpu() -> float:
    """CPU seconds used so far by this process's worker processes."""
    import psutil  # installed with distributed

    total = 0.0
    for child in multiprocessing.active_children():
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(child.pid).cpu_times()
            total += t.user + t.system
    return total


def wait_idle() -> None:
    """Until the worker processes use no CPU: loading is start-up, not throughput."""
    used = workers_cpu()
    while True:
        time.sleep(0.5)
        now = workers_cpu()
        if now - used < 0.05:
            return
        used = now


def run_mode(mode: str, source: Path, n: int, workers: int, batch: int) -> dict:
    from eventledger import nlp, parallel
    from eventledger.clean import clean
    from eventledger.pipeline import process_stream

    raws = list(stream(source, n))
    out = {"mode": mode, "docs": n, "startup": 0.0, "workers_mb": []}
    if mode == "spacy":
        import spacy

        texts = [clean(r).text for r in raws]
        model = spacy.load(nlp.MODEL_PACKAGE)
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in model.pipe(texts, batch_size=batch):
            pass
    elif mode == "serial":
        parallel.preload()  # model loading is start-up, not throughput
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in process_stream(raws):
            pass
    else:
        pool = parallel.Workers(workers, parallel.LOCAL if mode == "dask" else None, batch_size=batch)
        with pool:
            t = time.perf_counter()
            for _ in pool(raws[:2 * batch]):  # starts the workers, each loads the model
                pass
            wait_idle()  # a local pool spawns workers as work comes: the last may still be loading
            out["startup"] = round(time.perf_counter() - t, 1)
            t0, c0, w0 = time.perf_counter(), time.process_time(), workers_cpu()
            for _ in pool(raws):
                pass
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            out["workers_cpu"] = round(workers_cpu() - w0, 2)
            out["workers_mb"] = worker_peaks_mb()
            out["where"] = pool.where
        return out | {"seconds": round(secs, 2), "cpu": round(cpu, 2), "main_mb": peak_mb()}
    return out | {"seconds": round(time.perf_counter() - t0, 2), "cpu": round(time.process_time() - c0, 2),
                  "workers_cpu": 0.0, "main_mb": peak_mb()}


def run_stream(source: Path, n: int, workers: int, batch: int) -> dict:
    """A full ingest of ``n`` lazily made documents into a fresh store: the main process's peak RSS."""
    from eventledger import parallel
    from eventledger.pipeline import ingest
    from eventledger.store import Store

    docs = stream(source, n)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "scale.db") as store, \
            parallel.Workers(workers, batch_size=batch) as pool:
        before = peak_mb()
        first = list(islice(docs, 2 * batch))  # start the workers before the clock, as above
        ingest(store, first, executor=pool)
        t0 = time.perf_counter()
        summary = ingest(store, docs, executor=pool)
        secs = time.perf_counter() - t0
        assert summary.ingested == n - len(first), summary
    return {"docs": n, "seconds": round(secs, 2), "main_mb": peak_mb(), "start_mb": before}


def child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"bench/scale.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--stream", type=int, default=200, help="documents in the smaller streaming ingest")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--source", type=Path, default=ROOT / "examples")
    ap.add_argument("--no-storage", action="store_true", help="do not run bench/storage.py afterwards")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    common = ["--workers", str(args.workers), "--batch", str(args.batch), "--source", str(args.source)]
    if args.mode == "stream":
        print(json.dumps(run_stream(args.source, args.stream, args.workers, args.batch)))
        return
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.source, args.docs, args.workers, args.batch)))
        return

    rows = {m: child(["--mode", m, "--docs", str(args.docs), *common]) for m in ("spacy", "serial", "pool", "dask")}
    rate = {m: r["docs"] / r["seconds"] for m, r in rows.items()}
    print(f"processing {args.docs} documents (clean + parse + extract, no store), {args.workers} workers, "
          f"batches of {args.batch}, {multiprocessing.cpu_count()} CPUs")
    # CPU time does not depend on what else the machine runs: it shows the overhead of spreading the work
    print(f"{'mode':8s} {'docs/s':>8s} {'vs 1 proc':>9s} {'CPU ms/doc':>10s} {'of it main':>10s} {'start s':>8s} "
          f"{'main MB':>8s}  worker peak MB")
    for m, r in rows.items():
        cpu = r["cpu"] + r["workers_cpu"]
        peaks = ", ".join(map(str, r["workers_mb"])) or "-"
        print(f"{m:8s} {rate[m]:8.1f} {rate[m] / rate['serial']:8.2f}x {1000 * cpu / r['docs']:10.0f} "
              f"{r['cpu'] / cpu:10.0%} {r['startup']:8.1f} {r['main_mb']:8d}  {peaks}")
    print(f"load average while running: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"(figures compete with anything else on the machine)")
    print(f"our pipeline on 1 process / bare spaCy:   {rate['serial'] / rate['spacy']:.0%}  (target >= 80%)")
    print(f"2 local processes / 1 process:            {rate['pool'] / rate['serial']:.2f}x (target >= 1.7x)")
    print(f"Dask LocalCluster (2 workers) / 1 process: {rate['dask'] / rate['serial']:.2f}x (target >= 1.7x)")

    small = child(["--mode", "stream", "--stream", str(args.stream), *common])
    large = child(["--mode", "stream", "--stream", str(4 * args.stream), *common])
    print(f"\nstreaming ingest into SQLite on {args.workers} local processes: main-process peak RSS")
    for r in (small, large):
        print(f"{r['docs']:6d} documents: {r['main_mb']:5d} MB peak ({r['start_mb']} MB before), "
              f"{r['docs'] / r['seconds']:.1f} docs/s")
    print(f"growth from {small['docs']} to {large['docs']} documents: {large['main_mb'] - small['main_mb']:+d} MB")

    storage = ROOT / "bench" / "storage.py"
    if storage.exists() and not args.no_storage:
        print("\n## bench/storage.py (SQLite and PostgreSQL at scale)", flush=True)
        subprocess.run([sys.executable, str(storage)], check=False)


if __name__ == "__main__":
    main()
