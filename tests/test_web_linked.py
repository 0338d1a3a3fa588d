"""The web app across reports, on the project's sample reports: an event with every source that tells it, the
sources' disagreements, actor pages, search over quotes and events, and restricted reports kept out of all of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventledger import ingest as ing
from eventledger import link
from eventledger.pipeline import ingest
from eventledger.store import Store, links
from eventledger.web import auth
from eventledger.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def app_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("linked") / "ex.db"
    with Store(path) as store:
        ingest(store, (d for item in ing.discover([str(ROOT / "examples/reports")]) for d in ing.read(item)))
        link.backfill(store)
        for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
            auth.add_user(store.db, name, role, PASSWORD)
    return path


@pytest.fixture(scope="module")
def app(app_path):
    return create_app(app_path)


def _client(app, name: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    r = c.post("/api/login", json={"name": name, "password": PASSWORD})
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def _market(path: Path) -> tuple[str, str]:
    with Store(path) as st:
        return st.db.execute(
            "SELECT e.doc_id, e.id FROM events e JOIN documents d ON d.id = e.doc_id WHERE d.title LIKE"
            " 'Dozens dead as shells hit%' AND instr(e.evidence, 'Dozens of civilians were killed') > 0").fetchone()


def test_an_event_page_shows_every_source_and_where_they_disagree(app, app_path):
    doc, ev = _market(app_path)
    c = _client(app, "vera")
    detail = c.get(f"/api/events/{doc}/{ev}").json()
    assert detail["reports"] == 3 and detail["independent"] == 2  # the wire copy is no third witness
    killed = next(d for d in detail["disagreements"] if d["what"] == "killed")
    words = " | ".join(v["value"].lower() for v in killed["values"])
    assert "40" in words and "dozens" in words
    assert all(any(hit for _, hit in s["context"]) for s in detail["sources"])  # the event's words are marked
    html = c.get(f"/events/{doc}/{ev}").text
    assert "2</span> independent sources" in html and "<mark>" in html and "killed</strong>" in html
    assert c.get(f"/events/{doc}/V999").status_code == 404


def test_the_events_table_counts_sources_and_links_each_event_and_actor(app, app_path):
    doc, ev = _market(app_path)
    c = _client(app, "vera")
    rows = c.get("/api/events", params={"limit": 500}).json()["items"]
    at = next(i for i, r in enumerate(rows) if (r["doc_id"], r["id"]) == (doc, ev))
    assert rows[at]["sources"] == 2
    html = c.get("/events", params={"offset": at // 50 * 50}).text
    assert f'href="/events/{doc}/{ev}"' in html
    assert 'href="/actors/' in html


def test_an_actor_page_gathers_names_events_quotes_and_reports(app):
    c = _client(app, "vera")
    listed = c.get("/api/actors", params={"limit": 500}).json()
    assert listed["total"] == len(listed["items"]) > 3
    busiest = max(listed["items"], key=lambda a: a["events"])
    actor = c.get(f"/api/actors/{busiest['id']}").json()
    assert actor["as_actor"]["total"] + actor["as_target"]["total"] == busiest["events"]
    assert actor["reports"]["total"] == busiest["reports"] and actor["names"]
    html = c.get(f"/actors/{busiest['id']}").text
    assert busiest["name"] in html and ("<svg class=\"graph\"" in html or "No other actor" in html)
    found = c.get("/api/actors", params={"q": busiest["name"].split()[-1]}).json()["items"]
    assert busiest["id"] in [a["id"] for a in found]
    assert c.get("/actors/999999").status_code == 404


def test_search_finds_quotes_and_events_and_filters_by_outlet(app):
    c = _client(app, "vera")
    events = c.get("/api/search", params={"q": "killed", "kind": "events"}).json()
    assert events["total"] > 0 and all("killed" in e["evidence"].lower() for e in events["items"])
    outlets = {e["outlet"] for e in events["items"] if e["outlet"]}
    one = sorted(outlets)[0]
    only = c.get("/api/search", params={"q": "killed", "kind": "events", "outlet": one}).json()
    assert 0 < only["total"] < events["total"] and {e["outlet"] for e in only["items"]} == {one}
    quotes = c.get("/api/search", params={"kind": "quotes"}).json()
    assert quotes["total"] > 0
    word = quotes["items"][0]["text"].split()[1].strip(",.\"'")
    assert any(word in q["text"] for q in c.get("/api/search", params={"q": word, "kind": "quotes"}).json()["items"])
    html = c.get("/search", params={"q": "killed", "kind": "events"}).text
    assert "Reports <span" in html and "Quotes <span" in html and "Events <span" in html


def test_a_restricted_report_drops_out_of_the_event_and_actor_pages_for_viewers(app, app_path):
    doc, ev = _market(app_path)
    adam = _client(app, "adam")
    try:
        assert adam.post(f"/api/documents/{doc}/restricted", json={"restricted": True}).status_code == 200
        vera = _client(app, "vera")
        assert vera.get(f"/api/events/{doc}/{ev}").status_code == 404
        with Store(app_path) as st:
            other = next(m for m in links.cluster_members(st.db, links.cluster_of(st.db, doc, ev))
                         if m["doc_id"] != doc)
            pids = [r[0] for r in st.db.execute("SELECT DISTINCT profile_id FROM entity_profiles WHERE doc_id = ?",
                                                (doc,))]
        seen = vera.get(f"/api/events/{other['doc_id']}/{other['id']}").json()
        assert seen["reports"] == 2 and doc not in str(seen)
        for pid in pids:
            got = vera.get(f"/api/actors/{pid}")
            assert got.status_code == 404 or doc not in got.text
        assert doc in _client(app, "ana").get(f"/api/events/{other['doc_id']}/{other['id']}").text
    finally:
        adam.post(f"/api/documents/{doc}/restricted", json={"restricted": False})
