"""Extraction: small components, each adding one kind of item to the record.

Each extractor is ``extract(doc, rec) -> list[item]``: it reads the parsed ``doc`` (whose
text is ``rec.document.text``) and whatever earlier extractors put on ``rec``, and returns
its own items, every one with a span into the cleaned text. The order below is the
dependency order: speakers and event roles are resolved against entities and places.
Extractors never touch the store.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from eventledger.extract import attribution, entities, events, places, quotes, times
from eventledger.extract.util import TEXT_KEY
from eventledger.record import Record

Extractor = Callable[[Doc, Record], list]

EXTRACTORS: list[tuple[str, Extractor]] = [
    ("entities", entities.extract),
    ("places", places.extract),
    ("times", times.extract),
    ("quotes", quotes.extract),
    ("attributions", attribution.extract),
    ("events", events.extract),
]


def run(doc: Doc, rec: Record) -> Record:
    """Fill ``rec`` with every extractor's items, in dependency order."""
    if doc.text != rec.document.text:
        raise ValueError("the parsed text is not the record's cleaned text: spans would not index it")
    doc.user_data[TEXT_KEY] = rec.document.text
    for field_name, extractor in EXTRACTORS:
        setattr(rec, field_name, extractor(doc, rec))
    return rec
