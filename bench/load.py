"""A bounded load test of the web app on 127.0.0.1: concurrent searches and reviews while another
process ingests into the same store. Nothing may fail and no review may be lost.

    .venv/bin/python bench/load.py [--threads 8] [--seconds 20] [--reports 60]

It fills a temporary store with ``examples/reports``, serves it with ``eventledger serve`` on a free
port, and runs THREADS clients (each logged in: a viewer searching or an analyst reviewing) for
SECONDS while ``eventledger ingest`` adds REPORTS generated reports. At the end it asserts: no HTTP
error, every review answered 200 is in the audit log, and ``eventledger check`` passes; then prints
requests/s and p50/p95 latencies per kind of request. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

from eventledger.store import Store
from eventledger.web import auth

ROOT = Path(__file__).resolve().parent.parent
CLI = [str(Path(sys.executable).with_name("eventledger"))]  # the console script: -m would import cli twice
PASSWORD = "load test password"
WORDS = ["shelling", "market", "detained", "hospital", "convoy", "airstrike", "protest", "killed", "village"]
# invented actors and places, so the generated reports exercise extraction without copying anyone's text
ACTORS = ["the Northern Brigade", "government forces", "the Sahel Front", "police", "an armed group"]
PLACES = ["Aleppo", "Mosul", "Taiz", "Kharkiv", "El Fasher", "Sagaing", "Idlib", "Marib"]
VERBS = ["shelled", "raided", "attacked", "surrounded", "bombed"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(folder: Path, n: int, seed: int = 11) -> None:
    """``n`` short invented wire reports, each different (so none is skipped as already ingested)."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        actor, place, verb = rnd.choice(ACTORS), rnd.choice(PLACES), rnd.choice(VERBS)
        killed = rnd.randint(1, 30)
        text = (f"{actor.capitalize()} {verb} a market in {place} on {rnd.randint(1, 28)} March 2023,"
                f" killing {killed} civilians, residents said. Report number {i}.\n\n"
                f'"We heard the planes before dawn," said a resident who gave her name as Layla {i}.'
                f" A local monitor said {rnd.randint(2, 9)} people were detained after the {verb[:-2]}ing.")
        (folder / f"gen_{i:04d}.txt").write_text(text, encoding="utf-8")


def wait_for(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url} within {timeout} s")


class Client(threading.Thread):
    """One user: logs in, then searches (viewer) or reviews items from the queue (analyst) until the deadline."""

    def __init__(self, base: str, n: int, deadline: float):
        super().__init__(daemon=True)
        self.base, self.n, self.deadline = base, n, deadline
        self.reviewer = n % 2 == 0
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.reviews: list[str] = []  # the comments of the reviews the server accepted
        self.rnd = random.Random(n)

    def call(self, http: httpx.Client, kind: str, method: str, url: str, **kw) -> httpx.Response | None:
        t = time.perf_counter()
        try:
            r = http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.errors.append(f"{method} {url}: {type(exc).__name__} {exc}")
            return None
        self.times[kind].append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            self.errors.append(f"{method} {url}: {r.status_code} {r.text[:200]}")
            return None
        return r

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            name = "analyst" if self.reviewer else "viewer"
            r = self.call(http, "login", "POST", "/api/login", json={"name": name, "password": PASSWORD})
            if r is None:
                return
            http.headers["X-CSRF-Token"] = r.json()["csrf"]
            i = 0
            while time.monotonic() < self.deadline:
                i += 1
                word = self.rnd.choice(WORDS)
                choice = self.rnd.random()
                if self.reviewer and choice < 0.5:
                    self.review(http, i)
                elif choice < 0.7:
                    self.call(http, "search api", "GET", "/api/search", params={"q": word})
                elif choice < 0.85:
                    self.call(http, "search page", "GET", "/search", params={"q": word})
                else:
                    self.call(http, "events api", "GET", "/api/events",
                              params={"sort": self.rnd.choice(["date", "confidence"]), "limit": 50})

    def review(self, http: httpx.Client, i: int) -> None:
        r = self.call(http, "queue", "GET", "/api/review/queue", params={"limit": 20})
        if r is None or not r.json()["items"]:
            return
        item = self.rnd.choice(r.json()["items"])
        comment = f"load-{self.n}-{i}"
        body = {"doc_id": item["doc_id"], "kind": item["kind"], "item_id": item["id"],
                "action": self.rnd.choice(["accept", "reject"]), "comment": comment}
        if self.call(http, "review", "POST", "/api/review", json=body) is not None:
            self.reviews.append(comment)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--reports", type=int, default=60, help="generated reports ingested during the run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eventledger-load-"))
    db = tmp / "load.db"
    print(f"store {db}")
    subprocess.run([*CLI, "ingest", str(ROOT / "examples" / "reports"), "--db", str(db), "-q"], check=True)
    with Store(db) as st:
        auth.add_user(st.db, "analyst", "analyst", PASSWORD)
        auth.add_user(st.db, "viewer", "viewer", PASSWORD)
        before = st.count()
    generate(tmp / "batch", args.reports)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ingest = None
    try:
        wait_for(base + "/login")
        ingest = subprocess.Popen([*CLI, "ingest", str(tmp / "batch"), "--db", str(db), "-q"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        start = time.monotonic()
        clients = [Client(base, n, start + args.seconds) for n in range(args.threads)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(args.seconds + 60)
        elapsed = time.monotonic() - start
        ingest_out = ingest.communicate(timeout=600)[0].decode(errors="replace")
        ingest_ok = ingest.returncode == 0
    finally:
        for proc in (ingest, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(10)
    failures: list[str] = [e for c in clients for e in c.errors]
    if not ingest_ok:
        failures.append(f"ingest exited {ingest.returncode}: {ingest_out[-500:]}")
    written = {x for c in clients for x in c.reviews}
    con = sqlite3.connect(db)
    logged = {r[0] for r in con.execute("SELECT comment FROM audit_log WHERE comment LIKE 'load-%'")}
    after = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    lost = written - logged
    if lost:
        failures.append(f"{len(lost)} reviews answered 200 but missing from the audit log: {sorted(lost)[:5]}")
    check = subprocess.run([*CLI, "check", "--db", str(db)], capture_output=True, text=True)
    if check.returncode != 0:
        failures.append(f"eventledger check failed: {check.stdout[-1000:]}{check.stderr[-500:]}")

    times: dict[str, list[float]] = defaultdict(list)
    for c in clients:
        for kind, ts in c.times.items():
            times[kind].extend(ts)
    total = sum(len(ts) for ts in times.values())
    print(f"{args.threads} clients for {elapsed:.1f} s while ingesting {args.reports} reports"
          f" ({before} -> {after} documents)")
    print(f"{total} requests, {total / elapsed:.1f} requests/s, {len(written)} reviews written,"
          f" {len(logged)} in the audit log")
    allts = sorted(t for ts in times.values() for t in ts)
    for kind, ts in sorted(times.items()) + [("all", allts)]:
        ts = sorted(ts)
        print(f"  {kind:12} n={len(ts):5}  p50 {statistics.median(ts):7.1f} ms"
              f"  p95 {ts[int(0.95 * (len(ts) - 1))]:7.1f} ms")
    for f in failures[:20]:
        print("FAIL", f)
    print("OK: no errors, no lost writes, check passed" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
