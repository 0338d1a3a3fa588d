"""The web app's SQL: paged, filtered reads with the restricted-document rule, and the audit log.

The Store's readers serve the CLI (no offset, no totals, no access rule), so the app has its own.
Every value from a user is a bound parameter; only fixed fragments from this module are joined
into SQL text (sort columns come from a whitelist).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from eventledger.link.profiles import key as profile_key
from eventledger.store import fts_query, postgres

# a document is visible if the reader may see restricted documents (param 1, 0 or 1: "<> 0" makes it a boolean on
# PostgreSQL too) or it is not restricted
VISIBLE = "(? <> 0 OR NOT EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id))"
VISIBLE_EVENT = "(? <> 0 OR NOT EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = e.doc_id))"  # e alone
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"  # snippet markers no report text contains (cleaning drops controls)

SortKey = Literal["date", "type", "actor", "target", "place", "fatalities", "confidence"]
EVENT_SORTS: dict[str, str] = {  # each has an index ending in (doc_id, id) (migration 5), so a page stops early
    "date": "e.start",  # and the publication date for undated events: see _date_page
    "type": "e.type",
    "actor": "e.actor",
    "target": "e.target",
    "place": "e.place",
    "fatalities": "e.fatalities",
    "confidence": "e.confidence",
}
CAP = 10_000  # counting further would read every matching row of a 1M-event store: "more than 10,000" instead
EVENT_COLUMNS = (
    'e.doc_id, e.id, e.type, e.mode, e.actor, e.target, e.place, e.country, e.lat, e.lon, e.time, e.start, e."end",'
    " e.evidence, e.modality, e.attributed_to, e.fatalities, e.confidence, d.title, d.outlet, d.published,"
    " (SELECT json_extract(a.after, '$.status') FROM audit_log a WHERE a.doc_id = e.doc_id"
    "  AND a.item_kind = 'event' AND a.item_id = e.id ORDER BY a.id DESC LIMIT 1) AS review,"
    " EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted")


@dataclass
class EventFilter:
    """What the search and events pages filter events by (empty fields do not filter).

    ``actor`` and ``place`` match words of the names (the last word may be cut short: "Rapid Supp");
    ``at`` is one exact place name and ``bbox`` (west, south, east, north) the coordinates, for the map's circles;
    ``profile`` keeps the events a cross-report actor profile took part in (as ``role`` if given)."""

    type: str | None = None
    actor: str | None = None
    place: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    at: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    profile: int | None = None
    role: str | None = None
    dialect: str = field(default="sqlite", compare=False)  # of the store it is run on: see on()

    def on(self, db: Any) -> EventFilter:
        """This filter for the store behind ``db`` (its word conditions differ between SQLite and PostgreSQL)."""
        return replace(self, dialect=dialect(db))

    def sql(self, per_document: bool = False, dates: bool = True) -> tuple[list[str], list[Any]]:
        """Conditions on ``e`` (events) and ``d`` (its document), with their parameters.

        ``per_document``: for a subquery over one document's events, where the type index would make
        SQLite scan every event of that type instead of the document's few (``+`` keeps it off the index; also
        where the sort column's index is the better walk). ``dates``: False leaves the date range to date_parts.
        """
        where, args = self.event_sql(per_document, dates)
        doc_where, doc_args = self.doc_sql()
        return where + doc_where, args + doc_args

    def event_sql(self, per_document: bool = False, dates: bool = True) -> tuple[list[str], list[Any]]:
        """The conditions on the event itself (``d`` only for the publication date an undated event falls back on)."""
        where: list[str] = []
        args: list[Any] = []
        if self.type:
            # unary plus on text: SQLite only (PostgreSQL picks its own plan)
            where.append(("+" if per_document and self.dialect == "sqlite" else "") + "e.type = upper(?)")
            args.append(self.type)
        for value, columns in ((self.actor, "{actor target}"), (self.place, "{place}")):
            if value:
                cond, cond_args = _name_words(columns, value, dialect=self.dialect)
                where.append(cond)
                args += cond_args
        if self.at:
            where.append("e.place = ?")
            args.append(self.at)
        if self.bbox:
            where.append("e.lon BETWEEN ? AND ? AND e.lat BETWEEN ? AND ?")
            args += [self.bbox[0], self.bbox[2], self.bbox[1], self.bbox[3]]
        if self.profile is not None:
            where.append("(e.doc_id, e.id) IN (SELECT pe.doc_id, pe.event_id FROM profile_events pe"
                         " WHERE pe.profile_id = ?" + (" AND pe.role = ?)" if self.role else ")"))
            args += [self.profile, *([self.role] if self.role else [])]
        if self.since and dates:  # overlapping the range: the event ends on or after `since`
            where.append('coalesce(e."end", e.start, d.published) >= ?')
            args.append(self.since)
        if self.until and dates:
            where.append("coalesce(e.start, d.published) <= ?")
            args.append(self.until + "\uffff")  # a day-precision bound includes that whole day
        return where, args

    def date_parts(self) -> list[Part]:
        """The date range of event_sql as disjoint alternatives that each read an index range: events starting in
        it; events whose time began before it and ends in it (the partial index of ranges, a few); undated events by
        their report's date (or by an end date alone). One condition cannot use an index: an undated event's date
        is in another table, and an overlap test on (start, end) reads every event on one side of the range."""
        s, u = self.since, (self.until + "\uffff" if self.until else None)
        if not s and not u:
            return [Part([], [], None)]
        if not s:
            return [Part(["e.start <= ?"], [u], True),
                    Part(["e.start IS NULL", "d.published <= ?"], [u], False, DOCS_FIRST)]
        up, pub, ua = (["e.start <= ?"], ["d.published <= ?"], [u]) if u else ([], [], [])
        # the ranges and the undated events with an end: keys from their partial indexes (as a plain condition
        # SQLite would rather walk the type's events, or every undated event: without STAT4 statistics it takes
        # "start IS NULL" for a rare value, hence likelihood() in the subquery)
        spanning = ('(e.doc_id, e.id) IN (SELECT s.doc_id, s.id FROM events s WHERE s."end" > s.start'
                    ' AND s."end" >= ? AND s.start < ?)')
        ending = ("(e.doc_id, e.id) IN (SELECT s.doc_id, s.id FROM events s WHERE likelihood(s.start IS NULL, 0.9)"
                  ' AND s."end" >= ?)')
        return [Part(["e.start >= ?", *up, 'coalesce(e."end", e.start) >= ?'], [s, *ua, s], True),
                Part([spanning, *up], [s, s, *ua], True),
                Part(['e.start IS NULL', 'e."end" IS NULL', "d.published >= ?", *pub], [s, *ua], False, DOCS_FIRST),
                Part(["e.start IS NULL", ending, *pub], [s, *ua], False)]

    def names_match(self) -> str | None:
        """One FTS5 query for the events, when the filter keeps them by words of their names alone (the report's
        outlet aside). The rows of events_fts are numbered n * 100000 + k (migration 5), so the matching reports'
        numbers come from the word index without reading an event."""
        if self.dialect != "sqlite" or replace(self, outlet=None) != EventFilter(actor=self.actor,
                                                                                 place=self.place) or \
                not any(any(c.isalnum() for c in v or "") for v in (self.actor, self.place)):
            return None
        return " AND ".join(_name_words(cols, v)[1][0] for v, cols in ((self.actor, "{actor target}"),
                                                                     (self.place, "{place}")) if v)

    def only_type(self) -> bool:
        """Whether the filter keeps events by their type alone (or keeps all): the summary counts answer it."""
        return self == EventFilter(type=self.type)

    def doc_sql(self) -> tuple[list[str], list[Any]]:
        """The conditions on the report (``d``): its outlet."""
        return (["d.outlet = ?"], [self.outlet]) if self.outlet else ([], [])

    def __bool__(self) -> bool:
        """Whether any condition is on the events themselves."""
        return bool(self.event_sql()[0])


EVENTS_FROM = "FROM events e JOIN documents d ON d.id = e.doc_id"
# reports in a range of publication dates, then their events (SQLite otherwise walks every undated event of a type)
DOCS_FIRST = "FROM documents d CROSS JOIN events e ON e.doc_id = d.id"
# events alone, when no condition is on the report: with the join SQLite builds a Bloom filter over every report's id
# before reading the first event, a tenth of a second at 100k reports, even for a page of 50
EVENTS_ONLY = "FROM events e"
_ON_DOCUMENT = re.compile(r"(?<![\w.])d\.")


@dataclass(frozen=True)
class Part:
    """One alternative of a split date filter: its conditions, whether its events are dated (None: either) and the
    join order that reads it from an index range."""

    where: list[str]
    args: list[Any]
    dated: bool | None
    source: str = EVENTS_FROM


def dialect(db: Any) -> str:
    """"sqlite" or "postgresql": the backend behind a connection (store.postgres.Connection says so)."""
    return getattr(db, "dialect", "sqlite")


# ---------------------------------------------------------------------- word search, per backend: SQLite's FTS5 tables
# (documents_fts, events_fts, quotes_fts) or PostgreSQL's tsvector column and GIN expression indexes (migrations 1, 5)

# PostgreSQL: the texts of the events_fts and quotes_fts GIN indexes, spelled exactly as indexed so queries use them
PG_WORDS = {
    "events": "to_tsvector('simple', coalesce(e.actor, '') || ' ' || coalesce(e.target, '') || ' ' || "
              "coalesce(e.place, '') || ' ' || e.evidence)",
    "quotes": "to_tsvector('simple', coalesce(q.speaker, '') || ' ' || q.text)",
}


def words_query(db: Any, q: str) -> str:
    """The user's words as the backend's query text (FTS5 syntax, or tsquery text); never raises."""
    return postgres.tsquery(db, q) if dialect(db) == "postgresql" else fts_query(db, q)


def doc_words(db: Any) -> str:
    """The condition on ``d`` that the report matches the words (one parameter: words_query)."""
    if dialect(db) == "postgresql":
        return "d.fts @@ CAST(? AS tsquery)"
    return "d.n IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)"


def doc_hits(db: Any, columns: str, col_args: Sequence[Any], match: str, cond: str, cond_args: Sequence[Any],
             limit: int, offset: int) -> tuple[str, list[Any]]:
    """SELECT ``columns`` and a snippet of the reports matching ``match`` (words_query) and ``cond``, best match first,
    and the parameters in order. PostgreSQL ranks the RANK_CAP most recent matches (store.postgres.SEARCH_SQL)."""
    if dialect(db) == "postgresql":
        sql = (f"SELECT {columns}, ts_headline('simple', d.text, CAST(? AS tsquery), 'StartSel={HIT_OPEN},"
               f" StopSel={HIT_CLOSE}, MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=\" … \"') AS snippet"
               " FROM (SELECT recent.n, ts_rank_cd(recent.fts, CAST(? AS tsquery)) AS rank"
               "       FROM (SELECT d.n, d.fts FROM documents d WHERE d.fts @@ CAST(? AS tsquery) AND"
               f"             {cond} ORDER BY d.published DESC NULLS LAST, d.n DESC LIMIT {postgres.RANK_CAP}) recent"
               "       ORDER BY rank DESC, recent.n LIMIT ? OFFSET ?) top"
               " JOIN documents d ON d.n = top.n ORDER BY top.rank DESC, top.n")
        return sql, [*col_args, match, match, match, *cond_args, limit, offset]
    return (f"SELECT {columns}, snippet(documents_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}', ' … ', 16) AS snippet"
            " FROM documents_fts JOIN documents d ON d.n = documents_fts.rowid"
            f" WHERE documents_fts MATCH ? AND {cond} ORDER BY rank LIMIT ? OFFSET ?",
            [*col_args, match, *cond_args, limit, offset])


def item_hits(db: Any, kind: Literal["events", "quotes"], joined: str, cond: str) -> tuple[str, str]:
    """(FROM … WHERE …, ORDER BY) for the events (``e``) or quotes (``q``) matching the words (words_query, then
    ``cond``'s parameters); ``joined`` joins the rest (``d``) to them."""
    alias, key = ("e", "event_id") if kind == "events" else ("q", "quote_id")
    if dialect(db) == "postgresql":
        words = PG_WORDS[kind]
        return (f"FROM {kind} {alias} {joined}, CAST(? AS tsquery) w WHERE {words} @@ w AND {cond}",
                f"ts_rank({words}, w) DESC, {alias}.doc_id, {alias}.id")
    return (f"FROM {kind}_fts f JOIN {kind} {alias} ON {alias}.doc_id = f.doc_id AND {alias}.id = f.{key} {joined}"
            f" WHERE {kind}_fts MATCH ? AND {cond}", "f.rank")


def _name_words(columns: str, value: str, table: str = "events_fts", key: str = "event_id",
                alias: str = "e", dialect: str = "sqlite") -> tuple[str, list[str]]:
    """Events (or quotes) whose names (``columns`` of ``table``) contain these words, the last as a prefix: the
    condition and its parameters. An indexed lookup on SQLite: a LIKE '%…%' over a million names reads all of them.
    On PostgreSQL, a phrase tsquery on each named column, one GIN index each (migration 7)."""
    if not any(c.isalnum() for c in value):  # no word to look up: nothing matches, as a LIKE on it would find
        return "0 = length(CAST(? AS TEXT))", [value]
    if dialect == "postgresql":
        words = [w.lower() for w in re.findall(r"[^\W_]+", value)]
        query = " <-> ".join(f"'{w}'" for w in words[:-1]) + (" <-> " if len(words) > 1 else "") + f"'{words[-1]}':*"
        names = columns.strip("{}").split()
        return ("(" + " OR ".join(f"to_tsvector('simple', coalesce({alias}.{c}, '')) @@ CAST(? AS tsquery)"
                                  for c in names) + ")", [query] * len(names))
    phrase = '"' + value.replace('"', '""').replace("\x00", "") + '" *'
    return (f"({alias}.doc_id, {alias}.id) IN (SELECT f.doc_id, f.{key} FROM {table} f WHERE {table} MATCH ?)",
            [f"{columns} : {phrase}"])


def capped_count(db: sqlite3.Connection, source: str, args: Sequence[Any]) -> int:
    """``count(*)`` of ``source`` (a FROM … WHERE …), stopping at CAP + 1 (shown as "more than CAP")."""
    return db.execute(f"SELECT count(*) FROM (SELECT 1 {source} LIMIT {CAP + 1}) x", args).fetchone()[0]


def total_fields(n: int) -> dict[str, Any]:
    """``total`` (at most CAP) and ``more``: true when there are more than CAP."""
    return {"total": min(n, CAP), "more": n > CAP}


def search(db: sqlite3.Connection, q: str, flt: EventFilter, see_restricted: bool, limit: int,
           offset: int) -> dict[str, Any]:
    """Documents matching the words of ``q`` from the chosen outlet that have at least one event matching the
    event filters: the page of documents, the total, and the matching events counted by type."""
    if dialect(db) == "postgresql" and q.strip():  # the word index, never a scan testing every tsvector
        with postgres.index_only(db):
            return _search(db, q, flt, see_restricted, limit, offset)
    return _search(db, q, flt, see_restricted, limit, offset)


def _search(db: sqlite3.Connection, q: str, flt: EventFilter, see_restricted: bool, limit: int,
            offset: int) -> dict[str, Any]:
    flt = flt.on(db)
    ev_where, ev_args = flt.event_sql()
    in_doc, _ = flt.event_sql(per_document=True)
    doc_where, doc_args = flt.doc_sql()
    vis = [int(see_restricted)]
    names = flt.names_match()
    n_events = ("(SELECT count(*) FROM events e WHERE " + " AND ".join(["e.doc_id = d.id", *in_doc])
                + ") AS events")
    n_args = has_args = ev_args
    if names:  # the reports' numbers straight from the word index, no event read; their counts below
        has_event = "d.n IN (SELECT rowid / 100000 FROM events_fts WHERE events_fts MATCH ?)"
        n_events, n_args, has_args = "d.n AS events", [], [names]
    elif flt.actor or flt.place or flt.profile is not None:  # name words: the matching events once, not per report
        has_event = ("d.id IN (SELECT e.doc_id FROM events e JOIN documents d ON d.id = e.doc_id WHERE "
                     + " AND ".join(ev_where) + ")")
    else:
        has_event = ("EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND " + " AND ".join(in_doc) + ")"
                     if flt else "1 = 1")
    match = words_query(db, q) if q.strip() else None
    in_fts = doc_words(db) if match else "1 = 1"
    fts_args = [match] if match else []
    doc_cond = " AND ".join([VISIBLE, *doc_where])
    total = db.execute(f"SELECT count(*) FROM documents d WHERE {doc_cond} AND {in_fts} AND {has_event}",
                       (*vis, *doc_args, *fts_args, *has_args)).fetchone()[0]
    if not match and flt.only_type():  # every event (of the type): the summary the store keeps
        n = "n" if see_restricted else "n - restricted"
        cond, args = ("WHERE type = upper(?)", [flt.type]) if flt.type else ("", [])
        counts = db.execute(f"SELECT type, sum({n}) AS n FROM event_counts {cond} GROUP BY type"
                            f" HAVING sum({n}) > 0 ORDER BY sum({n}) DESC, type", args).fetchall()
    else:
        counts = db.execute(
            f"SELECT e.type, count(*) AS n FROM events e JOIN documents d ON d.id = e.doc_id"
            f" WHERE {' AND '.join([doc_cond, in_fts, *(in_doc if match else ev_where)])}"
            " GROUP BY e.type ORDER BY n DESC, e.type",
            (*vis, *doc_args, *fts_args, *ev_args),
        ).fetchall()
    restricted = "EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted"
    if match:
        sql, args = doc_hits(db, f"d.id, d.title, d.outlet, d.published, {n_events}, {restricted}", n_args, match,
                             f"{doc_cond} AND {has_event}", [*vis, *doc_args, *has_args], limit, offset)
    else:
        sql = (f"SELECT d.id, d.title, d.outlet, d.published, {n_events}, {restricted},"
               " substr(d.text, 1, 240) AS snippet"
               f" FROM documents d WHERE {doc_cond} AND {has_event}"
               " ORDER BY d.published DESC, d.n DESC LIMIT ? OFFSET ?")
        args = (*n_args, *vis, *doc_args, *has_args, limit, offset)
    rows = [dict(r) for r in db.execute(sql, args)]
    if names:  # one pass over the matches (a MATCH per listed report would expand the prefix words each time)
        per_report = dict(db.execute("SELECT rowid / 100000, count(*) FROM events_fts WHERE events_fts MATCH ?"
                                     " GROUP BY 1", (names,)).fetchall())
        for r in rows:
            r["events"] = per_report.get(r["events"], 0)
    return {"total": total, "more": False, "counts": [dict(r) for r in counts], "items": rows}


def search_quotes(db: sqlite3.Connection, q: str, flt: EventFilter, see_restricted: bool, limit: int,
                  offset: int) -> dict[str, Any]:
    """Quotes whose words or speaker match ``q``, from reports of the outlet and dates asked for; the ``actor``
    filter matches the speaker. Best match first with words, else newest report first."""
    doc_where, doc_args = flt.doc_sql()
    where, args = [VISIBLE, *doc_where], [int(see_restricted), *doc_args]
    if flt.actor:  # words of the speaker's name, as the events' actor filter (a LIKE reads every quote)
        cond, cond_args = _name_words("{speaker}", flt.actor, "quotes_fts", "quote_id", "q", dialect(db))
        where.append(cond)
        args += cond_args
    if flt.since:
        where.append("d.published >= ?")
        args.append(flt.since)
    if flt.until:
        where.append("d.published <= ?")
        args.append(flt.until + "\uffff")
    cond = " AND ".join(where)
    cols = ("q.doc_id, q.id, q.text, q.speaker, q.kind, q.cue, q.confidence, d.title, d.outlet, d.published,"
            " EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = d.id) AS restricted")
    if q.strip():
        source, order = item_hits(db, "quotes", "JOIN documents d ON d.id = q.doc_id", cond)
        args = [words_query(db, q), *args]
    else:
        source = f"FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {cond}"
        order = "d.published DESC, q.doc_id, q.id"
    n = capped_count(db, source, args)
    rows = db.execute(f"SELECT {cols} {source} ORDER BY {order} LIMIT ? OFFSET ?", (*args, limit, offset))
    return {**total_fields(n), "items": [dict(r) for r in rows]}


def search_events(db: sqlite3.Connection, q: str, flt: EventFilter, see_restricted: bool, limit: int,
                  offset: int) -> dict[str, Any]:
    """Events whose evidence or names match ``q`` and the filters, best match first (without words: the events
    table's default order), with the matching events counted by type."""
    if not q.strip():
        res = events(db, flt, see_restricted, "date", False, limit, offset)
    else:
        where, args = flt.on(db).sql()
        source, order = item_hits(db, "events", "JOIN documents d ON d.id = e.doc_id", " AND ".join([VISIBLE, *where]))
        args = [words_query(db, q), int(see_restricted), *args]
        n = capped_count(db, source, args)
        rows = db.execute(f"SELECT {EVENT_COLUMNS} {source} ORDER BY {order} LIMIT ? OFFSET ?",
                          (*args, limit, offset))
        res = {**total_fields(n), "items": [dict(r) for r in rows]}
    return res


def events(db: sqlite3.Connection, flt: EventFilter, see_restricted: bool, sort: str, descending: bool,
           limit: int, offset: int) -> dict[str, Any]:
    """A page of events with their documents' titles, and how many match (up to CAP, then ``more``).

    Rows come in index order of the sort column (NULLs last either way) with the events' key as the tie-break,
    so a page reads about ``offset + limit`` rows, not every match. A date range is read as its disjoint parts
    (EventFilter.date_parts), each in index order, and the parts merged."""
    flt = flt.on(db)
    column = EVENT_SORTS.get(sort, "e.start")
    # a common type is found sooner walking the sort column's index than by sorting all its events
    off_type_index = column not in ("e.start", "e.type") and flt.only_type() and is_common_type(db, flt.type)
    where, args = flt.sql(per_document=off_type_index, dates=False)
    parts = []
    for p in flt.date_parts():
        on_doc = any(_ON_DOCUMENT.search(c) for c in [*where, *p.where])
        parts.append(Part([VISIBLE if on_doc else VISIBLE_EVENT, *where, *p.where], [int(see_restricted), *args,
                          *p.args], p.dated, p.source if on_doc else EVENTS_ONLY))
    if flt.only_type():
        n = summary_count(db, flt.type, see_restricted)
    elif flt.profile is not None and flt.role and flt == EventFilter(profile=flt.profile, role=flt.role):
        # an actor page's list
        n = actor_counts(db, flt.profile, see_restricted)[f"as_{flt.role}"]
    elif not flt.outlet and (names := flt.names_match()):  # counted in the word index (see names_match)
        n = capped_count(db, "FROM events_fts WHERE events_fts MATCH ? AND (? OR rowid / 100000 NOT IN"
                             " (SELECT d.n FROM restricted_documents r JOIN documents d ON d.id = r.doc_id))",
                         (names, int(see_restricted)))
    else:
        source, source_args = _union("SELECT 1", parts)
        n = capped_count(db, f"FROM ({source}) u", source_args)
    if column == "e.start" and flt.profile is not None and flt.role and \
            flt == EventFilter(profile=flt.profile, role=flt.role):
        rows = _timeline_page(db, flt.profile, flt.role, see_restricted, descending, limit, offset)
    elif column == "e.start":  # a profile's few thousand events: read them all, not reports by date until enough
        rows = _date_page(db, parts, descending, limit, offset, by_report_date=flt.profile is None)
    else:
        rows = _column_page(db, column, parts, descending, limit, offset)
    return {**total_fields(n), "items": rows}


def summary_count(db: sqlite3.Connection, type_: str | None, see_restricted: bool) -> int:
    """Events of a type (or all), from the per-place summary the store's triggers keep exact (migration 6)."""
    n = "n" if see_restricted else "n - restricted"
    cond, args = ("WHERE type = upper(?)", [type_]) if type_ else ("", [])
    return db.execute(f"SELECT coalesce(sum({n}), 0) FROM event_counts {cond}", args).fetchone()[0]


def is_common_type(db: sqlite3.Connection, type_: str | None) -> bool:
    """Whether at least one event in 50 has this type (or no type is asked for)."""
    return type_ is None or summary_count(db, type_, True) * 50 >= summary_count(db, None, True)


def _union(select: str, parts: Sequence[Part], extra: str = "") -> tuple[str, list[Any]]:
    """``select`` over each part's events (UNION ALL: the parts are disjoint), with ``extra`` conditions."""
    arms = [f"{select} {p.source} WHERE {' AND '.join(p.where)}{extra}" for p in parts]
    return " UNION ALL ".join(arms), [a for p in parts for a in p.args]


def _date_page(db: sqlite3.Connection, parts: Sequence[Part], descending: bool, limit: int,
               offset: int, by_report_date: bool = True) -> list[dict[str, Any]]:
    """Sorted by the event's date, or its report's publication date when the text gives none: the keys of the dated
    and of the undated events are each read in index order (events(start, doc_id, id); documents(published, id) then
    the undated events' partial index) and merged here, since no single index orders by a value from two tables.
    Only the page's rows are then read in full."""
    desc = " DESC" if descending else ""
    want = offset + limit
    keys: list[tuple[Any, ...]] = []
    for p in parts:
        cond = " AND ".join(p.where)
        if p.dated is not False:
            keys += db.execute(
                f"SELECT e.start, e.doc_id, e.id {p.source} WHERE {cond} AND e.start IS NOT NULL"
                f" ORDER BY e.start{desc}, e.doc_id{desc}, e.id{desc} LIMIT ?", (*p.args, want)).fetchall()
        if p.dated is not True:
            keys += db.execute(  # CROSS JOIN: SQLite walks documents by date first (elsewhere, a plain join)
                f"SELECT d.published, e.doc_id, e.id {DOCS_FIRST if by_report_date else EVENTS_FROM}"
                f" WHERE {cond} AND e.start IS NULL AND d.published IS NOT NULL"
                f" ORDER BY d.published{desc}, d.id{desc}, e.id{desc} LIMIT ?", (*p.args, want)).fetchall()
    keys = sorted((tuple(r) for r in keys), reverse=descending)[:want]
    if len(keys) < want:  # neither date nor publication date: last
        tail = [tuple(r) for p in parts if p.dated is not True for r in db.execute(
            f"SELECT e.doc_id, e.id {EVENTS_FROM} WHERE {' AND '.join(p.where)} AND e.start IS NULL"
            " AND d.published IS NULL ORDER BY e.doc_id, e.id LIMIT ?", (*p.args, want - len(keys)))]
        keys += [(None, *r) for r in sorted(tail)[:want - len(keys)]]
    return rows_by_key(db, [(d, e) for _, d, e in keys[offset:want]])


def _timeline_page(db: sqlite3.Connection, profile_id: int, role: str, see_restricted: bool, descending: bool,
                   limit: int, offset: int) -> list[dict[str, Any]]:
    """A profile's events as ``role`` in _date_page's order, read from its timeline in index order (migration 6):
    dated first (by the event's start, else its report's date), then those with neither, by key."""
    desc = " DESC" if descending else ""
    base = (f"FROM profile_timeline t WHERE t.profile_id = ? AND t.role = ?"
            f" AND {_VISIBLE_ID.format('t.doc_id')}")
    args = (profile_id, role, int(see_restricted))
    keys = [(r[0], r[1]) for r in db.execute(
        f"SELECT t.doc_id, t.event_id {base} AND t.day IS NOT NULL ORDER BY t.day{desc}, t.doc_id{desc},"
        f" t.event_id{desc} LIMIT ? OFFSET ?", (*args, limit, offset))]
    if len(keys) < limit:
        dated = offset + len(keys) if keys or offset == 0 else db.execute(
            f"SELECT count(*) {base} AND t.day IS NOT NULL", args).fetchone()[0]
        keys += [(r[0], r[1]) for r in db.execute(
            f"SELECT t.doc_id, t.event_id {base} AND t.day IS NULL ORDER BY t.doc_id, t.event_id LIMIT ? OFFSET ?",
            (*args, limit - len(keys), max(0, offset - dated)))]
    return rows_by_key(db, keys)


def rows_by_key(db: sqlite3.Connection, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Full event rows for (doc_id, event_id) keys, in the keys' order."""
    if not keys:
        return []
    values, args = _pairs(keys)
    rows = {(r["doc_id"], r["id"]): dict(r) for r in db.execute(
        f"{values} SELECT {EVENT_COLUMNS} FROM k CROSS JOIN events e ON e.doc_id = k.doc_id AND e.id = k.event_id"
        " JOIN documents d ON d.id = e.doc_id", args)}
    return [rows[k] for k in keys if k in rows]


def _column_page(db: sqlite3.Connection, column: str, parts: Sequence[Part], descending: bool, limit: int,
                 offset: int) -> list[dict[str, Any]]:
    """Sorted by one column with NULLs last: the keys of the non-NULL rows in index order, then of the NULL ones
    (SQLite cannot read an index NULLs-last, so ``NULLS LAST`` would sort every match), then the page's rows in full.
    Several parts are merged by SQLite's compound ORDER BY, which reads each in order and names columns by position."""
    desc = " DESC" if descending else ""
    cols = ["e.doc_id", "e.id", column, *(["e.start"] if column == "e.type" else [])]  # one type's events by date

    def by(col: str) -> str:
        return col if len(parts) == 1 else str(cols.index(col) + 1)

    # SQLite sorts NULLs first; PostgreSQL is told to, so a type's undated events come where they do on SQLite
    nulls = (" NULLS LAST" if descending else " NULLS FIRST") if dialect(db) == "postgresql" else ""
    then = f", {by('e.start')}{desc}{nulls}" if column == "e.type" else ""
    source, args = _union(f"SELECT {', '.join(cols)}", parts, f" AND {column} IS NOT NULL")
    keys = [(r[0], r[1]) for r in db.execute(
        f"{source} ORDER BY {by(column)}{desc}{then}, {by('e.doc_id')}{desc}, {by('e.id')}{desc} LIMIT ? OFFSET ?",
        (*args, limit, offset))]
    if len(keys) < limit:
        if keys or offset == 0:
            non_null = offset + len(keys)
        else:
            counted, count_args = _union("SELECT 1", parts, f" AND {column} IS NOT NULL")
            non_null = db.execute(f"SELECT count(*) FROM ({counted}) u", count_args).fetchone()[0]
        source, args = _union("SELECT e.doc_id, e.id", parts, f" AND {column} IS NULL")
        keys += [(r[0], r[1]) for r in db.execute(
            f"{source} ORDER BY {by('e.doc_id')}, {by('e.id')} LIMIT ? OFFSET ?",
            (*args, limit - len(keys), max(0, offset - non_null)))]
    return rows_by_key(db, keys)


def _pairs(keys: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """A ``WITH k(doc_id, event_id)`` table of the pairs, and its parameters. Joined from ``k`` first, each pair is
    an index lookup; ``(a, b) IN (VALUES …)`` made SQLite scan every document instead."""
    return "WITH k(doc_id, event_id) AS (VALUES " + ",".join("(?,?)" for _ in keys) + ") ", [v for k in keys for v in k]


def cluster_sources(db: sqlite3.Connection, keys: Sequence[tuple[str, str]],
                    see_restricted: bool) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """For each (doc_id, event_id), the visible reports of its event cluster (doc_id, outlet, original_id), for
    ``link.report.independent_sources``; an event in no cluster is absent."""
    if not keys:
        return {}
    values, args = _pairs(keys)
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in db.execute(
            f"{values} SELECT k.doc_id AS for_doc, k.event_id AS for_event, c.doc_id, d.outlet, x.original_id"
            " FROM k CROSS JOIN event_clusters c0 ON c0.doc_id = k.doc_id AND c0.event_id = k.event_id"
            " JOIN event_clusters c ON c.cluster_id = c0.cluster_id"
            " JOIN documents d ON d.id = c.doc_id LEFT JOIN duplicates x ON x.doc_id = c.doc_id"
            f" WHERE {VISIBLE}", (*args, int(see_restricted))):
        out.setdefault((r["for_doc"], r["for_event"]), []).append(dict(r))
    return out


def event_profiles(db: sqlite3.Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str, str], int]:
    """(doc_id, event_id, role) -> the actor profile that is that event's actor or target."""
    if not keys:
        return {}
    values, args = _pairs(keys)
    return {(r[0], r[1], r[2]): r[3] for r in db.execute(
        f"{values} SELECT pe.doc_id, pe.event_id, pe.role, pe.profile_id FROM k CROSS JOIN profile_events pe"
        " ON pe.doc_id = k.doc_id AND pe.event_id = k.event_id", args)}


def doc_entity_profiles(db: sqlite3.Connection, doc_id: str) -> dict[str, int]:
    """A document's entity ids -> their actor profiles."""
    return {r[0]: r[1] for r in db.execute("SELECT entity_id, profile_id FROM entity_profiles WHERE doc_id = ?",
                                           (doc_id,))}


def outlets(db: sqlite3.Connection, see_restricted: bool, limit: int = 300) -> list[str]:
    """Outlets of visible reports, for the source filter (read from the outlet index)."""
    return [r[0] for r in db.execute(
        f"SELECT o.x FROM ({_distinct('documents', 'outlet')}) o WHERE EXISTS (SELECT 1 FROM documents d"
        f" WHERE d.outlet = o.x AND {VISIBLE}) LIMIT ?", (int(see_restricted), limit))]


# ---------------------------------------------------------------------- actor profiles

# VISIBLE on a row's document id, without reading the document: one probe of the restricted list per row
_VISIBLE_ID = "(? <> 0 OR {} NOT IN (SELECT doc_id FROM restricted_documents))"
# a profile is visible if a visible report names it (its name came from somewhere)
PROFILE_VISIBLE = ("EXISTS (SELECT 1 FROM entity_profiles ep JOIN documents d ON d.id = ep.doc_id"
                   f" WHERE ep.profile_id = p.id AND {VISIBLE})")


def actors(db: sqlite3.Connection, q: str, see_restricted: bool, limit: int, offset: int) -> dict[str, Any]:
    """Profiles whose name or any name a report gave them contains ``q``, by name, with what each appears in."""
    where, args = [PROFILE_VISIBLE], [int(see_restricted)]
    if q.strip():
        where.append("(p.name LIKE '%' || ? || '%' OR p.id IN (SELECT k.profile_id FROM profile_keys k"
                     " WHERE k.role = 'name' AND k.key LIKE '%' || ? || '%'))")
        args += [q.strip(), name_key_of(q)]
    source = f"FROM profiles p WHERE {' AND '.join(where)}"
    n = capped_count(db, source, args)
    rows = [dict(r) for r in db.execute(f"SELECT p.id, p.type, p.name, p.kind {source} ORDER BY p.name, p.id"
                                        " LIMIT ? OFFSET ?", (*args, limit, offset))]
    for r in rows:
        r.update(actor_counts(db, r["id"], see_restricted))
    return {**total_fields(n), "items": rows}


def name_key_of(q: str) -> str:
    """A search text in the form profile keys are stored in (lower case, no accents or articles)."""
    return profile_key(q) or q.strip().lower()  # the linker's own normalisation, so keys compare equal


def actor_counts(db: sqlite3.Connection, profile_id: int, see_restricted: bool) -> dict[str, int]:
    """Visible reports naming the profile, events it is actor or target of, and quotes it spoke, from the counts the
    store's triggers keep (migration 6): counting them per listed profile read thousands of rows each."""
    r = db.execute("SELECT * FROM profile_counts WHERE profile_id = ?", (profile_id,)).fetchone()
    if r is None:
        return {"reports": 0, "events": 0, "quotes": 0, "as_actor": 0, "as_target": 0}
    got = {k: r[k] - (0 if see_restricted else r[f"restricted_{k}"])
           for k in ("reports", "as_actor", "as_target", "quotes")}
    return {**got, "events": got["as_actor"] + got["as_target"]}


# a profile's quotes: those whose speaker is the name its entity has in that report (aliases: see actor_quotes)
_PROFILE_QUOTES = ("FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id AND q.speaker = ep.name"
                   " JOIN documents d ON d.id = ep.doc_id WHERE ep.profile_id = ?")


def actor_mentions(db: sqlite3.Connection, profile_id: int, see_restricted: bool, limit: int,
                   offset: int) -> dict[str, Any]:
    """The visible reports naming a profile, earliest first, with the name each gave it."""
    source = f"FROM entity_profiles ep JOIN documents d ON d.id = ep.doc_id WHERE ep.profile_id = ? AND {VISIBLE}"
    args = (profile_id, int(see_restricted))
    rows = db.execute(f"SELECT ep.doc_id, ep.entity_id, ep.name, ep.aliases, ep.nationality, d.title, d.outlet,"
                      f" d.published {source} ORDER BY d.published, d.n LIMIT ? OFFSET ?", (*args, limit, offset))
    return {**total_fields(actor_counts(db, profile_id, see_restricted)["reports"]), "items": [dict(r) for r in rows]}


def actor_names(db: sqlite3.Connection, profile_id: int, see_restricted: bool, limit: int = 200) -> list[sqlite3.Row]:
    """The distinct (name, aliases) visible reports gave a profile."""
    return db.execute(
        "SELECT DISTINCT ep.name, ep.aliases, ep.nationality FROM entity_profiles ep"
        f" WHERE ep.profile_id = ? AND {_VISIBLE_ID.format('ep.doc_id')} LIMIT ?",
        (profile_id, int(see_restricted), limit)).fetchall()


def actor_events(db: sqlite3.Connection, profile_id: int, role: str, see_restricted: bool, limit: int,
                 offset: int) -> dict[str, Any]:
    """The visible events a profile is the ``role`` (actor or target) of, by date, with the original a copy repeats
    (for ``link.report.fold_copies``)."""
    return events_with_originals(db, events(db, EventFilter(profile=profile_id, role=role), see_restricted, "date",
                                            False, limit, offset))


def events_with_originals(db: sqlite3.Connection, res: dict[str, Any]) -> dict[str, Any]:
    """Each event row's ``original_id``: the report its report is a syndicated copy of, if any."""
    ids = sorted({e["doc_id"] for e in res["items"]})
    marks = ",".join("?" * len(ids))
    originals = dict(db.execute(f"SELECT doc_id, original_id FROM duplicates WHERE doc_id IN ({marks})", ids)
                     .fetchall()) if ids else {}
    for e in res["items"]:
        e["original_id"] = originals.get(e["doc_id"])
    return res


def actor_quotes(db: sqlite3.Connection, profile_id: int, see_restricted: bool, limit: int,
                 offset: int) -> dict[str, Any]:
    """Quotes the profile's entity spoke in visible reports (its name in that report as the speaker), by date."""
    args = (profile_id, int(see_restricted))
    rows = db.execute(
        "SELECT q.doc_id, q.id, q.text, q.speaker, q.kind, q.cue, q.confidence, d.title, d.outlet, d.published"
        f" {_PROFILE_QUOTES} AND {VISIBLE} ORDER BY d.published, d.n, q.id LIMIT ? OFFSET ?", (*args, limit, offset))
    return {**total_fields(actor_counts(db, profile_id, see_restricted)["quotes"]), "items": [dict(r) for r in rows]}


def related_actors(db: sqlite3.Connection, profile_id: int, see_restricted: bool, limit: int = 12) -> list[dict]:
    """Profiles that share visible events with this one, most shared first: ``as_actor`` counts events where this
    profile acted on them, ``as_target`` where they acted on it."""
    rows = db.execute(
        "SELECT o.profile_id AS id, p.name, p.type,"
        " sum(CASE WHEN pe.role = 'actor' AND o.role = 'target' THEN 1 ELSE 0 END) AS as_actor,"
        " sum(CASE WHEN pe.role = 'target' AND o.role = 'actor' THEN 1 ELSE 0 END) AS as_target"
        " FROM profile_events pe JOIN profile_events o ON o.doc_id = pe.doc_id AND o.event_id = pe.event_id"
        " JOIN profiles p ON p.id = o.profile_id"
        f" WHERE pe.profile_id = ? AND o.profile_id != pe.profile_id AND o.role != pe.role"
        f" AND {_VISIBLE_ID.format('pe.doc_id')}"
        " GROUP BY o.profile_id, p.name, p.type ORDER BY count(*) DESC, p.name LIMIT ?",
        (profile_id, int(see_restricted), limit)).fetchall()
    return [dict(r) for r in rows]


def visible_docs(db: sqlite3.Connection, doc_ids: Sequence[str], see_restricted: bool) -> set[str]:
    """Which of these reports the reader may see."""
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {r[0] for r in db.execute(f"SELECT d.id FROM documents d WHERE d.id IN ({marks}) AND {VISIBLE}",
                                     (*ids, int(see_restricted)))}


def _distinct(table: str, column: str) -> str:
    """The distinct non-NULL values of an indexed column, one index seek each (a "loose index scan"): SELECT
    DISTINCT reads every row of the index, a million for the events' types."""
    return (f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM {table} UNION ALL"
            f" SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.x) FROM v WHERE v.x IS NOT NULL)"
            " SELECT x FROM v WHERE x IS NOT NULL")


def event_types(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute(_distinct("events", "type"))]


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
        'INSERT INTO audit_log (at, "user", action, doc_id, item_kind, item_id, before, after, comment)'
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
        cur = db.execute("INSERT INTO restricted_documents VALUES (?) ON CONFLICT DO NOTHING", (doc_id,))
    else:
        cur = db.execute("DELETE FROM restricted_documents WHERE doc_id = ?", (doc_id,))
    return cur.rowcount > 0
