"""The store: a SQLite file at the heart of the product (the embedded default), or a PostgreSQL database a
team shares (``postgresql://user@host/dbname``) behind the same interface (``store.postgres``).

One document is written in one transaction — its original bytes, cleaned text, full record
and query rows — so a crash never leaves half a document, and a rerun skips what is stored
(documents are keyed by the sha256 of their original bytes).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from eventledger.record import Event, Record
from eventledger.store import migrations_pg, postgres
from eventledger.store.migrations import MIGRATIONS, SCHEMA_VERSION

ENV_DB = "EVENTLEDGER_DB"
RECORD_PAGE = 100  # records read per query while streaming an export


def default_db_path() -> Path | str:
    """``$EVENTLEDGER_DB`` if set (a file or a PostgreSQL URL), else ``eventledger.db`` in the user's data
    directory."""
    env = os.environ.get(ENV_DB)
    if env:
        return env if postgres.is_url(env) else Path(env)
    return Path(user_data_dir("eventledger", appauthor=False)) / "eventledger.db"


class StoreError(Exception):
    pass


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """``Store(path_or_url)``: a SQLite file, or PostgreSQL for a ``postgresql://``/``postgres://`` URL.

    ``dialect`` is "sqlite" or "postgresql"; the few statements that differ branch on it here."""

    def __init__(self, path: str | Path | None = None):
        target = path or default_db_path()
        self.db: Any
        if postgres.is_url(str(target)):
            self.dialect = "postgresql"
            self.path: Path | str = str(target)
            self.db = postgres.Connection(self.path)
        else:
            self.dialect = "sqlite"
            self.path = Path(target)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        if self.dialect == "postgresql":
            return postgres.schema_version(self.db)
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        if self.dialect == "postgresql":
            postgres.migrate(self.db, migrations_pg.MIGRATIONS, StoreError, self.name)
            return
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.name} has schema version {version}, newer than this eventledger ({SCHEMA_VERSION})"
            )
        for i in range(version, SCHEMA_VERSION):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                # statement by statement: executescript() would commit half a migration on error
                for stmt in _statements(MIGRATIONS[i]):
                    self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version = {i + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @property
    def name(self) -> str:
        """The store's name for messages: the file, or the URL without its password."""
        if self.dialect == "postgresql":
            return postgres.redact(str(self.path))
        return str(self.path)

    # ------------------------------------------------------------------ writing

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, rec: Record, original: bytes, media_type: str) -> bool:
        """Store one document and everything extracted from it, atomically. False if already stored."""
        d = rec.document
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self.has_document(d.id):
                self.db.execute("ROLLBACK")
                return False
            self.db.execute(
                "INSERT INTO documents (id, source_path, source_url, source_kind, title, outlet, published,"
                " language, text, metadata, pipeline, model, record_version, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (d.id, d.source.path, d.source.url, d.source.kind, d.title, d.outlet, d.published, d.language,
                 d.text, json.dumps(d.metadata, ensure_ascii=False), rec.provenance.pipeline,
                 rec.provenance.model, rec.record_version, _now()),
            )
            self.db.execute(
                "INSERT INTO originals (doc_id, media_type, sha256, bytes) VALUES (?,?,?,?)",
                (d.id, media_type, hashlib.sha256(original).hexdigest(), original),
            )
            self.db.execute("INSERT INTO records (doc_id, json) VALUES (?, ?)",
                            (d.id, json.dumps(rec.to_dict(), ensure_ascii=False)))
            self._add_items(rec)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return True

    def _add_items(self, rec: Record) -> None:
        doc = rec.document.id
        spans: list[tuple] = []
        self.db.executemany(
            "INSERT INTO entities VALUES (?,?,?,?,?,?,?)",
            [(doc, e.id, e.name, e.type, e.kind, json.dumps(e.aliases, ensure_ascii=False), e.confidence)
             for e in rec.entities],
        )
        for e in rec.entities:
            spans += [(doc, "entity", e.id, m.span[0], m.span[1], m.text) for m in e.mentions]
        self.db.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(doc, p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, p.precision, p.geonameid,
              p.confidence) for p in rec.places],
        )
        for p in rec.places:
            spans += [(doc, "place", p.id, m.span[0], m.span[1], m.text) for m in p.mentions]
        self.db.executemany(
            "INSERT INTO times VALUES (?,?,?,?,?,?,?)",
            [(doc, t.id, t.text, t.start, t.end, t.precision, t.confidence) for t in rec.times],
        )
        spans += [(doc, "time", t.id, t.span[0], t.span[1], t.text) for t in rec.times]
        self.db.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?)",
            [(doc, q.id, q.text, q.speaker, q.kind, q.cue, q.confidence) for q in rec.quotes],
        )
        spans += [(doc, "quote", q.id, q.span[0], q.span[1], q.text) for q in rec.quotes]
        spans += [(doc, "attribution", a.id, a.span[0], a.span[1], a.text) for a in rec.attributions]
        places = {p.id: p for p in rec.places}
        rows = []
        for ev in rec.events:
            pl = places.get(ev.place_id or "")
            rows.append((doc, ev.id, ev.type, ev.mode, ev.actor, ev.target, ev.place,
                         pl.country if pl else None, pl.lat if pl else None, pl.lon if pl else None,
                         ev.time, ev.start, ev.end, ev.evidence, ev.modality, ev.attributed_to,
                         fatalities(ev), ev.confidence))
            spans.append((doc, "event", ev.id, ev.span[0], ev.span[1], ev.evidence))
        self.db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.executemany("INSERT INTO spans VALUES (?,?,?,?,?,?)", spans)

    def add_failure(self, where: str, reason: str) -> None:
        self.db.execute("INSERT INTO failures VALUES (?,?,?)", (where, reason, _now()))

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def documents(self, limit: int = 50, offset: int = 0) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT d.id, d.title, d.outlet, d.published, d.source_path, d.source_url, d.source_kind,"
            " (SELECT count(*) FROM events e WHERE e.doc_id = d.id) AS events,"
            " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.id) AS quotes"
            " FROM documents d ORDER BY d.n LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()

    def resolve(self, ref: str) -> str | None:
        """A document id from an id prefix, a source path/file name or URL."""
        row = self.db.execute(
            "SELECT id FROM documents WHERE id LIKE ? || '%' OR source_url = ? OR source_path = ?"
            " OR source_path LIKE '%/' || ? ORDER BY n LIMIT 2",
            (ref, ref, ref, ref),
        ).fetchall()
        return row[0]["id"] if len(row) == 1 else (row[0]["id"] if row and len(ref) >= 8 else None)

    def record(self, doc_id: str) -> Record | None:
        row = self.db.execute("SELECT json FROM records WHERE doc_id = ?", (doc_id,)).fetchone()
        return Record.from_dict(json.loads(row["json"])) if row else None

    def record_dicts(self) -> Iterator[dict[str, Any]]:
        """Every stored record in ingest order, streamed (export never holds the whole store)."""
        # a page at a time by n (an index range): a psycopg cursor fetches every row at once, and the caller
        # runs its own queries between records (export adds link ids), which a streaming cursor would block
        last = 0
        while True:
            page = self.db.execute(
                "SELECT d.n, r.json FROM records r JOIN documents d ON d.id = r.doc_id WHERE d.n > ?"
                " ORDER BY d.n LIMIT ?", (last, RECORD_PAGE)).fetchall()
            if not page:
                return
            for row in page:
                yield json.loads(row["json"])
            last = page[-1]["n"]

    def original(self, doc_id: str) -> tuple[bytes, str] | None:
        row = self.db.execute("SELECT bytes, media_type FROM originals WHERE doc_id = ?", (doc_id,)).fetchone()
        return (bytes(row["bytes"]), row["media_type"]) if row else None

    def search(self, query: str, limit: int = 20) -> list[sqlite3.Row]:
        """Full-text search over titles and texts: FTS5 syntax (OR, "phrases", prefix*) where it
        parses, else the words as plain terms, so user text never raises. On PostgreSQL: tsquery's web
        syntax (or, "phrases", -word), which takes any text."""
        if self.dialect == "postgresql":
            return postgres.search(self.db, query, limit)
        sql = ("SELECT d.id, d.title, d.outlet, d.published,"
               " snippet(documents_fts, 1, '[', ']', ' … ', 12) AS snippet"
               " FROM documents_fts JOIN documents d ON d.n = documents_fts.rowid"
               " WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?")
        return self.db.execute(sql, (fts_query(self.db, query), limit)).fetchall()

    def events(self, type: str | None = None, actor: str | None = None, place: str | None = None,
               since: str | None = None, until: str | None = None, limit: int = 100) -> list[sqlite3.Row]:
        where, args = [], []
        if type:
            where.append("upper(e.type) = upper(?)")
            args.append(type)
        if actor:
            where.append("(e.actor LIKE '%' || ? || '%' OR e.target LIKE '%' || ? || '%')")
            args += [actor, actor]
        if place:
            where.append("e.place LIKE '%' || ? || '%'")
            args.append(place)
        if since:  # overlapping the range: the event ends on or after `since`
            where.append('coalesce(e."end", e.start, d.published) >= ?')
            args.append(since)
        if until:
            where.append("coalesce(e.start, d.published) <= ?")
            args.append(until)
        sql = ("SELECT e.*, d.title, d.outlet, d.published FROM events e JOIN documents d ON d.id = e.doc_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY coalesce(e.start, d.published) NULLS FIRST, d.n, e.id LIMIT ?")
        return self.db.execute(sql, (*args, limit)).fetchall()

    def lowest_confidence(self, kind: str | None = None, limit: int = 50) -> list[sqlite3.Row]:
        """Extracted items, least confident first: where a reviewer should start."""
        parts = {
            "entity": "SELECT 'entity' AS kind, doc_id, id, confidence, name AS label, type AS detail FROM entities",
            "place": "SELECT 'place' AS kind, doc_id, id, confidence, name AS label, coalesce(country, '?') AS detail"
                     " FROM places",
            "time": "SELECT 'time' AS kind, doc_id, id, confidence, text AS label,"
                    " coalesce(start, '') || '..' || coalesce(\"end\", '') AS detail FROM times",
            "quote": "SELECT 'quote' AS kind, doc_id, id, confidence, text AS label,"
                     " coalesce(speaker, '(unknown)') AS detail FROM quotes",
            "event": "SELECT 'event' AS kind, doc_id, id, confidence, evidence AS label,"
                     " type || coalesce('/' || mode, '') || ': ' || coalesce(actor, '?') || ' -> '"
                     " || coalesce(target, '?') AS detail FROM events",
        }
        if kind and kind not in parts:
            raise StoreError(f"unknown kind {kind!r}: one of {', '.join(parts)}")
        sql = " UNION ALL ".join(parts[k] for k in ([kind] if kind else parts))
        return self.db.execute(f"SELECT * FROM ({sql}) AS items ORDER BY confidence NULLS FIRST, doc_id, id LIMIT ?",
                               (limit,)).fetchall()

    def failures(self, limit: int = 50) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM failures ORDER BY rowid DESC LIMIT ?", (limit,)).fetchall()


def fatalities(ev: Event) -> int | None:
    """Deaths reported for an event (ACLED's fatalities column): the sum of 'killed' figures."""
    killed = [n.value for n in ev.numbers if n.kind == "killed" and n.value is not None]
    return sum(killed) if killed else None


def fts_query(db: sqlite3.Connection, query: str) -> str:
    """The user's query if FTS5 can parse it, else its words as plain terms: user text never raises.
    A NUL passes the parse check yet breaks the real query; reports never hold one, so it goes."""
    query = query.replace("\x00", "")
    try:
        db.execute("SELECT 1 FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", (query,)).fetchall()
        return query
    except sqlite3.OperationalError:
        return plain_terms(query)


def plain_terms(query: str) -> str:
    """Every word as a quoted FTS term (ANDed)."""
    words = ['"' + w.replace('"', "") + '"' for w in query.split() if w.replace('"', "")]
    return " ".join(words) or '""'


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
