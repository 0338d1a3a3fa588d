"""The command line: ``eventledger ingest | list | show | search | events | queue | failures | export | eval``,
the cross-report commands (``duplicates | event | stories | actor``), the store's own (``check | backup |
restore``) and the web app's (``serve | user | restrict``)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from eventledger import __version__
from eventledger.export import FORMATS
from eventledger.store import ENV_DB, Store, default_db_path

console = Console()
if not console.is_terminal:  # piped or captured: wide enough that a row stays one line
    console.width = max(console.width, 200)
err = Console(stderr=True)


def _table(*columns: tuple[str, int | None], **kw) -> Table:
    """A table whose cells stay on one line, cut with an ellipsis at the column's width."""
    t = Table(box=None, **kw)
    for name, width in columns:
        short = width is not None and width <= 12  # ids, dates, counts: never squeezed
        t.add_column(name, no_wrap=True, overflow="ellipsis", max_width=width, min_width=width if short else None)
    return t

db_option = click.option(
    # a plain string: click.Path would turn postgresql://host/db into postgresql:/host/db
    "--db", "db_path", envvar=ENV_DB, metavar="FILE|URL",
    help=f"SQLite database file, or a PostgreSQL URL postgresql://user@host/dbname shared by a team"
         f" (default: ${ENV_DB} or {default_db_path()})",
)


def _store(db_path: str | Path | None) -> Store:
    return Store(db_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventledger")
def main() -> None:
    """Turn conflict reports into a sourced record of who did what to whom, where and when."""


# ---------------------------------------------------------------------- ingest

@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--published", help="publication date YYYY-MM-DD for all inputs (overrides metadata)")
@click.option("--outlet", help="outlet name for all inputs (overrides metadata)")
@click.option("--max-bytes", default=50_000_000, show_default=True, help="refuse inputs larger than this")
@click.option("--timeout", default=20.0, show_default=True, help="seconds to wait for a URL")
@click.option("--allow-private-urls", is_flag=True,
              help="let URLs reach private, loopback and link-local addresses (refused by default)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
@click.option("--workers", "-w", type=click.IntRange(min=1), help="worker processes (default: one per CPU, "
              "or in this process when there are fewer than two batches of new documents); 1 = in this process")
@click.option("--cluster", metavar="tcp://HOST:8786|local",
              help="process on a Dask cluster (its workers need eventledger installed, the same version); "
                   "'local' starts one on this machine with --workers processes")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="documents sent to a worker at a time (default: as many as spaCy parses in one batch)")
def ingest(paths, db_path, published, outlet, max_bytes, timeout, allow_private_urls, quiet, workers, cluster,
           batch_size) -> None:
    """Ingest reports: files, folders (recursive), JSONL, WARC, feeds and http(s) URLs.

    Re-ingesting the same content does nothing; failures get a one-line reason and the
    rest of the batch goes on. Parsing runs on several processes or a Dask cluster; this
    process alone writes the store, in input order, so an interrupted ingest can simply be rerun.
    """
    from eventledger import ingest as ing
    from eventledger.parallel import WorkerError, Workers
    from eventledger.pipeline import BATCH_SIZE, process_stream
    from eventledger.pipeline import ingest as run

    overrides = {k: v for k, v in (("published", published), ("outlet", outlet)) if v}
    items = ing.discover(paths)
    with _store(db_path) as store:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, disable=quiet or not err.is_terminal, transient=True) as bar:
            task = bar.add_task("ingesting", total=len(items))

            def stream():
                for item in items:
                    yield from ing.read(item, max_bytes=max_bytes, timeout=timeout, overrides=overrides,
                                        allow_private=allow_private_urls)
                    bar.advance(task)

            pool = Workers(workers, cluster, batch_size=batch_size or BATCH_SIZE)
            try:
                with pool:
                    summary = run(store, stream(), progress=lambda where: bar.update(task, description=_short(where)),
                                  executor=process_stream if workers == 1 and not cluster else pool)
            except WorkerError as exc:
                raise click.ClickException(str(exc)) from exc
        console.print(
            f"ingested {summary.ingested}, skipped {summary.duplicates} as duplicate, "
            f"failed {len(summary.failed)}; processed {pool.where}  →  {store.name}", soft_wrap=True
        )
        if summary.ingested:
            console.print(f"found {summary.entities} people and organisations, {summary.places} places, "
                          f"{summary.quotes} quotes, {summary.events} events")
        if summary.near_duplicates:
            console.print(f"{summary.near_duplicates} near-duplicates (see `eventledger duplicates`)")
        for f in summary.failed:
            where = f.where.replace("\n", "\\n")  # a file name with a line break stays on one line
            console.print(f"[red]failed[/red] {escape(where)}: {escape(f.reason)}", soft_wrap=True)
    if summary.failed and not summary.ingested and not summary.duplicates:
        sys.exit(1)


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else "…" + s[-(n - 1):]


# ---------------------------------------------------------------------- reading

