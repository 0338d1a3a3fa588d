"""The web app's SQL: paged, filtered reads with the restricted-document rule, and the audit log.

The Store's readers serve the CLI (no offset, no totals, no access rule), so the app has its own.
Every value from a user is a bound parameter; only fixed fragments from this module are joined
into SQL text (sort columns come from a whitelist).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from eventledger.store import fts_query

# a document is visible if the reader may see restricted documents (param 1) or it is not restricted
VISIBLE = "(? OR NOT EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id))"
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"  # snippet markers no report text contains (cleaning drops controls)

SortKey = Literal["date", "type", "actor", "target", "place", "fatalities", "confidence"]
EVENT_SORTS: dict[str, str] = {
    "date": "coalesce(e.start, d.published)",
    "type": "e.type",
    "actor": "e.actor",
    "target": "e.target",
    "place": "e.place",
    "fatalities": "e.fatalities",
    "confidence": "e.confidence",
}


@dataclass
class EventFilter:
    """What the search and events pages filter events by (empty fields do not filter)."""

    type: str | None = None
    actor: str | None = None
    place: str | None = None
    since: str | None = None
    until: str | None = None

    def sql(self, per_document: bool = False) -> tuple[list[str], list[Any]]:
        """Conditions on ``e`` (events) and ``d`` (its document), with their parameters.

        ``per_document``: for a subquery over one document's events, where the type index would make
        SQLite scan every event of that type instead of the document's few (``+`` keeps it off the index).
        """
        where: list[str] = []
        args: list[Any] = []
        if self.type:
            where.append(("+" if per_document else "") + "e.type = upper(?)")
            args.append(self.type)
        if self.actor:
            where.append("(e.actor LIKE '%' || ? || '%' OR e.target LIKE '%' || ? || '%')")
            args += [self.actor, self.actor]
        if self.place:
            where.append("e.place LIKE '%' || ? || '%'")
            args.append(self.place)
        if self.since:  # overlapping the range: the event ends on or after `since`
            where.append("coalesce(e.end, e.start, d.published) >= ?")
            args.append(self.since)
        if self.until:
            where.append("coalesce(e.start, d.published) <= ?")
            args.append(self.until + "\uffff")  # a day-precision bound includes that whole day
        return where, args

    def __bool__(self) -> bool:
        return any((self.type, self.actor, self.place, self.since, self.until))


def search(db: sqlite3.Connection, q: str, flt: EventFilter, see_restricted: bool, limit: int,
           offset: int) -> dict[str, Any]:
    """Documents matching the words of ``q`` that have at least one event matching ``flt``:
    the page of documents, the total, and the matching events counted by type."""
    ev_where, ev_args = flt.sql()
    doc_where, _ = flt.sql(per_document=True)
    vis = [int(see_restricted)]
    has_event = ("EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND " + " AND ".join(doc_where) + ")"
                 if flt else "1")
    match = fts_query(db, q) if q.strip() else None
    in_fts = "d.n IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)" if match else "1"
    fts_args = [match] if match else []
    total = db.execute(f"SELECT count(*) FROM documents d WHERE {VISIBLE} AND {in_fts} AND {has_event}",
                       (*vis, *fts_args, *ev_args)).fetchone()[0]
    counts = db.execute(
        f"SELECT e.type, count(*) AS n FROM events e JOIN documents d ON d.id = e.doc_id"
        f" WHERE {' AND '.join([VISIBLE, in_fts, *(doc_where if match else ev_where)])}"
        " GROUP BY e.type ORDER BY n DESC, e.type",
        (*vis, *fts_args, *ev_args),
    ).fetchall()
    n_events = ("(SELECT count(*) FROM events e WHERE " + " AND ".join(["e.doc_id = d.id", *doc_where])
                + ") AS events")
    restricted = "EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted"
    if match:
        sql = (f"SELECT d.id, d.title, d.outlet, d.published, {n_events}, {restricted},"
               f" snippet(documents_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}', ' … ', 16) AS snippet"
               " FROM documents_fts JOIN documents d ON d.n = documents_fts.rowid"
               f" WHERE documents_fts MATCH ? AND {VISIBLE} AND {has_event} ORDER BY rank LIMIT ? OFFSET ?")
        args = (*ev_args, match, *vis, *ev_args, limit, offset)
    else:
        sql = (f"SELECT d.id, d.title, d.outlet, d.published, {n_events}, {restricted},"
               " substr(d.text, 1, 240) AS snippet"
               f" FROM documents d WHERE {VISIBLE} AND {has_event}"
               " ORDER BY d.published DESC, d.n DESC LIMIT ? OFFSET ?")
        args = (*ev_args, *vis, *ev_args, limit, offset)
    rows = db.execute(sql, args).fetchall()
    return {"total": total, "counts": [dict(r) for r in counts], "items": [dict(r) for r in rows]}


def events(db: sqlite3.Connection, flt: EventFilter, see_restricted: bool, sort: str, descending: bool,
           limit: int, offset: int) -> dict[str, Any]:
    """A page of events with their documents' titles, and how many events match in all."""
    ev_where, ev_args = flt.sql()
    cond = " AND ".join([VISIBLE, *ev_where])
    args = [int(see_restricted), *ev_args]
    total = db.execute(f"SELECT count(*) FROM events e JOIN documents d ON d.id = e.doc_id WHERE {cond}",
                       args).fetchone()[0]
    order = EVENT_SORTS.get(sort, EVENT_SORTS["date"]) + (" DESC" if descending else "")
    rows = db.execute(
        "SELECT e.doc_id, e.id, e.type, e.mode, e.actor, e.target, e.place, e.country, e.time, e.start, e.end,"
        " e.evidence, e.modality, e.attributed_to, e.fatalities, e.confidence, d.title, d.outlet, d.published,"
        " (SELECT json_extract(a.after, '$.status') FROM audit_log a WHERE a.doc_id = e.doc_id"
        "  AND a.item_kind = 'event' AND a.item_id = e.id ORDER BY a.id DESC LIMIT 1) AS review,"
        " EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted"
        f" FROM events e JOIN documents d ON d.id = e.doc_id WHERE {cond}"
        f" ORDER BY {order} NULLS LAST, d.n, e.id LIMIT ? OFFSET ?", (*args, limit, offset),
    ).fetchall()
    return {"total": total, "items": [dict(r) for r in rows]}


