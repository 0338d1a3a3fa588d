"""p95 latency of the web app's search and events pages and API on a store of synthetic rows.

    .venv/bin/python bench/web.py [DOCS] [--events-per-doc 10] [--requests 60] [--db PATH]

Rows are written straight into the tables (no spaCy, no records beyond what the pages read), then
each page and API call is requested in-process through FastAPI's TestClient with varied queries.
The issue's target is p95 <= 200 ms for search and event pages (100k documents, 1M events).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from eventledger.store import Store
from eventledger.web import auth
from eventledger.web.app import create_app

WORDS = [f"w{i}" for i in range(5000)] + ["shelling", "airstrike", "detained", "protest", "convoy", "hospital"]
TYPES = ["ASSAULT", "COERCE", "PROTEST", "AID", "ACCUSE", "AGREE", "RETREAT", "MOBILIZE"]
ACTORS = [f"Group {i}" for i in range(300)]
PLACES = [f"Town{i}" for i in range(3000)]
PASSWORD = "bench password"


def fill(store: Store, docs: int, per_doc: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    db = store.db
    db.execute("BEGIN")
    for n in range(docs):
        doc_id = f"{n:064x}"
        text = " ".join(rnd.choices(WORDS, k=300))
        day = f"20{rnd.randint(15, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        db.execute("INSERT INTO documents (id, source_kind, title, outlet, published, text, pipeline, model,"
                   " record_version, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (doc_id, "txt", " ".join(rnd.choices(WORDS, k=6)), "Bench Wire", day, text, "bench", "bench",
                    "1.1", day))
        db.executemany(
            "INSERT INTO events (doc_id, id, type, actor, target, place, start, end, evidence, modality,"
            " fatalities, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, f"V{i}", rnd.choice(TYPES), rnd.choice(ACTORS), rnd.choice(ACTORS), rnd.choice(PLACES),
              day, day, text[:120], "asserted", rnd.choice([None, None, 1, 3, 12]), round(rnd.random(), 2))
             for i in range(per_doc)])
        if n % 20 == 0:
            db.execute("INSERT INTO restricted_documents VALUES (?)", (doc_id,))
    db.execute("COMMIT")
    auth.add_user(db, "bench", "viewer", PASSWORD)


def p95(client: TestClient, urls: list[str]) -> tuple[float, float]:
    times = []
    for url in urls:
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", type=int, nargs="?", default=10_000)
    ap.add_argument("--events-per-doc", type=int, default=10)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--db", type=Path, help="reuse or keep the store here (filled only if empty)")
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    with Store(path) as store:
        if store.count() == 0:
            t = time.perf_counter()
            fill(store, args.docs, args.events_per_doc)
            print(f"filled {args.docs} documents, {args.docs * args.events_per_doc} events"
                  f" in {time.perf_counter() - t:.1f} s")
    client = TestClient(create_app(path))
    client.post("/api/login", json={"name": "bench", "password": PASSWORD}).raise_for_status()
    rnd = random.Random(1)
    k = args.requests

    def word() -> str:
        return rnd.choice(WORDS[:200] + WORDS[-6:])

    cases = {
        "search page (words)": [f"/search?q={word()}" for _ in range(k)],
        "search page (words + type + dates)": [f"/search?q={word()}&type={rnd.choice(TYPES)}&since=2020-01-01"
                                               f"&until=2021-12-31" for _ in range(k)],
        "search page (no words, actor)": [f"/search?actor={rnd.choice(ACTORS)}" for _ in range(k)],
        "api search": [f"/api/search?q={word()}&limit=50" for _ in range(k)],
        "events page (default)": [f"/events?offset={rnd.randint(0, 20) * 50}" for _ in range(k)],
        "events page (type, sorted by confidence)": [f"/events?type={rnd.choice(TYPES)}&sort=confidence&dir=desc"
                                                     for _ in range(k)],
        "events page (actor + place)": [f"/events?actor={rnd.choice(ACTORS)}&place={rnd.choice(PLACES)}"
                                        for _ in range(k)],
        "api events (type, dates)": [f"/api/events?type={rnd.choice(TYPES)}&since=2019-01-01&until=2019-06-30"
                                     for _ in range(k)],
    }
    print(f"{'request':45} {'median ms':>10} {'p95 ms':>10}")
    for name, urls in cases.items():
        med, p = p95(client, urls)
        print(f"{name:45} {med:10.1f} {p:10.1f}")


if __name__ == "__main__":
    main()
