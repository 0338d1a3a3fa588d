"""The counts the web app reads instead of counting a million events (migration 6) stay exact: after an ingest of
the sample reports, after restricting and releasing a report, after merging two actor profiles and after deleting a
report; and the pages built on them (map, events table, actors) agree with the events they count. The date filter,
read as disjoint index ranges, keeps exactly the events the plain overlap test keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventledger import ingest as ing
from eventledger import link
from eventledger.pipeline import ingest
from eventledger.store import Store, links
from eventledger.web import auth, queries
from eventledger.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"

EVENT_COUNTS = """
    SELECT k.type, k.located, k.place, k.country, k.lat, k.lon, count(*) AS n,
           sum(CASE WHEN r.doc_id IS NULL THEN 0 ELSE 1 END) AS restricted
    FROM event_count_keys k LEFT JOIN restricted_documents r ON r.doc_id = k.doc_id
    GROUP BY k.type, k.located, k.place, k.country, k.lat, k.lon ORDER BY 1, 2, 3, 4, 5, 6"""
PROFILE_COUNTS = """
    SELECT p.id,
           (SELECT count(*) FROM entity_profiles ep WHERE ep.profile_id = p.id),
           (SELECT count(*) FROM profile_events pe WHERE pe.profile_id = p.id AND pe.role = 'actor'),
           (SELECT count(*) FROM profile_events pe WHERE pe.profile_id = p.id AND pe.role = 'target'),
           (SELECT count(*) FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id AND q.speaker = ep.name
            WHERE ep.profile_id = p.id),
           (SELECT count(*) FROM entity_profiles ep JOIN restricted_documents r ON r.doc_id = ep.doc_id
            WHERE ep.profile_id = p.id),
           (SELECT count(*) FROM profile_events pe JOIN restricted_documents r ON r.doc_id = pe.doc_id
            WHERE pe.profile_id = p.id AND pe.role = 'actor'),
           (SELECT count(*) FROM profile_events pe JOIN restricted_documents r ON r.doc_id = pe.doc_id
            WHERE pe.profile_id = p.id AND pe.role = 'target'),
           (SELECT count(*) FROM entity_profiles ep JOIN quotes q ON q.doc_id = ep.doc_id AND q.speaker = ep.name
            JOIN restricted_documents r ON r.doc_id = ep.doc_id WHERE ep.profile_id = p.id)
    FROM profiles p ORDER BY p.id"""

TIMELINE = """
    SELECT pe.profile_id, pe.role, coalesce(e.start, d.published), pe.doc_id, pe.event_id FROM profile_events pe
    JOIN events e ON e.doc_id = pe.doc_id AND e.id = pe.event_id JOIN documents d ON d.id = pe.doc_id
    ORDER BY 1, 2, 4, 5"""


@pytest.fixture
def store(tmp_path):
    """The sample reports ingested and linked, as `eventledger ingest` does."""
    st = Store(tmp_path / "ex.db")
    ingest(st, (d for item in ing.discover([str(ROOT / "examples/reports")]) for d in ing.read(item)))
    for doc_id in links.unlinked(st.db):
        assert link.on_ingest(st, st.record(doc_id)).error is None
    for name, role in (("vera", "viewer"), ("ana", "analyst")):
        auth.add_user(st.db, name, role, PASSWORD)
    yield st
    st.close()


def assert_exact(st: Store) -> None:
    """The summary tables hold what counting the rows again gives."""
    kept = [tuple(r) for r in st.db.execute("SELECT * FROM event_counts WHERE n > 0 ORDER BY 1, 2, 3, 4, 5, 6")]
    assert kept == [tuple(r) for r in st.db.execute(EVENT_COUNTS)]
    counted = {r[0]: tuple(r[1:]) for r in st.db.execute(PROFILE_COUNTS)}
    summary = {r[0]: tuple(r[1:]) for r in st.db.execute("SELECT * FROM profile_counts")}
    assert {k: v for k, v in summary.items() if any(v)} == {k: v for k, v in counted.items() if any(v)}
    timeline = "SELECT profile_id, role, day, doc_id, event_id FROM profile_timeline ORDER BY 1, 2, 4, 5"
    assert [tuple(r) for r in st.db.execute(timeline)] == [tuple(r) for r in st.db.execute(TIMELINE)]


def _client(st: Store, name: str) -> TestClient:
    c = TestClient(create_app(st.path))
    assert c.post("/api/login", json={"name": name, "password": PASSWORD}).status_code == 200
    return c


def test_ingesting_the_sample_reports_fills_the_summaries_exactly(store):
    assert store.db.execute("SELECT sum(n) FROM event_counts").fetchone()[0] == \
        store.db.execute("SELECT count(*) FROM events").fetchone()[0] > 50
    assert store.db.execute("SELECT count(*) FROM profile_counts WHERE quotes > 0").fetchone()[0] > 0
    assert_exact(store)


def test_restricting_releasing_merging_and_deleting_keep_the_summaries_exact(store):
    busiest = store.db.execute("SELECT doc_id FROM events GROUP BY doc_id ORDER BY count(*) DESC").fetchone()[0]
    queries.set_restricted(store.db, busiest, True)
    assert store.db.execute("SELECT sum(restricted) FROM event_counts").fetchone()[0] > 0
    assert_exact(store)
    quoted = store.db.execute("SELECT doc_id FROM quotes WHERE doc_id != ? LIMIT 1", (busiest,)).fetchone()[0]
    queries.set_restricted(store.db, quoted, True)
    queries.set_restricted(store.db, busiest, False)
    assert_exact(store)
    a, b = [r[0] for r in store.db.execute("SELECT profile_id FROM profile_counts ORDER BY reports DESC LIMIT 2")]
    links.merge_profiles(store.db, a, b)
    assert_exact(store)
    store.db.execute("DELETE FROM documents WHERE id = ?", (quoted,))
    assert_exact(store)
    store.db.execute("UPDATE documents SET published = '2001-01-01' WHERE id = ?", (busiest,))
    assert_exact(store)


def test_the_map_counts_what_the_events_table_lists(store):
    store.db.execute("INSERT INTO restricted_documents SELECT doc_id FROM events GROUP BY doc_id"
                     " ORDER BY count(*) DESC LIMIT 1")
    for name in ("vera", "ana"):
        c = _client(store, name)
        for type_ in ("", "ASSAULT", "COERCE"):
            shown = c.get("/api/map", params={"type": type_}).json()
            listed = c.get("/api/events", params={"type": type_, "limit": 1}).json()
            assert sum(p["count"] for p in shown["places"]) + shown["unlocated"] == listed["total"] > 0
            for p in shown["places"][:3]:  # one place's circle: the events table at that place
                at = c.get("/api/events", params={"type": type_, "at": p["place"], "limit": 1}).json()
                assert at["total"] >= p["count"]


def test_the_actors_list_counts_what_the_actor_page_lists(store):
    store.db.execute("INSERT INTO restricted_documents SELECT doc_id FROM profile_events GROUP BY doc_id"
                     " ORDER BY count(*) DESC LIMIT 1")
    for name in ("vera", "ana"):
        c = _client(store, name)
        listed = c.get("/api/actors", params={"limit": 500}).json()["items"]
        assert any(a["events"] for a in listed) and any(a["quotes"] for a in listed)
        for a in listed:
            page = c.get(f"/api/actors/{a['id']}", params={"limit": 500}).json()
            assert (a["reports"], a["quotes"]) == (page["reports"]["total"], page["quotes"]["total"])
            assert a["events"] == page["as_actor"]["total"] + page["as_target"]["total"]
            assert len(page["quotes"]["items"]) == a["quotes"]


@pytest.mark.parametrize("since,until", [("2016-09-01", ""), ("", "2016-09-30"), ("2016-01-01", "2016-12-31"),
                                         ("2021", "2021"), ("2016-09-28", "2016-09-28"), ("1990", "2100")])
def test_a_date_range_keeps_the_events_that_overlap_it(store, since, until):
    # an undated event with only an end date, and one whose end comes before its start: rare, but kept exactly
    doc = store.db.execute("SELECT doc_id FROM events LIMIT 1").fetchone()[0]
    store.db.execute("INSERT INTO events (doc_id, id, type, start, end, evidence, modality) VALUES"
                     " (?, 'X1', 'ASSAULT', NULL, '2016-09-30', 'x', 'asserted'),"
                     " (?, 'X2', 'ASSAULT', '2016-10-05', '2016-09-02', 'x', 'asserted')", (doc, doc))
    flt = queries.EventFilter(since=since or None, until=until or None)
    plain, args = flt.sql()
    expected = {tuple(r) for r in store.db.execute(
        f"SELECT e.doc_id, e.id {queries.EVENTS_FROM} WHERE {' AND '.join(plain)}", args)}
    for sort in queries.EVENT_SORTS:
        got = queries.events(store.db, flt, True, sort, sort == "place", 500, 0)
        assert {(e["doc_id"], e["id"]) for e in got["items"]} == expected
        assert got["total"] == len(expected)
    paged = [(e["doc_id"], e["id"]) for off in range(0, len(expected) + 3, 3)
             for e in queries.events(store.db, flt, True, "date", False, 3, off)["items"]]
    assert sorted(paged) == sorted(expected) and len(paged) == len(expected)


def test_searching_by_actor_counts_reports_and_events_a_viewer_may_see(store):
    names = [r[0] for r in store.db.execute("SELECT actor FROM events WHERE actor IS NOT NULL GROUP BY actor"
                                            " ORDER BY count(*) DESC LIMIT 4")]
    busiest = store.db.execute("SELECT doc_id FROM events WHERE actor = ? GROUP BY doc_id ORDER BY count(*) DESC",
                               (names[0],)).fetchone()[0]
    queries.set_restricted(store.db, busiest, True)
    for who, see in (("vera", False), ("ana", True)):
        c = _client(store, who)
        for name in names:
            cond, arg = queries.EventFilter(actor=name).event_sql()
            matching = store.db.execute(
                f"SELECT e.doc_id, count(*) FROM events e WHERE {cond[0]} AND (? OR e.doc_id NOT IN"
                " (SELECT doc_id FROM restricted_documents)) GROUP BY e.doc_id", (*arg, see)).fetchall()
            found = c.get("/api/search", params={"actor": name}).json()
            assert found["total"] == len(matching) > 0
            assert {d["id"]: d["events"] for d in found["items"]} == dict(matching)
            assert sum(t["n"] for t in found["counts"]) == sum(n for _, n in matching)
            assert c.get("/api/events", params={"actor": name}).json()["total"] == sum(n for _, n in matching)


def test_an_actors_events_come_in_the_events_tables_date_order(store):
    store.db.execute("UPDATE documents SET published = NULL WHERE id = (SELECT doc_id FROM events WHERE start IS NULL"
                     " LIMIT 1)")  # an undated event of an undated report: last
    store.db.execute("INSERT INTO restricted_documents SELECT doc_id FROM profile_events LIMIT 1")
    busy = store.db.execute("SELECT profile_id, role FROM profile_events GROUP BY profile_id, role"
                            " ORDER BY count(*) DESC LIMIT 6").fetchall()
    for profile, role in busy:
        for see in (False, True):
            rows = store.db.execute(
                "SELECT coalesce(e.start, d.published), e.doc_id, e.id FROM profile_events pe"
                " JOIN events e ON e.doc_id = pe.doc_id AND e.id = pe.event_id JOIN documents d ON d.id = e.doc_id"
                " WHERE pe.profile_id = ? AND pe.role = ? AND (? OR d.id NOT IN"
                " (SELECT doc_id FROM restricted_documents))", (profile, role, see)).fetchall()
            for descending in (False, True):
                dated = sorted((tuple(r) for r in rows if r[0]), reverse=descending)
                expected = [(d, e) for _, d, e in dated] + sorted((d, e) for day, d, e in rows if not day)
                flt = queries.EventFilter(profile=profile, role=role)
                paged = [(e["doc_id"], e["id"]) for off in range(0, len(expected) + 2, 2)
                         for e in queries.events(store.db, flt, see, "date", descending, 2, off)["items"]]
                assert paged == expected
