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
    # 6: the web app at 1M events, part two. event_counts: matching events per (type, place, coordinates), with
    #    how many are in restricted reports, kept exact by triggers, so the map, the events table's totals and
    #    the landing page's counts by type read a few thousand summary rows instead of every event (unlocated
    #    events: one row per type, located 0, place '' and coordinates 0). events_spanning: the events whose
    #    time is a range, so a date filter reads the events that start inside it from the start index and only
    #    these for the ones that began before it; events_undated_end: undated events that give an end date.
    #    profile_counts and profile_timeline: what the actors list counts and the order an actor page lists events
    #    in, kept by triggers through ingests, profile merges, restrictions and deletions.
    """
    CREATE TABLE event_counts (
        type TEXT NOT NULL,
        located INTEGER NOT NULL,             -- 1: lat and lon known
        place TEXT NOT NULL,                  -- '' when none (or unlocated)
        country TEXT NOT NULL,                -- '' when none (or unlocated)
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        n INTEGER NOT NULL,                   -- events
        restricted INTEGER NOT NULL,          -- of them, in restricted reports
        PRIMARY KEY (type, located, place, country, lat, lon)
    );
    CREATE VIEW event_count_keys AS
    SELECT e.doc_id, e.id, e.type,
           CASE WHEN e.lat IS NOT NULL AND e.lon IS NOT NULL THEN 1 ELSE 0 END AS located,
           CASE WHEN e.lat IS NOT NULL AND e.lon IS NOT NULL THEN coalesce(e.place, '') ELSE '' END AS place,
           CASE WHEN e.lat IS NOT NULL AND e.lon IS NOT NULL THEN coalesce(e.country, '') ELSE '' END AS country,
           CASE WHEN e.lat IS NOT NULL AND e.lon IS NOT NULL THEN e.lat ELSE 0 END AS lat,
           CASE WHEN e.lat IS NOT NULL AND e.lon IS NOT NULL THEN e.lon ELSE 0 END AS lon
    FROM events e;
    INSERT INTO event_counts (type, located, place, country, lat, lon, n, restricted)
    SELECT k.type, k.located, k.place, k.country, k.lat, k.lon, count(*),
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE 1 END)
    FROM event_count_keys k LEFT JOIN restricted_documents r ON r.doc_id = k.doc_id
    GROUP BY k.type, k.located, k.place, k.country, k.lat, k.lon;
    CREATE TRIGGER event_counts_ai AFTER INSERT ON events BEGIN
        INSERT INTO event_counts (type, located, place, country, lat, lon, n, restricted)
        SELECT k.type, k.located, k.place, k.country, k.lat, k.lon, 1,
               CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = k.doc_id) THEN 1 ELSE 0 END
        FROM event_count_keys k WHERE k.doc_id = new.doc_id AND k.id = new.id
        ON CONFLICT (type, located, place, country, lat, lon)
        DO UPDATE SET n = event_counts.n + 1, restricted = event_counts.restricted + excluded.restricted;
    END;
    CREATE TRIGGER event_counts_ad AFTER DELETE ON events BEGIN
        UPDATE event_counts SET n = n - 1, restricted = restricted
            - CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1 ELSE 0 END
        WHERE type = old.type
          AND located = CASE WHEN old.lat IS NOT NULL AND old.lon IS NOT NULL THEN 1 ELSE 0 END
          AND place = CASE WHEN old.lat IS NOT NULL AND old.lon IS NOT NULL THEN coalesce(old.place, '') ELSE '' END
          AND country = CASE WHEN old.lat IS NOT NULL AND old.lon IS NOT NULL THEN coalesce(old.country, '') ELSE ''
                        END
          AND lat = CASE WHEN old.lat IS NOT NULL AND old.lon IS NOT NULL THEN old.lat ELSE 0 END
          AND lon = CASE WHEN old.lat IS NOT NULL AND old.lon IS NOT NULL THEN old.lon ELSE 0 END;
        DELETE FROM event_counts WHERE n = 0 AND type = old.type;
    END;
    CREATE TRIGGER event_counts_restrict AFTER INSERT ON restricted_documents BEGIN
        UPDATE event_counts SET restricted = restricted + (
            SELECT count(*) FROM event_count_keys k WHERE k.doc_id = new.doc_id AND k.type = event_counts.type
            AND k.located = event_counts.located AND k.place = event_counts.place
            AND k.country = event_counts.country AND k.lat = event_counts.lat AND k.lon = event_counts.lon)
        WHERE (type, located, place, country, lat, lon) IN (
            SELECT k.type, k.located, k.place, k.country, k.lat, k.lon FROM event_count_keys k
            WHERE k.doc_id = new.doc_id);
    END;
    CREATE TRIGGER event_counts_unrestrict AFTER DELETE ON restricted_documents BEGIN
        UPDATE event_counts SET restricted = restricted - (
            SELECT count(*) FROM event_count_keys k WHERE k.doc_id = old.doc_id AND k.type = event_counts.type
            AND k.located = event_counts.located AND k.place = event_counts.place
            AND k.country = event_counts.country AND k.lat = event_counts.lat AND k.lon = event_counts.lon)
        WHERE (type, located, place, country, lat, lon) IN (
            SELECT k.type, k.located, k.place, k.country, k.lat, k.lon FROM event_count_keys k
            WHERE k.doc_id = old.doc_id);
    END;
    CREATE INDEX events_spanning ON events(end, start) WHERE end > start;
    CREATE INDEX events_undated_end ON events(end) WHERE start IS NULL;

    -- what each actor profile appears in (the actors list and page): reports naming it (entity_profiles rows),
    -- events as actor and as target (profile_events rows), quotes its entity spoke (a quote whose speaker is the
    -- name the profile's entity has in that report); restricted_*: of them, in restricted reports
    CREATE TABLE profile_counts (
        profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        reports INTEGER NOT NULL DEFAULT 0,
        as_actor INTEGER NOT NULL DEFAULT 0,
        as_target INTEGER NOT NULL DEFAULT 0,
        quotes INTEGER NOT NULL DEFAULT 0,
        restricted_reports INTEGER NOT NULL DEFAULT 0,
        restricted_as_actor INTEGER NOT NULL DEFAULT 0,
        restricted_as_target INTEGER NOT NULL DEFAULT 0,
        restricted_quotes INTEGER NOT NULL DEFAULT 0
    );
    CREATE VIEW profile_count_rows AS
    SELECT ep.profile_id, ep.doc_id, 1 AS reports, 0 AS as_actor, 0 AS as_target,
           (SELECT count(*) FROM quotes q WHERE q.doc_id = ep.doc_id AND q.speaker = ep.name) AS quotes
    FROM entity_profiles ep
    UNION ALL
    SELECT pe.profile_id, pe.doc_id, 0, CASE WHEN pe.role = 'actor' THEN 1 ELSE 0 END,
           CASE WHEN pe.role = 'target' THEN 1 ELSE 0 END, 0
    FROM profile_events pe;
    INSERT INTO profile_counts
    SELECT c.profile_id, sum(c.reports), sum(c.as_actor), sum(c.as_target), sum(c.quotes),
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE c.reports END),
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE c.as_actor END),
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE c.as_target END),
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE c.quotes END)
    FROM profile_count_rows c LEFT JOIN restricted_documents r ON r.doc_id = c.doc_id
    GROUP BY c.profile_id;
    CREATE TRIGGER profile_counts_ep_ai AFTER INSERT ON entity_profiles BEGIN
        INSERT INTO profile_counts (profile_id, reports, quotes, restricted_reports, restricted_quotes)
        SELECT new.profile_id, 1, x.q, x.r, x.q * x.r FROM (
            SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = new.doc_id AND q.speaker = new.name) AS q,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET reports = profile_counts.reports + 1,
            quotes = profile_counts.quotes + excluded.quotes,
            restricted_reports = profile_counts.restricted_reports + excluded.restricted_reports,
            restricted_quotes = profile_counts.restricted_quotes + excluded.restricted_quotes;
    END;
    CREATE TRIGGER profile_counts_ep_ad AFTER DELETE ON entity_profiles BEGIN
        UPDATE profile_counts SET reports = reports - 1, quotes = quotes - x.q,
            restricted_reports = restricted_reports - x.r, restricted_quotes = restricted_quotes - x.q * x.r
        FROM (SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = old.doc_id AND q.speaker = old.name) AS q,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
    END;
    CREATE TRIGGER profile_counts_ep_au AFTER UPDATE OF profile_id, name ON entity_profiles BEGIN
        UPDATE profile_counts SET reports = reports - 1, quotes = quotes - x.q,
            restricted_reports = restricted_reports - x.r, restricted_quotes = restricted_quotes - x.q * x.r
        FROM (SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = old.doc_id AND q.speaker = old.name) AS q,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
        INSERT INTO profile_counts (profile_id, reports, quotes, restricted_reports, restricted_quotes)
        SELECT new.profile_id, 1, x.q, x.r, x.q * x.r FROM (
            SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = new.doc_id AND q.speaker = new.name) AS q,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET reports = profile_counts.reports + 1,
            quotes = profile_counts.quotes + excluded.quotes,
            restricted_reports = profile_counts.restricted_reports + excluded.restricted_reports,
            restricted_quotes = profile_counts.restricted_quotes + excluded.restricted_quotes;
    END;
    CREATE TRIGGER profile_counts_pe_ai AFTER INSERT ON profile_events BEGIN
        INSERT INTO profile_counts (profile_id, as_actor, as_target, restricted_as_actor, restricted_as_target)
        SELECT new.profile_id, x.a, 1 - x.a, x.a * x.r, (1 - x.a) * x.r FROM (
            SELECT CASE WHEN new.role = 'actor' THEN 1 ELSE 0 END AS a,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET as_actor = profile_counts.as_actor + excluded.as_actor,
            as_target = profile_counts.as_target + excluded.as_target,
            restricted_as_actor = profile_counts.restricted_as_actor + excluded.restricted_as_actor,
            restricted_as_target = profile_counts.restricted_as_target + excluded.restricted_as_target;
    END;
    CREATE TRIGGER profile_counts_pe_ad AFTER DELETE ON profile_events BEGIN
        UPDATE profile_counts SET as_actor = as_actor - x.a, as_target = as_target - (1 - x.a),
            restricted_as_actor = restricted_as_actor - x.a * x.r,
            restricted_as_target = restricted_as_target - (1 - x.a) * x.r
        FROM (SELECT CASE WHEN old.role = 'actor' THEN 1 ELSE 0 END AS a,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
    END;
    CREATE TRIGGER profile_counts_pe_au AFTER UPDATE ON profile_events BEGIN
        UPDATE profile_counts SET as_actor = as_actor - x.a, as_target = as_target - (1 - x.a),
            restricted_as_actor = restricted_as_actor - x.a * x.r,
            restricted_as_target = restricted_as_target - (1 - x.a) * x.r
        FROM (SELECT CASE WHEN old.role = 'actor' THEN 1 ELSE 0 END AS a,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
        INSERT INTO profile_counts (profile_id, as_actor, as_target, restricted_as_actor, restricted_as_target)
        SELECT new.profile_id, x.a, 1 - x.a, x.a * x.r, (1 - x.a) * x.r FROM (
            SELECT CASE WHEN new.role = 'actor' THEN 1 ELSE 0 END AS a,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET as_actor = profile_counts.as_actor + excluded.as_actor,
            as_target = profile_counts.as_target + excluded.as_target,
            restricted_as_actor = profile_counts.restricted_as_actor + excluded.restricted_as_actor,
            restricted_as_target = profile_counts.restricted_as_target + excluded.restricted_as_target;
    END;
    CREATE TRIGGER profile_counts_quotes_ai AFTER INSERT ON quotes BEGIN
        UPDATE profile_counts SET quotes = quotes + x.n, restricted_quotes = restricted_quotes + x.n * x.r
        FROM (SELECT ep.profile_id, count(*) AS n,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                     ELSE 0 END AS r
              FROM entity_profiles ep WHERE ep.doc_id = new.doc_id AND ep.name = new.speaker
              GROUP BY ep.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
    END;
    CREATE TRIGGER profile_counts_quotes_ad AFTER DELETE ON quotes BEGIN
        UPDATE profile_counts SET quotes = quotes - x.n, restricted_quotes = restricted_quotes - x.n * x.r
        FROM (SELECT ep.profile_id, count(*) AS n,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r
              FROM entity_profiles ep WHERE ep.doc_id = old.doc_id AND ep.name = old.speaker
              GROUP BY ep.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
    END;
    CREATE TRIGGER profile_counts_restrict AFTER INSERT ON restricted_documents BEGIN
        UPDATE profile_counts SET restricted_reports = restricted_reports + x.reports,
            restricted_as_actor = restricted_as_actor + x.as_actor,
            restricted_as_target = restricted_as_target + x.as_target,
            restricted_quotes = restricted_quotes + x.quotes
        FROM (SELECT c.profile_id, sum(c.reports) AS reports, sum(c.as_actor) AS as_actor,
                     sum(c.as_target) AS as_target, sum(c.quotes) AS quotes
              FROM profile_count_rows c WHERE c.doc_id = new.doc_id GROUP BY c.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
    END;
    CREATE TRIGGER profile_counts_unrestrict AFTER DELETE ON restricted_documents BEGIN
        UPDATE profile_counts SET restricted_reports = restricted_reports - x.reports,
            restricted_as_actor = restricted_as_actor - x.as_actor,
            restricted_as_target = restricted_as_target - x.as_target,
            restricted_quotes = restricted_quotes - x.quotes
        FROM (SELECT c.profile_id, sum(c.reports) AS reports, sum(c.as_actor) AS as_actor,
                     sum(c.as_target) AS as_target, sum(c.quotes) AS quotes
              FROM profile_count_rows c WHERE c.doc_id = old.doc_id GROUP BY c.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
    END;

    -- a profile's events in the events table's date order (the event's start, else its report's publication
    -- date), so an actor page reads one page of them instead of every event of a busy actor
    CREATE TABLE profile_timeline (
        profile_id INTEGER NOT NULL,
        role TEXT NOT NULL,
        day TEXT,
        doc_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (profile_id, role, doc_id, event_id)
    );
    CREATE INDEX profile_timeline_day ON profile_timeline(profile_id, role, day, doc_id, event_id);
    INSERT INTO profile_timeline
    SELECT pe.profile_id, pe.role, coalesce(e.start, d.published), pe.doc_id, pe.event_id
    FROM profile_events pe JOIN events e ON e.doc_id = pe.doc_id AND e.id = pe.event_id
    JOIN documents d ON d.id = pe.doc_id;
    CREATE TRIGGER profile_timeline_ai AFTER INSERT ON profile_events BEGIN
        INSERT INTO profile_timeline
        SELECT new.profile_id, new.role, coalesce(e.start, d.published), new.doc_id, new.event_id
        FROM events e JOIN documents d ON d.id = e.doc_id WHERE e.doc_id = new.doc_id AND e.id = new.event_id;
    END;
    CREATE TRIGGER profile_timeline_ad AFTER DELETE ON profile_events BEGIN
        DELETE FROM profile_timeline WHERE profile_id = old.profile_id AND role = old.role AND doc_id = old.doc_id
            AND event_id = old.event_id;
    END;
    CREATE TRIGGER profile_timeline_au AFTER UPDATE ON profile_events BEGIN
        DELETE FROM profile_timeline WHERE profile_id = old.profile_id AND role = old.role AND doc_id = old.doc_id
            AND event_id = old.event_id;
        INSERT INTO profile_timeline
        SELECT new.profile_id, new.role, coalesce(e.start, d.published), new.doc_id, new.event_id
        FROM events e JOIN documents d ON d.id = e.doc_id WHERE e.doc_id = new.doc_id AND e.id = new.event_id;
    END;
    CREATE TRIGGER profile_timeline_published AFTER UPDATE OF published ON documents BEGIN
        UPDATE profile_timeline SET day = (
            SELECT coalesce(e.start, new.published) FROM events e
            WHERE e.doc_id = profile_timeline.doc_id AND e.id = profile_timeline.event_id)
        WHERE (profile_id, role, doc_id, event_id) IN (
            SELECT pe.profile_id, pe.role, pe.doc_id, pe.event_id FROM profile_events pe WHERE pe.doc_id = new.id);
    END;
    """,
    # 7: a report's events by type from the index alone: the search page counts the matching reports' events by
    # type (at a million events it read every matching event's row). PostgreSQL's version 7 also adds the GIN
    # indexes on names that SQLite has in events_fts and quotes_fts since version 5.
    #    The summary triggers of entity_profiles count a speaker's quotes in the new report; without statistics
    #    SQLite read them through quotes_speaker (every quote of that speaker in the store: a spokesman quoted in
    #    thousands of reports made each new report slower), so the speaker test stays off the index (+).
    """
    CREATE INDEX events_doc_type ON events(doc_id, type);
    DROP TRIGGER profile_counts_ep_ai;
    DROP TRIGGER profile_counts_ep_ad;
    DROP TRIGGER profile_counts_ep_au;
    CREATE TRIGGER profile_counts_ep_ai AFTER INSERT ON entity_profiles BEGIN
        INSERT INTO profile_counts (profile_id, reports, quotes, restricted_reports, restricted_quotes)
        SELECT new.profile_id, 1, x.q, x.r, x.q * x.r FROM (
            SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = new.doc_id AND +q.speaker = new.name) AS q,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET reports = profile_counts.reports + 1,
            quotes = profile_counts.quotes + excluded.quotes,
            restricted_reports = profile_counts.restricted_reports + excluded.restricted_reports,
            restricted_quotes = profile_counts.restricted_quotes + excluded.restricted_quotes;
    END;
    CREATE TRIGGER profile_counts_ep_ad AFTER DELETE ON entity_profiles BEGIN
        UPDATE profile_counts SET reports = reports - 1, quotes = quotes - x.q,
            restricted_reports = restricted_reports - x.r, restricted_quotes = restricted_quotes - x.q * x.r
        FROM (SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = old.doc_id AND +q.speaker = old.name) AS q,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
    END;
    CREATE TRIGGER profile_counts_ep_au AFTER UPDATE OF profile_id, name ON entity_profiles BEGIN
        UPDATE profile_counts SET reports = reports - 1, quotes = quotes - x.q,
            restricted_reports = restricted_reports - x.r, restricted_quotes = restricted_quotes - x.q * x.r
        FROM (SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = old.doc_id AND +q.speaker = old.name) AS q,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = old.doc_id) THEN 1
                     ELSE 0 END AS r) x
        WHERE profile_id = old.profile_id;
        INSERT INTO profile_counts (profile_id, reports, quotes, restricted_reports, restricted_quotes)
        SELECT new.profile_id, 1, x.q, x.r, x.q * x.r FROM (
            SELECT (SELECT count(*) FROM quotes q WHERE q.doc_id = new.doc_id AND +q.speaker = new.name) AS q,
                   CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = new.doc_id) THEN 1
                   ELSE 0 END AS r) x WHERE true
        ON CONFLICT (profile_id) DO UPDATE SET reports = profile_counts.reports + 1,
            quotes = profile_counts.quotes + excluded.quotes,
            restricted_reports = profile_counts.restricted_reports + excluded.restricted_reports,
            restricted_quotes = profile_counts.restricted_quotes + excluded.restricted_quotes;
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
