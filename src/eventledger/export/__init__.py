"""Exports: JSONL records (the contract), ACLED-style event CSV, GeoJSON of events and places.

All writers stream record dicts, so an export never holds the whole store in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

FORMATS = ("jsonl", "csv", "geojson")

# ACLED's column names where they fit (ACLED Codebook 2023, "Variables"); the event types are
# PLOVER's, not ACLED's, so event_type/sub_event_type hold PLOVER type/mode. Columns after
# `fatalities` are eventledger's own: provenance an ACLED sheet has no room for.
CSV_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "iso", "admin1", "location", "latitude", "longitude",
    "geo_precision", "source", "source_url", "notes", "fatalities",
    "event_end_date", "modality", "attributed_to", "evidence_span", "confidence", "doc_id",
]

# ACLED time_precision: 1 = day, 2 = week or month-part, 3 = month or coarser
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "season": 3, "year": 3, "decade": 3, "range": 3}
# ACLED geo_precision: 1 = town, 2 = near a town / admin2, 3 = admin1 / region / country
_GEO_PRECISION = {"city": 1, "landmark": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 3}


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _event_rows(records: Iterable[dict[str, Any]]):
    for rec in records:
        doc = rec["document"]
        places = {p["id"]: p for p in rec.get("places", [])}
        times = {t["id"]: t for t in rec.get("times", [])}
        for ev in rec.get("events", []):
            yield doc, ev, places.get(ev.get("place_id") or ""), times.get(ev.get("time_id") or "")


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    n = 0
    for doc, ev, place, time in _event_rows(records):
        date = ev.get("start") or doc.get("published") or ""
        killed = [x["value"] for x in ev.get("numbers", []) if x.get("kind") == "killed" and x.get("value")]
        w.writerow({
            "event_id_cnty": f"{doc['id'][:12]}-{ev['id']}",
            "event_date": date,
            "year": date[:4],
            "time_precision": _TIME_PRECISION.get((time or {}).get("precision") or "", 1 if ev.get("start") else 3),
            "event_type": ev["type"],
            "sub_event_type": ev.get("mode") or "",
            "actor1": ev.get("actor") or "",
            "actor2": ev.get("target") or "",
            "country": (place or {}).get("country") or "",
            "iso": (place or {}).get("country") or "",
            "admin1": (place or {}).get("admin1") or "",
            "location": ev.get("place") or "",
            "latitude": (place or {}).get("lat") if place else "",
            "longitude": (place or {}).get("lon") if place else "",
            "geo_precision": _GEO_PRECISION.get((place or {}).get("precision") or "", "") if place else "",
            "source": doc.get("outlet") or "",
            "source_url": doc["source"].get("url") or doc["source"].get("path") or "",
            "notes": ev["evidence"],
            "fatalities": sum(killed) if killed else "",
            "event_end_date": ev.get("end") or "",
            "modality": ev.get("modality") or "",
            "attributed_to": ev.get("attributed_to") or "",
            "evidence_span": f"{ev['span'][0]}-{ev['span'][1]}",
            "confidence": ev.get("confidence"),
            "doc_id": doc["id"],
        })
        n += 1
    return n


def write_geojson(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Events with a located place as points, and every located place once per document."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for rec in records:
        doc = rec["document"]
        feats = []
        places = {p["id"]: p for p in rec.get("places", [])}
        for ev in rec.get("events", []):
            pl = places.get(ev.get("place_id") or "")
            if pl and pl.get("lat") is not None:
                feats.append(_point(pl, {
                    "kind": "event", "type": ev["type"], "mode": ev.get("mode"), "actor": ev.get("actor"),
                    "target": ev.get("target"), "place": ev.get("place"), "start": ev.get("start"),
                    "end": ev.get("end"), "evidence": ev["evidence"], "modality": ev.get("modality"),
                    "doc_id": doc["id"], "event_id": ev["id"], "outlet": doc.get("outlet"),
                }))
        for pl in rec.get("places", []):
            if pl.get("lat") is not None:
                feats.append(_point(pl, {
                    "kind": "place", "name": pl["name"], "country": pl.get("country"),
                    "precision": pl.get("precision"), "mentions": len(pl.get("mentions", [])),
                    "doc_id": doc["id"], "place_id": pl["id"],
                }))
        for f in feats:
            out.write(("," if n else "") + json.dumps(f, ensure_ascii=False) + "\n")
            n += 1
    out.write("]}\n")
    return n


def _point(place: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
            "properties": props}


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "geojson": write_geojson}
