"""One report through the stages: clean -> nlp -> extract, giving a Record."""

from __future__ import annotations

from eventledger import __version__, extract, nlp
from eventledger.clean import Cleaned, clean
from eventledger.ingest import RawDocument
from eventledger.record import Document, Provenance, Record


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


def process(raw: RawDocument) -> Record:
    """Clean, parse and extract one document (raises CleanError for unusable input)."""
    cleaned = clean(raw)
    rec = new_record(raw, cleaned)
    return extract.run(nlp.parse(rec.document.text), rec)
