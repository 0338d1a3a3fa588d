"""Reports through the stages: ingest -> clean -> nlp -> extract -> store.

Data moves one way: readers give bytes, cleaning gives text, spaCy parses it, extractors
build the record, and only this module hands records to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from eventledger import __version__, extract, link, nlp
from eventledger.clean import Cleaned, CleanError, clean
from eventledger.ingest import IngestError, RawDocument
from eventledger.record import Document, Provenance, Record, span_errors

BATCH_SIZE = 32  # documents per nlp.pipe call: large enough for spaCy's batching, small enough to stream


def new_record(raw: RawDocument, cleaned: Cleaned) -> Record:
    src = raw.source
    if cleaned.url and not src.url:
        src.url = cleaned.url
    doc = Document(
        text=cleaned.text,
        source=src,
        id=raw.content_hash,
        title=cleaned.title,
        outlet=cleaned.outlet,
        published=cleaned.published,
        language=cleaned.language or "en",
        metadata=cleaned.metadata,
    )
    return Record(document=doc, provenance=Provenance(pipeline=f"eventledger {__version__}", model=nlp.model_id()))


def extract_checked(doc, rec: Record) -> Record:
    """All extractors, then the provenance rule: a record whose spans miss their words is refused."""
    extract.run(doc, rec)
    bad = span_errors(rec)
    if bad:  # never store a fact that does not point at its words
        raise ValueError(f"{len(bad)} spans do not index their text, e.g. {bad[0]}")
    return rec


def process(raw: RawDocument) -> Record:
    """Clean, parse and extract one document (raises CleanError for unusable input)."""
    rec = new_record(raw, clean(raw))
    return extract_checked(nlp.parse(rec.document.text), rec)


def where(raw: RawDocument) -> str:
    """Where a document came from, precise enough to find it: file:line, file#record, or URL."""
    src, meta = raw.source, raw.meta
    if not src.path:
        return src.url or "?"
    if meta.get("line"):
        return f"{src.path}:{meta['line']}"
    for key in ("record", "entry"):
        if meta.get(key):
            return f"{src.path}#{key} {meta[key]}" + (f" ({src.url})" if src.url else "")
    return src.path


def process_stream(raws: Iterable[RawDocument | IngestError]) -> Iterator[tuple[RawDocument, Record] | IngestError]:
    """Records for a stream of inputs, parsed in batches; every failure comes out as an IngestError."""
    batch: list[tuple[RawDocument, Record]] = []

    def flush() -> Iterator[tuple[RawDocument, Record] | IngestError]:
        docs = nlp.parse_many([r.document.text for _, r in batch], batch_size=BATCH_SIZE)
        for (raw, rec), doc in zip(batch, docs, strict=True):
            try:
                extract_checked(doc, rec)
            except Exception as exc:  # one document's bug must not stop the batch
                yield IngestError(where(raw), f"extraction failed: {type(exc).__name__}: {exc}")
                continue
            yield raw, rec
        batch.clear()

    for item in raws:
        if isinstance(item, IngestError):
            yield item
            continue
        try:
            rec = new_record(item, clean(item))
        except CleanError as exc:
            yield IngestError(where(item), str(exc))
            continue
        batch.append((item, rec))
        if len(batch) >= BATCH_SIZE:
            yield from flush()
    if batch:
        yield from flush()


def printable(s: str) -> str:
    """File-name bytes that are not UTF-8 (surrogate escapes) as \\udcff, which SQLite and a console accept."""
    return s.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class Summary:
    ingested: int = 0
    duplicates: int = 0
    near_duplicates: int = 0  # stored, but a near-copy of (or the original of) another report
    failed: list[IngestError] = field(default_factory=list)
    events: int = 0
    quotes: int = 0
    entities: int = 0
    places: int = 0


Processor = Callable[[Iterable[RawDocument | IngestError]], Iterator[tuple[RawDocument, Record] | IngestError]]


def ingest(store, raws: Iterable[RawDocument | IngestError],
           progress: Callable[[str], None] | None = None, executor: Processor = process_stream) -> Summary:
    """Process and store a stream of inputs; duplicates (same bytes) are skipped before any parsing.

    ``executor`` turns inputs into records: ``process_stream`` in this process, or a
    ``parallel.Workers`` (local processes or a Dask cluster). Either way this process alone writes
    the store, in input order.
    """
    summary = Summary()
    seen: set[str] = set()

    def fresh() -> Iterator[RawDocument | IngestError]:
        for item in raws:
            if isinstance(item, RawDocument):
                if item.source.path:
                    item.source.path = printable(item.source.path)
                h = item.content_hash
                if h in seen or store.has_document(h):
                    summary.duplicates += 1
                    if progress:
                        progress(where(item))
                    continue
                seen.add(h)
            else:
                item.where = printable(item.where)
            yield item

    for out in executor(fresh()):
        if isinstance(out, IngestError):
            summary.failed.append(out)
            store.add_failure(out.where, out.reason)
            if progress:
                progress(out.where)
            continue
        raw, rec = out
        if store.add(rec, raw.data, raw.media_type):
            # linking never raises; a report stored but not linked (a crash in between) is
            # picked up by link.backfill, which the linking commands run first
            found = link.on_ingest(store, rec)
            summary.near_duplicates += bool(found.duplicate_of or found.copies)
            summary.ingested += 1
            summary.events += len(rec.events)
            summary.quotes += len(rec.quotes)
            summary.entities += len(rec.entities)
            summary.places += len(rec.places)
        else:
            summary.duplicates += 1
        if progress:
            progress(where(raw))
    return summary
