"""Commands across reports: ``eventledger duplicates | event ID | stories | actor NAME``.

Each command first links any stored report not linked yet (stores made before linking existed),
so the answer always covers the whole store.
"""

from __future__ import annotations

import json

import click
from rich.markup import escape

from eventledger import link
from eventledger.cli import _store, _table, console, db_option
from eventledger.link.profiles import key
from eventledger.link.report import fold_copies, summarize
from eventledger.store import links


def register(main: click.Group) -> None:
    """Add the link commands to the ``eventledger`` group."""
    main.add_command(duplicates)
    main.add_command(event)
    main.add_command(stories)
    main.add_command(actor)


@click.command()
@db_option
def duplicates(db_path) -> None:
    """Near-duplicate reports (syndicated copies) under the original each copies."""
    with _store(db_path) as store:
        link.backfill(store)
        rows = links.duplicate_groups(store.db)
    t = _table(("original", 12), ("copy", 12), ("similarity", 10), ("published", 10), ("outlet", 24),
               ("title", 70))
    last = None
    for r in rows:
        if r["original_id"] != last:
            last = r["original_id"]
            t.add_row(r["original_id"][:12], "", "", r["o_published"] or "", escape(r["o_outlet"] or ""),
                      escape(r["o_title"] or ""))
        t.add_row("", r["doc_id"][:12], f"{r['similarity']:.2f}", r["published"] or "", escape(r["outlet"] or ""),
                  escape(r["title"] or ""))
    console.print(t)
    console.print(f"{len(rows)} near-duplicates of {len({r['original_id'] for r in rows})} originals")


@click.command()
@click.argument("ref")
@db_option
def event(ref, db_path) -> None:
    """All sources of one event and where they disagree (REF: cluster id, or DOCPREFIX:EVENTID)."""
    with _store(db_path) as store:
        link.backfill(store)
        if ref.isdigit():
            summary = summarize(store, cluster_id=int(ref))
        else:
            prefix, _, ev_id = ref.partition(":")
            doc_id = store.resolve(prefix)
            summary = summarize(store, doc_id=doc_id, event_id=ev_id) if doc_id and ev_id else None
    if summary is None:
        raise click.ClickException(f"no event {ref!r} (an event cluster number, or DOCPREFIX:EVENTID)")
    name = f"event cluster {summary.cluster_id}" if summary.cluster_id else "event (no other report tells it)"
    console.print(f"[bold]{name}[/bold]: {len(summary.sources)} mentions, "
                  f"{summary.independent} independent source{'s' if summary.independent != 1 else ''}")
    t = _table(("doc:event", 14), ("published", 10), ("outlet", 22), ("copy of", 8), ("event", 18), ("date", 22),
               ("place", 14), ("actor", 20), ("target", 20), ("modality", 10), ("evidence", 70), title="sources")
    for s in summary.sources:
        date = (s["start"] or "") + (f"..{s['end']}" if s["end"] and s["end"] != s["start"] else "")
        t.add_row(f"{s['doc_id'][:8]}:{s['id']}", s["published"] or "", escape(s["outlet"] or ""),
                  (s["original_id"] or "")[:8], s["type"] + (f"/{s['mode']}" if s["mode"] else ""), date,
                  escape(s["place"] or ""), escape(s["actor"] or ""), escape(s["target"] or ""), s["modality"],
                  escape(s["evidence"]))
    console.print(t)
    console.print("[bold]according to[/bold]")
    for line in dict.fromkeys(f"{s['doc_id'][:8]}  {s['chain']}" for s in summary.sources):
        console.print("  " + escape(line))
    if summary.numbers:
        t = _table(("figure", 10), ("outlet", 24), ("doc", 8), ("value", 8), ("words", 50), title="figures")
        for kind, claims in summary.numbers.items():
            mark = f"[red]{kind} ≠[/red]" if kind in summary.disagree else kind
            for c in claims:
                t.add_row(mark, escape(c.outlet or ""), c.doc_id[:8], "" if c.value is None else str(c.value),
                          escape(c.text))
                mark = ""
        console.print(t)
    if len(summary.actors) > 1:
        console.print("[red]sources name different actors:[/red] " + " vs ".join(escape(a) for a in summary.actors))


@click.command()
@db_option
@click.option("--all", "all_", is_flag=True, help="also stories told by a single report")
def stories(db_path, all_) -> None:
    """Groups of reports about the same story (copies, a shared event, or alike in words, rare actors, towns and
    dates), with their outlets and dates."""
    with _store(db_path) as store:
        link.backfill(store)
        rows = links.stories(store.db, min_size=1 if all_ else 2)
    t = _table(("story", 6), ("doc", 12), ("published", 10), ("outlet", 24), ("copy of", 8), ("title", 70))
    last = None
    for r in rows:
        t.add_row(str(r["story_id"]) if r["story_id"] != last else "", r["id"][:12], r["published"] or "",
                  escape(r["outlet"] or ""), (r["original_id"] or "")[:8], escape(r["title"] or ""))
        last = r["story_id"]
    console.print(t)
    console.print(f"{len({r['story_id'] for r in rows})} stories")


