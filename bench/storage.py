"""Storage backends side by side: ingest time, writer memory, size and search latency, SQLite vs PostgreSQL.

    .venv/bin/python bench/storage.py [--docs 10000 100000] [--pg URL] [--backends sqlite postgresql]
                                      [--queries-rounds 5]

Parsing is not measured here (bench/pipeline.py does that; 100k reports take hours to parse): the sample
reports (examples/reports) are parsed once, then N varied copies of their records are written through the
single writer's path, ``Store.add`` + ``link.on_ingest``, exactly as an ingest writes them. Each copy has a
new id, most words outside the record's spans swapped for invented words of the same length (so spans stay
true, the full-text index sees a large vocabulary and MinHash sees distinct texts), its own title, its
dates moved by up to three years and its places renamed among 2,000 towns; one copy in 50 is a near-copy of
the one before (for the duplicate finder). Every (backend, N) runs in a fresh child process, so the peak
RSS printed is the writer's alone. PostgreSQL: ``--pg`` or ``$EVENTLEDGER_TEST_PG`` (``scripts/postgres.sh``
prints one); a fresh database is made per run and dropped after.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from eventledger.store.postgres import redact

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["market", "shelling", '"North Darfur"', "prisoner swap", "Sagaing OR Taiz", "detain*", "killed civilians",
           "drone strike", "army denied", "witness", '"Rapid Support Forces"', "hospital -market"]
_SYL = ["ka", "ran", "tel", "mo", "sud", "ir", "ba", "zor", "vek", "lun", "dar", "fa", "hel", "qu", "nim", "os"]
TOWNS = [f"Town{i}" for i in range(2000)]


def extract(out: Path) -> None:
    """Parse the sample reports once and keep their records (the one spaCy step)."""
    from eventledger.cli import main

    db = out.with_suffix(".db")
    main(["ingest", str(ROOT / "examples" / "reports"), "--db", str(db), "--quiet"], standalone_mode=False)
    from eventledger.store import Store

    with Store(db) as store:
        out.write_text(json.dumps(list(store.record_dicts()), ensure_ascii=False), encoding="utf-8")


def _vocabulary(rnd: random.Random) -> dict[int, list[str]]:
    """Invented words by length, 2-14 letters, ~40k in all."""
    words: set[str] = set()
    while len(words) < 40_000:
        w = "".join(rnd.choices(_SYL, k=rnd.randint(1, 7)))
        if 2 <= len(w) <= 14:
            words.add(w)
    by_len: dict[int, list[str]] = {}
    for w in sorted(words):
        by_len.setdefault(len(w), []).append(w)
    return by_len


def _shift(day: str | None, days: int) -> str | None:
    if not day or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return day
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def vary(base: dict, i: int, rnd: random.Random, vocab: dict[int, list[str]], share: float) -> dict:
    """A copy of a record dict with new id, words, title, dates and places (spans still index the text)."""
    rec = json.loads(json.dumps(base))
    doc = rec["document"]
    covered = bytearray(len(doc["text"]) + 1)
    for item in _spans(rec):
        covered[item[0]:item[1]] = b"\x01" * (item[1] - item[0])

    def swap(m: re.Match) -> str:
        w = m.group(0)
        if any(covered[m.start():m.end()]) or len(w) not in vocab or rnd.random() > share:
            return w
        return rnd.choice(vocab[len(w)])

    doc["text"] = re.sub(r"[A-Za-z]+", swap, doc["text"])
    doc["id"] = hashlib.sha256(f"storage bench {i}".encode()).hexdigest()
    doc["title"] = re.sub(r"[A-Za-z]+", lambda m: rnd.choice(vocab.get(len(m.group(0)), [m.group(0)]))
                          if rnd.random() < 0.5 else m.group(0), doc.get("title") or "") + f" ({i})"
    doc["source"] = {"path": f"bench/{i}.txt", "url": None, "kind": "file"}
    days = rnd.randint(-3 * 365, 3 * 365)
    doc["published"] = _shift(doc.get("published"), days)
    for t in rec.get("times", []):
        t["start"], t["end"] = _shift(t.get("start"), days), _shift(t.get("end"), days)
    towns = {p["name"]: rnd.choice(TOWNS) for p in rec.get("places", [])}
    for p in rec.get("places", []):
        p["name"] = towns[p["name"]]
        if p.get("lat") is not None:
            p["lat"], p["lon"] = p["lat"] + rnd.uniform(-2, 2), p["lon"] + rnd.uniform(-2, 2)
    for ev in rec.get("events", []):
        ev["start"], ev["end"] = _shift(ev.get("start"), days), _shift(ev.get("end"), days)
        ev["place"] = towns.get(ev.get("place"), ev.get("place"))
    return rec


def _spans(rec: dict):
    for kind in ("entities", "places"):
        for item in rec.get(kind, []):
            for m in item.get("mentions", []):
                yield m["span"]
    for kind in ("times", "quotes", "attributions", "events"):
        for item in rec.get(kind, []):
            if item.get("span"):
                yield item["span"]
            if item.get("claim_span"):
                yield item["claim_span"]
            for n in item.get("numbers", []) or []:
                if n.get("span"):
                    yield n["span"]


def write(target: str, records: Path, n: int, rounds: int) -> dict:
    """Child process: write n varied copies through the single writer, then time the fixed searches."""
    from eventledger import link
    from eventledger.record import Record
    from eventledger.store import Store

    bases = json.loads(records.read_text(encoding="utf-8"))
    rnd = random.Random(0)
    vocab = _vocabulary(rnd)
    prep = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    with Store(target) as store:
        prev = None
        for i in range(n):
            p0 = time.perf_counter()
            if prev is not None and i % 50 == 0:  # a near-copy of the report before
                d = vary(prev, i, rnd, vocab, share=0.03)
            else:
                d = vary(bases[i % len(bases)], i, rnd, vocab, share=0.6)
            rec = Record.from_dict(d)
            original = rec.document.text.encode()
            prep += time.perf_counter() - p0
            store.add(rec, original, "text/plain")
            res = link.on_ingest(store, rec)
            if res.error:
                raise SystemExit(f"linking failed: {res.error}")
            prev = d
            if (i + 1) % 10_000 == 0:  # progress on stderr: 100k reports take about an hour
                print(f"  {i + 1} reports, {time.perf_counter() - t0 - prep:.0f} s", file=sys.stderr, flush=True)
        wall = time.perf_counter() - t0 - prep
        cpu = time.process_time() - c0 - prep  # the writer's own CPU: what a busy machine does not inflate
        lat = []
        for _ in range(rounds):
            for q in QUERIES:
                s = time.perf_counter()
                store.search(q, 20)
                lat.append(time.perf_counter() - s)
        if store.dialect == "postgresql":
            size = store.db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        else:
            size = sum(f.stat().st_size for f in Path(store.path).parent.glob(Path(store.path).name + "*"))
    return {"wall": wall, "cpu": cpu, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "size": size,
            "p95": statistics.quantiles(lat, n=20)[-1], "median": statistics.median(lat)}


def _run(target: str, records: Path, n: int, rounds: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", target, str(records), str(n), str(rounds)],
                         stdout=subprocess.PIPE, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"writing {n} reports into {target.split('@')[-1]} failed (its error is above)")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[10_000])
    ap.add_argument("--pg", default=os.environ.get("EVENTLEDGER_TEST_PG"), help="PostgreSQL server URL")
    ap.add_argument("--queries-rounds", type=int, default=5)
    ap.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    ap.add_argument("--keep", type=Path, metavar="DIR", help="keep the stores (SQLite files in DIR, PostgreSQL"
                    " databases on the server) to time other queries on them")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        target, records, n, rounds = args.child
        print(json.dumps(write(target, Path(records), int(n), int(rounds))))
        return
    print("storage: N varied copies of the sample reports' records written through the single writer's path"
          " (Store.add + link.on_ingest, one transaction each); parsing not included (see bench/pipeline.py)")
    print(f"search: {len(QUERIES)} fixed queries x {args.queries_rounds} rounds, 20 hits each, at N documents")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records.json"
        extract(records)
        print(f"{'docs':>8}  {'backend':<10} {'wall s':>8} {'docs/s':>8} {'writer CPU s':>13} {'writer RSS MB':>14}"
              f" {'DB MB':>8}"
              f" {'search p95 ms':>14} {'median ms':>10}", flush=True)
        for n in args.docs:
            where = args.keep or Path(tmp)
            rows = [("sqlite", str(where / f"bench{n}.db"))] if "sqlite" in args.backends else []
            admin = None
            if args.pg and "postgresql" in args.backends:
                import psycopg

                admin = psycopg.connect(urlsplit(args.pg)._replace(path="/postgres").geturl(), autocommit=True)
                name = f"el_bench_{uuid.uuid4().hex[:8]}"
                admin.execute(f"CREATE DATABASE {name}")
                rows.append(("postgresql", urlsplit(args.pg)._replace(path="/" + name).geturl()))
            try:
                for backend, target in rows:
                    r = _run(target, records, n, args.queries_rounds)
                    print(f"{n:>8}  {backend:<10} {r['wall']:>8.1f} {n / r['wall']:>8.0f} {r['cpu']:>13.0f}"
                          f" {r['rss'] / 2**20:>14.0f}"
                          f" {r['size'] / 2**20:>8.0f} {r['p95'] * 1000:>14.1f} {r['median'] * 1000:>10.1f}",
                          flush=True)
            finally:
                if args.keep:
                    print("kept: " + ", ".join(redact(t) for _, t in rows), flush=True)
                if admin is not None:
                    if not args.keep:
                        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    admin.close()
            if not args.pg and "postgresql" in args.backends:
                print(f"{n:>8}  postgresql (no server: pass --pg URL or set EVENTLEDGER_TEST_PG)", flush=True)


if __name__ == "__main__":
    main()
