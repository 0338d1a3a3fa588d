"""People and organisations across reports: one profile per real person or group.

Each entity of a newly stored report is looked up by its normalized names in ``profile_keys`` (an
indexed lookup, never a scan): "Jaysh al-Fajr" and "Jaysh al Fajr" share the key "jaysh fajr";
a spelling variant ("Jaish al-Fajr") is found by its consonant skeleton and accepted on a string
ratio. A person named by surname alone joins a profile only when exactly one full name with that
surname is in the store; surname-only profiles made earlier are merged into a full name when it
arrives. Nothing is parsed here: parents ("X operates as part of Y") and affiliation changes
("X defected from Y") are read from the text between two entity mentions with the patterns of
``link/data/profiles.json``, and detentions and releases from the record's events.
"""

from __future__ import annotations

import bisect
import json
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterator

from rapidfuzz import fuzz

from eventledger.link.config import CONFIG, PROFILES
from eventledger.link.events import name_key
from eventledger.record import Entity, Event, Record
from eventledger.store import links

_C = CONFIG["profiles"]
_MAX_GAP = PROFILES["max_gap_chars"]
_BREAK = re.compile(PROFILES["sentence_break"])
_PARENTS = [(re.compile(p["gap"], re.I), p["child"] == "first") for p in PROFILES["parents"]]
_AFFIL_AFTER = [(re.compile(p["gap"], re.I), p["change"]) for p in PROFILES["affiliations"] if p["person"] == "first"]
_AFFIL_BEFORE = [(re.compile(p["gap"], re.I), p["change"]) for p in PROFILES["affiliations"]
                 if p["person"] == "second"]
_EVENT_CHANGES = PROFILES["event_changes"]
_VOWELS = re.compile(r"[aeiouyhw]+")
_REPEAT = re.compile(r"(.)\1+")

Mention = tuple[int, int, str, str]  # start, end, entity id, entity type


