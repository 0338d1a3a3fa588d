"""Link tables (migration 2): MinHash signatures and LSH buckets, duplicates, event keys and clusters, stories.

Plain SQL over the store's connection; ``eventledger.link`` decides what to write. Every lookup
used while ingesting is an indexed query, so adding a report stays cheap as the store grows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any


def doc_n(db: sqlite3.Connection, doc_id: str) -> int | None:
    row = db.execute("SELECT n FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def is_linked(db: sqlite3.Connection, n: int) -> bool:
    return db.execute("SELECT 1 FROM doc_minhash WHERE doc_n = ?", (n,)).fetchone() is not None


def unlinked(db: sqlite3.Connection) -> list[str]:
    """Documents stored before linking existed (or whose linking failed), in ingest order."""
    return [r[0] for r in db.execute(
        "SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_minhash m WHERE m.doc_n = d.n) ORDER BY n")]


# ---------------------------------------------------------------------- near-duplicates

def add_signature(db: sqlite3.Connection, n: int, shingles: int, sig: bytes, band_keys: Iterable[int]) -> None:
    db.execute("INSERT OR REPLACE INTO doc_minhash VALUES (?,?,?)", (n, shingles, sig))
    db.executemany("INSERT OR IGNORE INTO doc_bands VALUES (?,?)", [(k, n) for k in band_keys])


def band_candidates(db: sqlite3.Connection, band_keys: Sequence[int], exclude: int) -> list[int]:
    """Documents sharing at least one LSH bucket with these keys."""
    marks = ",".join("?" * len(band_keys))
    return [r[0] for r in db.execute(
        f"SELECT DISTINCT doc_n FROM doc_bands WHERE key IN ({marks}) AND doc_n != ?", (*band_keys, exclude))]


def signatures(db: sqlite3.Connection, ns: Iterable[int]) -> dict[int, bytes]:
    ns = list(ns)
    if not ns:
        return {}
    marks = ",".join("?" * len(ns))
    return {r[0]: r[1] for r in db.execute(
        f"SELECT doc_n, sig FROM doc_minhash WHERE doc_n IN ({marks}) AND shingles > 0", ns)}


def doc_info(db: sqlite3.Connection, ns: Iterable[int]) -> dict[int, sqlite3.Row]:
    """id, n, published, outlet, title of documents by n."""
    ns = list(ns)
    marks = ",".join("?" * len(ns))
    rows = db.execute(f"SELECT n, id, published, outlet, title FROM documents WHERE n IN ({marks})", ns)
    return {r[0]: r for r in rows}


def duplicate_group(db: sqlite3.Connection, doc_ids: Iterable[str]) -> set[str]:
    """These documents with their originals and every copy of those originals."""
    ids = list(doc_ids)
    marks = ",".join("?" * len(ids))
    originals = dict(db.execute(f"SELECT doc_id, original_id FROM duplicates WHERE doc_id IN ({marks})", ids))
    roots = {originals.get(d, d) for d in ids}
    marks = ",".join("?" * len(roots))
    copies = {r[0] for r in db.execute(f"SELECT doc_id FROM duplicates WHERE original_id IN ({marks})", list(roots))}
    return set(ids) | roots | copies


def set_duplicates(db: sqlite3.Connection, original: str, copies: dict[str, float]) -> None:
    """Make ``original`` the original of ``copies`` (doc id -> similarity to it)."""
    db.execute("DELETE FROM duplicates WHERE doc_id = ?", (original,))
    db.executemany("INSERT OR REPLACE INTO duplicates VALUES (?,?,?)",
                   [(d, original, sim) for d, sim in copies.items()])


def duplicate_of(db: sqlite3.Connection, doc_id: str) -> tuple[str, float] | None:
    row = db.execute("SELECT original_id, similarity FROM duplicates WHERE doc_id = ?", (doc_id,)).fetchone()
    return (row[0], row[1]) if row else None


def duplicate_groups(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every copy with its original, grouped by original (earliest first)."""
    return db.execute(
        "SELECT x.original_id, o.published AS o_published, o.outlet AS o_outlet, o.title AS o_title,"
        " x.doc_id, c.published, c.outlet, c.title, x.similarity"
        " FROM duplicates x JOIN documents o ON o.id = x.original_id JOIN documents c ON c.id = x.doc_id"
        " ORDER BY o.published, o.n, x.original_id, c.published, c.n").fetchall()


# ---------------------------------------------------------------------- events

KEY_COLUMNS = ("doc_id", "event_id", "type", "lo", "hi", "dated", "place", "country", "admin1", "lat", "lon",
               "precision", "actor", "target", "kinds", "anchor")


def add_event_keys(db: sqlite3.Connection, keys: Iterable[dict[str, Any]]) -> None:
    db.executemany(f"INSERT OR REPLACE INTO event_keys VALUES ({','.join('?' * len(KEY_COLUMNS))})",
                   [tuple(k[c] for c in KEY_COLUMNS) for k in keys])