@main.command("list")
@db_option
@click.option("--limit", default=50, show_default=True)
@click.option("--offset", default=0)
def list_(db_path, limit, offset) -> None:
    """List ingested documents."""
    with _store(db_path) as store:
        t = _table(("id", 12), ("published", 10), ("outlet", 24), ("title", 70), ("events", 6), ("quotes", 6))
        for r in store.documents(limit, offset):
            t.add_row(r["id"][:12], r["published"] or "", escape(r["outlet"] or ""),
                      escape((r["title"] or r["source_path"] or r["source_url"] or "")[:70]),
                      str(r["events"]), str(r["quotes"]))
        console.print(t)
        console.print(f"{store.count()} documents in {store.name}")


# colours by kind of item, shared by `show` and its legend
STYLES = {"entity": "bold cyan", "place": "bold green", "time": "magenta", "quote": "yellow",
          "event": "underline"}


@main.command()
@click.argument("doc")
@db_option
@click.option("--original", is_flag=True, help="print the original bytes as received instead")
def show(doc, db_path, original) -> None:
    """Show a document with its extracted items marked up (DOC: id prefix, file name or URL)."""
    with _store(db_path) as store:
        doc_id = store.resolve(doc)
        if not doc_id:
            raise click.ClickException(f"no single document matches {doc!r} (try `eventledger list`)")
        if original:
            data, _ = store.original(doc_id)
            sys.stdout.buffer.write(data)
            return
        rec = store.record(doc_id)
    d = rec.document
    console.print(f"[bold]{escape(d.title or d.source.path or d.source.url or d.id)}[/bold]")
    console.print(f"{escape(d.outlet or 'outlet unknown')} · published {d.published or 'unknown'} · "
                  f"{d.id[:12]} · {escape(rec.provenance.model)}")
    text = Text(d.text)
    for ev in rec.events:
        text.stylize(STYLES["event"], *ev.span)
    for q in rec.quotes:
        text.stylize(STYLES["quote"], *q.span)
    for kind, items in (("entity", rec.entities), ("place", rec.places)):
        for it in items:
            for m in it.mentions:
                text.stylize(STYLES[kind], *m.span)
    for t in rec.times:
        text.stylize(STYLES["time"], *t.span)
    console.print(Text("legend: ") + Text("  ").join(Text(k, style=v) for k, v in STYLES.items()))
    console.print(text)
    _items_tables(rec)


def _items_tables(rec) -> None:
    if rec.events:
        t = _table(("event", 20), ("actor", 24), ("target", 24), ("place", 16), ("time", 22), ("modality", 12),
                   ("evidence", 70), title="events")
        for ev in rec.events:
            t.add_row(ev.type + (f"/{ev.mode}" if ev.mode else ""), escape(ev.actor or ""), escape(ev.target or ""),
                      escape(ev.place or ""), f"{ev.start or ''}..{ev.end or ''}" if ev.start else "",
                      ev.modality, escape(ev.evidence))
        console.print(t)
    if rec.quotes:
        t = _table(("speaker", 24), ("kind", 8), ("conf", 4), ("quote", 100), title="quotes")
        for q in rec.quotes:
            t.add_row(escape(q.speaker or "(unknown)"), q.kind, f"{q.confidence:.2f}", escape(q.text))
        console.print(t)
    if rec.entities or rec.places:
        t = _table(("name", 30), ("type", 22), ("details", 60), ("mentions", 8), title="entities and places")
        for e in rec.entities:
            t.add_row(escape(e.name), e.type + (f"/{e.kind}" if e.kind else ""), escape(", ".join(e.aliases[:4])),
                      str(len(e.mentions)))
        for p in rec.places:
            where = f"{p.country or '?'} {p.lat:.3f},{p.lon:.3f}" if p.lat is not None else (p.country or "?")
            t.add_row(escape(p.name), f"PLACE/{p.precision or '?'}", where, str(len(p.mentions)))
        console.print(t)
    if rec.times:
        console.print("times: " + "; ".join(f"{escape(t.text)} = {t.start}..{t.end}" for t in rec.times))


@main.command()
@click.argument("query")
@db_option
@click.option("--limit", default=20, show_default=True)
def search(query, db_path, limit) -> None:
    """Full-text search over documents (words are ANDed; FTS5 syntax such as OR and "phrases" works)."""
    with _store(db_path) as store:
        rows = store.search(query, limit)
        for r in rows:
            console.print(f"[bold]{r['id'][:12]}[/bold] {r['published'] or ''} {escape(r['outlet'] or '')} — "
                          f"{escape(r['title'] or '')}")
            snip = Text(r["snippet"].replace("\n", " "))
            snip.highlight_regex(r"\[[^\]]*\]", "bold yellow")
            console.print(Text("    ") + snip)
        if not rows:
            console.print("no matches")


