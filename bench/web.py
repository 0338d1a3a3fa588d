"""p95 latency of the web app's search and events pages and API on a store of synthetic rows.

    .venv/bin/python bench/web.py [DOCS] [--events-per-doc 10] [--requests 60] [--db PATH|URL] [--fill-only]

Rows are written straight into the tables (no spaCy, no records: the event page then shows each report's
evidence without its sentence), then each page and API call is requested in-process through FastAPI's
TestClient with varied queries. The issue's target is p95 <= 200 ms for search and event pages; the full size is
``bench/web.py 100000 --db /tmp/web100k.db`` (100k documents, 1M events; filling takes several minutes).
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
_SYL = ["ka", "ran", "tel", "mo", "sud", "ir", "ba", "zor", "vek", "lun", "dar", "fa", "hel", "qu", "nim", "os"]
_rnd = random.Random(3)
# invented names of a few syllables each, so name words are as varied as real ones (not one shared word)
ACTORS = sorted({" ".join("".join(_rnd.choices(_SYL, k=_rnd.randint(2, 3))).capitalize() for _ in range(2))
                 for _ in range(300)})
PLACES = sorted({"".join(_rnd.choices(_SYL, k=3)).capitalize() for _ in range(3000)})
COORDS = {p: (round(_rnd.uniform(10, 40), 4), round(_rnd.uniform(20, 50), 4)) for p in PLACES}  # (lat, lon)
OUTLETS = [f"{w.capitalize()} {k}" for w in _SYL for k in ("Wire", "Times", "Radio")][:40]
SORTS = ("date", "type", "actor", "target", "place", "fatalities", "confidence")
PASSWORD = "bench password"


def fill(store: Store, docs: int, per_doc: int, seed: int = 7) -> None:
    """Documents, events (a fifth undated, most located), quotes, actor profiles with their events and reports,
    event clusters of three reports and syndicated copies, written straight into the tables."""
    rnd = random.Random(seed)
    db = store.db
    db.execute("BEGIN")
    db.executemany("INSERT INTO profiles (id, type, name, kind) VALUES (?,?,?,?)",
                   [(i + 1, "ORG", a, "armed_group") for i, a in enumerate(ACTORS)])
    profile = {a: i + 1 for i, a in enumerate(ACTORS)}
    for n in range(1, docs + 1):
        doc_id = f"{n:064x}"
        text = " ".join(rnd.choices(WORDS, k=300))
        day = f"20{rnd.randint(15, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        db.execute("INSERT INTO documents (id, source_kind, title, outlet, published, text, pipeline, model,"
                   " record_version, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (doc_id, "txt", " ".join(rnd.choices(WORDS, k=6)), rnd.choice(OUTLETS), day, text, "bench",
                    "bench", "1.1", day))
        events, pes = [], []
        for i in range(per_doc):
            actor, target, place = rnd.choice(ACTORS), rnd.choice(ACTORS), rnd.choice(PLACES)
            lat, lon = COORDS[place] if rnd.random() < 0.8 else (None, None)
            start = day if rnd.random() < 0.8 else None
            events.append((doc_id, f"V{i}", rnd.choice(TYPES), actor, target, place, lat, lon, start, start,
                           f"{actor} {rnd.choice(WORDS)} {target} in {place}: " + text[:80], "asserted",
                           rnd.choice([None, None, 1, 3, 12]), round(rnd.random(), 2)))
            pes += [(profile[actor], doc_id, f"V{i}", "actor"), (profile[target], doc_id, f"V{i}", "target")]
        db.executemany(
            "INSERT INTO events (doc_id, id, type, actor, target, place, lat, lon, start, \"end\", evidence, modality,"
            " fatalities, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", events)
        db.executemany("INSERT INTO profile_events VALUES (?,?,?,?) ON CONFLICT DO NOTHING", pes)
        names = {e[3] for e in events} | {e[4] for e in events}
        db.executemany("INSERT INTO entity_profiles (doc_id, entity_id, profile_id, name) VALUES (?,?,?,?)",
                       [(doc_id, f"E{k}", profile[a], a) for k, a in enumerate(sorted(names))])
        speakers = sorted(names)[:2]
        db.executemany("INSERT INTO quotes (doc_id, id, text, speaker, kind, confidence) VALUES (?,?,?,?,?,?)",
                       [(doc_id, f"Q{k}", " ".join(rnd.choices(WORDS, k=20)), sp, "direct", 0.8)
                        for k, sp in enumerate(speakers)])
        if n % 3 == 0:  # three reports of one event
            cluster = n // 3
            db.executemany("INSERT INTO event_clusters VALUES (?,?,?,?)",
                           [(cluster, f"{m:064x}", "V0", 0.9) for m in (n - 2, n - 1, n)])
        if n % 10 == 0:  # a syndicated copy of the report before it
            db.execute("INSERT INTO duplicates VALUES (?,?,?)", (doc_id, f"{n - 1:064x}", 0.95))
        if n % 20 == 0:
            db.execute("INSERT INTO restricted_documents VALUES (?)", (doc_id,))
    db.executemany("INSERT INTO org_parents VALUES (?,?,?,?,?,?)",  # units of the larger groups
                   [(i, 1 + i % 20, f"{1:064x}", 0, 10, "operates as part of") for i in range(21, 60)])
    db.execute("COMMIT")
    db.execute("ANALYZE")
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
    ap.add_argument("--db", help="reuse or keep the store here, a SQLite file or a postgresql:// URL (filled only"
                    " if empty)")
    ap.add_argument("--fill-only", action="store_true", help="build the store and stop")
    args = ap.parse_args()
    path = args.db or str(Path(tempfile.mkdtemp()) / "bench.db")
    with Store(path) as store:
        if store.count() == 0:
            t = time.perf_counter()
            fill(store, args.docs, args.events_per_doc)
            print(f"filled {args.docs} documents, {args.docs * args.events_per_doc} events"
                  f" in {time.perf_counter() - t:.1f} s")
    if args.fill_only:
        return
    client = TestClient(create_app(path))
    client.post("/api/login", json={"name": "bench", "password": PASSWORD}).raise_for_status()
    rnd = random.Random(1)
    k = args.requests

    def word() -> str:
        return rnd.choice(WORDS[:200] + WORDS[-6:])

    with Store(path) as store:  # events of clusters, and the busiest actors' profiles, to ask for
        clustered = [tuple(r) for r in store.db.execute(
            "SELECT doc_id, event_id FROM event_clusters WHERE doc_id NOT IN (SELECT doc_id FROM restricted_documents)"
            " ORDER BY cluster_id LIMIT 2000")]
        profiles = [r[0] for r in store.db.execute("SELECT id FROM profiles ORDER BY id LIMIT 300")]
        some_events = [tuple(r) for r in store.db.execute(
            "SELECT doc_id, id FROM events WHERE doc_id IN (SELECT id FROM documents ORDER BY n DESC LIMIT 500)"
            " AND doc_id NOT IN (SELECT doc_id FROM restricted_documents)")]
    actor = lambda: rnd.choice(ACTORS)  # noqa: E731
    cases = {
        "search page (nothing: the landing page)": ["/search" for _ in range(max(5, k // 6))],
        "search page (words)": [f"/search?q={word()}" for _ in range(k)],
        "search page (words + type + dates)": [f"/search?q={word()}&type={rnd.choice(TYPES)}&since=2020-01-01"
                                               f"&until=2021-12-31" for _ in range(k)],
        "search page (words + outlet)": [f"/search?q={word()}&outlet={rnd.choice(OUTLETS)}" for _ in range(k)],
        "search page (no words, actor)": [f"/search?actor={actor()}" for _ in range(k)],
        "search page (no words, outlet + dates)": [f"/search?outlet={rnd.choice(OUTLETS)}&since=2019-01-01"
                                                   f"&until=2019-12-31" for _ in range(k)],
        "search quotes (words)": [f"/search?kind=quotes&q={word()}" for _ in range(k)],
        "search events (words)": [f"/search?kind=events&q={word()}" for _ in range(k)],
        "search events (words + type + outlet)": [f"/search?kind=events&q={word()}&type={rnd.choice(TYPES)}"
                                                  f"&outlet={rnd.choice(OUTLETS)}" for _ in range(k)],
        "api search": [f"/api/search?q={word()}&limit=50" for _ in range(k)],
        "events page (default)": [f"/events?offset={rnd.randint(0, 20) * 50}" for _ in range(k)],
        **{f"events page (sort {key} {d})": [f"/events?sort={key}&dir={d}&offset={rnd.randint(0, 20) * 50}"
                                             for _ in range(k // 3)]
           for key in SORTS for d in ("asc", "desc")},
        "events page (type, sorted by confidence)": [f"/events?type={rnd.choice(TYPES)}&sort=confidence&dir=desc"
                                                     for _ in range(k)],
        "events page (actor + place)": [f"/events?actor={actor()}&place={rnd.choice(PLACES)}" for _ in range(k)],
        "events page (outlet + dates)": [f"/events?outlet={rnd.choice(OUTLETS)}&since=2019-01-01&until=2019-06-30"
                                         for _ in range(k)],
        "events page (dates, sorted by fatalities)": [f"/events?since=2019-01-01&until=2019-06-30&sort=fatalities"
                                                      f"&dir={rnd.choice(['asc', 'desc'])}" for _ in range(k // 3)],
        "api events (type, dates)": [f"/api/events?type={rnd.choice(TYPES)}&since=2019-01-01&until=2019-06-30"
                                     for _ in range(k)],
        "event detail (in a cluster)": [f"/events/{d}/{e}" for d, e in rnd.sample(clustered, min(k, len(clustered)))],
        "event detail (alone)": [f"/events/{d}/{e}" for d, e in rnd.sample(some_events, min(k, len(some_events)))],
        "api event detail": [f"/api/events/{d}/{e}" for d, e in rnd.sample(clustered, min(k, len(clustered)))],
        "actors list (search)": [f"/actors?q={actor().split()[0][:4]}" for _ in range(k)],
        "actor page": [f"/actors/{rnd.choice(profiles)}" for _ in range(k)],
        "api actor": [f"/api/actors/{rnd.choice(profiles)}" for _ in range(k)],
        "map (everything)": ["/map" for _ in range(max(5, k // 6))],
        "map (type)": [f"/map?type={rnd.choice(TYPES)}" for _ in range(max(5, k // 6))],
        "map (one place -> events)": [f"/events?at={p}&bbox={COORDS[p][1] - 0.001},{COORDS[p][0] - 0.001},"
                                      f"{COORDS[p][1] + 0.001},{COORDS[p][0] + 0.001}"
                                      for p in rnd.sample(PLACES, k)],
    }
    print(f"{'request':45} {'median ms':>10} {'p95 ms':>10}")
    for name, urls in cases.items():
        med, p = p95(client, urls)
        print(f"{name:45} {med:10.1f} {p:10.1f}")


if __name__ == "__main__":
    main()
