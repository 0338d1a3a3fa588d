"""One cross-document event as an investigator reads it: its sources, how many are independent,
and where they disagree (casualty figures by kind, who did it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventledger.link.chains import attribution_chains, chain_for, describe
from eventledger.link.events import name_key
from eventledger.store import links


@dataclass
class Claim:
    """One source's figure of one kind: 'around 40 civilians' (killed, 40)."""

    doc_id: str
    outlet: str | None
    kind: str
    text: str
    value: int | None


@dataclass
class EventSummary:
    cluster_id: int | None
    sources: list[dict[str, Any]]  # one per member event: event row + outlet, published, original_id, chain
    independent: int
    numbers: dict[str, list[Claim]] = field(default_factory=dict)  # kind -> each source's words
    disagree: list[str] = field(default_factory=list)  # kinds whose figures differ
    actors: list[str] = field(default_factory=list)  # distinct actors named by the sources


def independent_sources(sources: list[dict[str, Any]]) -> int:
    """Distinct sources: a near-duplicate counts with its original, and one outlet counts once."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for s in sources:
        doc = "doc:" + s["doc_id"]
        for other in ("doc:" + (s.get("original_id") or s["doc_id"]),
                      "outlet:" + name_key(s["outlet"]) if s.get("outlet") else None):
            if other:
                parent[find(doc)] = find(other)
    return len({find("doc:" + s["doc_id"]) for s in sources})


def summarize(store, cluster_id: int | None = None, doc_id: str | None = None,
              event_id: str | None = None) -> EventSummary | None:
    """The cluster's sources and disagreements, or a single event's when it is in no cluster."""
    if cluster_id is None and doc_id and event_id:
        cluster_id = links.cluster_of(store.db, doc_id, event_id)
    if cluster_id is not None:
        rows = links.cluster_members(store.db, cluster_id)
    else:
        rows = store.db.execute(
            "SELECT e.*, d.n, d.outlet, d.published, d.title, x.original_id FROM events e"
            " JOIN documents d ON d.id = e.doc_id LEFT JOIN duplicates x ON x.doc_id = e.doc_id"
            " WHERE e.doc_id = ? AND e.id = ?", (doc_id, event_id)).fetchall()
    if not rows:
        return None
    sources = [dict(r) for r in rows]
    out = EventSummary(cluster_id, sources, independent_sources(sources))
    seen: set[tuple[str, str, str]] = set()
    records, chains = {}, {}
    for s in sources:
        rec = records.setdefault(s["doc_id"], store.record(s["doc_id"]))
        ev = next((e for e in rec.events if e.id == s["id"]), None) if rec else None
        if rec and s["doc_id"] not in chains:
            chains[s["doc_id"]] = attribution_chains(rec.to_dict())
        found = chain_for(chains.get(s["doc_id"], []), ev.span, ev.attributed_to) if ev else None
        if found is None and ev and ev.attributed_to:  # a source the attribution extractor named, with no chain
            found = {"outlet": s["outlet"], "hops": [{"source": ev.attributed_to, "cited": False}]}
        s["chain"] = describe(found, s["outlet"])
        for n in ev.numbers if ev else []:
            key = (s.get("original_id") or s["doc_id"], n.kind, n.text.lower())
            if key not in seen:  # a copy repeating its original's words is not another claim
                seen.add(key)
                out.numbers.setdefault(n.kind, []).append(Claim(s["doc_id"], s["outlet"], n.kind, n.text, n.value))
        if ev and ev.actor and ev.actor_entity and all(name_key(ev.actor) != name_key(a) for a in out.actors):
            out.actors.append(ev.actor)  # named actors only: "they" or "gunmen" is not a disagreement
    out.disagree = [k for k, claims in out.numbers.items() if len({c.value for c in claims}) > 1]
    return out


def fold_copies(timeline: list[Any]) -> list[tuple[Any, list[str]]]:
    """A profile's timeline with each syndicated copy's event folded into the original's: (row, copying doc ids).

    A copy repeats its original word for word, so an event of a copy with the same role and evidence as an event
    of its original is the same report of the same event, not a second one; a copy's event the original lacks
    (an edited copy) stays, and its row's ``original_id`` marks it."""
    kept: dict[tuple[str, str, str], tuple[Any, list[str]]] = {}
    out: list[tuple[Any, list[str]]] = []
    for r in timeline:
        if r["original_id"] is None:
            kept[(r["doc_id"], r["role"], r["evidence"])] = entry = (r, [])
            out.append(entry)
    for r in timeline:
        if r["original_id"] is not None:
            original = kept.get((r["original_id"], r["role"], r["evidence"]))
            if original is None:
                out.append((r, []))
            else:
                original[1].append(r["doc_id"])
    return out
