"""Link tables (migration 2): MinHash signatures and LSH buckets, duplicates, event keys and clusters, stories.

Plain SQL over the store's connection; ``eventledger.link`` decides what to write. Every lookup
used while ingesting is an indexed query, so adding a report stays cheap as the store grows. The SQL is
what SQLite and PostgreSQL both accept (upserts, RETURNING, quoted "end", NULLS FIRST where SQLite's order
of NULLs is meant), so the same functions run on either store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any


def _in(values: Sequence[Any] | set[Any]) -> str:
    """Placeholders for an IN list; PostgreSQL rejects an empty list, and ``IN (NULL)`` is false in both."""
    return ",".join("?" * len(values)) or "NULL"


def doc_n(db: sqlite3.Connection, doc_id: str) -> int | None:
    row = db.execute("SELECT n FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def doc_ns(db: sqlite3.Connection, doc_ids: Iterable[str]) -> list[int]:
    """The row numbers of these documents (those stored), in one query."""
    ids = list(doc_ids)
    if not ids:
        return []
    return [r[0] for r in db.execute(f"SELECT n FROM documents WHERE id IN ({_in(ids)})", ids)]


def is_linked(db: sqlite3.Connection, n: int) -> bool:
    return db.execute("SELECT 1 FROM doc_minhash WHERE doc_n = ?", (n,)).fetchone() is not None


def unlinked(db: sqlite3.Connection) -> list[str]:
    """Documents stored before linking (or profiling) existed, or whose linking failed, in ingest order."""
    return [r[0] for r in db.execute(
        "SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_minhash m WHERE m.doc_n = d.n)"
        " OR NOT EXISTS (SELECT 1 FROM doc_profiled p WHERE p.doc_n = d.n) ORDER BY n")]


# ---------------------------------------------------------------------- near-duplicates

def add_signature(db: sqlite3.Connection, n: int, shingles: int, sig: bytes, band_keys: Iterable[int]) -> None:
    db.execute("INSERT INTO doc_minhash VALUES (?,?,?) ON CONFLICT (doc_n) DO UPDATE"
               " SET shingles = excluded.shingles, sig = excluded.sig", (n, shingles, sig))
    db.executemany("INSERT INTO doc_bands VALUES (?,?) ON CONFLICT DO NOTHING", [(k, n) for k in band_keys])


def band_candidates(db: sqlite3.Connection, band_keys: Sequence[int], exclude: int, limit: int) -> list[int]:
    """Documents sharing at least one LSH bucket with these keys, at most ``limit``: those sharing the most
    buckets first (the expected share grows with Jaccard similarity), then the latest. A template copied
    thousands of times must not make each new report compare against all of them."""
    marks = _in(band_keys)
    return [r[0] for r in db.execute(
        f"SELECT doc_n FROM doc_bands WHERE key IN ({marks}) AND doc_n != ?"
        f" GROUP BY doc_n ORDER BY count(*) DESC, doc_n DESC LIMIT ?", (*band_keys, exclude, limit))]


def signatures(db: sqlite3.Connection, ns: Iterable[int]) -> dict[int, bytes]:
    ns = list(ns)
    if not ns:
        return {}
    marks = _in(ns)
    return {r[0]: r[1] for r in db.execute(
        f"SELECT doc_n, sig FROM doc_minhash WHERE doc_n IN ({marks}) AND shingles > 0", ns)}


def doc_info(db: sqlite3.Connection, ns: Iterable[int]) -> dict[int, sqlite3.Row]:
    """id, n, published, outlet, title of documents by n."""
    ns = list(ns)
    marks = _in(ns)
    rows = db.execute(f"SELECT n, id, published, outlet, title FROM documents WHERE n IN ({marks})", ns)
    return {r[0]: r for r in rows}


def duplicate_group(db: sqlite3.Connection, doc_ids: Iterable[str]) -> set[str]:
    """These documents with their originals and every copy of those originals."""
    ids = list(doc_ids)
    marks = _in(ids)
    originals = dict(db.execute(f"SELECT doc_id, original_id FROM duplicates WHERE doc_id IN ({marks})", ids))
    roots = {originals.get(d, d) for d in ids}
    marks = _in(roots)
    copies = {r[0] for r in db.execute(f"SELECT doc_id FROM duplicates WHERE original_id IN ({marks})", list(roots))}
    return set(ids) | roots | copies


def roots(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, str]:
    """Each document's duplicate-group original: the one it is a copy of, else itself."""
    ids = list(doc_ids)
    if not ids:
        return {}
    originals = dict(db.execute(f"SELECT doc_id, original_id FROM duplicates WHERE doc_id IN ({_in(ids)})", ids))
    return {d: originals.get(d, d) for d in ids}


