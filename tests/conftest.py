"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from eventledger import extract, nlp
from eventledger.ingest import RawDocument
from eventledger.record import Document, Provenance, Record, Source

# No time limit per example: on a loaded 2-core machine a slow example is not a failure.
# In CI the examples are derived from each test, so a red run can be repeated exactly.
settings.register_profile("eventledger", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("eventledger")


@pytest.fixture(scope="session")
def parse():
    return nlp.parse


def make_record(text: str, published: str | None = "2020-06-17", upto: str | None = None) -> Record:
    """Run the extractors on ``text`` (all of them, or up to and including ``upto``)."""
    rec = Record(
        document=Document(text=text, source=Source(path="fixture.txt"), published=published),
        provenance=Provenance(pipeline="test", model="test"),
    )
    doc = nlp.parse(text)
    for name, fn in extract.EXTRACTORS:
        setattr(rec, name, fn(doc, rec))
        if name == upto:
            break
    return rec


@pytest.fixture(scope="session")
def record():
    """``record(text, published=..., upto=...)`` -> Record, extracted from your own text."""
    return make_record


def raw_text(text: str, path: str = "fixture.txt", **meta) -> RawDocument:
    return RawDocument(data=text.encode(), source=Source(path=path), media_type="text/plain", meta=meta)