def event_candidates(db: sqlite3.Connection, type_: str, lo: int, hi: int, max_span: int,
                     exclude_doc: str) -> list[sqlite3.Row]:
    """Stored event keys of this type whose window overlaps [lo, hi] (an indexed range on (type, lo))."""
    return db.execute(
        "SELECT k.*, e.evidence, c.cluster_id FROM event_keys k"
        " JOIN events e ON e.doc_id = k.doc_id AND e.id = k.event_id"
        " LEFT JOIN event_clusters c ON c.doc_id = k.doc_id AND c.event_id = k.event_id"
        " WHERE k.type = ? AND k.lo BETWEEN ? AND ? AND k.hi >= ? AND k.doc_id != ? AND k.anchor IS NULL",
        (type_, lo - max_span, hi, lo, exclude_doc)).fetchall()


def new_cluster_id(db: sqlite3.Connection) -> int:
    return db.execute("SELECT coalesce(max(cluster_id), 0) + 1 FROM event_clusters").fetchone()[0]


def join_cluster(db: sqlite3.Connection, cluster_id: int, members: Iterable[tuple[str, str, float]]) -> None:
    """Add (doc_id, event_id, score) members with the events of their documents anchored to them;
    a member already elsewhere keeps its first cluster."""
    members = list(members)
    followers = [(d, r[0], s) for d, e, s in members for r in db.execute(
        "SELECT event_id FROM event_keys WHERE doc_id = ? AND anchor = ?", (d, e))]
    db.executemany("INSERT OR IGNORE INTO event_clusters VALUES (?,?,?,?)",
                   [(cluster_id, d, e, s) for d, e, s in members + followers])


def merge_clusters(db: sqlite3.Connection, into: int, others: Iterable[int]) -> None:
    others = [c for c in others if c != into]
    if others:
        marks = ",".join("?" * len(others))
        db.execute(f"UPDATE event_clusters SET cluster_id = ? WHERE cluster_id IN ({marks})", (into, *others))


def cluster_of(db: sqlite3.Connection, doc_id: str, event_id: str) -> int | None:
    row = db.execute("SELECT cluster_id FROM event_clusters WHERE doc_id = ? AND event_id = ?",
                     (doc_id, event_id)).fetchone()
    return row[0] if row else None


def clusters_of_doc(db: sqlite3.Connection, doc_id: str) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT DISTINCT cluster_id FROM event_clusters WHERE doc_id = ? ORDER BY cluster_id", (doc_id,))]


def cluster_members(db: sqlite3.Connection, cluster_id: int) -> list[sqlite3.Row]:
    """Members with their event and document rows, earliest publication first."""
    return db.execute(
        "SELECT c.score, e.*, d.n, d.outlet, d.published, d.title, x.original_id"
        " FROM event_clusters c JOIN events e ON e.doc_id = c.doc_id AND e.id = c.event_id"
        " JOIN documents d ON d.id = c.doc_id LEFT JOIN duplicates x ON x.doc_id = c.doc_id"
        " WHERE c.cluster_id = ? ORDER BY d.published, d.n, e.id", (cluster_id,)).fetchall()


def cluster_docs(db: sqlite3.Connection, cluster_ids: Iterable[int]) -> set[str]:
    ids = list(cluster_ids)
    marks = ",".join("?" * len(ids))
    return {r[0] for r in db.execute(f"SELECT DISTINCT doc_id FROM event_clusters WHERE cluster_id IN ({marks})", ids)}


# ---------------------------------------------------------------------- stories

def join_story(db: sqlite3.Connection, doc_id: str, n: int, linked: Iterable[str]) -> int:
    """Put ``doc_id`` in one story with ``linked`` documents, merging their stories (id: smallest n)."""
    linked = [d for d in linked if d != doc_id]
    marks = ",".join("?" * len(linked))
    ids = {r[0] for r in db.execute(f"SELECT DISTINCT story_id FROM doc_stories WHERE doc_id IN ({marks})", linked)}
    sid = min(ids | {n})
    others = [i for i in ids if i != sid]
    if others:
        marks = ",".join("?" * len(others))
        db.execute(f"UPDATE doc_stories SET story_id = ? WHERE story_id IN ({marks})", (sid, *others))
    db.executemany("INSERT OR REPLACE INTO doc_stories VALUES (?,?)",
                   [(d, sid) for d in [doc_id, *linked]])
    return sid


def story_of(db: sqlite3.Connection, doc_id: str) -> int | None:
    row = db.execute("SELECT story_id FROM doc_stories WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def stories(db: sqlite3.Connection, min_size: int = 2) -> list[sqlite3.Row]:
    """Documents of every story with at least ``min_size`` documents, by story then date."""
    return db.execute(
        "SELECT s.story_id, d.id, d.published, d.outlet, d.title, x.original_id FROM doc_stories s"
        " JOIN documents d ON d.id = s.doc_id LEFT JOIN duplicates x ON x.doc_id = d.id"
        " WHERE s.story_id IN (SELECT story_id FROM doc_stories GROUP BY story_id HAVING count(*) >= ?)"
        " ORDER BY s.story_id, d.published, d.n", (min_size,)).fetchall()

