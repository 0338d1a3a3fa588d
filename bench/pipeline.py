"""Throughput and peak memory of the pipeline next to spaCy's own ``nlp.pipe`` on the same texts.

    .venv/bin/python bench/pipeline.py [--docs 300] [--source examples/]

The corpus is the sample reports repeated (each copy made distinct, so none is skipped as a
duplicate). Each mode runs in its own process so that peak memory is that mode's alone:
- spacy:    the bare model's ``nlp.pipe`` on the cleaned texts (the floor we cannot beat);
- extract:  clean + parse + all extractors, no store;
- ingest:   the whole ``eventledger ingest`` path into a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(source: Path, n: int):
    """RawDocuments: the sample reports, cycled to ``n`` distinct documents."""
    from eventledger import ingest

    base = [d for d in ingest.read_all([str(source)]) if isinstance(d, ingest.RawDocument)]
    if not base:
        sys.exit(f"no readable reports under {source}")
    return [_distinct(base[i % len(base)], i) for i in range(n)]


def _distinct(raw, i: int):
    """A copy with different bytes (so not a duplicate) and the same words to analyse."""
    from eventledger.ingest import RawDocument

    tail = f"\n<!-- copy {i} -->\n" if raw.media_type == "text/html" else f"\n\nCopy {i}.\n"
    data = raw.data + tail.encode() if raw.media_type.startswith("text/") else raw.data
    return RawDocument(data=data, source=raw.source, media_type=raw.media_type, meta=dict(raw.meta),
                       encoding=raw.encoding)


def run_mode(mode: str, source: Path, n: int) -> dict:
    import spacy

    from eventledger import nlp
    from eventledger.clean import clean
    from eventledger.pipeline import ingest, process_stream
    from eventledger.store import Store

    raws = corpus(source, n)
    texts = [clean(r).text for r in raws]
    # model loading is start-up, not throughput: load before the clock starts
    model = spacy.load(nlp.MODEL_PACKAGE) if mode == "spacy" else nlp.load()
    if mode != "spacy":
        from eventledger.extract.gazetteer import gazetteer

        gazetteer()
    t0 = time.perf_counter()
    if mode == "spacy":  # the bare model, without eventledger's components
        for _ in model.pipe(texts, batch_size=32):
            pass
    elif mode == "extract":
        for _ in process_stream(raws):
            pass
    elif mode == "ingest":
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as st:
            summary = ingest(st, raws)
            assert summary.ingested == n, summary
    secs = time.perf_counter() - t0
    return {"mode": mode, "docs": n, "words": sum(len(t.split()) for t in texts), "seconds": round(secs, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--source", type=Path, default=ROOT / "examples")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.source, args.docs)))
        return
    rows = []
    for mode in ("spacy", "extract", "ingest"):
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--docs", str(args.docs),
                              "--source", str(args.source)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = rows[0]["docs"] / rows[0]["seconds"]
    print(f"{'mode':8s} {'docs':>6s} {'seconds':>8s} {'docs/s':>8s} {'words/s':>8s} {'vs spaCy':>8s} {'peak MB':>8s}")
    for r in rows:
        rate = r["docs"] / r["seconds"]
        print(f"{r['mode']:8s} {r['docs']:6d} {r['seconds']:8.2f} {rate:8.1f} {r['words'] / r['seconds']:8.0f} "
              f"{rate / base:8.0%} {r['peak_mb']:8d}")


if __name__ == "__main__":
    main()
