"""What the event and actor pages show, built from the linker's readers with restricted reports taken out, and
the response models that describe them in the OpenAPI document.

The linker (``link.report.summarize``, ``store.links`` profile readers) sees every report; a viewer must not, so
each list is filtered to the reports the reader may see and the counts are made again from what is left.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from eventledger.link.events import name_key
from eventledger.link.report import EventSummary, independent_sources
from eventledger.record import Record
from eventledger.store import links
from eventledger.web import queries

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+")
CONTEXT = 240  # characters: at most this much of the sentence around an event's words on each side


class Source(BaseModel):
    doc_id: str
    event_id: str
    title: str | None
    outlet: str | None
    published: str | None
    copy_of: str | None
    type: str
    mode: str | None
    start: str | None
    end: str | None
    place: str | None
    actor: str | None
    target: str | None
    modality: str
    according_to: str
    evidence: str
    context: list[tuple[str, bool]]  # the sentence in pieces; True marks the event's own words


class Disagreement(BaseModel):
    what: str  # killed, injured … date, place, actor
    values: list[dict[str, Any]]  # {value, outlet, doc_id}


class EventDetail(BaseModel):
    doc_id: str
    event_id: str
    cluster_id: int | None
    event: Source
    reports: int
    independent: int
    sources: list[Source]
    figures: dict[str, list[dict[str, Any]]]
    disagreements: list[Disagreement]


class ActorRow(BaseModel):
    id: int
    type: str
    name: str
    kind: str | None
    reports: int
    events: int
    quotes: int


class ActorPage(BaseModel):
    limit: int
    offset: int
    total: int
    more: bool
    items: list[ActorRow]


class Listing(BaseModel):
    total: int
    more: bool
    items: list[dict[str, Any]]


class Actor(BaseModel):
    id: int
    type: str
    kind: str | None
    name: str
    names: list[str]
    nationality: list[str]
    organisation: list[dict[str, Any]]
    affiliations: list[dict[str, Any]]
    related: list[dict[str, Any]]
    as_actor: Listing
    as_target: Listing
    quotes: Listing
    reports: Listing


# ---------------------------------------------------------------------- events


def context(text: str | None, span: tuple[int, int] | None, evidence: str) -> list[tuple[str, bool]]:
    """The sentence around an event's words, cut into (text, is_the_event's_words) pieces for escaping."""
    if not text or not span:
        return [(evidence, True)]
    s, e = span
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, s - CONTEXT), s)]
    lo = ends[-1] if ends else max(0, s - CONTEXT)
    after = _SENTENCE_END.search(text, e, min(len(text), e + CONTEXT))
    hi = after.start() + 1 if after else min(len(text), e + CONTEXT)
    return [p for p in ((text[lo:s], False), (text[s:e], True), (text[e:hi], False)) if p[0]]


def event_detail(summary: EventSummary, visible: set[str], record: Callable[[str], Record | None]) -> dict[str, Any]:
    """An event cluster as the event page shows it, with only the reports in ``visible``."""
    shown = [s for s in summary.sources if s["doc_id"] in visible]
    records = {d: record(d) for d in dict.fromkeys(s["doc_id"] for s in shown)}
    sources = []
    for s in shown:
        rec = records[s["doc_id"]]
        ev = next((e for e in rec.events if e.id == s["id"]), None) if rec else None
        sources.append({
            "doc_id": s["doc_id"], "event_id": s["id"], "title": s["title"], "outlet": s["outlet"],
            "published": s["published"], "copy_of": s["original_id"] if s["original_id"] in visible else None,
            "type": s["type"], "mode": s["mode"], "start": s["start"], "end": s["end"], "place": s["place"],
            "actor": s["actor"], "target": s["target"], "modality": s["modality"], "according_to": s["chain"],
            "evidence": s["evidence"],
            "context": context(rec.document.text if rec else None, ev.span if ev else None, s["evidence"])})
    figures = {kind: [{"doc_id": c.doc_id, "outlet": c.outlet, "text": c.text, "value": c.value}
                      for c in claims if c.doc_id in visible] for kind, claims in summary.numbers.items()}
    figures = {k: v for k, v in figures.items() if v}
    disagreements = [{"what": k, "values": [{"value": c["text"], "outlet": c["outlet"], "doc_id": c["doc_id"]}
                                            for c in v]}
                     for k, v in figures.items() if len({c["value"] for c in v}) > 1]
    for what, value in (("date", _when), ("place", lambda s: s["place"]), ("actor", lambda s: s["actor"])):
        said = [(value(s), s) for s in sources if value(s)]
        if len({name_key(v) for v, _ in said}) > 1:
            disagreements.append({"what": what, "values": [{"value": v, "outlet": s["outlet"], "doc_id": s["doc_id"]}
                                                           for v, s in said]})
    first = next((s for s in sources if s["doc_id"] == summary.sources[0]["doc_id"]), sources[0])
    return {"doc_id": first["doc_id"], "event_id": first["event_id"], "cluster_id": summary.cluster_id,
            "event": first, "reports": len({s["doc_id"] for s in sources}),
            "independent": independent_sources([{**s, "original_id": s["copy_of"]} for s in sources]),
            "sources": sources, "figures": figures, "disagreements": disagreements}


def _when(s: dict[str, Any]) -> str | None:
    if not s["start"]:
        return None
    return s["start"] + (f" – {s['end']}" if s["end"] and s["end"] != s["start"] else "")


def filter_summary(flt: queries.EventFilter, profile_name: str | None) -> str:
    """The filters a link set that the form does not show (an actor profile, a map circle), in words."""
    parts = []
    if profile_name:
        parts.append(f"events {'with ' + profile_name + ' as ' + flt.role if flt.role else 'of ' + profile_name}")
    if flt.at:
        parts.append(f"at {flt.at}")
    if flt.bbox:
        w, s, e, n = flt.bbox
        parts.append(f"located within {s:.3f}…{n:.3f}° N, {w:.3f}…{e:.3f}° E")
    return ", ".join(parts)


# ---------------------------------------------------------------------- actors


def actor_header(db: sqlite3.Connection, profile_id: int, see_restricted: bool) -> dict[str, Any] | None:
    """A profile's names, nationality and organisation as the reader's visible reports give them; None when no
    visible report names it (a profile known only from a restricted report does not exist for a viewer)."""
    p = links.profile(db, profile_id)
    seen = queries.actor_names(db, profile_id, see_restricted)
    if p is None or not seen:
        return None
    names = list(dict.fromkeys(n for r in seen for n in [r["name"], *json.loads(r["aliases"] or "[]")]))
    # the canonical name may come from a restricted report: show it only if a visible report uses it
    name = p["name"] if any(name_key(n) == name_key(p["name"]) for n in names) else names[0]
    parents = [dict(r) for r in links.profile_parents(db, profile_id)]
    affiliations = [dict(r) for r in links.profile_affiliations(db, profile_id)]
    visible = queries.visible_docs(db, [r["doc_id"] for r in parents + affiliations], see_restricted)
    return {"id": profile_id, "type": p["type"], "kind": p["kind"], "name": name, "names": names,
            "nationality": sorted({r["nationality"] for r in seen if r["nationality"]}),
            "organisation": [r for r in parents if r["doc_id"] in visible],
            "affiliations": [{k: r[k] for k in ("change", "org_id", "org_name", "org", "date", "doc_id", "evidence",
                                                 "outlet", "published")}
                             for r in affiliations if r["doc_id"] in visible]}


GRAPH_W, GRAPH_H, GRAPH_R = 720, 420, 150  # pixels: the related-actors drawing and its ring's radius


def actor_graph(a: dict[str, Any]) -> dict[str, Any]:
    """The actor in the middle and up to a dozen related actors on a ring around it: an arrow from whoever acted
    to whoever was acted on, labelled with how many events, and 'part of' lines to parent/unit organisations."""
    cx, cy = GRAPH_W / 2, GRAPH_H / 2
    others: dict[int, dict[str, Any]] = {}
    for r in a["related"]:
        others[r["id"]] = {"id": r["id"], "name": r["name"], "links": []}
        if r["as_actor"]:
            others[r["id"]]["links"].append(("out", f"{r['as_actor']} event{'s' * (r['as_actor'] != 1)}"))
        if r["as_target"]:
            others[r["id"]]["links"].append(("in", f"{r['as_target']} event{'s' * (r['as_target'] != 1)}"))
    for r in a["organisation"]:
        o = others.setdefault(r["id"], {"id": r["id"], "name": r["name"], "links": []})
        o["links"].append(("org", "part of" if r["relation"] == "parent" else "unit"))
    nodes, edges = [], []
    for i, o in enumerate(list(others.values())[:14]):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, min(len(others), 14))
        x, y = cx + 1.9 * GRAPH_R * math.cos(angle), cy + GRAPH_R * math.sin(angle)
        nodes.append({"x": x, "y": y, "name": _short(o["name"]), "title": o["name"], "href": f"/actors/{o['id']}"})
        for n, (direction, label) in enumerate(o["links"]):
            bend = 10 * n  # a second link between the same two is drawn beside the first
            x1, y1, x2, y2 = (cx, cy + bend, x, y + bend) if direction != "in" else (x, y + bend, cx, cy + bend)
            edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "kind": direction, "label": label,
                          "lx": (x1 + x2) / 2, "ly": (y1 + y2) / 2 - 4})
    return {"w": GRAPH_W, "h": GRAPH_H, "cx": cx, "cy": cy, "name": _short(a["name"]), "nodes": nodes,
            "edges": edges}


def _short(name: str) -> str:
    return name if len(name) <= 26 else name[:25] + "…"
