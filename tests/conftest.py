"""Shared fixtures: the spaCy pipeline is loaded once per test session; the PostgreSQL test server."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit

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


class PgServer:
    """The PostgreSQL server in ``$EVENTLEDGER_TEST_PG``: fresh databases for tests, dropped after."""

    def __init__(self, url: str, admin) -> None:
        self.base, self.admin = url, admin

    def url(self, name: str) -> str:
        return urlsplit(self.base)._replace(path="/" + name).geturl()

    def create(self, template: str | None = None) -> str:
        name = "el_test_" + uuid.uuid4().hex[:12]
        self.admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop(self, name: str) -> None:
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _pg_unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: in CI the PostgreSQL store must be tested (./test runs scripts/postgres.sh)")
    pytest.skip(f"{reason} (run scripts/postgres.sh and set EVENTLEDGER_TEST_PG to the URL it prints)")


@pytest.fixture(scope="session")
def pg():
    """The PostgreSQL test server; skips without one, except in CI, where the backend must not go untested."""
    import psycopg

    url = os.environ.get("EVENTLEDGER_TEST_PG")
    if not url:
        _pg_unavailable("no PostgreSQL server: EVENTLEDGER_TEST_PG is not set")
    try:
        admin = psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)
    except psycopg.OperationalError as exc:
        _pg_unavailable(f"cannot reach the PostgreSQL server at {url}: {exc}")
    yield PgServer(url, admin)
    admin.close()