def event_types(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT type FROM events ORDER BY type")]


def documents(db: sqlite3.Connection, see_restricted: bool, limit: int, offset: int) -> dict[str, Any]:
    total = db.execute(f"SELECT count(*) FROM documents d WHERE {VISIBLE}", (int(see_restricted),)).fetchone()[0]
    rows = db.execute(
        "SELECT d.id, d.title, d.outlet, d.published, d.source_kind, d.source_url,"
        " EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted"
        f" FROM documents d WHERE {VISIBLE} ORDER BY d.n LIMIT ? OFFSET ?",
        (int(see_restricted), limit, offset),
    ).fetchall()
    return {"total": total, "items": [dict(r) for r in rows]}


def document(db: sqlite3.Connection, doc_id: str, see_restricted: bool) -> sqlite3.Row | None:
    """One document's row, or None when it does not exist or the reader may not see it (the same answer,
    so a viewer cannot tell a restricted document exists)."""
    return db.execute(
        "SELECT d.id, d.title, d.outlet, d.published, d.source_path, d.source_url, d.source_kind, d.language,"
        " d.ingested_at, o.media_type, o.sha256,"
        " EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted"
        f" FROM documents d LEFT JOIN originals o ON o.doc_id = d.id WHERE d.id = ? AND {VISIBLE}",
        (doc_id, int(see_restricted)),
    ).fetchone()


def quotes(db: sqlite3.Connection, speaker: str | None, words: str | None, see_restricted: bool, limit: int,
           offset: int) -> dict[str, Any]:
    where, args = [VISIBLE], [int(see_restricted)]
    if speaker:
        where.append("q.speaker LIKE '%' || ? || '%'")
        args.append(speaker)
    if words:
        where.append("q.text LIKE '%' || ? || '%'")
        args.append(words)
    cond = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {cond}",
                       args).fetchone()[0]
    rows = db.execute(
        "SELECT q.doc_id, q.id, q.text, q.speaker, q.kind, q.cue, q.confidence, d.title, d.published"
        f" FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {cond} ORDER BY d.n, q.id LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return {"total": total, "items": [dict(r) for r in rows]}


QUEUE_KINDS = {
    "entity": "SELECT 'entity' AS kind, doc_id, id, confidence, name AS label FROM entities",
    "place": "SELECT 'place' AS kind, doc_id, id, confidence, name AS label FROM places",
    "time": "SELECT 'time' AS kind, doc_id, id, confidence, text AS label FROM times",
    "quote": "SELECT 'quote' AS kind, doc_id, id, confidence, text AS label FROM quotes",
    "event": "SELECT 'event' AS kind, doc_id, id, confidence, type || ': ' || evidence AS label FROM events",
}


def queue(db: sqlite3.Connection, kind: str | None, see_restricted: bool, limit: int,
          offset: int) -> dict[str, Any]:
    """Extracted items no one has reviewed yet, least confident first: where a reviewer should start."""
    parts = [QUEUE_KINDS[kind]] if kind in QUEUE_KINDS else list(QUEUE_KINDS.values())
    source = (f"FROM ({' UNION ALL '.join(parts)}) x JOIN documents d ON d.id = x.doc_id"
              f" WHERE {VISIBLE} AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.doc_id = x.doc_id"
              " AND a.item_kind = x.kind AND a.item_id = x.id)")
    total = db.execute(f"SELECT count(*) {source}", (int(see_restricted),)).fetchone()[0]
    rows = db.execute(f"SELECT x.*, d.title {source} ORDER BY x.confidence, x.doc_id, x.kind, x.id LIMIT ? OFFSET ?",
                      (int(see_restricted), limit, offset)).fetchall()
    return {"total": total, "items": [dict(r) for r in rows]}


# ---------------------------------------------------------------------- audit log

AUDIT_FIELDS = ("id", "at", "user", "action", "doc_id", "item_kind", "item_id", "before", "after", "comment")


def audit(db: sqlite3.Connection, user: str, action: str, doc_id: str, item_kind: str | None,
          item_id: str | None, before: Any, after: Any, comment: str = "") -> None:
    db.execute(
        "INSERT INTO audit_log (at, user, action, doc_id, item_kind, item_id, before, after, comment)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (datetime.now(UTC).isoformat(timespec="seconds"), user, action, doc_id, item_kind, item_id,
         json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False), comment),
    )


