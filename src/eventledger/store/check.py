"""Integrity check of a store: is every byte we were given still there, and does every fact still point at its words?

Run after a crash, before trusting a backup and after a restore. The check only reads: it opens
the file without migrating it (a store of another schema version is a finding, not something to
fix silently) and reads documents a page at a time, so its memory does not grow with the store.

On PostgreSQL (a ``postgresql://`` URL) it runs the checks that mean something there: the schema version,
rows whose document is gone, the summary tables against a recount, and every document's original bytes,
record and spans; the server keeps its own pages and foreign keys, and the full-text column is computed by it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from eventledger.record import Record, span_errors
from eventledger.store import migrations_pg, postgres
from eventledger.store.migrations import SCHEMA_VERSION

MAX_PROBLEMS = 1000  # a badly broken store yields one finding per row; past this many, more lines help no one
PAGE = 200  # documents read per query: bounded memory, on a server as on a file


class CheckError(Exception):
    """The file cannot be checked at all (missing, not SQLite); the message is the one-line reason."""


@dataclass
class CheckResult:
    documents: int = 0
    spans: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"ok: {self.documents} documents, {self.spans} spans checked"


def connect(path: str | Path) -> sqlite3.Connection:
    """An existing SQLite file opened for reading and checking; never creates an empty store by mistake."""
    p = Path(path)
    if not p.is_file():
        raise CheckError(f"no store at {p}")
    try:
        db = sqlite3.connect(p.resolve().as_uri() + "?mode=rw", uri=True, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise CheckError(f"{p} is not a readable SQLite store: {exc}") from exc
    return db


def check_file(path: str | Path, *, allow_older: bool = False) -> CheckResult:
    """Check the store in a SQLite file, or the PostgreSQL database at a ``postgresql://`` URL."""
    if postgres.is_url(str(path)):
        return check_postgres(str(path))
    db = connect(path)
    try:
        return check(db, allow_older=allow_older)
    finally:
        db.close()


def check(db: sqlite3.Connection, *, allow_older: bool = False) -> CheckResult:
    """Every problem found in the store behind ``db``, one line each.

    ``allow_older`` accepts an older schema version (a backup made before an upgrade: restoring it
    migrates it); a newer one is always a problem.
    """
    result = CheckResult()

    def add(problems: Iterator[str]) -> None:
        for p in problems:
            if len(result.problems) >= MAX_PROBLEMS:
                result.problems.append(f"... stopped after {MAX_PROBLEMS} problems")
                raise _TooMany
            result.problems.append(p)

    try:
        add(_schema(db, allow_older))
        if result.problems:  # tables may be missing or different: row checks would only add noise
            return result
        add(_sqlite(db))
        # the FTS check needs a write lock (it writes nothing); done before the read snapshot below
        add(_fts(db))
        db.execute("BEGIN")  # one snapshot: a concurrent ingest cannot make a document half-visible
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] >= 6:  # an older backup has no summaries yet
                add(_summaries(db))
            add(_documents(db, result))
        finally:
            db.execute("COMMIT")
    except _TooMany:
        pass
    return result


def check_postgres(url: str) -> CheckResult:
    """Every problem found in the PostgreSQL store at ``url``, one line each."""
    try:
        db = postgres.Connection(url)
    except psycopg.Error as exc:
        raise CheckError(f"cannot open {postgres.redact(url)}: {str(exc).strip().splitlines()[0]}") from exc
    result = CheckResult()
    try:
        problems = list(_pg_schema(db))
        if problems:
            result.problems = problems
            return result
        # one snapshot: a concurrent ingest cannot make a document half-visible
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            for p in _chain(_orphans(db), _summaries(db), _documents(db, result)):
                if len(result.problems) >= MAX_PROBLEMS:
                    result.problems.append(f"... stopped after {MAX_PROBLEMS} problems")
                    break
                result.problems.append(p)
        finally:
            db.execute("COMMIT")
    finally:
        db.close()
    return result


def _chain(*gens: Iterator[str]) -> Iterator[str]:
    for g in gens:
        yield from g


def _pg_schema(db: postgres.Connection) -> Iterator[str]:
    version = postgres.schema_version(db)
    if version == 0:
        yield "not an eventledger store (schema version 0, no tables)"
        return
    if version != migrations_pg.SCHEMA_VERSION:
        yield f"schema version is {version}, this eventledger expects {migrations_pg.SCHEMA_VERSION}"
    for name in ("documents", "originals", "records", "spans"):
        if not db.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]:
            yield f"table {name} is missing"


