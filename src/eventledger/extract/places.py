"""places extractor (to be built)."""

from __future__ import annotations

from spacy.tokens import Doc

from eventledger.record import Record


def extract(doc: Doc, rec: Record) -> list:
    return []