@main.command()
@db_option
@click.option("--type", "type_", help="PLOVER event type, e.g. ASSAULT")
@click.option("--actor", help="actor or target name contains")
@click.option("--place", help="place name contains")
@click.option("--since", help="YYYY-MM-DD: events ending on or after")
@click.option("--until", help="YYYY-MM-DD: events starting on or before")
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def events(db_path, type_, actor, place, since, until, limit, as_json) -> None:
    """List events, filtered by type, actor, place and date range."""
    with _store(db_path) as store:
        rows = store.events(type=type_, actor=actor, place=place, since=since, until=until, limit=limit)
    if as_json:
        for r in rows:
            click.echo(json.dumps(dict(r), ensure_ascii=False))
        return
    t = _table(("date", 22), ("event", 20), ("actor", 24), ("target", 24), ("place", 16), ("killed", 6),
               ("modality", 12), ("evidence", 60), ("doc", 8))
    for r in rows:
        date = r["start"] or r["published"] or ""
        if r["end"] and r["end"] != r["start"]:
            date += f"..{r['end']}"
        t.add_row(date, r["type"] + (f"/{r['mode']}" if r["mode"] else ""), escape(r["actor"] or ""),
                  escape(r["target"] or ""), escape(r["place"] or ""), str(r["fatalities"] or ""),
                  r["modality"], escape(r["evidence"]), r["doc_id"][:8])
    console.print(t)
    console.print(f"{len(rows)} events")


@main.command()
@db_option
@click.option("--limit", default=50, show_default=True)
def failures(db_path, limit) -> None:
    """Inputs that could not be ingested, newest first, with the reason (kept across runs)."""
    with _store(db_path) as store:
        rows = store.failures(limit)
    t = _table(("when", 25), ("input", 80), ("reason", 100))
    for r in rows:
        t.add_row(r["at"], escape(r["input"]), escape(r["reason"]))
    console.print(t)
    console.print(f"{len(rows)} failures")


@main.command()
@db_option
@click.option("--kind", type=click.Choice(["entity", "place", "time", "quote", "event"]), help="only this kind")
@click.option("--limit", default=30, show_default=True)
def queue(db_path, kind, limit) -> None:
    """Extracted items with the lowest confidence first: where a reviewer starts."""
    with _store(db_path) as store:
        rows = store.lowest_confidence(kind, limit)
    t = _table(("conf", 4), ("kind", 6), ("doc", 8), ("item", 5), ("text", 80), ("details", 50))
    for r in rows:
        t.add_row(f"{r['confidence']:.2f}", r["kind"], r["doc_id"][:8], r["id"], escape(r["label"]),
                  escape(r["detail"] or ""))
    console.print(t)


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
def export(db_path, fmt, output) -> None:
    """Export records as JSONL (the record format), ACLED-style CSV of events, or GeoJSON."""
    from eventledger.export import WRITERS

    with _store(db_path) as store:
        if output:
            with output.open("w", encoding="utf-8", newline="") as f:
                n = WRITERS[fmt](_linked_records(store), f)
            err.print(f"wrote {n} {'records' if fmt == 'jsonl' else 'rows' if fmt == 'csv' else 'features'}"
                      f" to {output}")
        else:
            WRITERS[fmt](_linked_records(store), sys.stdout)


def _linked_records(store: Store):
    """Records with their cross-report ids (story, duplicate, profile, event cluster)."""
    from eventledger import link

    link.backfill(store)
    return (link.export_ids(store, r) for r in store.record_dicts())


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("docs_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scorer", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="score.py (default: found beside GOLD_DIR or in ../shared/eval)")
@click.option("--indirect", is_flag=True, help="also require indirect (reported-speech) quotes")
@click.option("--verbose", "-v", is_flag=True, help="list every miss and extra")
def eval_(gold_dir, docs_dir, scorer, indirect, verbose) -> None:
    """Ingest DOCS_DIR (default: GOLD_DIR/../docs) into a fresh store, export and score against GOLD_DIR."""
    from eventledger import ingest as ing
    from eventledger.export import write_jsonl
    from eventledger.pipeline import ingest as run

    docs_dir = docs_dir or gold_dir.parent / "docs"
    scorer = scorer or _find_scorer(gold_dir)
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "eval.db") as store:
            summary = run(store, ing.read_all([str(docs_dir)]))
            for f in summary.failed:
                err.print(f"failed {f.where}: {f.reason}")
            preds = Path(tmp) / "preds.jsonl"
            with preds.open("w", encoding="utf-8") as f:
                write_jsonl(store.record_dicts(), f)
        args = [sys.executable, str(scorer), str(gold_dir), str(preds)]
        args += ["--indirect"] if indirect else []
        args += ["-v"] if verbose else []
        sys.exit(subprocess.call(args))


def _find_scorer(gold_dir: Path) -> Path:
    here = Path.cwd()
    for cand in (gold_dir.resolve().parent.parent / "score.py", here / "../shared/eval/score.py",
                 Path(__file__).resolve().parents[3] / "shared/eval/score.py"):
        if cand.exists():
            return cand
    raise click.ClickException("cannot find score.py: pass --scorer PATH")


# the cross-report commands (duplicates, event, stories, actor) live with the linking code; they import
# this module's helpers, so they are registered once everything above is defined
from eventledger.link.cli import register as _register_link  # noqa: E402

_register_link(main)

from eventledger.store.cli import register as _register_store  # noqa: E402

_register_store(main)

from eventledger.web.cli import register as _register_web  # noqa: E402

_register_web(main)

if __name__ == "__main__":
    main()
