"""The PostgreSQL store behaves like the SQLite one: same documents, events, searches, exports and links.

Runs on the server in ``$EVENTLEDGER_TEST_PG`` (``./test`` starts one with ``scripts/postgres.sh``); each
test gets its own database, copied from one ingest of the sample reports. Without a server the tests skip,
except in CI, where they fail: the backend must not go untested there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from eventledger.cli import main
from eventledger.ingest import RawDocument
from eventledger.pipeline import ingest
from eventledger.record import Source
from eventledger.store import Store, links, migrations, migrations_pg
from eventledger.store.check import RECOUNTS
from eventledger.store.postgres import is_url, redact, translate

REPORTS = Path(__file__).resolve().parent.parent / "examples" / "reports"
def cli(*args: str) -> str:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def sample(pg, tmp_path_factory):
    """The sample reports ingested once into a template database and once into a SQLite file."""
    tpl = pg.create()
    sqlite = tmp_path_factory.mktemp("sqlite") / "reports.db"
    cli("ingest", str(REPORTS), "--db", pg.url(tpl))
    cli("ingest", str(REPORTS), "--db", str(sqlite))
    yield tpl, str(sqlite)
    pg.drop(tpl)


@pytest.fixture()
def stores(pg, sample):
    """(PostgreSQL URL of a fresh copy of the ingested sample, SQLite path of the same ingest)."""
    tpl, sqlite = sample
    name = pg.create(template=tpl)
    yield pg.url(name), sqlite
    pg.drop(name)


@pytest.fixture()
def empty(pg):
    name = pg.create()
    yield pg.url(name)
    pg.drop(name)


def both(*args: str, stores: tuple[str, str]) -> tuple[str, str]:
    """A command's output on each store, with the store's own name taken out."""
    pg, lite = stores
    return cli(*args, "--db", pg).replace(pg, "STORE"), cli(*args, "--db", lite).replace(lite, "STORE")


# ---------------------------------------------------------------------- placeholder rewriting

_code = st.text(alphabet=" ?%=,()abLIKElike1", max_size=12)
_literal = st.text(alphabet="?%' ab-\"", max_size=8)


@given(st.lists(st.tuples(_code, st.sampled_from("'\""), _literal), max_size=6), _code)
def test_placeholders_are_rewritten_in_code_and_left_alone_in_quotes(parts, tail):
    sql, want = "", ""
    for code, quote, inside in parts:
        quoted = quote + inside.replace(quote, quote * 2) + quote
        sql += code + quoted
        want += _code_as_pg(code) + quoted.replace("%", "%%")
    sql += tail
    want += _code_as_pg(tail)
    assert translate(sql) == want


def _code_as_pg(code: str) -> str:
    import re

    return re.sub(r"\bLIKE\b", "ILIKE", code.replace("%", "%%").replace("?", "%s"), flags=re.IGNORECASE)


def test_comments_keep_their_question_marks():
    assert translate("SELECT ? -- why?\nFROM t WHERE a LIKE 'x%'") == "SELECT %s -- why?\nFROM t WHERE a ILIKE 'x%%'"


def test_a_url_picks_postgresql_and_its_password_never_shows():
    assert is_url("postgresql://ana@db.example/ledger") and is_url("postgres://db/x")
    assert not is_url("eventledger.db") and not is_url("/data/postgresql.db")
    assert redact("postgresql://ana:s3cret@db.example:5432/ledger") == "postgresql://ana:***@db.example:5432/ledger"
    assert redact("postgresql://ana@db.example/ledger") == "postgresql://ana@db.example/ledger"


def test_every_sqlite_migration_has_a_postgresql_twin():
    assert len(migrations_pg.MIGRATIONS) == len(migrations.MIGRATIONS)


def test_placeholders_and_literals_reach_the_server_intact(empty):
    with Store(empty) as store:
        row = store.db.execute("SELECT ? AS a, '?' AS b, '100%' AS c, 'it''s ?' AS d, ? AS e", ("x", 5)).fetchone()
    assert tuple(row) == ("x", "?", "100%", "it's ?", 5)
    assert dict(row) == {"a": "x", "b": "?", "c": "100%", "d": "it's ?", "e": 5}
    assert row["A"] == "x"



def test_many_rows_insert_like_sqlite_executemany(empty, monkeypatch):
    """Plain inserts go as multi-row statements (split under the protocol's parameter limit); DO NOTHING skips
    duplicates, even within one call; DO UPDATE keeps its row-by-row meaning (the last row wins)."""
    from eventledger.store import postgres

    monkeypatch.setattr(postgres, "_MAX_PARAMS", 7)  # 3 rows of 2 per statement
    with Store(empty) as store:
        db = store.db
        db.execute("CREATE TEMP TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"'{i}%?") for i in range(8)])
        db.executemany("INSERT INTO t (k, v) VALUES (?,?) ON CONFLICT DO NOTHING", [(7, "no"), (8, "a"), (8, "b")])
        db.executemany("INSERT INTO t VALUES (?,?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", [(9, "x"), (9, "y")])
        rows = [tuple(r) for r in db.execute("SELECT k, v FROM t ORDER BY k")]
    assert rows == [(i, f"'{i}%?") for i in range(8)] + [(8, "a"), (9, "y")]


# ---------------------------------------------------------------------- same behaviour as SQLite

def _counts(target: str) -> dict[str, int]:
    with Store(target) as store:
        return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "events", "quotes", "entities", "places", "times", "spans",
                          "duplicates", "event_clusters", "doc_stories", "profiles", "entity_profiles")}


def test_an_ingest_stores_the_same_documents_and_items(stores):
    pg, lite = stores
    assert _counts(pg) == _counts(lite)
    assert _counts(pg)["documents"] == 10
    listed_pg, listed_lite = both("list", stores=stores)
    assert listed_pg == listed_lite


def test_a_rerun_adds_nothing(stores):
    pg, _ = stores
    before = _counts(pg)
    out = cli("ingest", str(REPORTS), "--db", pg)
    assert "ingested 0, skipped 10 as duplicate" in out
    assert _counts(pg) == before


def test_search_finds_words_phrases_and_prefixes_like_sqlite(stores):
    pg, lite = stores
    with Store(pg) as p, Store(lite) as s:
        for q in ["market", '"North Darfur"', "Sagaing OR Taiz", "shell*", "prisoner swap"]:
            found = {r["id"] for r in p.search(q)}
            assert found, q
            assert found == {r["id"] for r in s.search(q)}, q
        hit = p.search('"North Darfur"')[0]
        assert "[North]" in hit["snippet"] and "[Darfur]" in hit["snippet"]
        for odd in ['"', "'", "(", "*", "-", "a:*", "NEAR(", "\\", "%s", "?", "x%", "\x00", "", "or or", "!&|"]:
            p.search(odd)  # never raises



def test_a_word_in_more_reports_than_are_ranked_finds_the_most_recent(stores, monkeypatch):
    """Ranking reads each match's whole word vector, so PostgreSQL ranks only the RANK_CAP most recently published
    matches of a common word; the page and the web search both say the same."""
    from eventledger.store import postgres
    from eventledger.web import queries

    pg, _ = stores
    with Store(pg) as p:
        matches = p.db.execute("SELECT id, published FROM documents WHERE fts @@ to_tsquery('simple', 'said')"
                               " ORDER BY published DESC NULLS LAST, n DESC").fetchall()
        assert len(matches) > 3
        monkeypatch.setattr(postgres, "RANK_CAP", 3)
        assert {r["id"] for r in p.search("said")} == {m["id"] for m in matches[:3]}
        page = queries.search(p.db, "said", queries.EventFilter(), True, 20, 0)
        assert {r["id"] for r in page["items"]} == {m["id"] for m in matches[:3]}
        assert page["total"] == len(matches)  # the count is of every match

def test_event_filters_give_the_same_rows(stores):
    filters = [[], ["--type", "assault"], ["--actor", "rapid support"], ["--actor", "RSF"], ["--place", "kutum"],
               ["--since", "2022-01-01"], ["--until", "2021-12-31"], ["--since", "2024-05-01", "--until", "2024-05-31"]]
    for f in filters:
        pg, lite = both("events", "--json", *f, stores=stores)
        assert pg == lite, f
    pg, _ = both("events", "--json", "--actor", "rapid support", stores=stores)
    assert pg.strip()


def test_show_export_and_queue_give_the_same_content(stores):
    pg, lite = stores
    doc = json.loads(cli("export", "--db", lite).splitlines()[0])["document"]["id"]
    for args in (["show", doc[:10]], ["show", doc[:10], "--original"], ["export"], ["export", "--format", "csv"],
                 ["export", "--format", "geojson"], ["queue", "--limit", "200"], ["failures"]):
        a, b = both(*args, stores=stores)
        assert a == b, args


def test_link_commands_give_the_same_answers(stores):
    for args in (["duplicates"], ["stories"], ["stories", "--all"], ["event", "1"], ["event", "2"],
                 ["actor", "Rapid Support Forces"], ["actor", "1"]):
        a, b = both(*args, stores=stores)
        assert a == b, args
    a, _ = both("duplicates", stores=stores)
    assert a.strip()


def test_check_passes_and_finds_a_broken_span(stores):
    pg, _ = stores
    assert cli("check", "--db", pg).startswith("ok: 10 documents")
    with Store(pg) as store:
        store.db.execute("UPDATE spans SET text = 'tampered' WHERE ctid = (SELECT min(ctid) FROM spans)")
    res = CliRunner().invoke(main, ["check", "--db", pg])
    assert res.exit_code == 1 and "not 'tampered'" in res.output
    with Store(pg) as store:
        store.db.execute("UPDATE event_counts SET n = n + 1 WHERE ctid = (SELECT min(ctid) FROM event_counts)")
    res = CliRunner().invoke(main, ["check", "--db", pg])
    assert "event_counts: 1 rows differ from a recount" in res.output


def _recounted(store: Store) -> None:
    for table, (kept, recount) in RECOUNTS.items():
        assert sorted(map(tuple, store.db.execute(kept))) == sorted(map(tuple, store.db.execute(recount))), table


def test_the_web_summaries_equal_a_recount_through_ingest_restriction_and_merge(stores):
    pg, _ = stores
    with Store(pg) as store:
        assert store.db.execute("SELECT sum(n) FROM event_counts").fetchone()[0] == \
            store.db.execute("SELECT count(*) FROM events").fetchone()[0] > 50
        assert store.db.execute("SELECT count(*) FROM profile_counts WHERE quotes > 0").fetchone()[0] > 0
        _recounted(store)
        busiest = store.db.execute("SELECT doc_id FROM events GROUP BY doc_id ORDER BY count(*) DESC, doc_id"
                                   " LIMIT 1").fetchone()[0]
        store.db.execute("INSERT INTO restricted_documents VALUES (?)", (busiest,))
        assert store.db.execute("SELECT sum(restricted) FROM event_counts").fetchone()[0] > 0
        _recounted(store)
        a, b = (r[0] for r in store.db.execute("SELECT profile_id FROM profile_counts WHERE as_actor > 0"
                                               " ORDER BY profile_id LIMIT 2"))
        store.db.execute("BEGIN IMMEDIATE")
        links.merge_profiles(store.db, a, b)
        store.db.execute("COMMIT")
        _recounted(store)
        store.db.execute("DELETE FROM restricted_documents")
        store.db.execute("UPDATE documents SET published = '2001-01-01' WHERE id = ?", (busiest,))
        _recounted(store)


def test_backup_and_restore_point_at_pg_dump(stores):
    pg, _ = stores
    for args in (["backup", "/tmp/never-written.db"], ["restore", str(REPORTS / "yemen_prisoner_swap_taiz.txt")]):
        res = CliRunner().invoke(main, [*args, "--db", pg])
        assert res.exit_code != 0 and "pg_dump" in res.output


def test_a_failure_mid_document_leaves_nothing_and_a_rerun_stores_it(empty, monkeypatch):
    path = REPORTS / "yemen_prisoner_swap_taiz.txt"
    raw = RawDocument(data=path.read_bytes(), source=Source(path=str(path)), media_type="text/plain", meta={})

    def broken(self, rec):
        self.db.execute("INSERT INTO entities VALUES (?,?,?,?,?,?,?)", (rec.document.id, "x", "x", "ORG", None,
                                                                            "[]", 1.0))
        raise RuntimeError("power cut")

    with Store(empty) as store:
        monkeypatch.setattr(Store, "_add_items", broken)
        with pytest.raises(RuntimeError):
            ingest(store, [raw])
        assert _counts(empty)["documents"] == 0 and _counts(empty)["entities"] == 0
        assert not store.db.in_transaction
        monkeypatch.undo()
        ingest(store, [raw])
    counts = _counts(empty)
    assert counts["documents"] == 1 and counts["events"] > 0
    assert cli("check", "--db", empty).startswith("ok: 1 documents")
