"""Crash safety with the web app writing: an ingest and the server killed together lose no acknowledged review.

An analyst posts reviews through the API of a real ``eventledger serve`` while a real ``eventledger
ingest`` writes into the same store; both processes get SIGKILL at about the same moment (no cleanup
runs). Every review the server answered 2xx must then be in the audit log, the store must pass
``eventledger check`` with no half-written document, and a rerun of the ingest must complete the batch
without duplicates. Localhost only, seeded, a few rounds.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_crash import documents  # the same read-only count both crash tests poll

httpx = pytest.importorskip("httpx", reason="the review client needs httpx")
pytest.importorskip("uvicorn", reason="eventledger serve needs uvicorn; install it to test crashes under the web app")
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("eventledger")  # the installed console script, as users run it
SEEDS = (7, 1913, 424242)
REPORTS = 20
PASSWORD = "crash test password"
ACTORS = ["Government forces", "The Eastern Brigade", "Rebel fighters", "Police", "An armed group"]
VERBS = ["shelled", "raided", "attacked", "bombed", "stormed"]
PLACES = ["Tel Hamid", "Kafr Suda", "Bir Saba", "Ain Qasr", "Deir Mahal"]


def run(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], input=stdin, capture_output=True, text=True, timeout=timeout)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([str(CLI), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_reports(folder: Path, rng: random.Random) -> dict[str, bytes]:
    """REPORTS distinct short invented reports, one file each; returns sha256 -> bytes."""
    folder.mkdir()
    out = {}
    for i in range(REPORTS):
        text = (f"{rng.choice(ACTORS)} {rng.choice(VERBS)} the village of {rng.choice(PLACES)} on Monday, "
                f"killing {rng.randint(2, 40)} civilians, residents said. Report {i}.\n\n"
                f"\"We buried our neighbours,\" said Nour Haddad {i}, a teacher.")
        data = text.encode()
        (folder / f"crash-{i:02d}.txt").write_bytes(data)
        out[hashlib.sha256(data).hexdigest()] = data
    return out


class Analyst(threading.Thread):
    """Reviews items from the queue until stopped; keeps the comment of every review answered 2xx."""

    def __init__(self, base: str, seed: int):
        super().__init__(daemon=True)
        self.base, self.rng = base, random.Random(seed)
        self.acked: list[str] = []
        self.errors: list[str] = []  # non-2xx answers: the server was up and still refused
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, timeout=10) as http:
                r = http.post("/api/login", json={"name": "analyst", "password": PASSWORD})
                r.raise_for_status()
                http.headers["X-CSRF-Token"] = r.json()["csrf"]
                i = 0
                while not self.stop.is_set():
                    q = http.get("/api/review/queue", params={"limit": 20})
                    if q.status_code != 200 or not q.json()["items"]:
                        self.errors += [] if q.status_code == 200 else [f"queue {q.status_code}: {q.text[:200]}"]
                        continue
                    item = self.rng.choice(q.json()["items"])
                    i += 1
                    comment = f"crash-web-{i}"
                    r = http.post("/api/review", json={"doc_id": item["doc_id"], "kind": item["kind"],
                                                       "item_id": item["id"], "comment": comment,
                                                       "action": self.rng.choice(["accept", "reject"])})
                    if r.is_success:
                        self.acked.append(comment)
                    else:
                        self.errors.append(f"review {r.status_code}: {r.text[:200]}")
        except httpx.TransportError:  # the server was killed mid-request: that review was not acknowledged
            pass


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and server.poll() is None:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"eventledger serve did not answer at {url} (exit code {server.poll()})")


def crash_round(store: Path, batch: Path, rng: random.Random) -> tuple[int, int, int]:
    """Serve ``store``, ingest ``batch`` into it while an analyst reviews, SIGKILL both; returns
    (documents before, documents at the kill, reviews acknowledged) after checking nothing was lost."""
    before = documents(store)
    port = free_port()
    server = start("serve", "--db", str(store), "--port", str(port))
    ingest = analyst = None
    try:
        wait_for(f"http://127.0.0.1:{port}/login", server)
        analyst = Analyst(f"http://127.0.0.1:{port}", rng.randrange(2**32))
        analyst.start()
        ingest = start("ingest", str(batch), "--db", str(store), "-q")
        # kill once the ingest has stored a random few documents (while it writes), or after a random
        # delay if it is slower than that; the analyst has been reviewing all along
        target, deadline = before + rng.randint(1, REPORTS // 2), time.monotonic() + rng.uniform(4, 12)
        while time.monotonic() < deadline and ingest.poll() is None and documents(store) < target:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.01))
        analyst_errors = list(analyst.errors)  # before the kill: the server answered nothing but 2xx
        for proc in (ingest, server):
            proc.send_signal(signal.SIGKILL)
    finally:
        for proc in (ingest, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
            if proc is not None:
                proc.wait(timeout=30)
        if analyst is not None:
            analyst.stop.set()
            analyst.join(timeout=15)
    assert analyst_errors == []
    at_kill = documents(store)

    con = sqlite3.connect(store)
    logged = {r[0] for r in con.execute("SELECT comment FROM audit_log WHERE comment LIKE 'crash-web-%'")}
    half = con.execute(
        "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.doc_id = d.id)"
        " OR NOT EXISTS (SELECT 1 FROM originals o WHERE o.doc_id = d.id)"
        " OR NOT EXISTS (SELECT 1 FROM spans s WHERE s.doc_id = d.id)").fetchall()
    con.close()
    acked = set(analyst.acked)
    assert acked, "no review was acknowledged before the kill: the round tested nothing"
    assert acked <= logged, f"{len(acked - logged)} acknowledged reviews lost: {sorted(acked - logged)[:5]}"
    assert half == []
    check = run("check", "--db", str(store))
    assert check.returncode == 0 and check.stdout.startswith("ok: "), check.stdout + check.stderr
    return before, at_kill, len(acked)


def test_killing_ingest_and_server_together_loses_no_acknowledged_review_and_a_rerun_completes(tmp_path):
    samples = tmp_path / "samples"  # a few of the project's sample reports, with their metadata
    samples.mkdir()
    for p in sorted((ROOT / "examples" / "reports").glob("*.txt"))[:3]:
        shutil.copy(p, samples)
        if p.with_suffix(".meta.json").exists():
            shutil.copy(p.with_suffix(".meta.json"), samples)
    prefilled = tmp_path / "prefilled.db"
    assert run("ingest", str(samples), "--db", str(prefilled), "-q").returncode == 0
    added = run("user", "add", "analyst", "--role", "analyst", "--password-stdin", "--db", str(prefilled),
                stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stdout + added.stderr
    base = documents(prefilled)

    mid_batch = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        round_dir = tmp_path / f"round-{seed}"
        round_dir.mkdir()
        store = round_dir / "ledger.db"
        src, dst = sqlite3.connect(prefilled), sqlite3.connect(store)
        src.backup(dst)  # a consistent copy, whatever -wal file the pre-fill left
        src.close()
        dst.close()
        inputs = write_reports(round_dir / "batch", rng)

        before, at_kill, acked = crash_round(store, round_dir / "batch", rng)
        print(f"seed {seed}: {acked} reviews acknowledged and found; documents {before} -> {at_kill} at the kill")
        assert before == base
        mid_batch += at_kill < base + REPORTS

        rerun = run("ingest", str(round_dir / "batch"), "--db", str(store), "-q")
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        con = sqlite3.connect(store)
        stored = {r[0]: bytes(r[1]) for r in con.execute("SELECT doc_id, bytes FROM originals")}
        failures = con.execute("SELECT count(*) FROM failures").fetchone()[0]
        con.close()
        assert documents(store) == base + REPORTS and failures == 0
        assert {k: v for k, v in stored.items() if k in inputs} == inputs
        check = run("check", "--db", str(store))
        assert check.returncode == 0 and check.stdout.startswith(f"ok: {base + REPORTS} documents"), \
            check.stdout + check.stderr
    assert mid_batch, "every ingest finished before the kill: no round crashed mid-batch"
