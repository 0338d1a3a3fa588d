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
    # 6: the web app at 1M events, part two (see the SQLite twin): event_counts, profile_counts and profile_timeline
    #    are summaries kept exact by triggers (plpgsql functions here; SQLite's trigger bodies, with new/old as
    #    NEW/OLD), and the indexes for date filters over ranges and undated events
    """
    CREATE TABLE event_counts (
        type TEXT NOT NULL,
        located INTEGER NOT NULL,
        place TEXT NOT NULL,
        country TEXT NOT NULL,
        lat DOUBLE PRECISION NOT NULL,
        lon DOUBLE PRECISION NOT NULL,
        n BIGINT NOT NULL,
        restricted BIGINT NOT NULL,
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

    CREATE FUNCTION event_counts_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO event_counts (type, located, place, country, lat, lon, n, restricted)
        SELECT k.type, k.located, k.place, k.country, k.lat, k.lon, 1,
               CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = k.doc_id) THEN 1 ELSE 0 END
        FROM event_count_keys k WHERE k.doc_id = NEW.doc_id AND k.id = NEW.id
        ON CONFLICT (type, located, place, country, lat, lon)
        DO UPDATE SET n = event_counts.n + 1, restricted = event_counts.restricted + excluded.restricted;
        RETURN NULL;
    END $$;
    CREATE TRIGGER event_counts_ai AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION event_counts_ai();
    CREATE FUNCTION event_counts_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE event_counts SET n = n - 1, restricted = restricted
            - CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = OLD.doc_id) THEN 1 ELSE 0 END
        WHERE type = OLD.type
          AND located = CASE WHEN OLD.lat IS NOT NULL AND OLD.lon IS NOT NULL THEN 1 ELSE 0 END
          AND place = CASE WHEN OLD.lat IS NOT NULL AND OLD.lon IS NOT NULL THEN coalesce(OLD.place, '') ELSE '' END
          AND country = CASE WHEN OLD.lat IS NOT NULL AND OLD.lon IS NOT NULL THEN coalesce(OLD.country, '') ELSE ''
                        END
          AND lat = CASE WHEN OLD.lat IS NOT NULL AND OLD.lon IS NOT NULL THEN OLD.lat ELSE 0 END
          AND lon = CASE WHEN OLD.lat IS NOT NULL AND OLD.lon IS NOT NULL THEN OLD.lon ELSE 0 END;
        DELETE FROM event_counts WHERE n = 0 AND type = OLD.type;
        RETURN NULL;
    END $$;
    CREATE TRIGGER event_counts_ad AFTER DELETE ON events FOR EACH ROW EXECUTE FUNCTION event_counts_ad();
    -- sign: +1 when a report becomes restricted, -1 when it no longer is
    CREATE FUNCTION event_counts_restrict() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        doc TEXT := CASE WHEN TG_OP = 'INSERT' THEN NEW.doc_id ELSE OLD.doc_id END;
        sign INTEGER := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    BEGIN
        UPDATE event_counts SET restricted = restricted + sign * (
            SELECT count(*) FROM event_count_keys k WHERE k.doc_id = doc AND k.type = event_counts.type
            AND k.located = event_counts.located AND k.place = event_counts.place
            AND k.country = event_counts.country AND k.lat = event_counts.lat AND k.lon = event_counts.lon)
        WHERE (type, located, place, country, lat, lon) IN (
            SELECT k.type, k.located, k.place, k.country, k.lat, k.lon FROM event_count_keys k WHERE k.doc_id = doc);
        RETURN NULL;
    END $$;
    CREATE TRIGGER event_counts_restrict AFTER INSERT OR DELETE ON restricted_documents
        FOR EACH ROW EXECUTE FUNCTION event_counts_restrict();
    CREATE INDEX events_spanning ON events("end", start) WHERE "end" > start;
    CREATE INDEX events_undated_end ON events("end") WHERE start IS NULL;

    CREATE TABLE profile_counts (
        profile_id BIGINT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        reports BIGINT NOT NULL DEFAULT 0,
        as_actor BIGINT NOT NULL DEFAULT 0,
        as_target BIGINT NOT NULL DEFAULT 0,
        quotes BIGINT NOT NULL DEFAULT 0,
        restricted_reports BIGINT NOT NULL DEFAULT 0,
        restricted_as_actor BIGINT NOT NULL DEFAULT 0,
        restricted_as_target BIGINT NOT NULL DEFAULT 0,
        restricted_quotes BIGINT NOT NULL DEFAULT 0
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

    -- entity_profiles: OLD's row leaves (delete, update) and NEW's arrives (insert, update)
    CREATE FUNCTION profile_counts_ep() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE q BIGINT; r INTEGER;
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            q := (SELECT count(*) FROM quotes x WHERE x.doc_id = OLD.doc_id AND x.speaker = OLD.name);
            r := CASE WHEN EXISTS (SELECT 1 FROM restricted_documents x WHERE x.doc_id = OLD.doc_id) THEN 1 ELSE 0 END;
            UPDATE profile_counts SET reports = reports - 1, quotes = quotes - q,
                restricted_reports = restricted_reports - r, restricted_quotes = restricted_quotes - q * r
            WHERE profile_id = OLD.profile_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            q := (SELECT count(*) FROM quotes x WHERE x.doc_id = NEW.doc_id AND x.speaker = NEW.name);
            r := CASE WHEN EXISTS (SELECT 1 FROM restricted_documents x WHERE x.doc_id = NEW.doc_id) THEN 1 ELSE 0 END;
            INSERT INTO profile_counts (profile_id, reports, quotes, restricted_reports, restricted_quotes)
            VALUES (NEW.profile_id, 1, q, r, q * r)
            ON CONFLICT (profile_id) DO UPDATE SET reports = profile_counts.reports + 1,
                quotes = profile_counts.quotes + excluded.quotes,
                restricted_reports = profile_counts.restricted_reports + excluded.restricted_reports,
                restricted_quotes = profile_counts.restricted_quotes + excluded.restricted_quotes;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_counts_ep_ai AFTER INSERT OR DELETE ON entity_profiles
        FOR EACH ROW EXECUTE FUNCTION profile_counts_ep();
    CREATE TRIGGER profile_counts_ep_au AFTER UPDATE OF profile_id, name ON entity_profiles
        FOR EACH ROW EXECUTE FUNCTION profile_counts_ep();

    CREATE FUNCTION profile_counts_pe() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE a INTEGER; r INTEGER;
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            a := CASE WHEN OLD.role = 'actor' THEN 1 ELSE 0 END;
            r := CASE WHEN EXISTS (SELECT 1 FROM restricted_documents x WHERE x.doc_id = OLD.doc_id) THEN 1 ELSE 0 END;
            UPDATE profile_counts SET as_actor = as_actor - a, as_target = as_target - (1 - a),
                restricted_as_actor = restricted_as_actor - a * r,
                restricted_as_target = restricted_as_target - (1 - a) * r
            WHERE profile_id = OLD.profile_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            a := CASE WHEN NEW.role = 'actor' THEN 1 ELSE 0 END;
            r := CASE WHEN EXISTS (SELECT 1 FROM restricted_documents x WHERE x.doc_id = NEW.doc_id) THEN 1 ELSE 0 END;
            INSERT INTO profile_counts (profile_id, as_actor, as_target, restricted_as_actor, restricted_as_target)
            VALUES (NEW.profile_id, a, 1 - a, a * r, (1 - a) * r)
            ON CONFLICT (profile_id) DO UPDATE SET as_actor = profile_counts.as_actor + excluded.as_actor,
                as_target = profile_counts.as_target + excluded.as_target,
                restricted_as_actor = profile_counts.restricted_as_actor + excluded.restricted_as_actor,
                restricted_as_target = profile_counts.restricted_as_target + excluded.restricted_as_target;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_counts_pe AFTER INSERT OR UPDATE OR DELETE ON profile_events
        FOR EACH ROW EXECUTE FUNCTION profile_counts_pe();

    CREATE FUNCTION profile_counts_quotes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        doc TEXT := CASE WHEN TG_OP = 'INSERT' THEN NEW.doc_id ELSE OLD.doc_id END;
        speaker TEXT := CASE WHEN TG_OP = 'INSERT' THEN NEW.speaker ELSE OLD.speaker END;
        sign INTEGER := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    BEGIN
        UPDATE profile_counts SET quotes = quotes + sign * x.n, restricted_quotes = restricted_quotes + sign * x.n * x.r
        FROM (SELECT ep.profile_id, count(*) AS n,
                     CASE WHEN EXISTS (SELECT 1 FROM restricted_documents r WHERE r.doc_id = doc) THEN 1
                     ELSE 0 END AS r
              FROM entity_profiles ep WHERE ep.doc_id = doc AND ep.name = speaker
              GROUP BY ep.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_counts_quotes AFTER INSERT OR DELETE ON quotes
        FOR EACH ROW EXECUTE FUNCTION profile_counts_quotes();

    CREATE FUNCTION profile_counts_restrict() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        doc TEXT := CASE WHEN TG_OP = 'INSERT' THEN NEW.doc_id ELSE OLD.doc_id END;
        sign INTEGER := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    BEGIN
        UPDATE profile_counts SET restricted_reports = restricted_reports + sign * x.reports,
            restricted_as_actor = restricted_as_actor + sign * x.as_actor,
            restricted_as_target = restricted_as_target + sign * x.as_target,
            restricted_quotes = restricted_quotes + sign * x.quotes
        FROM (SELECT c.profile_id, sum(c.reports) AS reports, sum(c.as_actor) AS as_actor,
                     sum(c.as_target) AS as_target, sum(c.quotes) AS quotes
              FROM profile_count_rows c WHERE c.doc_id = doc GROUP BY c.profile_id) x
        WHERE profile_counts.profile_id = x.profile_id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_counts_restrict AFTER INSERT OR DELETE ON restricted_documents
        FOR EACH ROW EXECUTE FUNCTION profile_counts_restrict();

    CREATE TABLE profile_timeline (
        profile_id BIGINT NOT NULL,
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
    CREATE FUNCTION profile_timeline_pe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM profile_timeline WHERE profile_id = OLD.profile_id AND role = OLD.role
                AND doc_id = OLD.doc_id AND event_id = OLD.event_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO profile_timeline
            SELECT NEW.profile_id, NEW.role, coalesce(e.start, d.published), NEW.doc_id, NEW.event_id
            FROM events e JOIN documents d ON d.id = e.doc_id WHERE e.doc_id = NEW.doc_id AND e.id = NEW.event_id;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_timeline_pe AFTER INSERT OR UPDATE OR DELETE ON profile_events
        FOR EACH ROW EXECUTE FUNCTION profile_timeline_pe();
    CREATE FUNCTION profile_timeline_published() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE profile_timeline SET day = (
            SELECT coalesce(e.start, NEW.published) FROM events e
            WHERE e.doc_id = profile_timeline.doc_id AND e.id = profile_timeline.event_id)
        WHERE (profile_id, role, doc_id, event_id) IN (
            SELECT pe.profile_id, pe.role, pe.doc_id, pe.event_id FROM profile_events pe WHERE pe.doc_id = NEW.id);
        RETURN NULL;
    END $$;
    CREATE TRIGGER profile_timeline_published AFTER UPDATE OF published ON documents
        FOR EACH ROW EXECUTE FUNCTION profile_timeline_published();

    -- SQLite's json_extract(text, '$.key') and likelihood(condition, p) (a planner hint), so the web app's SQL runs
    -- unchanged; both are inlined by the planner
    CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
        AS $$ SELECT CAST(doc AS jsonb) #>> string_to_array(substr(path, 3), '.') $$;
    CREATE FUNCTION likelihood(cond BOOLEAN, p DOUBLE PRECISION) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE
        AS $$ SELECT cond $$;
    """,
    # 7: the words of event actors, targets and places and of quote speakers, for the web app's name filters (an
    # actor filter on a million events read every name without them); expressions spelled as web/queries.py does.
    # A report's events by type from the index, for the search page's counts (as SQLite's version 7).
    """
    CREATE INDEX events_doc_type ON events(doc_id, type);
    CREATE INDEX events_actor_words ON events USING GIN (to_tsvector('simple', coalesce(actor, '')));
    CREATE INDEX events_target_words ON events USING GIN (to_tsvector('simple', coalesce(target, '')));
    CREATE INDEX events_place_words ON events USING GIN (to_tsvector('simple', coalesce(place, '')));
    CREATE INDEX quotes_speaker_words ON quotes USING GIN (to_tsvector('simple', coalesce(speaker, '')));
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