@click.command()
@click.argument("name")
@db_option
def actor(name, db_path) -> None:
    """One person or group across reports: names, parents, affiliations, timeline, quotes and reports.

    NAME is any name or alias a report used ("Jaysh al Fajr", "RSF"), or a profile number."""
    with _store(db_path) as store:
        link.backfill(store)
        ids = [int(name)] if name.isdigit() else links.find_profiles(store.db, key(name), name)
        if not ids:
            raise click.ClickException(f"no person or organisation called {name!r} in the store")
        if len(ids) > 1:
            console.print(f"{len(ids)} profiles match {escape(name)!r}; showing the first (ask for one by number):")
            for pid in ids:
                p = links.profile(store.db, pid)
                console.print(f"  {pid}  {escape(p['name'])} ({p['type']}{', ' + p['kind'] if p['kind'] else ''})")
        _show_profile(store, ids[0])


def _show_profile(store, pid: int) -> None:
    db = store.db
    p = links.profile(db, pid)
    if p is None:
        raise click.ClickException(f"no profile {pid}")
    mentions = links.profile_mentions(db, pid)
    names = dict.fromkeys(n for m in mentions for n in [m["name"], *json.loads(m["aliases"])])
    console.print(f"[bold]{escape(p['name'])}[/bold]  profile {pid}: {p['type']}"
                  + (f", {p['kind']}" if p["kind"] else "") + f", in {len({m['doc_id'] for m in mentions})} reports")
    console.print("names: " + escape(", ".join(names)))
    nationality = {m["nationality"]: m for m in mentions if m["nationality"]}
    if nationality:
        console.print("nationality: " + escape(", ".join(
            f"{n} ({m['outlet'] or m['doc_id'][:8]})" for n, m in nationality.items())))
    rel = links.profile_parents(db, pid)
    if rel:
        t = _table(("relation", 8), ("profile", 7), ("name", 30), ("outlet", 22), ("doc", 8), ("evidence", 80),
                   title="organisation")
        for r in rel:
            t.add_row("part of" if r["relation"] == "parent" else "has unit", str(r["id"]), escape(r["name"]),
                      escape(r["outlet"] or ""), r["doc_id"][:8], escape(r["evidence"]))
        console.print(t)
    aff = links.profile_affiliations(db, pid)
    if aff:
        t = _table(("date", 10), ("change", 10), ("organisation", 30), ("outlet", 22), ("doc", 8), ("evidence", 80),
                   title="affiliations")
        for a in aff:
            t.add_row(a["date"] or "", a["change"], escape(a["org_name"] or a["org"] or ""), escape(a["outlet"] or ""),
                      a["doc_id"][:8], escape(a["evidence"]))
        console.print(t)
    events = fold_copies(links.profile_timeline(db, pid))
    if events:
        t = _table(("date", 10), ("as", 6), ("event", 18), ("counterpart", 24), ("place", 16), ("outlet", 22),
                   ("doc:event", 14), ("copies", 12), ("evidence", 70), title="timeline")
        for e, copies in events:
            other = e["target"] if e["role"] == "actor" else e["actor"]
            copy = (f"+{len(copies)} cop{'y' if len(copies) == 1 else 'ies'}" if copies
                    else f"copy of {e['original_id'][:8]}" if e["original_id"] else "")
            t.add_row(e["start"] or e["published"] or "", e["role"], e["type"] + (f"/{e['mode']}" if e["mode"] else ""),
                      escape(other or ""), escape(e["place"] or ""), escape(e["outlet"] or ""),
                      f"{e['doc_id'][:8]}:{e['id']}", copy, escape(e["evidence"]))
        console.print(t)
    quotes = links.profile_quotes(db, pid)
    if quotes:
        t = _table(("published", 10), ("outlet", 22), ("doc:quote", 14), ("kind", 8), ("words", 90), title="quotes")
        for q in quotes:
            t.add_row(q["published"] or "", escape(q["outlet"] or ""), f"{q['doc_id'][:8]}:{q['id']}", q["kind"],
                      escape(q["text"]))
        console.print(t)
    t = _table(("published", 10), ("outlet", 22), ("doc", 12), ("as", 30), ("title", 70), title="reports")
    for m in mentions:
        t.add_row(m["published"] or "", escape(m["outlet"] or ""), m["doc_id"][:12], escape(m["name"]),
                  escape(m["title"] or ""))
    console.print(t)