# rows that point at a document: the foreign keys forbid orphans, unless someone dropped or disabled one
_DOC_TABLES = ("originals", "records", "entities", "places", "times", "quotes", "events", "spans")


def _orphans(db: postgres.Connection) -> Iterator[str]:
    for table in _DOC_TABLES:
        n = db.execute(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS"
                       f" (SELECT 1 FROM documents d WHERE d.id = t.doc_id)").fetchone()[0]
        if n:
            yield f"{table}: {n} rows point at a missing document"


# the summary tables the web app reads (migration 6) against counting their rows again; each pair of queries
# yields the same columns, so EXCEPT both ways finds every row the triggers got wrong, on either backend
RECOUNTS = {
    "event_counts": (
        "SELECT type, located, place, country, lat, lon, n, restricted FROM event_counts WHERE n > 0",
        "SELECT k.type, k.located, k.place, k.country, k.lat, k.lon, count(*),"
        " sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE 1 END)"
        " FROM event_count_keys k LEFT JOIN restricted_documents r ON r.doc_id = k.doc_id"
        " GROUP BY k.type, k.located, k.place, k.country, k.lat, k.lon"),
    "profile_counts": (
        "SELECT * FROM profile_counts WHERE reports + as_actor + as_target + quotes + restricted_reports"
        " + restricted_as_actor + restricted_as_target + restricted_quotes > 0",
        "SELECT * FROM (SELECT p.id,"
        " (SELECT count(*) FROM entity_profiles ep WHERE ep.profile_id = p.id) AS reports,"
        " (SELECT count(*) FROM profile_events pe WHERE pe.profile_id = p.id AND pe.role = 'actor') AS a,"
        " (SELECT count(*) FROM profile_events pe WHERE pe.profile_id = p.id AND pe.role = 'target') AS t,"
        " (SELECT count(*) FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id AND q.speaker = ep.name"
        "  WHERE ep.profile_id = p.id) AS q,"
        " (SELECT count(*) FROM entity_profiles ep JOIN restricted_documents r ON r.doc_id = ep.doc_id"
        "  WHERE ep.profile_id = p.id) AS rr,"
        " (SELECT count(*) FROM profile_events pe JOIN restricted_documents r ON r.doc_id = pe.doc_id"
        "  WHERE pe.profile_id = p.id AND pe.role = 'actor') AS ra,"
        " (SELECT count(*) FROM profile_events pe JOIN restricted_documents r ON r.doc_id = pe.doc_id"
        "  WHERE pe.profile_id = p.id AND pe.role = 'target') AS rt,"
        " (SELECT count(*) FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id AND q.speaker = ep.name"
        "  JOIN restricted_documents r ON r.doc_id = ep.doc_id WHERE ep.profile_id = p.id) AS rq"
        " FROM profiles p) c WHERE reports + a + t + q + rr + ra + rt + rq > 0"),
    "profile_timeline": (
        "SELECT profile_id, role, day, doc_id, event_id FROM profile_timeline",
        "SELECT pe.profile_id, pe.role, coalesce(e.start, d.published), pe.doc_id, pe.event_id FROM profile_events pe"
        " JOIN events e ON e.doc_id = pe.doc_id AND e.id = pe.event_id JOIN documents d ON d.id = pe.doc_id"),
}


def _summaries(db: sqlite3.Connection | postgres.Connection) -> Iterator[str]:
    for table, (kept, recount) in RECOUNTS.items():
        wrong = db.execute(f"SELECT count(*) FROM ({kept} EXCEPT SELECT * FROM ({recount}) x) y").fetchone()[0]
        missing = db.execute(f"SELECT count(*) FROM ({recount} EXCEPT SELECT * FROM ({kept}) x) y").fetchone()[0]
        if wrong or missing:
            yield f"{table}: {wrong} rows differ from a recount, {missing} counted rows are not kept"


class _TooMany(Exception):
    pass


def _schema(db: sqlite3.Connection, allow_older: bool) -> Iterator[str]:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        yield "not an eventledger store (schema version 0, no tables)"
    elif version > SCHEMA_VERSION or (version < SCHEMA_VERSION and not allow_older):
        yield f"schema version is {version}, this eventledger expects {SCHEMA_VERSION}"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for name in ("documents", "originals", "records", "spans", "documents_fts"):
        if version and name not in tables:
            yield f"table {name} is missing"


