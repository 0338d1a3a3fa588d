"""Crash safety: an ingest killed at any moment leaves a store that passes the check, and a rerun completes it.

The ingest runs as a real ``eventledger ingest`` process and is killed with SIGKILL (no cleanup
runs), some runs at a random time, some just after they start writing documents.
"""

from __future__ import annotations

import hashlib
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

SEED = 20240607
REPORTS = 30
KILLS = 6
# `eventledger` with the store commands, whether or not eventledger.cli registers them yet
CLI = ("import sys; from eventledger.cli import main; from eventledger.store.cli import register\n"
       "'check' in main.commands or register(main); sys.exit(main())")

ACTORS = ["Government forces", "The Northern Brigade", "Rebel fighters", "Police", "An armed group", "Militiamen"]
VERBS = ["shelled", "raided", "attacked", "bombed", "stormed"]
PLACES = ["Tel Hamid", "Kafr Suda", "Wadi Rum", "Bir Saba", "Ain Qasr", "Deir Mahal"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SOURCES = ["residents said", "a local official told reporters", "the monitoring group said",
           "according to witnesses"]


def write_reports(folder: Path, rng: random.Random) -> dict[str, bytes]:
    """REPORTS distinct short invented reports, each a file; returns sha256 -> bytes."""
    folder.mkdir()
    out = {}
    for i in range(REPORTS):
        text = (f"{rng.choice(ACTORS)} {rng.choice(VERBS)} the village of {rng.choice(PLACES)} on "
                f"{rng.choice(DAYS)}, killing {i + 2} civilians, {rng.choice(SOURCES)}.\n\n"
                f"\"We buried {i + 2} people,\" said Hamid Saleh, a farmer. The report number is {i}.")
        data = text.encode()
        (folder / f"report-{i:02d}.txt").write_bytes(data)
        out[hashlib.sha256(data).hexdigest()] = data
    return out


def eventledger(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created yet, or the schema is being written
        return 0


def kill_during_ingest(folder: Path, db: Path, rng: random.Random, timed: bool) -> bool:
    """One ingest killed with SIGKILL: after a random delay (often while spaCy loads or parses), or a
    moment after it has stored a random few more documents (while it writes). False if it finished first."""
    target = documents(db) + rng.randint(1, 3)
    proc = eventledger("ingest", str(folder), "--db", str(db), "-q")
    deadline = time.monotonic() + (rng.uniform(0.3, 3.0) if timed else 60.0)
    while time.monotonic() < deadline and proc.poll() is None:
        if not timed and documents(db) >= target:
            time.sleep(rng.uniform(0, 0.02))
            break
        time.sleep(0.005)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return killed


def test_an_ingest_killed_at_random_moments_loses_nothing_and_a_rerun_completes_it(tmp_path):
    rng = random.Random(SEED)
    inputs = write_reports(tmp_path / "reports", rng)
    db = tmp_path / "ledger.db"
    killed = [kill_during_ingest(tmp_path / "reports", db, rng, timed=run % 3 == 0) for run in range(KILLS)]
    assert sum(killed) >= KILLS // 2 and 0 < documents(db) < REPORTS  # the kills did land mid-batch

    con = sqlite3.connect(db)
    half = con.execute(
        "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.doc_id = d.id)"
        " OR NOT EXISTS (SELECT 1 FROM originals o WHERE o.doc_id = d.id)"
        " OR NOT EXISTS (SELECT 1 FROM spans s WHERE s.doc_id = d.id)").fetchall()
    con.close()
    assert half == []
    check = eventledger("check", "--db", str(db))
    out, err = check.communicate(timeout=60)
    assert check.returncode == 0, out + err
    assert out.startswith("ok: ")

    rerun = eventledger("ingest", str(tmp_path / "reports"), "--db", str(db), "-q")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out + err
    con = sqlite3.connect(db)
    stored = {r[0]: bytes(r[1]) for r in con.execute("SELECT doc_id, bytes FROM originals")}
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == REPORTS
    assert con.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
    con.close()
    assert stored == inputs
    check = eventledger("check", "--db", str(db))
    out, err = check.communicate(timeout=60)
    assert check.returncode == 0 and out.startswith(f"ok: {REPORTS} documents"), out + err
