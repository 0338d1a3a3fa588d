"""Time to link one new report into a store already holding N synthetic reports.

    .venv/bin/python bench/link.py [N] [--db PATH]

Synthetic reports (random words, places, dates, events, groups and people) go in through ``Store.add`` and
``link.on_ingest`` without spaCy; then new reports are timed through ``on_ingest`` alone: one near-copy
of a stored report, one new account of a stored event, one new report of a stored report's story
(other words and events, the same person and town, two days later), and unrelated ones; each also links
its groups and people to profiles and is put in a story. "linked" counts copies found, events merged, stories
joined, and for unrelated reports, stories wrongly joined.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from eventledger import link
from eventledger.record import Document, Entity, Event, Mention, Number, Place, Provenance, Record, Source
from eventledger.store import Store, links

WORDS = [f"w{i}" for i in range(5000)]
TYPES = ["ASSAULT", "COERCE", "PROTEST", "AID", "ACCUSE", "AGREE", "RETREAT", "MOBILIZE"]
PLACES = [(f"Town{i}", f"C{i % 40}", f"A{i % 400}", random.Random(i).uniform(-30, 50),
           random.Random(-i).uniform(-20, 100)) for i in range(3000)]
ACTORS = [f"Group {i}" for i in range(300)]
PEOPLE = [(f"Given{i % 700} Family{i}", f"Family{i}") for i in range(20_000)]
DAYS = 5 * 365


def report(i: int, rnd: random.Random, text: str | None = None) -> Record:
    """A synthetic report: ~250 random words, 3 events with a place, an actor and a date, and two people
    (one by full name, one by surname only) for profile linking."""
    text = text or " ".join(rnd.choice(WORDS) for _ in range(250))
    full, _ = rnd.choice(PEOPLE)
    surname = rnd.choice(PEOPLE)[1]
    text += f" {full} said. {surname} said."
    day = 738000 + rnd.randrange(DAYS)
    rec = Record(document=Document(text=text, source=Source(path=f"synthetic/{i}.txt"), id=f"{i:064x}",
                                   title=f"report {i}", outlet=f"outlet {i % 200}", published=_iso(day + 1)),
                 provenance=Provenance(pipeline="bench", model="none"))
    for j in range(3):
        name, country, admin1, lat, lon = rnd.choice(PLACES)
        actor = rnd.choice(ACTORS)
        start = j * 5
        rec.places.append(Place(name=name, country=country, admin1=admin1, lat=lat, lon=lon, precision="city",
                                feature="city", id=f"P{j + 1}"))
        rec.entities.append(Entity(name=actor, type="ORG", id=f"E{j + 1}", aliases=[actor.replace(" ", "-")]))
        rec.events.append(Event(type=rnd.choice(TYPES), evidence=text[start:start + 4], span=(start, start + 4),
                                actor=actor, actor_entity=f"E{j + 1}", place=name, place_id=f"P{j + 1}",
                                start=_iso(day - j), end=_iso(day - j), modality="reported", id=f"ev{j + 1}",
                                numbers=[Number(text="x", span=(0, 1), kind="killed", value=rnd.randrange(50))]))
    for k, name in enumerate((full, surname)):
        at = text.rindex(name)
        rec.entities.append(Entity(name=name, type="PERSON", id=f"E{4 + k}",
                                   mentions=[Mention(span=(at, at + len(name)), text=name)]))
    return rec


def same_story(i: int, rnd: random.Random, old: Record) -> Record:
    """A new report of a stored report's story: its person named again in its town two days later."""
    person = next(e for e in old.entities if e.type == "PERSON")
    rec = report(i, rnd, text=" ".join(rnd.choice(WORDS) for _ in range(250)) + f" {person.name} told us.")
    at = rec.document.text.index(f" {person.name} told us.") + 1
    rec.entities.append(Entity(name=person.name, type="PERSON", id="E6",
                               mentions=[Mention(span=(at, at + len(person.name)), text=person.name)]))
    rec.places[0] = old.places[0]
    rec.document.published = _iso(date.fromisoformat(old.document.published).toordinal() + 2)
    return rec


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def add(store: Store, rec: Record) -> tuple[float, link.LinkResult]:
    store.add(rec, rec.document.text.encode(), "text/plain")
    t = time.perf_counter()
    res = link.on_ingest(store, rec)
    if res.error:
        raise SystemExit(f"linking failed: {res.error}")
    return time.perf_counter() - t, res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--db", type=Path, help="store to fill (default: a temporary file)")
    args = ap.parse_args()
    rnd = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp, Store(args.db or Path(tmp) / "bench.db") as store:
        t0 = time.perf_counter()
        start = store.count()
        for i in range(start, args.n):
            add(store, report(i, rnd))
        print(f"store of {store.count()} reports filled in {time.perf_counter() - t0:.0f} s;"
              f" {store.db.execute('SELECT count(*) FROM profiles').fetchone()[0]} profiles")
        times, kinds, found = [], [], []
        for k in range(40):
            i = args.n + 1_000_000 + k
            old = store.record(f"{rnd.randrange(args.n):064x}")
            if k % 4 == 0:  # a syndicated copy of a stored report
                rec = report(i, rnd, text="Agency copy " + old.document.text + " reporting by agency")
                kinds.append("copy")
            elif k % 4 == 1:  # another outlet telling a stored event
                rec = report(i, rnd)
                rec.places, rec.entities, rec.events = old.places, old.entities, old.events
                rec.document.published = old.document.published
                kinds.append("same event")
            elif k % 4 == 2:  # the same story told later: the same person and town, other words and events
                rec = same_story(i, rnd, old)
                kinds.append("same story")
            else:
                rec = report(i, rnd)
                kinds.append("unrelated")
            took, res = add(store, rec)
            times.append(took)
            story = store.db.execute("SELECT count(*) FROM doc_stories WHERE story_id = ?", (res.story,)).fetchone()[0]
            found.append(bool(res.duplicate_of or res.copies) if kinds[-1] == "copy"
                         else bool(res.clusters) if kinds[-1] == "same event"
                         else res.story == links.story_of(store.db, old.document.id) if kinds[-1] == "same story"
                         else story > 1)
        for kind in ("copy", "same event", "same story", "unrelated"):
            ts = [t for t, k in zip(times, kinds, strict=True) if k == kind]
            hits = sum(f for f, k in zip(found, kinds, strict=True) if k == kind)
            print(f"link one report ({kind:10}) into {args.n} reports: median {statistics.median(ts) * 1000:.1f} ms,"
                  f" max {max(ts) * 1000:.1f} ms; linked {hits}/{len(ts)}")


if __name__ == "__main__":
    main()