def _sqlite(db: sqlite3.Connection) -> Iterator[str]:
    for (msg,) in db.execute("PRAGMA integrity_check"):
        if msg != "ok":
            yield f"sqlite integrity: {msg}"
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check"):
        yield f"foreign key: {table} row {rowid} points at a missing {parent} row"


def _fts(db: sqlite3.Connection) -> Iterator[str]:
    try:  # rank 1: also compare the index with its content table (documents), not only with itself
        db.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        yield f"full-text index does not match the documents: {exc}"


def _pages(db: sqlite3.Connection | postgres.Connection) -> Iterator[Any]:
    """Documents with their original's hash and record, a page at a time (by n: each page is an index range)."""
    last = 0
    while True:
        page = db.execute(
            "SELECT d.n, d.id, d.text, o.sha256, o.doc_id IS NOT NULL AS has_original, r.json"
            " FROM documents d LEFT JOIN originals o ON o.doc_id = d.id LEFT JOIN records r ON r.doc_id = d.id"
            " WHERE d.n > ? ORDER BY d.n LIMIT ?", (last, PAGE)).fetchall()
        if not page:
            return
        yield from page
        last = page[-1]["n"]


def _documents(db: sqlite3.Connection | postgres.Connection, result: CheckResult) -> Iterator[str]:
    """Per document: original bytes and their hash, the record, and every span against the text."""
    # originals, records or spans without a document are found by the foreign key check
    for d in _pages(db):
        result.documents += 1
        doc_id, text = d["id"], d["text"]
        short = doc_id[:12]
        if not d["has_original"]:
            yield f"document {short}: original bytes missing"
        else:
            yield from _original(db, doc_id, d["sha256"])
        if d["json"] is None:
            yield f"document {short}: record missing"
            record_spans = None
        else:
            record_spans = yield from _record(short, doc_id, text, d["json"])
        rows = db.execute('SELECT item_kind, item_id, start, "end", text FROM spans WHERE doc_id = ?', (doc_id,))
        n = 0
        for s in rows:
            n += 1
            start, end = s["start"], s["end"]
            if not (0 <= start <= end <= len(text)) or text[start:end] != s["text"]:
                yield (f"document {short}: {s['item_kind']} {s['item_id']} span [{start}, {end}) is "
                       f"{text[start:end][:40]!r}, not {s['text'][:40]!r}")
        result.spans += n
        if record_spans is not None and record_spans != n:
            yield f"document {short}: the record has {record_spans} spans but {n} span rows are stored"


def _original(db: sqlite3.Connection | postgres.Connection, doc_id: str, stored_hash: str) -> Iterator[str]:
    # the blob is read on its own so only one document's bytes are in memory at a time
    data = db.execute("SELECT bytes FROM originals WHERE doc_id = ?", (doc_id,)).fetchone()[0]
    actual = hashlib.sha256(bytes(data)).hexdigest()
    if actual != stored_hash:
        yield f"document {doc_id[:12]}: original bytes hash to {actual[:12]}, stored hash is {stored_hash[:12]}"
    if actual != doc_id:
        yield f"document {doc_id[:12]}: original bytes hash to {actual[:12]}, not to the document id"


def _record(short: str, doc_id: str, text: str, raw_json: str) -> Iterator[str]:
    """Problems of one stored record; returns how many span rows the store should hold for it."""
    try:
        rec = Record.from_dict(json.loads(raw_json))
    except Exception as exc:  # any malformed JSON shape is a finding; the check must go on
        yield f"document {short}: record does not parse: {type(exc).__name__}: {exc}".splitlines()[0]
        return None
    if rec.document.id != doc_id:
        yield f"document {short}: record is for document {str(rec.document.id)[:12]}"
    if rec.document.text != text:
        yield f"document {short}: record text differs from the stored text"
    for bad in span_errors(rec):
        yield f"document {short}: record {bad}"
    # the rows Store.add writes: entity and place mentions, times, quotes, attributions, events
    return (sum(len(e.mentions) for e in rec.entities) + sum(len(p.mentions) for p in rec.places)
            + len(rec.times) + len(rec.quotes) + len(rec.attributions) + len(rec.events))
