"""Same real-world event across documents: matching keys and a score.

Two mentions are one event when they have the same PLOVER type, overlapping time, places that
can be the same (within ``near_km``, or one inside the other's admin1/country, never two
different countries or far-apart towns) and enough agreement besides (place, day, actors,
casualty kinds, wording) to reach the threshold. Differing actors lower the score but do not
forbid a merge: "residents blamed X" against "X denied it, blaming Y" is a disagreement to show.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from eventledger.link.config import CONFIG
from eventledger.record import Record

_E = CONFIG["events"]
_W = _E["weights"]
_FINE = {"city", "landmark"}
_NORM = re.compile(r"[^\w]+")
_ARTICLE = re.compile(r"\b(?:al|el|the)\b[-\s]?")


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal() if iso else None
    except ValueError:
        return None


def event_keys(rec: Record) -> list[dict[str, Any]]:
    """Matching keys of a record's events worth linking: asserted or reported, with a short time window.

    An event without a time of its own is placed in the days before publication (reports are
    written after the fact); background events spanning months ("since 2015") are not linked.
    """
    doc = rec.document
    places = {p.id: p for p in rec.places}
    names = {e.id: e.name for e in rec.entities}
    published = _day(doc.published)
    out = []
    for ev in rec.events:
        if ev.modality in _E["skip_modalities"] or not ev.id:
            continue
        lo, hi = _day(ev.start), _day(ev.end or ev.start)
        dated = lo is not None
        if not dated:
            if published is None:
                continue
            lo, hi = published - _E["undated_days_before_publication"], published
        if hi is None or hi < lo or hi - lo > _E["max_span_days"]:
            continue
        pl = places.get(ev.place_id or "")
        out.append({
            "doc_id": doc.id, "event_id": ev.id, "type": ev.type, "lo": lo, "hi": hi, "dated": int(dated),
            "place": pl.name if pl else ev.place, "country": pl.country if pl else None,
            "admin1": pl.admin1 if pl else None, "lat": pl.lat if pl else None, "lon": pl.lon if pl else None,
            "precision": pl.precision if pl else None,
            "actor": names.get(ev.actor_entity or ""), "target": ev.target,
            "kinds": ",".join(sorted({n.kind for n in ev.numbers})),
            "evidence": ev.evidence, "anchor": None,
        })
    _anchor(out)
    return out


def _anchor(keys: list[dict[str, Any]]) -> None:
    """Tie undated mentions to the one dated event of their type in the report ("The shells struck"
    after "40 were killed when shells hit the market on Tuesday"): they follow it into its cluster.
    Left alone when the report dates several events of that type (which one would they retell?)."""
    dated: dict[str, list[dict[str, Any]]] = {}
    for k in keys:
        if k["dated"]:
            dated.setdefault(k["type"], []).append(k)
    for k in keys:
        one = dated.get(k["type"], [])
        if not k["dated"] and len(one) == 1 and _place_score(k, one[0]) is not None:
            k["anchor"] = one[0]["event_id"]


def key_window(key: dict[str, Any]) -> tuple[int, int]:
    """The days a candidate may start in: the key's window widened by the tolerance."""
    return key["lo"] - _E["tolerance_days"], key["hi"] + _E["tolerance_days"]


def max_span() -> int:
    return _E["max_span_days"] + 2 * _E["tolerance_days"]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _place_score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """Place agreement, or None when the places cannot be the same (other country, far-apart towns)."""
    if not (a["country"] and b["country"]):
        return 0.0
    if a["country"] != b["country"]:
        return None
    fine_a, fine_b = a["precision"] in _FINE, b["precision"] in _FINE
    if fine_a and fine_b and a["lat"] is not None and b["lat"] is not None:
        return _W["place_near"] if km(a["lat"], a["lon"], b["lat"], b["lon"]) <= _E["near_km"] else None
    if a["admin1"] and b["admin1"]:
        return _W["place_admin1"] if a["admin1"] == b["admin1"] else None
    return _W["place_country"]


def name_key(name: str) -> str:
    """A name compared without case, punctuation or Arabic/English articles: 'al-Nasr' ~ 'Al Nasr'."""
    return _NORM.sub(" ", _ARTICLE.sub("", name.lower())).strip()


def names_match(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    return bool(ka and kb) and (ka == kb or fuzz.token_set_ratio(ka, kb) >= _E["actor_ratio"])


def score(new: dict[str, Any], old: dict[str, Any], copy: bool = False) -> float | None:
    """How strongly two event keys look like one event; None when they cannot be.

    ``old`` may be a sqlite3.Row from ``event_keys`` joined with its evidence. ``copy``: the two
    reports are near-duplicates, so the same words are the same event even with nothing else known.
    """
    lo, hi = key_window(new)
    if old["lo"] > hi or old["hi"] < lo:
        return None
    place = _place_score(new, old)
    if place is None:
        return None
    s = place
    if new["dated"] and old["dated"] and new["lo"] == new["hi"] == old["lo"] == old["hi"]:
        s += _W["same_day"]
    if new["actor"] and old["actor"]:
        s += _W["actor_match"] if names_match(new["actor"], old["actor"]) else _W["actor_differs"]
    if new["target"] and old["target"] and names_match(new["target"], old["target"]):
        s += _W["target_match"]
    if set(filter(None, new["kinds"].split(","))) & set(filter(None, old["kinds"].split(","))):
        s += _W["number_kind"]
    if fuzz.token_set_ratio(new["evidence"], old["evidence"]) >= _E["evidence_ratio"]:
        s += _W["evidence_similar"] + (_W["copy_same_words"] if copy else 0.0)
    return s


def threshold() -> float:
    return _E["threshold"]

