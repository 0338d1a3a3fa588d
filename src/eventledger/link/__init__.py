"""Across reports: near-duplicates, one real-world event told by several reports, stories.

``on_ingest(store, rec)`` runs right after a document is stored. It looks the new report up in
the LSH buckets (never across all documents), marks it a copy of an earlier report when their
word shingles nearly coincide, merges its events into cross-document event clusters, and joins
the stories of everything it linked to and of the reports it resembles in words, rare actors,
towns and dates (``link.stories``). Nothing stored is ever reclustered.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from eventledger.link import events as ev_match
from eventledger.link import minhash, profiles, stories
from eventledger.link.chains import attribution_chains
from eventledger.link.config import CONFIG
from eventledger.link.report import independent_sources
from eventledger.record import Record
from eventledger.store import links

log = logging.getLogger(__name__)

__all__ = ["LinkResult", "attribution_chains", "backfill", "export_ids", "on_ingest"]


@dataclass
class LinkResult:
    doc_id: str
    duplicate_of: str | None = None  # the original this report is a near-copy of
    similarity: float | None = None
    copies: list[str] = field(default_factory=list)  # stored reports that turned out to be copies of this one
    clusters: list[int] = field(default_factory=list)  # cross-document event clusters this report is in
    story: int | None = None
    profiles: dict[str, int] = field(default_factory=dict)  # entity id -> cross-report profile id
    error: str | None = None  # why linking was skipped (the document stays stored)


def on_ingest(store, rec: Record) -> LinkResult:
    """Link a stored report to the others. Idempotent; never raises (a failure is logged and returned)."""
    doc_id = getattr(getattr(rec, "document", None), "id", "") or ""
    try:
        return _link(store.db, rec)
    except Exception as exc:  # linking must never cost the caller a stored document
        log.warning("linking %s failed: %s: %s", doc_id[:12], type(exc).__name__, exc)
        if store.db.in_transaction:
            store.db.execute("ROLLBACK")
        return LinkResult(doc_id, error=f"{type(exc).__name__}: {exc}")


def backfill(store) -> int:
    """Link every stored report not yet linked (stored before linking existed); how many were linked."""
    n = 0
    for doc_id in links.unlinked(store.db):
        rec = store.record(doc_id)
        if rec is not None and on_ingest(store, rec).error is None:
            n += 1
    return n


def export_ids(store, rec: dict[str, Any]) -> dict[str, Any]:
    """Add the cross-report ids to an exported record dict (in place, and returned): ``document.story_id``,
    ``document.duplicate_of``, each entity's ``profile_id``, each event's ``cluster_id`` and that cluster's
    ``independent_sources``. None where the report is not linked to anything."""
    doc = rec["document"]
    found = links.doc_links(store.db, doc.get("id") or "")
    doc["story_id"], doc["duplicate_of"] = found["story_id"], found["duplicate_of"]
    for e in rec.get("entities", []):
        e["profile_id"] = found["profiles"].get(e.get("id"))
    members: dict[int, list[dict[str, Any]]] = {}
    mine: dict[str, int] = {}
    for m in found["members"]:
        members.setdefault(m["cluster_id"], []).append(m)
        if m["doc_id"] == doc.get("id"):
            mine[m["event_id"]] = m["cluster_id"]
    independent = {cid: independent_sources(ms) for cid, ms in members.items()}
    for ev in rec.get("events", []):
        ev["cluster_id"] = mine.get(ev.get("id"))
        ev["independent_sources"] = independent.get(ev["cluster_id"]) if ev["cluster_id"] else None
    return rec


def _stored(db: sqlite3.Connection, doc_id: str, n: int) -> LinkResult:
    dup = links.duplicate_of(db, doc_id)
    return LinkResult(doc_id, duplicate_of=dup[0] if dup else None, similarity=dup[1] if dup else None,
                      clusters=links.clusters_of_doc(db, doc_id), story=links.story_of(db, doc_id),
                      profiles=links.entity_profiles(db, doc_id))


def _link(db: sqlite3.Connection, rec: Record) -> LinkResult:
    doc_id = rec.document.id
    n = links.doc_n(db, doc_id)
    if n is None:
        return LinkResult(doc_id, error="not stored")
    linked, profiled = links.is_linked(db, n), links.is_profiled(db, n)
    if linked and profiled:
        return _stored(db, doc_id, n)
    db.execute("BEGIN IMMEDIATE")
    try:
        copies = []
        if not profiled:  # first: the story look-up goes through the report's profiles
            profiles.link_profiles(db, rec, n)
        if not linked:
            copies, sig, band_sims = _duplicates(db, rec, n)
            root = links.roots(db, [doc_id])[doc_id]
            clusters = _events(db, rec, root)
            # every report of a duplicate group or an event cluster is already in one story with the others (each
            # joined it when it arrived), so one of each stands for all: a wire story copied a thousand times
            # costs the next copy one row, not a thousand
            joined = {root, *copies} | (links.cluster_representatives(db, clusters) if clusters else set())
            links.join_story(db, doc_id, n, joined | stories.story_links(db, rec, sig, band_sims))
        result = _stored(db, doc_id, n)
        result.copies = copies
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return result


def _duplicates(db: sqlite3.Connection, rec: Record, n: int) -> tuple[list[str], bytes | None, dict[int, float]]:
    """Store the signature; group the report with near-copies. Returns stored reports now copies of it, the
    signature (None: too short to compare) and the similarity of every report sharing an LSH bucket."""
    sig, count = minhash.signature(rec.document.text)
    if count < CONFIG["minhash"]["min_shingles"]:  # too short to tell a copy from a common phrase
        links.add_signature(db, n, 0, sig, [])
        return [], None, {}
    keys = minhash.band_keys(sig)
    near_ns = links.band_candidates(db, keys, n, CONFIG["minhash"]["max_candidates"])
    sims = minhash.jaccard_many(sig, links.signatures(db, near_ns))
    links.add_signature(db, n, count, sig, keys)
    near = [m for m, j in sims.items() if j >= CONFIG["duplicate_jaccard"]]
    if not near:
        return [], sig, sims
    near_info = links.doc_info(db, near)
    roots = set(links.roots(db, [r["id"] for r in near_info.values()]).values())
    if len(roots) == 1:  # the usual case: a copy of one group; it keeps its original unless this report is earlier
        root = roots.pop()
        info = {r["id"]: r for r in links.doc_info(db, links.doc_ns(db, [root])).values()}[root]
        if _earliest(info) < (rec.document.published or "9999", n):
            rsig = links.signatures(db, [info["n"]]).get(info["n"], sig)
            links.set_duplicates(db, root, {rec.document.id: minhash.jaccard(sig, rsig)})
            return [], sig, sims
    group = links.duplicate_group(db, [r["id"] for r in near_info.values()] + [rec.document.id])
    info = {r["id"]: r for r in links.doc_info(db, links.doc_ns(db, group)).values()}
    original = min(group, key=lambda d: _earliest(info[d]))
    sigs = links.signatures(db, [info[d]["n"] for d in group])
    osig = sigs.get(info[original]["n"], sig)
    copies = {d: minhash.jaccard(sigs.get(info[d]["n"], sig), osig) for d in group if d != original}
    links.set_duplicates(db, original, copies)
    return (sorted(copies) if original == rec.document.id else []), sig, sims


def _earliest(info) -> tuple[str, int]:
    """The original of a duplicate group sorts first: earliest published (unknown dates last), then earliest stored."""
    return info["published"] or "9999", info["n"]


def _events(db: sqlite3.Connection, rec: Record, root: str) -> list[int]:
    """Merge the report's events into clusters with matching stored events; the clusters joined. ``root``: the
    original of the report's duplicate group (its own id when it is no copy)."""
    keys = ev_match.event_keys(rec)
    links.add_event_keys(db, keys)  # before joining, so the report's anchored events follow their anchor
    joined: set[int] = set()
    for key in keys:
        if key["anchor"]:  # follows its anchor into whatever cluster that joins
            continue
        lo, hi = ev_match.key_window(key)
        matches = []
        rows = links.event_candidates(db, key["type"], lo, hi, ev_match.max_span(), rec.document.id)
        their_roots = links.roots(db, {row["doc_id"] for row in rows}) if rows else {}
        for row in rows:
            s = ev_match.score(key, row, copy=their_roots[row["doc_id"]] == root)
            if s is not None and s >= ev_match.threshold():
                matches.append((s, row))
        if not matches:
            continue
        found = {row["cluster_id"] for _, row in matches if row["cluster_id"] is not None}
        cid = min(found) if found else links.new_cluster_id(db)
        links.merge_clusters(db, cid, found)
        links.join_cluster(db, cid, [(row["doc_id"], row["event_id"], s) for s, row in matches]
                           + [(key["doc_id"], key["event_id"], max(s for s, _ in matches))])
        joined.add(cid)
    return links.clusters_of_doc(db, rec.document.id) if joined else []