def audit_page(db: sqlite3.Connection, limit: int, offset: int, doc_id: str | None = None) -> dict[str, Any]:
    """The newest changes first."""
    where, args = ("WHERE doc_id = ?", [doc_id]) if doc_id else ("", [])
    total = db.execute(f"SELECT count(*) FROM audit_log {where}", args).fetchone()[0]
    rows = db.execute(f"SELECT * FROM audit_log {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                      (*args, limit, offset)).fetchall()
    return {"total": total, "items": [_audit_row(r) for r in rows]}


def audit_all(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every change, oldest first, streamed (for export)."""
    for r in db.execute("SELECT * FROM audit_log ORDER BY id"):
        yield _audit_row(r)


def _audit_row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    for k in ("before", "after"):
        d[k] = json.loads(d[k]) if d[k] else None
    return d


def reviews(db: sqlite3.Connection, doc_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest review of each reviewed item of a document: (kind, id) -> its audit row."""
    rows = db.execute("SELECT * FROM audit_log WHERE doc_id = ? AND item_kind IS NOT NULL ORDER BY id",
                      (doc_id,)).fetchall()
    return {(r["item_kind"], r["item_id"]): _audit_row(r) for r in rows}


def set_restricted(db: sqlite3.Connection, doc_id: str, restricted: bool) -> bool:
    """Restrict or release a document; True if that changed anything."""
    if restricted:
        cur = db.execute("INSERT OR IGNORE INTO restricted_documents VALUES (?)", (doc_id,))
    else:
        cur = db.execute("DELETE FROM restricted_documents WHERE doc_id = ?", (doc_id,))
    return cur.rowcount > 0
