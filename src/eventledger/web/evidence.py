"""The evidence view and review: a record's items with their spans, the text cut into highlightable
segments, and reviews layered over the machine's version (which is never changed).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from eventledger.record import Record
from eventledger.web import queries

KINDS = ("entity", "place", "time", "quote", "attribution", "event")
PLURAL = {"entity": "entities", "place": "places", "time": "times", "quote": "quotes",
          "attribution": "attributions", "event": "events"}
ACTIONS = ("accept", "correct", "reject")
# what a reviewer may correct, per kind: the fields a user reads a fact by
EDITABLE: dict[str, tuple[str, ...]] = {
    "entity": ("name", "type", "kind"),
    "place": ("name", "country", "lat", "lon", "precision"),
    "time": ("start", "end", "precision"),
    "quote": ("speaker", "kind"),
    "attribution": ("source", "stance"),
    "event": ("type", "mode", "actor", "target", "place", "start", "end", "modality", "attributed_to"),
}
# what a card shows (besides the editable fields), per kind
SHOWN: dict[str, tuple[str, ...]] = {
    "entity": ("aliases", "nationality"),
    "place": ("admin1", "feature", "geonameid"),
    "time": ("text", "relative"),
    "quote": ("text", "cue", "speaker_entity"),
    "attribution": ("text", "source_entity"),
    "event": ("trigger", "time", "evidence"),
}


class ReviewError(Exception):
    pass


@dataclass
class Item:
    kind: str
    id: str
    label: str
    confidence: float
    spans: list[tuple[int, int]]
    machine: dict[str, Any]  # the editable fields as extracted
    details: dict[str, Any]  # other fields worth showing
    numbers: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None  # the latest audit row for this item

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def status(self) -> str:
        return state(self)["status"]

    @property
    def values(self) -> dict[str, Any]:
        return state(self)["values"]


def state(item: Item) -> dict[str, Any]:
    """The reviewed state: status and field values (the machine's, with any corrections over them)."""
    if item.review:
        return item.review["after"]
    return {"status": "unreviewed", "values": dict(item.machine)}


def items(rec: Record, reviews: dict[tuple[str, str], dict[str, Any]]) -> list[Item]:
    """Every extracted item of a record, in text order within each kind."""
    d = rec.to_dict()
    out: list[Item] = []
    for kind in KINDS:
        for x in d[PLURAL[kind]]:
            spans = [tuple(m["span"]) for m in x["mentions"]] if "mentions" in x else [tuple(x["span"])]
            if kind == "event":
                label = x["type"] + (f"/{x['mode']}" if x.get("mode") else "")
            else:
                label = x.get("name") or x.get("text", "")
            out.append(Item(kind=kind, id=x["id"], label=label, confidence=x.get("confidence", 0.0), spans=spans,
                            machine={k: x.get(k) for k in EDITABLE[kind]},
                            details={k: x.get(k) for k in SHOWN[kind] if x.get(k) not in (None, [], "")},
                            numbers=x.get("numbers", []), review=reviews.get((kind, x["id"]))))
    return out


@dataclass
class Segment:
    text: str
    keys: list[str]  # the items covering it, innermost (shortest) first
    kinds: list[str]


def segments(text: str, all_items: list[Item]) -> list[Segment]:
    """The text cut at every span boundary; each piece knows which items cover it.

    A sweep over sorted boundaries (not a per-character scan): long reports stay cheap.
    """
    spans = [(s, e, it) for it in all_items for s, e in it.spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starts: dict[int, list] = {}
    for sp in spans:
        starts.setdefault(sp[0], []).append(sp)
    active: list[tuple[int, int, Item]] = []
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = [sp for sp in active if sp[1] > a] + starts.get(a, [])
        inner = sorted(active, key=lambda sp: sp[1] - sp[0])
        keys = list(dict.fromkeys(sp[2].key for sp in inner))
        kinds = list(dict.fromkeys(sp[2].kind for sp in inner))
        out.append(Segment(text[a:b], keys, kinds))
    return out


def review(db: sqlite3.Connection, rec: Record, user: str, kind: str, item_id: str, action: str,
           corrections: dict[str, str], comment: str) -> dict[str, Any]:
    """Record one review of one item in the audit log; returns the item's new state.

    A correction only names fields a reviewer may edit, and merges over the current values; the
    machine's record is never touched.
    """
    if kind not in KINDS or action not in ACTIONS:
        raise ReviewError(f"unknown kind or action: {kind!r}, {action!r}")
    reviewed = queries.reviews(db, rec.document.id)
    found = [it for it in items(rec, reviewed) if it.kind == kind and it.id == item_id]
    if not found:
        raise ReviewError(f"no {kind} {item_id!r} in this document")
    before = state(found[0])
    values = dict(before["values"])
    if action == "correct":
        bad = sorted(set(corrections) - set(EDITABLE[kind]))
        if bad or not corrections:
            raise ReviewError(f"a correction of a {kind} sets some of: {', '.join(EDITABLE[kind])}"
                              + (f" (not {', '.join(bad)})" if bad else ""))
        values.update({k: (v.strip() or None) if isinstance(v, str) else v for k, v in corrections.items()})
        status = "corrected"
    else:
        status = "accepted" if action == "accept" else "rejected"
    after = {"status": status, "values": values}
    queries.audit(db, user, action, rec.document.id, kind, item_id, before, after, comment)
    return after
