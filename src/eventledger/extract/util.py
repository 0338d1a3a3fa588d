"""Small helpers shared by extractors: span bookkeeping and data files."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from eventledger.record import Entity, Place, Record, Span

TEXT_KEY = "eventledger.text"

_TRIM = " \t\r\n\"'“”‘’«».,;:!?()[]"


def trim(text: str, start: int, end: int, chars: str = _TRIM) -> Span:
    """Shrink [start, end) past surrounding whitespace and punctuation."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def doc_text(doc: Doc) -> str:
    """The document's text: spaCy's ``doc.text`` joins every token anew on each access (about a third
    of extraction time when each extractor asked for it), so ``extract.run`` keeps it once here."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


@cache
def load_data(name: str) -> Any:
    """A JSON data file from ``eventledger/extract/data/`` (lexicons, alias tables ...)."""
    return json.loads(resources.files("eventledger.extract").joinpath("data", name).read_text("utf-8"))


def entity_at(rec: Record, start: int, end: int) -> Entity | None:
    """The entity with a mention overlapping [start, end), preferring the largest overlap."""
    best, best_len = None, 0
    for ent in rec.entities:
        for m in ent.mentions:
            ov = min(end, m.span[1]) - max(start, m.span[0])
            if ov > best_len:
                best, best_len = ent, ov
    return best


def place_at(rec: Record, start: int, end: int) -> Place | None:
    best, best_len = None, 0
    for pl in rec.places:
        for m in pl.mentions:
            ov = min(end, m.span[1]) - max(start, m.span[0])
            if ov > best_len:
                best, best_len = pl, ov
    return best
