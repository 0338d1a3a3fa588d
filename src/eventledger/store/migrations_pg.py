"""Schema migrations for the PostgreSQL store: the same versions, in the same order, meaning the same as the
SQLite list in ``migrations.py``; the version is the one row of ``schema_version``.

Append new migrations beside their SQLite twin; never edit one that has shipped. What differs from SQLite:
``end`` and ``user`` are reserved words (quoted here and wherever the shared SQL names them), bytes are
BYTEA, ``documents.n`` is an identity column (ingest order), full-text search is a generated ``tsvector``
column with a GIN index instead of an FTS5 table and its triggers, and ``failures`` has an explicit
``rowid`` identity column standing in for SQLite's implicit one (newest failure first).
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents with their original bytes, the full record, query tables, full-text search
    """
    CREATE TABLE documents (
        n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_path TEXT,
        source_url TEXT,
        source_kind TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        pipeline TEXT NOT NULL,
        model TEXT NOT NULL,
        record_version TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        -- 'simple': words as written, no stemming or stop words, like the SQLite store's unicode61 tokenizer
        fts TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', text), 'B')
        ) STORED
    );
    CREATE INDEX documents_published ON documents(published);
    CREATE INDEX documents_fts ON documents USING GIN (fts);

    CREATE TABLE originals (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        media_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes BYTEA NOT NULL
    );

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
        confidence DOUBLE PRECISION,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX entities_name ON entities(name);

    CREATE TABLE places (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        country TEXT,
        admin1 TEXT,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        feature TEXT,
        precision TEXT,
        geonameid BIGINT,
        confidence DOUBLE PRECISION,
        PRIMARY KEY (doc_id, id)
    );

    CREATE TABLE spans (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        item_kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX spans_doc ON spans(doc_id, start);

    CREATE TABLE times (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        text TEXT NOT NULL,
        start TEXT,
        "end" TEXT,
        precision TEXT,
        confidence DOUBLE PRECISION,
        PRIMARY KEY (doc_id, id)
    );

    CREATE TABLE quotes (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        kind TEXT NOT NULL,
        cue TEXT,
        confidence DOUBLE PRECISION,
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
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        time TEXT,
        start TEXT,
        "end" TEXT,
        evidence TEXT NOT NULL,
        modality TEXT NOT NULL,
        attributed_to TEXT,
        fatalities BIGINT,
        confidence DOUBLE PRECISION,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX events_type ON events(type);
    CREATE INDEX events_start ON events(start);

    CREATE TABLE failures (
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY  -- last: INSERT ... VALUES (input, reason, at) as on SQLite
    );
    """,
    # 2: links across reports: near-duplicates (MinHash/LSH), cross-document event clusters, stories
    """
    CREATE TABLE doc_minhash (
        doc_n BIGINT PRIMARY KEY REFERENCES documents(n) ON DELETE CASCADE,
        shingles INTEGER NOT NULL,
        sig BYTEA NOT NULL
    );

    CREATE TABLE doc_bands (
        key BIGINT NOT NULL,
        doc_n BIGINT NOT NULL REFERENCES documents(n) ON DELETE CASCADE,
        PRIMARY KEY (key, doc_n)
    );
    CREATE INDEX doc_bands_doc ON doc_bands(doc_n);

    CREATE TABLE duplicates (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        original_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        similarity DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX duplicates_original ON duplicates(original_id);

    CREATE TABLE event_keys (
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        lo INTEGER NOT NULL,
        hi INTEGER NOT NULL,
        dated INTEGER NOT NULL,
        place TEXT,
        country TEXT,
        admin1 TEXT,
        lat DOUBLE PRECISION,
        lon DOUBLE PRECISION,
        precision TEXT,
        actor TEXT,
        target TEXT,
        kinds TEXT NOT NULL DEFAULT '',
        anchor TEXT,
        PRIMARY KEY (doc_id, event_id),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX event_keys_when ON event_keys(type, lo);

    CREATE TABLE event_clusters (
        cluster_id BIGINT NOT NULL,
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (doc_id, event_id),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX event_clusters_id ON event_clusters(cluster_id);

    CREATE TABLE doc_stories (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        story_id BIGINT NOT NULL
    );
    CREATE INDEX doc_stories_story ON doc_stories(story_id);
    """,
    # 3: people and organisations across reports
    """
    CREATE TABLE profiles (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT
    );

    CREATE TABLE profile_keys (
        type TEXT NOT NULL,
        role TEXT NOT NULL,
        key TEXT NOT NULL,
        profile_id BIGINT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        PRIMARY KEY (type, role, key, profile_id)
    );
    CREATE INDEX profile_keys_profile ON profile_keys(profile_id);

    CREATE TABLE entity_profiles (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        profile_id BIGINT NOT NULL REFERENCES profiles(id),
        name TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        nationality TEXT,
        PRIMARY KEY (doc_id, entity_id)
    );
    CREATE INDEX entity_profiles_profile ON entity_profiles(profile_id);

    CREATE TABLE doc_profiled (
        doc_n BIGINT PRIMARY KEY REFERENCES documents(n) ON DELETE CASCADE
    );

    CREATE TABLE org_parents (
        child_id BIGINT NOT NULL REFERENCES profiles(id),
        parent_id BIGINT NOT NULL REFERENCES profiles(id),
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (child_id, parent_id, doc_id, start)
    );
    CREATE INDEX org_parents_parent ON org_parents(parent_id);

    CREATE TABLE affiliations (
        profile_id BIGINT NOT NULL REFERENCES profiles(id),
        change TEXT NOT NULL,
        org_id BIGINT REFERENCES profiles(id),
        org TEXT,
        date TEXT,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        event_id TEXT,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        evidence TEXT NOT NULL
    );
    CREATE INDEX affiliations_profile ON affiliations(profile_id);
    CREATE INDEX affiliations_doc ON affiliations(doc_id);

    CREATE TABLE profile_events (
        profile_id BIGINT NOT NULL REFERENCES profiles(id),
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (profile_id, doc_id, event_id, role),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX profile_events_doc ON profile_events(doc_id);
    """,
    # 4: the web app: users, sessions, documents restricted from viewers, and the review audit log
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        password TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        "user" TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );

    CREATE TABLE restricted_documents (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
    );

    CREATE TABLE audit_log (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL,
        "user" TEXT NOT NULL,
        action TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        item_kind TEXT,
        item_id TEXT,
        before TEXT,
        after TEXT,
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_item ON audit_log(doc_id, item_kind, item_id);
    """,
    # 5: the web app at 100k reports / 1M events: the same indexes for the events table's sorts and filters; word
    #    search over events and quotes is a GIN index on an expression (no FTS tables or triggers to keep): a query
    #    uses it by repeating the expression, to_tsvector('simple', <the indexed text>) @@ <tsquery>
    """
    CREATE INDEX events_start_key ON events(start, doc_id, id);
    CREATE INDEX events_type_start ON events(type, start, doc_id, id);
    CREATE INDEX events_undated ON events(doc_id, id) WHERE start IS NULL;
    CREATE INDEX events_actor ON events(actor, doc_id, id);
    CREATE INDEX events_target ON events(target, doc_id, id);
    CREATE INDEX events_place ON events(place, doc_id, id);
    CREATE INDEX events_fatalities ON events(fatalities, doc_id, id);
    CREATE INDEX events_confidence ON events(confidence, doc_id, id);
    CREATE INDEX events_lon_lat ON events(lon, lat);
    CREATE INDEX documents_published_id ON documents(published, id);
    CREATE INDEX documents_outlet ON documents(outlet);
    CREATE INDEX profiles_name ON profiles(name);
    CREATE INDEX profile_events_event ON profile_events(doc_id, event_id);

    CREATE INDEX events_fts ON events USING GIN (to_tsvector('simple',
        coalesce(actor, '') || ' ' || coalesce(target, '') || ' ' || coalesce(place, '') || ' ' || evidence));
    CREATE INDEX quotes_fts ON quotes USING GIN (to_tsvector('simple', coalesce(speaker, '') || ' ' || text));
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
