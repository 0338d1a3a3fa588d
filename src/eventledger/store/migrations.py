"""Schema migrations for the SQLite store, applied in order; ``PRAGMA user_version`` is the schema version.

Append new migrations; never edit one that has shipped (stores in the field are at that version).
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents with their original bytes, the full record, query tables, full-text search
    """
    CREATE TABLE documents (
        n INTEGER PRIMARY KEY,                -- stable rowid for the FTS index
        id TEXT NOT NULL UNIQUE,              -- sha256 of the original bytes
        source_path TEXT,
        source_url TEXT,
        source_kind TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL,                   -- cleaned text: every span indexes it
        metadata TEXT NOT NULL DEFAULT '{}',  -- what cleaning removed (credits, captions, boilerplate)
        pipeline TEXT NOT NULL,
        model TEXT NOT NULL,
        record_version TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX documents_published ON documents(published);

    -- evidence is never altered: the bytes exactly as received, with their hash
    CREATE TABLE originals (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        media_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes BLOB NOT NULL
    );

    -- the whole record as exported (the contract), one per document
    CREATE TABLE records (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        json TEXT NOT NULL
    );

    CREATE TABLE entities (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        kind TEXT,
        aliases TEXT NOT NULL DEFAULT '[]',
        confidence REAL,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX entities_name ON entities(name);

    CREATE TABLE places (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        country TEXT,
        admin1 TEXT,
        lat REAL,
        lon REAL,
        feature TEXT,
        precision TEXT,
        geonameid INTEGER,
        confidence REAL,
        PRIMARY KEY (doc_id, id)
    );

    -- every span of every item: item_kind is entity, place, time, quote, attribution or event
    CREATE TABLE spans (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        item_kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX spans_doc ON spans(doc_id, start);

    CREATE TABLE times (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        text TEXT NOT NULL,
        start TEXT,
        end TEXT,
        precision TEXT,
        confidence REAL,
        PRIMARY KEY (doc_id, id)
    );

    CREATE TABLE quotes (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        kind TEXT NOT NULL,
        cue TEXT,
        confidence REAL,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX quotes_speaker ON quotes(speaker);

    CREATE TABLE events (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        actor TEXT,
        target TEXT,
        place TEXT,
        country TEXT,
        lat REAL,
        lon REAL,
        time TEXT,
        start TEXT,
        end TEXT,
        evidence TEXT NOT NULL,
        modality TEXT NOT NULL,
        attributed_to TEXT,
        fatalities INTEGER,
        confidence REAL,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX events_type ON events(type);
    CREATE INDEX events_start ON events(start);

    -- inputs that could not be ingested, with the one-line reason (kept across runs)
    CREATE TABLE failures (
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );

    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='n', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.n, coalesce(new.title, ''), new.text);
    END;
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.n, coalesce(old.title, ''), old.text);
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