def key(name: str) -> str:
    """A name without case, accents, punctuation or Arabic/English articles: 'Jaysh al-Fajr' -> 'jaysh fajr'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return name_key(folded)


def loose_key(name_key_: str) -> str:
    """Consonant skeleton of a normalized organisation name, for transliteration variants (jaysh/jaish, quds/qods).
    Too loose for people ('Hassan'/'Hussein'), so only organisations use it, and a ratio confirms it."""
    skel = " ".join(_REPEAT.sub(r"\1", _VOWELS.sub("", w)) for w in name_key_.split())
    return skel if len(name_key_.split()) >= 2 and len(skel.replace(" ", "")) >= 4 else ""


def link_profiles(db: sqlite3.Connection, rec: Record, n: int) -> dict[str, int]:
    """Give every entity of a stored report its profile, with parents, affiliations and events; entity id -> profile."""
    doc = rec.document
    ids: dict[str, int] = {}
    for e in rec.entities:
        if not e.id:
            continue
        ids[e.id] = _person(db, e) if e.type == "PERSON" else _org(db, e)
        links.set_entity_profile(db, doc.id, e.id, ids[e.id], e.name, json.dumps(e.aliases, ensure_ascii=False),
                                 e.nationality)
    mentions = sorted((m.span[0], m.span[1], e.id, e.type) for e in rec.entities if e.id in ids for m in e.mentions)
    links.add_parents(db, _parents(doc.text, mentions, ids, doc.id))
    targets = {ev.id: _target(ev, mentions) for ev in rec.events}
    from_events = list(_event_affiliations(rec, ids, targets))
    links.add_affiliations(db, from_events + [r for r in _text_affiliations(rec, mentions, ids)
                                              if not _covered(r, from_events)])
    rows = []
    for ev in rec.events:
        if ev.actor_entity in ids:
            rows.append((ids[ev.actor_entity], doc.id, ev.id, "actor"))
        if targets[ev.id] in ids:
            rows.append((ids[targets[ev.id]], doc.id, ev.id, "target"))
    links.add_profile_events(db, rows)
    links.mark_profiled(db, n)
    return ids


def _person(db: sqlite3.Connection, e: Entity) -> int:
    k = key(e.name)
    toks = k.split()
    if len(toks) == 1:
        full = {r["id"] for r in links.profiles_by_key(db, "PERSON", "last", [k])}
        if len(full) == 1:  # the one full name in the store with this surname
            return full.pop()
    fulls = [k] + [a for a in (key(x) for x in e.aliases) if len(a.split()) >= 2 and a != k]
    rows = links.profiles_by_key(db, "PERSON", "name", fulls) if len(toks) >= 2 else []
    if rows:
        pid = rows[0]["id"]
    else:
        pid = links.new_profile(db, "PERSON", e.name, e.kind)
        if len(toks) >= 2:
            links.add_profile_keys(db, pid, "PERSON", [("last", toks[-1])])
            _absorb_surnames(db, pid, toks[-1])
    links.add_profile_keys(db, pid, "PERSON", [("name", f) for f in (fulls if len(toks) >= 2 else [k])])
    return pid


def _absorb_surnames(db: sqlite3.Connection, pid: int, surname: str) -> None:
    """Surname-only profiles made before this full name arrived become it (unless another full name has the surname)."""
    if len({r["id"] for r in links.profiles_by_key(db, "PERSON", "last", [surname])}) != 1:
        return
    for r in links.profiles_by_key(db, "PERSON", "name", [surname]):
        if r["id"] != pid and len(key(r["name"]).split()) == 1:
            links.merge_profiles(db, pid, r["id"])


def _org(db: sqlite3.Connection, e: Entity) -> int:
    own = key(e.name)
    keys = list(dict.fromkeys([own] + [k for k in (key(a) for a in e.aliases) if len(k) >= 3]))
    rows = links.profiles_by_key(db, "ORG", "name", [k for k in keys if k])
    loose = loose_key(own)
    pid = None
    if rows:
        exact = [r["id"] for r in rows if r["key"] == own]
        votes = Counter(r["id"] for r in rows)
        pid = exact[0] if exact else min(votes, key=lambda p: (-votes[p], p))
    elif loose:
        pid = next((r["id"] for r in links.profiles_by_key(db, "ORG", "loose", [loose])
                    if fuzz.ratio(key(r["name"]), own) >= _C["org_loose_ratio"]), None)
    if pid is None:
        pid = links.new_profile(db, "ORG", e.name, e.kind)
    links.add_profile_keys(db, pid, "ORG", [("name", k) for k in keys] + [("loose", loose)])
    return pid


def _same_sentence(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and not _BREAK.search(gap)


def _parents(text: str, mentions: list[Mention], ids: dict[str, int], doc_id: str) -> Iterator[tuple]:
    """(child, parent, doc, start, end, evidence) for two neighbouring organisation mentions joined by a pattern."""
    orgs = [m for m in mentions if m[3] == "ORG"]
    for a, b in zip(orgs, orgs[1:], strict=False):
        gap = text[a[1]:b[0]]
        if a[2] == b[2] or ids[a[2]] == ids[b[2]] or not _same_sentence(gap):
            continue
        for rx, child_first in _PARENTS:
            if rx.search(gap):
                child, parent = (a, b) if child_first else (b, a)
                yield ids[child[2]], ids[parent[2]], doc_id, a[0], b[1], text[a[0]:b[1]]
                break


def _time_after(rec: Record, start: int, end: int) -> str | None:
    """The date of a time expression between the two mentions or just after them ('joined X in 2016')."""
    for t in rec.times:
        if start <= t.span[0] <= end + _C["date_after_chars"] and t.start:
            return t.start
    return None


def _text_affiliations(rec: Record, mentions: list[Mention], ids: dict[str, int]) -> Iterator[tuple]:
    """Affiliation changes said in words: a person mention, then an organisation later in the sentence (no other
    person between), or an organisation right before a person ('RSF commander X')."""
    text, doc_id = rec.document.text, rec.document.id
    for i, p in enumerate(mentions):
        if p[3] != "PERSON":
            continue
        for o in mentions[i + 1:]:  # "joined X in 2016 after he defected from Y": both, each ending its gap
            gap = text[p[1]:o[0]]
            if o[3] == "PERSON" or not _same_sentence(gap):
                break
            change = next((c for rx, c in _AFFIL_AFTER if rx.search(gap)), None)
            if change:
                yield (ids[p[2]], change, ids[o[2]], text[o[0]:o[1]], _time_after(rec, p[0], o[1]), doc_id, None,
                       p[0], o[1], text[p[0]:o[1]])
        if i and mentions[i - 1][3] == "ORG":
            o = mentions[i - 1]
            gap = text[o[1]:p[0]]
            change = next((c for rx, c in _AFFIL_BEFORE if rx.search(gap)), None)
            if change and _same_sentence(gap):
                yield (ids[p[2]], change, ids[o[2]], text[o[0]:o[1]], _time_after(rec, o[0], p[1]), doc_id, None,
                       o[0], p[1], text[o[0]:p[1]])


def _target(ev: Event, mentions: list[Mention]) -> str | None:
    """The entity an event was done to: its target entity, or a name inside or right after the target words
    ('its commander Abu Hamza'), which the event extractor leaves as plain text."""
    if ev.target_entity or not ev.target:
        return ev.target_entity
    pos = ev.evidence.find(ev.target)
    if pos < 0:
        return None
    lo = ev.span[0] + pos
    hi = lo + len(ev.target) + _C["target_after_chars"]
    i = bisect.bisect_left(mentions, (lo,))
    return mentions[i][2] if i < len(mentions) and mentions[i][0] <= hi else None


def _event_affiliations(rec: Record, ids: dict[str, int], targets: dict[str, str | None]) -> Iterator[tuple]:
    """Detained, released ... from the events a profile is the target of, with who did it and when."""
    for ev in rec.events:
        change = _EVENT_CHANGES.get(f"{ev.type}/{ev.mode}")
        target = targets.get(ev.id)
        if not change or target not in ids or ev.modality in ("negated", "hypothetical"):
            continue
        yield (ids[target], change, ids.get(ev.actor_entity or ""), ev.actor, ev.start, rec.document.id, ev.id,
               ev.span[0], ev.span[1], ev.evidence)


def _covered(row: tuple, from_events: list[tuple]) -> bool:
    """A change said in words that an event of the same report already records (same person, change, place)."""
    return any(r[0] == row[0] and r[1] == row[1] and r[7] < row[8] and row[7] < r[8] for r in from_events)
