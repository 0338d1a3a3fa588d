"""PostgreSQL behind the store's interface: a psycopg connection that looks like the sqlite3 one.

The store, linking and the web app run their SQL on ``store.db``; this wrapper lets that same SQL run
on PostgreSQL. It rewrites only what the two dialects spell differently at the driver level — ``?``
placeholders become ``%s`` (outside string literals, quoted names and comments), a literal ``%`` is
doubled, ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores ASCII case; users searching an actor's
name must get the same rows) and SQLite's ``CROSS JOIN … ON`` join-order hint a plain ``JOIN`` — and returns
rows that index by position and by column name like ``sqlite3.Row`` (NUMERIC results as int or float, as SQLite's
``sum`` gives them). psycopg has no such translation (its placeholders are ``%s``/``%(name)s`` only), hence
this small scanner. Statements that must really differ (full-text search, the schema, the integrity
check) live beside it, in this module and ``migrations_pg.py``.

Transactions are explicit, as on SQLite: the connection is in autocommit mode and ``BEGIN``/``COMMIT``/
``ROLLBACK`` pass through. SQLite's ``BEGIN IMMEDIATE`` takes the single write lock up front; here it
becomes ``BEGIN`` plus a transaction-scoped advisory lock, so writers (an ingest, linking, a review) are
serialized exactly as on SQLite — linking reads "max cluster id + 1" and profile names before writing,
which only stays right with one writer at a time — while readers never wait (MVCC).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import Loader

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x65766C6477  # pg_advisory_xact_lock key of the single writer ("evldw")
MIGRATE_LOCK = 0x65766C646D  # held while the schema is migrated ("evldm")


def is_url(target: object) -> bool:
    """True for a PostgreSQL connection URL, False for anything else (a SQLite file path)."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"^(\w+://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Row(tuple):
    """A result row by position or (case-insensitive) column name, ``dict(row)``-able, like ``sqlite3.Row``.

    A duplicated column name resolves to its first column, as in sqlite3."""

    __slots__ = ()
    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key.lower()])
            except KeyError:
                raise IndexError(f"No item with that key: {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return type("Row", (Row,), {"__slots__": (), "_names": names, "_index": index})


def _row_factory(cursor: psycopg.Cursor) -> Any:
    desc = cursor.description
    return _row_class(tuple(c.name for c in desc)) if desc else tuple


_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
# SQLite's join-order hint "a CROSS JOIN b ON …" is a plain join with an order; PostgreSQL allows no ON after CROSS JOIN
_CROSS_ON = re.compile(r"\bCROSS JOIN(\s+\w+(?:\s+(?!ON\b)\w+)?\s+ON)\b", re.IGNORECASE)


# "INSERT INTO t [(cols)] VALUES (?,…)" with nothing after it but "ON CONFLICT … DO NOTHING"
_MULTI_ROW = re.compile(r"(?P<head>\s*INSERT\s+INTO\s+\w+\s*(?:\([\w\s,]*\))?\s*VALUES\s*)(?P<group>\([?,\s]*\))"
                        r"(?P<tail>\s*(?:ON\s+CONFLICT\s*(?:\([\w\s,]*\))?\s*DO\s+NOTHING\s*)?)$", re.IGNORECASE)
_MAX_PARAMS = 65535  # the protocol's limit on one statement's parameters


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """SQLite-flavoured SQL as psycopg expects it: ``?`` -> ``%s``, ``LIKE`` -> ``ILIKE`` and ``CROSS JOIN t ON``
    -> ``JOIN t ON`` in code (not in '…' literals, "…" names or -- comments), every literal ``%`` doubled."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":  # a literal or quoted name runs to its closing quote ('' and "" escape one)
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        else:
            j = i
            while j < n and sql[j] not in "'\"" and not sql.startswith("--", j):
                j += 1
            code = sql[i:j].replace("%", "%%").replace("?", "%s")
            out.append(_CROSS_ON.sub(r"JOIN\1", _LIKE.sub("ILIKE", code)))
            i = j
    return "".join(out)


class _SqliteNumberLoader(Loader):
    """NUMERIC results (``sum`` of an integer column is one) as SQLite gives them: an int when whole, else a float.
    psycopg's Decimal would break arithmetic with floats (map centroids) and show as "3.0" on a page."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


class Connection:
    """The part of ``sqlite3.Connection`` the project uses, over one psycopg connection in autocommit mode."""

    dialect = "postgresql"

    def __init__(self, url: str):
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        self.raw.adapters.register_loader("numeric", _SqliteNumberLoader)

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> psycopg.Cursor:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            self.raw.execute("BEGIN")
            return self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        return self.raw.execute(translate(sql), tuple(params or ()))

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> psycopg.Cursor:
        """Plain inserts (and ``ON CONFLICT DO NOTHING``) go as one multi-row ``INSERT … VALUES (…), (…)``: the
        server plans and runs one statement, not one per row as psycopg's pipelined ``executemany`` (a report's
        spans, events and quotes: about 4 ms a report less). ``DO UPDATE`` keeps row-by-row semantics."""
        cur = self.raw.cursor()
        rows = [tuple(p) for p in seq]
        if not rows:
            return cur
        m = _MULTI_ROW.match(sql)
        if m is None:
            cur.executemany(translate(sql), rows)
            return cur
        head, group, tail = translate(m["head"]), translate(m["group"]), translate(m["tail"])
        per = max(1, _MAX_PARAMS // max(1, len(rows[0])))
        for i in range(0, len(rows), per):
            chunk = rows[i:i + per]
            cur.execute(head + ",".join([group] * len(chunk)) + tail, [v for row in chunk for v in row])
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def schema_version(db: Connection) -> int:
    """The version in the one-row ``schema_version`` table; 0 for an empty database."""
    found = db.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not found:
        return 0
    row = db.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def migrate(db: Connection, migrations: Sequence[str], newer: type[Exception], where: str) -> None:
    """Apply the missing migrations, each in its own transaction; concurrent openers wait on a lock."""
    while _migrate_one(db, migrations, newer, where):
        pass


def _migrate_one(db: Connection, migrations: Sequence[str], newer: type[Exception], where: str) -> bool:
    """Apply the next migration; False once the schema is current."""
    db.raw.execute("BEGIN")
    try:
        db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        version = schema_version(db)
        if version > len(migrations):
            raise newer(f"{where} has schema version {version}, newer than this eventledger ({len(migrations)})")
        if version < len(migrations):
            if version == 0:
                db.raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                db.raw.execute("DELETE FROM schema_version")
                db.raw.execute("INSERT INTO schema_version VALUES (0)")
            db.raw.execute(migrations[version])  # no parameters: several statements in one call
            db.raw.execute("UPDATE schema_version SET version = %s", (version + 1,))
        db.raw.execute("COMMIT")
    except BaseException:
        db.raw.execute("ROLLBACK")
        raise
    return version < len(migrations)


# full-text search: the generated ``documents.fts`` column (title weighted A, text B) and its GIN index;
# websearch_to_tsquery takes any user text without raising ("phrases", or, -word). Two costs the planner does not
# see: testing ``fts @@ q`` on a row detoasts the report's whole tsvector, so a scan of the table that filters
# on it reads every report (the planner takes it for cheap: the table proper is small); and ts_rank_cd reads the
# whole tsvector of each match (~50 µs), so ranking every match of a common word in a large archive takes seconds.
# Hence the GIN index always (see ranked_search), and only the RANK_CAP most recent matches are ranked (all of
# them when fewer match; SQLite's FTS5 ranks every match from its index). Parameters: tsquery text x3, RANK_CAP,
# LIMIT.
RANK_CAP = 1000
_HEADLINE = "'StartSel=[, StopSel=], MaxWords=12, MinWords=6, MaxFragments=1'"
SEARCH_SQL = (
    "SELECT d.id, d.title, d.outlet, d.published,"
    f" ts_headline('simple', d.text, CAST(%s AS tsquery), {_HEADLINE}) AS snippet"
    " FROM (SELECT recent.n, ts_rank_cd(recent.fts, CAST(%s AS tsquery)) AS rank"
    "       FROM (SELECT m.n, m.fts FROM documents m WHERE m.fts @@ CAST(%s AS tsquery)"
    "             ORDER BY m.published DESC NULLS LAST, m.n DESC LIMIT %s) recent"
    "       ORDER BY rank DESC, recent.n LIMIT %s) top"
    " JOIN documents d ON d.n = top.n ORDER BY top.rank DESC, top.n"
)
_PREFIX = re.compile(r"(\w+)\*")


def tsquery(db: Connection, query: str) -> str:
    """The user's query as tsquery text: websearch syntax, plus FTS5's ``word*`` prefixes, which
    websearch_to_tsquery reads as plain words (its output is marked ``'word':*`` where the user wrote one)."""
    # NUL cannot be sent to PostgreSQL in text; reports never hold one (as in the SQLite store)
    query = query.replace("\x00", "")
    text = db.raw.execute("SELECT CAST(websearch_to_tsquery('simple', %s) AS text)", (query,)).fetchone()[0]
    for word in {w.lower() for w in _PREFIX.findall(query)}:
        text = text.replace(f"'{word}'", f"'{word}':*")
    return text


def search(db: Connection, query: str, limit: int) -> list[Row]:
    q = tsquery(db, query)
    with index_only(db):
        return db.raw.execute(SEARCH_SQL, (q, q, q, RANK_CAP, limit)).fetchall()


@contextlib.contextmanager
def index_only(db: Connection) -> Iterator[None]:
    """Statements run inside take the full-text indexes rather than a table scan that tests every report's
    tsvector (see SEARCH_SQL): ``enable_seqscan`` off for one transaction (or savepoint) only."""
    with db.raw.transaction():
        db.raw.execute("SET LOCAL enable_seqscan = off")
        yield
