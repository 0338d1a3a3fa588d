"""Stories: reports about the same story, found as each report arrives and never reclustered.

A new report's candidates are the reports that share a *salient* person or group profile with it (one
named by few reports of the store, and not a media outlet, which sources stories rather than acting in
them) or an LSH bucket, published within a window: every lookup is an index range, never a scan of
the store. Each candidate is scored on word-shingle similarity (from the stored MinHash signatures),
the salient profiles both name (weighted by rarity, like IDF), the towns both place the story in, and
how close their publication dates are. The report joins every story whose best report scores above
the threshold: usually one, and two when the report bridges them (they merge).

Off-the-shelf clustering (scikit-learn, HDBSCAN) reclusters a batch; the issue asks for incremental
assignment over an SQLite store, so the scoring is written here with the weights in ``link.json``.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from eventledger.link import minhash
from eventledger.link.config import CONFIG
from eventledger.link.events import km
from eventledger.record import Place, Record
from eventledger.store import links

_S = CONFIG["stories"]
_W = _S["weights"]
_LOCATED = frozenset(_S["located_precisions"])
_SKIP_KINDS = frozenset(_S["skip_kinds"])


@dataclass
class Candidate:
    """What a stored report shares with the new one, and the score it adds up to."""

    doc_id: str
    jaccard: float = 0.0
    profiles: list[int] = field(default_factory=list)
    story: int | None = None
    score: float = 0.0


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def salient_profiles(db: sqlite3.Connection, doc_id: str) -> dict[int, float]:
    """The report's profiles that can tie it to a story, each with its IDF-like weight in (0, 1]."""
    total = links.store_size(db)
    cap = max(_S["salient_min_docs"], int(_S["salient_fraction"] * total))
    n_eff = max(total, _S["idf_min_docs"])
    out = {}
    for r in links.doc_profiles(db, doc_id):
        if r["kind"] in _SKIP_KINDS:
            continue
        df = links.profile_doc_count(db, r["id"], cap)
        if df <= cap:
            out[r["id"]] = math.log(n_eff / max(df, 1)) / math.log(n_eff)
    return out


def _place_score(mine: list[Place], theirs: list[sqlite3.Row]) -> float:
    """Shared towns (same GeoNames id, or within near_km), else a shared province; two reports placed only in
    different countries are pushed apart (the two Tripolis)."""
    towns = [p for p in mine if p.precision in _LOCATED and p.lat is not None]
    other = [r for r in theirs if r["precision"] in _LOCATED and r["lat"] is not None]
    shared = sum(1 for p in towns if any(
        (p.geonameid and p.geonameid == r["geonameid"]) or km(p.lat, p.lon, r["lat"], r["lon"]) <= _S["near_km"]
        for r in other))
    if shared:
        return _W["place_near"] + _W["place_more"] * (shared - 1)
    countries = {p.country for p in mine if p.country}
    theirs_c = {r["country"] for r in theirs if r["country"]}
    if countries and theirs_c and not countries & theirs_c:
        return _W["countries_disjoint"]
    admin1 = {(p.country, p.admin1) for p in mine if p.country and p.admin1}
    if admin1 & {(r["country"], r["admin1"]) for r in theirs if r["country"] and r["admin1"]}:
        return _W["place_admin1"]
    return 0.0


def candidates(db: sqlite3.Connection, rec: Record, sig: bytes | None,
               band_sims: dict[int, float]) -> list[Candidate]:
    """Stored reports sharing a salient profile or an LSH bucket with this one, within the window, scored."""
    doc = rec.document
    day = _day(doc.published)
    lo = (day - timedelta(days=_S["window_days"])).isoformat() if day else None
    hi = (day + timedelta(days=_S["window_days"])).isoformat() if day else None
    weights = salient_profiles(db, doc.id)
    found: dict[str, Candidate] = {}
    for d, pid in links.profile_docs(db, list(weights), doc.id, lo, hi):
        found.setdefault(d, Candidate(d)).profiles.append(pid)
    # a bucket match outside the window is another story told alike
    by_n = {r["n"]: r["id"] for r in links.doc_info(db, [m for m, j in band_sims.items() if j >= _S["min_jaccard"]])
            .values() if not _outside(day, _day(r["published"]))} if band_sims else {}
    for m, d in by_n.items():
        found.setdefault(d, Candidate(d)).jaccard = band_sims[m]
    if not found:
        return []
    ranked = sorted(found.values(), key=lambda c: (-c.jaccard, -len(c.profiles), c.doc_id))[:_S["max_candidates"]]
    info = links.docs_by_id(db, [c.doc_id for c in ranked])
    ranked = [c for c in ranked if c.doc_id in info and info[c.doc_id]["story_id"] is not None]
    if sig is not None:
        sims = minhash.jaccard_many(sig, links.signatures(db, [info[c.doc_id]["n"] for c in ranked if not c.jaccard]))
        for c in ranked:
            c.jaccard = sims.get(info[c.doc_id]["n"], c.jaccard)
    places = links.doc_places(db, [c.doc_id for c in ranked])
    for c in ranked:
        c.story = info[c.doc_id]["story_id"]
        other = _day(info[c.doc_id]["published"])
        c.score = (_W["text"] * min(1.0, c.jaccard / _S["jaccard_full"])
                   + min(_W["profiles_max"], _W["profile"] * sum(weights[p] for p in c.profiles))
                   + _place_score(rec.places, places[c.doc_id]))
        if day and other:
            c.score += _W["date"] * (1 - abs((day - other).days) / _S["window_days"])
    return ranked


def _outside(day: date | None, other: date | None) -> bool:
    return bool(day and other and abs((day - other).days) > _S["window_days"])


def story_links(db: sqlite3.Connection, rec: Record, sig: bytes | None, band_sims: dict[int, float]) -> set[str]:
    """One stored report of each story the new report joins (several: it bridges them, and they merge)."""
    best: dict[int, Candidate] = {}
    for c in candidates(db, rec, sig, band_sims):
        if c.score >= _S["threshold"] and (c.story not in best or c.score > best[c.story].score):
            best[c.story] = c
    return {c.doc_id for c in best.values()}