def set_duplicates(db: sqlite3.Connection, original: str, copies: dict[str, float]) -> None:
    """Make ``original`` the original of ``copies`` (doc id -> similarity to it)."""
    db.execute("DELETE FROM duplicates WHERE doc_id = ?", (original,))
    db.executemany("INSERT INTO duplicates VALUES (?,?,?) ON CONFLICT (doc_id) DO UPDATE"
                   " SET original_id = excluded.original_id, similarity = excluded.similarity",
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
        " ORDER BY o.published NULLS FIRST, o.n, x.original_id, c.published NULLS FIRST, c.n").fetchall()


# ---------------------------------------------------------------------- events

KEY_COLUMNS = ("doc_id", "event_id", "type", "lo", "hi", "dated", "place", "country", "admin1", "lat", "lon",
               "precision", "actor", "target", "kinds", "anchor")


def add_event_keys(db: sqlite3.Connection, keys: Iterable[dict[str, Any]]) -> None:
    update = ", ".join(f"{c} = excluded.{c}" for c in KEY_COLUMNS[2:])
    db.executemany(f"INSERT INTO event_keys VALUES ({','.join('?' * len(KEY_COLUMNS))})"
                   f" ON CONFLICT (doc_id, event_id) DO UPDATE SET {update}",
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
    db.executemany("INSERT INTO event_clusters VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                   [(cluster_id, d, e, s) for d, e, s in members + followers])


def merge_clusters(db: sqlite3.Connection, into: int, others: Iterable[int]) -> None:
    others = [c for c in others if c != into]
    if others:
        marks = _in(others)
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
        " WHERE c.cluster_id = ? ORDER BY d.published NULLS FIRST, d.n, e.id", (cluster_id,)).fetchall()


def cluster_docs(db: sqlite3.Connection, cluster_ids: Iterable[int]) -> set[str]:
    ids = list(cluster_ids)
    marks = _in(ids)
    return {r[0] for r in db.execute(f"SELECT DISTINCT doc_id FROM event_clusters WHERE cluster_id IN ({marks})", ids)}


def cluster_representatives(db: sqlite3.Connection, cluster_ids: Iterable[int]) -> set[str]:
    """One document of each of these event clusters."""
    ids = list(cluster_ids)
    return {r[0] for r in db.execute(
        f"SELECT min(doc_id) FROM event_clusters WHERE cluster_id IN ({_in(ids)}) GROUP BY cluster_id", ids)}


# ---------------------------------------------------------------------- stories

def join_story(db: sqlite3.Connection, doc_id: str, n: int, linked: Iterable[str]) -> int:
    """Put ``doc_id`` in one story with ``linked`` documents, merging their stories (id: smallest n)."""
    linked = [d for d in linked if d != doc_id]
    marks = _in(linked)
    ids = {r[0] for r in db.execute(f"SELECT DISTINCT story_id FROM doc_stories WHERE doc_id IN ({marks})", linked)}
    sid = min(ids | {n})
    others = [i for i in ids if i != sid]
    if others:
        marks = _in(others)
        db.execute(f"UPDATE doc_stories SET story_id = ? WHERE story_id IN ({marks})", (sid, *others))
    db.executemany("INSERT INTO doc_stories VALUES (?,?)"
                   " ON CONFLICT (doc_id) DO UPDATE SET story_id = excluded.story_id",
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
        " ORDER BY s.story_id, d.published NULLS FIRST, d.n", (min_size,)).fetchall()



def store_size(db: sqlite3.Connection) -> int:
    """Reports in the store, as the largest document number: O(log n), unlike count(*); deletions only make
    it an overestimate."""
    return db.execute("SELECT coalesce(max(n), 0) FROM documents").fetchone()[0]


def doc_profiles(db: sqlite3.Connection, doc_id: str) -> list[sqlite3.Row]:
    """The distinct profiles of a document's entities, with their kind."""
    return db.execute(
        "SELECT DISTINCT p.id, p.kind FROM entity_profiles ep JOIN profiles p ON p.id = ep.profile_id"
        " WHERE ep.doc_id = ?", (doc_id,)).fetchall()


def profile_doc_count(db: sqlite3.Connection, profile_id: int, cap: int) -> int:
    """How many report mentions a profile has, counted no further than ``cap`` + 1 (an index range, bounded)."""
    return db.execute("SELECT count(*) FROM (SELECT 1 FROM entity_profiles WHERE profile_id = ? LIMIT ?) AS m",
                      (profile_id, cap + 1)).fetchone()[0]


def profile_docs(db: sqlite3.Connection, profile_ids: Sequence[int], exclude_doc: str, lo: str | None,
                 hi: str | None) -> list[tuple[str, int]]:
    """(doc_id, profile_id) of the reports naming these profiles, published between lo and hi (ISO dates;
    undated reports, or no window, always pass)."""
    if not profile_ids:
        return []
    marks = _in(profile_ids)
    return db.execute(
        f"SELECT DISTINCT ep.doc_id, ep.profile_id FROM entity_profiles ep JOIN documents d ON d.id = ep.doc_id"
        f" WHERE ep.profile_id IN ({marks}) AND ep.doc_id != ? AND (CAST(? AS TEXT) IS NULL OR d.published IS NULL"
        f" OR substr(d.published, 1, 10) BETWEEN ? AND ?)", (*profile_ids, exclude_doc, lo, lo, hi)).fetchall()


def docs_by_id(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, sqlite3.Row]:
    """n, published and story of documents by id."""
    ids = list(doc_ids)
    if not ids:
        return {}
    marks = _in(ids)
    return {r["id"]: r for r in db.execute(
        f"SELECT d.id, d.n, d.published, s.story_id FROM documents d LEFT JOIN doc_stories s ON s.doc_id = d.id"
        f" WHERE d.id IN ({marks})", ids)}


def doc_places(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, list[sqlite3.Row]]:
    """The resolved places of documents, by document."""
    ids = list(doc_ids)
    out: dict[str, list[sqlite3.Row]] = {d: [] for d in ids}
    if ids:
        marks = _in(ids)
        for r in db.execute(f"SELECT doc_id, name, country, admin1, lat, lon, precision, geonameid FROM places"
                            f" WHERE doc_id IN ({marks})", ids):
            out[r["doc_id"]].append(r)
    return out



# ---------------------------------------------------------------------- profiles (migration 3)

def is_profiled(db: sqlite3.Connection, n: int) -> bool:
    return db.execute("SELECT 1 FROM doc_profiled WHERE doc_n = ?", (n,)).fetchone() is not None


def mark_profiled(db: sqlite3.Connection, n: int) -> None:
    db.execute("INSERT INTO doc_profiled VALUES (?) ON CONFLICT DO NOTHING", (n,))


def profiles_by_key(db: sqlite3.Connection, type_: str, role: str, keys: Sequence[str]) -> list[sqlite3.Row]:
    """Profiles holding any of these keys (an indexed lookup), with the key that matched and the profile's name."""
    if not keys:
        return []
    marks = _in(keys)
    return db.execute(
        f"SELECT k.key, p.id, p.name, p.kind FROM profile_keys k JOIN profiles p ON p.id = k.profile_id"
        f" WHERE k.type = ? AND k.role = ? AND k.key IN ({marks}) ORDER BY p.id", (type_, role, *keys)).fetchall()


def new_profile(db: sqlite3.Connection, type_: str, name: str, kind: str | None) -> int:
    return db.execute("INSERT INTO profiles (type, name, kind) VALUES (?,?,?) RETURNING id",
                      (type_, name, kind)).fetchone()[0]


def add_profile_keys(db: sqlite3.Connection, profile_id: int, type_: str, keys: Iterable[tuple[str, str]]) -> None:
    """(role, key) pairs under which the profile is found."""
    db.executemany("INSERT INTO profile_keys VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                   [(type_, role, key, profile_id) for role, key in keys if key])


def set_entity_profile(db: sqlite3.Connection, doc_id: str, entity_id: str, profile_id: int, name: str,
                       aliases: str, nationality: str | None) -> None:
    db.execute("INSERT INTO entity_profiles VALUES (?,?,?,?,?,?) ON CONFLICT (doc_id, entity_id) DO UPDATE"
               " SET profile_id = excluded.profile_id, name = excluded.name, aliases = excluded.aliases,"
               " nationality = excluded.nationality",
               (doc_id, entity_id, profile_id, name, aliases, nationality))


def merge_profiles(db: sqlite3.Connection, into: int, other: int) -> None:
    """Everything ``other`` held now belongs to ``into`` (a surname-only profile whose full name arrived)."""
    for table, col in (("entity_profiles", "profile_id"), ("org_parents", "child_id"), ("org_parents", "parent_id"),
                       ("affiliations", "profile_id"), ("affiliations", "org_id")):
        db.execute(f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (into, other))
    # moved where ``into`` does not hold the same row already, the rest dropped (UPDATE OR IGNORE is SQLite's)
    db.execute("INSERT INTO profile_events SELECT ?, doc_id, event_id, role FROM profile_events WHERE profile_id = ?"
               " ON CONFLICT DO NOTHING", (into, other))
    db.execute("DELETE FROM profile_events WHERE profile_id = ?", (other,))
    db.execute("DELETE FROM profiles WHERE id = ?", (other,))


def add_parents(db: sqlite3.Connection, rows: Iterable[tuple[int, int, str, int, int, str]]) -> None:
    db.executemany("INSERT INTO org_parents VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING", rows)


def add_affiliations(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(profile_id, change, org_id, org, date, doc_id, event_id, start, end, evidence) rows."""
    db.executemany("INSERT INTO affiliations VALUES (?,?,?,?,?,?,?,?,?,?)", rows)


def add_profile_events(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str]]) -> None:
    db.executemany("INSERT INTO profile_events VALUES (?,?,?,?) ON CONFLICT DO NOTHING", rows)


def find_profiles(db: sqlite3.Connection, key: str, name: str) -> list[int]:
    """Profiles known by this normalized name or surname (indexed), else whose names contain the words."""
    ids = [r[0] for r in db.execute(
        "SELECT DISTINCT profile_id FROM profile_keys WHERE role IN ('name', 'last') AND key = ?"
        " AND type IN ('PERSON', 'ORG') ORDER BY profile_id", (key,))]
    return ids or [r[0] for r in db.execute(
        "SELECT DISTINCT profile_id FROM entity_profiles WHERE name LIKE '%' || ? || '%' ORDER BY profile_id",
        (name,))]


def profile(db: sqlite3.Connection, profile_id: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM profiles WHERE id = ?", (profile_id,)).fetchone()


def profile_mentions(db: sqlite3.Connection, profile_id: int) -> list[sqlite3.Row]:
    """Each report's entity of this profile, with the report, earliest first."""
    return db.execute(
        "SELECT ep.*, d.n, d.title, d.outlet, d.published FROM entity_profiles ep JOIN documents d ON d.id = ep.doc_id"
        " WHERE ep.profile_id = ? ORDER BY d.published NULLS FIRST, d.n", (profile_id,)).fetchall()


def profile_parents(db: sqlite3.Connection, profile_id: int) -> list[sqlite3.Row]:
    """Parent and child organisations of a profile, each with the report that says so."""
    return db.execute(
        "SELECT 'parent' AS relation, p.id, p.name, o.doc_id, o.evidence, d.outlet, d.published FROM org_parents o"
        " JOIN profiles p ON p.id = o.parent_id JOIN documents d ON d.id = o.doc_id WHERE o.child_id = ?"
        " UNION ALL SELECT 'child', p.id, p.name, o.doc_id, o.evidence, d.outlet, d.published FROM org_parents o"
        " JOIN profiles p ON p.id = o.child_id JOIN documents d ON d.id = o.doc_id WHERE o.parent_id = ?"
        " ORDER BY 1, 3", (profile_id, profile_id)).fetchall()


def profile_affiliations(db: sqlite3.Connection, profile_id: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT a.*, p.name AS org_name, d.outlet, d.published FROM affiliations a"
        " LEFT JOIN profiles p ON p.id = a.org_id JOIN documents d ON d.id = a.doc_id"
        " WHERE a.profile_id = ? ORDER BY coalesce(a.date, d.published) NULLS FIRST, d.n, a.start",
        (profile_id,)).fetchall()


def profile_timeline(db: sqlite3.Connection, profile_id: int) -> list[sqlite3.Row]:
    """The events a profile is actor or target of, with their report and the original it copies, by date."""
    return db.execute(
        "SELECT pe.role, e.*, d.outlet, d.published, d.n, x.original_id FROM profile_events pe"
        " JOIN events e ON e.doc_id = pe.doc_id AND e.id = pe.event_id JOIN documents d ON d.id = pe.doc_id"
        " LEFT JOIN duplicates x ON x.doc_id = pe.doc_id WHERE pe.profile_id = ?"
        " ORDER BY coalesce(e.start, d.published) NULLS FIRST, d.n, e.id", (profile_id,)).fetchall()


def profile_quotes(db: sqlite3.Connection, profile_id: int) -> list[sqlite3.Row]:
    """Quotes whose speaker is one of the names the profile's entity goes by in that report.

    The aliases (a JSON list) are matched here rather than in SQL: json_each is SQLite's, and the rows are
    one profile's quoted reports, already narrowed by an index."""
    rows = db.execute(
        "SELECT q.*, d.outlet, d.published, ep.name AS profile_name, ep.aliases AS profile_aliases"
        " FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id"
        " JOIN documents d ON d.id = ep.doc_id WHERE ep.profile_id = ? AND q.speaker IS NOT NULL"
        " ORDER BY d.published NULLS FIRST, d.n, q.id", (profile_id,)).fetchall()
    return [r for r in rows if r["speaker"] == r["profile_name"] or r["speaker"] in json.loads(r["profile_aliases"])]


def entity_profiles(db: sqlite3.Connection, doc_id: str) -> dict[str, int]:
    """A document's entity ids -> their profile ids."""
    return dict(db.execute("SELECT entity_id, profile_id FROM entity_profiles WHERE doc_id = ?", (doc_id,)).fetchall())


def doc_links(db: sqlite3.Connection, doc_id: str) -> dict[str, Any]:
    """A document's cross-report ids: story, original, entity profiles, event clusters with their members' sources.

    One indexed query per table, so exporting stays linear in the store."""
    story = story_of(db, doc_id)
    dup = duplicate_of(db, doc_id)
    profiles = entity_profiles(db, doc_id)
    members = db.execute(
        "SELECT c.cluster_id, c.doc_id, c.event_id, d.outlet, x.original_id FROM event_clusters c"
        " JOIN documents d ON d.id = c.doc_id LEFT JOIN duplicates x ON x.doc_id = c.doc_id"
        " WHERE c.cluster_id IN (SELECT cluster_id FROM event_clusters WHERE doc_id = ?)", (doc_id,)).fetchall()
    return {"story_id": story, "duplicate_of": dup[0] if dup else None, "profiles": profiles,
            "members": [dict(r) for r in members]}
