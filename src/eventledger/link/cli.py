"""Commands across reports: ``eventledger duplicates | event ID | stories``.

Each command first links any stored report not linked yet (stores made before linking existed),
so the answer always covers the whole store.
"""

from __future__ import annotations

import click
from rich.markup import escape

from eventledger import link
from eventledger.cli import _store, _table, console, db_option
from eventledger.link.report import summarize
from eventledger.store import links


def register(main: click.Group) -> None:
    """Add the link commands to the ``eventledger`` group."""
    main.add_command(duplicates)
    main.add_command(event)
    main.add_command(stories)


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
    """Groups of reports about the same story (copies or a shared event), with their outlets and dates."""
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
