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
    # 2: links across reports: near-duplicates (MinHash/LSH), cross-document event clusters, stories
    """
    -- a document's MinHash over word 3-shingles of its cleaned text; a row means "linked"
    CREATE TABLE doc_minhash (
        doc_n INTEGER PRIMARY KEY REFERENCES documents(n) ON DELETE CASCADE,
        shingles INTEGER NOT NULL,            -- how many distinct shingles (0: too short to compare)
        sig BLOB NOT NULL                     -- the MinHash values, little-endian uint32
    );

    -- LSH buckets: one row per (band, document); a lookup is an indexed query, no index in memory
    CREATE TABLE doc_bands (
        key INTEGER NOT NULL,                 -- hash of the band number and its MinHash values
        doc_n INTEGER NOT NULL REFERENCES documents(n) ON DELETE CASCADE,
        PRIMARY KEY (key, doc_n)
    ) WITHOUT ROWID;
    CREATE INDEX doc_bands_doc ON doc_bands(doc_n);

    -- near-duplicate reports (syndicated copies) point at the group's original: earliest published
    CREATE TABLE duplicates (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        original_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        similarity REAL NOT NULL              -- estimated Jaccard of word 3-shingles with the original
    );
    CREATE INDEX duplicates_original ON duplicates(original_id);

    -- what an event is matched on across documents; lo/hi are day ordinals of its time window
    CREATE TABLE event_keys (
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        lo INTEGER NOT NULL,
        hi INTEGER NOT NULL,
        dated INTEGER NOT NULL,               -- 1: from a time in the text, 0: from the publication date
        place TEXT,
        country TEXT,
        admin1 TEXT,
        lat REAL,
        lon REAL,
        precision TEXT,
        actor TEXT,                           -- canonical entity name, only when the actor is an entity
        target TEXT,
        kinds TEXT NOT NULL DEFAULT '',       -- number kinds reported (killed,injured ...)
        anchor TEXT,                          -- the dated event of the same document this undated one retells
        PRIMARY KEY (doc_id, event_id),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX event_keys_when ON event_keys(type, lo);

    -- one real-world event told by several documents: its members
    CREATE TABLE event_clusters (
        cluster_id INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        score REAL NOT NULL,                  -- match score that brought the member in (0 for the first)
        PRIMARY KEY (doc_id, event_id),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX event_clusters_id ON event_clusters(cluster_id);

    -- stories: documents joined by duplication or a shared event cluster (union-find, id = smallest n)
    CREATE TABLE doc_stories (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL
    );
    CREATE INDEX doc_stories_story ON doc_stories(story_id);
    """,
    # 3: people and organisations across reports: profiles, what each document's entities are, parents,
    #    affiliations over time and the events each profile took part in
    """
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,                   -- PERSON or ORG
        name TEXT NOT NULL,                   -- the fullest canonical name seen
        kind TEXT                             -- armed_group, military, media ... (first seen)
    );

    -- how a profile is found: normalized names (role 'name'), surnames of full person names ('last'),
    -- consonant skeletons of organisation names ('loose', confirmed by a string ratio)
    CREATE TABLE profile_keys (
        type TEXT NOT NULL,
        role TEXT NOT NULL,
        key TEXT NOT NULL,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        PRIMARY KEY (type, role, key, profile_id)
    ) WITHOUT ROWID;
    CREATE INDEX profile_keys_profile ON profile_keys(profile_id);

    -- (document, entity) -> profile, with what that report says of the entity
    CREATE TABLE entity_profiles (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        profile_id INTEGER NOT NULL REFERENCES profiles(id),
        name TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        nationality TEXT,
        PRIMARY KEY (doc_id, entity_id)
    );
    CREATE INDEX entity_profiles_profile ON entity_profiles(profile_id);

    -- documents whose entities have been profiled (a report may have none)
    CREATE TABLE doc_profiled (
        doc_n INTEGER PRIMARY KEY REFERENCES documents(n) ON DELETE CASCADE
    );

    -- "X operates as part of Y": child -> parent, with the words that say so
    CREATE TABLE org_parents (
        child_id INTEGER NOT NULL REFERENCES profiles(id),
        parent_id INTEGER NOT NULL REFERENCES profiles(id),
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (child_id, parent_id, doc_id, start)
    );
    CREATE INDEX org_parents_parent ON org_parents(parent_id);

    -- joined, defected, member, detained, released ... each with its date and evidence
    CREATE TABLE affiliations (
        profile_id INTEGER NOT NULL REFERENCES profiles(id),
        change TEXT NOT NULL,
        org_id INTEGER REFERENCES profiles(id),  -- the organisation joined/left, or who detained/released
        org TEXT,
        date TEXT,                            -- YYYY-MM-DD start of the time it happened, when known
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        event_id TEXT,                        -- the event it was read from, if any
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        evidence TEXT NOT NULL
    );
    CREATE INDEX affiliations_profile ON affiliations(profile_id);
    CREATE INDEX affiliations_doc ON affiliations(doc_id);

    -- the events a profile is the actor or the target of
    CREATE TABLE profile_events (
        profile_id INTEGER NOT NULL REFERENCES profiles(id),
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        role TEXT NOT NULL,                   -- actor or target
        PRIMARY KEY (profile_id, doc_id, event_id, role),
        FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
    );
    CREATE INDEX profile_events_doc ON profile_events(doc_id);
    """,
    # 4: the web app: users, sessions, documents restricted from viewers, and the review audit log
    #    (reviews never touch the machine's tables: the latest review of an item is its reviewed state)
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        password TEXT NOT NULL,               -- scrypt$n$r$p$salt$hash (hex)
        created_at TEXT NOT NULL
    );

    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,          -- sha256 of the cookie value: a stolen database holds no live token
        user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );

    -- sensitive documents (witness testimony): hidden from viewers everywhere
    CREATE TABLE restricted_documents (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
    );

    -- every change made by a person, append-only: reviews (accept, correct, reject) and restrictions
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,                 -- accept, correct, reject, restrict, unrestrict
        doc_id TEXT NOT NULL,
        item_kind TEXT,                       -- entity, place, time, quote, attribution, event (NULL: the document)
        item_id TEXT,
        before TEXT,                          -- JSON: the item's reviewed state before the change
        after TEXT,                           -- JSON: after it
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_item ON audit_log(doc_id, item_kind, item_id);
    """,
    # 5: the web app at 100k reports / 1M events: indexes that match the events table's sorts and filters (each
    #    ends in the table's key, so a page is read in index order and stops after it), the events of actor
    #    profiles by event, and word search over quotes and events. The FTS rows are numbered
    #    n * 100000 + k (document number, k-th item of the document) so a document's rows go with it by a
    #    rowid range; the events and quotes tables have no stable integer key to point at.
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

    CREATE VIRTUAL TABLE events_fts USING fts5(
        doc_id UNINDEXED, event_id UNINDEXED, actor, target, place, evidence,
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE quotes_fts USING fts5(
        doc_id UNINDEXED, quote_id UNINDEXED, speaker, text, tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO events_fts(rowid, doc_id, event_id, actor, target, place, evidence)
    SELECT d.n * 100000 + row_number() OVER (PARTITION BY e.doc_id ORDER BY e.id), e.doc_id, e.id,
           coalesce(e.actor, ''), coalesce(e.target, ''), coalesce(e.place, ''), e.evidence
    FROM events e JOIN documents d ON d.id = e.doc_id;
    INSERT INTO quotes_fts(rowid, doc_id, quote_id, speaker, text)
    SELECT d.n * 100000 + row_number() OVER (PARTITION BY q.doc_id ORDER BY q.id), q.doc_id, q.id,
           coalesce(q.speaker, ''), q.text
    FROM quotes q JOIN documents d ON d.id = q.doc_id;
    CREATE TRIGGER events_fts_ai AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, doc_id, event_id, actor, target, place, evidence)
        VALUES ((SELECT n FROM documents WHERE id = new.doc_id) * 100000
                + (SELECT count(*) FROM events WHERE doc_id = new.doc_id),
                new.doc_id, new.id, coalesce(new.actor, ''), coalesce(new.target, ''), coalesce(new.place, ''),
                new.evidence);
    END;
    CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts(rowid, doc_id, quote_id, speaker, text)
        VALUES ((SELECT n FROM documents WHERE id = new.doc_id) * 100000
                + (SELECT count(*) FROM quotes WHERE doc_id = new.doc_id),
                new.doc_id, new.id, coalesce(new.speaker, ''), new.text);
    END;
    CREATE TRIGGER items_fts_ad AFTER DELETE ON documents BEGIN
        DELETE FROM events_fts WHERE rowid BETWEEN old.n * 100000 AND old.n * 100000 + 99999;
        DELETE FROM quotes_fts WHERE rowid BETWEEN old.n * 100000 AND old.n * 100000 + 99999;
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
