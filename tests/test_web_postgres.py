"""The web app on a PostgreSQL store answers as it does on SQLite: search (words, filters, quotes, events), the
evidence view, the events table (every sort and filter), event and actor pages, map, timeline, review with its
audit log, and a restricted report hidden from viewers.

Runs on the server in ``$EVENTLEDGER_TEST_PG`` like test_postgres.py (in CI a missing server fails the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eventledger.cli import main
from eventledger.store import Store
from eventledger.web import auth
from eventledger.web.app import create_app

REPORTS = Path(__file__).resolve().parent.parent / "examples" / "reports"
PASSWORD = "correct horse battery"


def _prepare(target: str) -> str:
    """The sample reports ingested, three users, and the report with the most events restricted; its id."""
    res = CliRunner().invoke(main, ["ingest", str(REPORTS), "--db", target], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with Store(target) as st:
        for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
            auth.add_user(st.db, name, role, PASSWORD)
        hidden = st.db.execute("SELECT doc_id FROM events GROUP BY doc_id ORDER BY count(*) DESC, doc_id"
                               " LIMIT 1").fetchone()[0]
        st.db.execute("INSERT INTO restricted_documents VALUES (?)", (hidden,))
    return hidden


@pytest.fixture(scope="module")
def apps(pg, tmp_path_factory):
    """(PostgreSQL app, SQLite app, id of the restricted report) over the same ingest of the sample reports."""
    name = pg.create()
    try:
        url = pg.url(name)
        hidden = _prepare(url)
        lite = str(tmp_path_factory.mktemp("web") / "web.db")
        assert _prepare(lite) == hidden
        yield create_app(url), create_app(lite), hidden
    finally:
        pg.drop(name)


def _client(app, name: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    r = c.post("/api/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def _both(apps, name: str) -> tuple[TestClient, TestClient]:
    return _client(apps[0], name), _client(apps[1], name)


def _ids(res: dict) -> list[tuple[str, str]]:
    return [(i.get("doc_id", i.get("id")), i.get("id")) for i in res["items"]]


# order defined by the query (not by a word-match score): the whole answer must be the same
ORDERED = [
    "/api/search", "/api/search?type=assault", "/api/search?actor=rapid%20supp", "/api/search?place=kutum",
    "/api/search?since=2022-01-01&until=2023-12-31", "/api/search?kind=quotes", "/api/search?kind=quotes&actor=said",
    "/api/search?kind=events", "/api/documents", "/api/events?type=ATTACK&since=2021-01-01",
    "/api/events?actor=rsf", "/api/events?place=darfur", "/api/events?since=2024-05-01&until=2024-05-31",
    "/api/events?until=2021-12-31", "/api/actors", "/api/actors?q=forces", "/api/map", "/api/timeline",
    "/api/quotes", "/api/review/queue",
    *(f"/api/events?sort={s}&dir={d}" for s in ("date", "type", "actor", "target", "place", "fatalities",
                                                "confidence") for d in ("asc", "desc")),
]
# best match first: the scores differ between FTS5 (bm25) and PostgreSQL (ts_rank), the matches may not
WORDS = ["market", '"North Darfur"', "shell*", "Sagaing OR Taiz", "prisoner swap"]


@pytest.mark.parametrize("role", ["vera", "ana"])
def test_pages_answer_as_on_sqlite(apps, role):
    pg, lite = _both(apps, role)
    for url in ORDERED:
        a, b = pg.get(url), lite.get(url)
        assert a.status_code == b.status_code == (403 if role == "vera" and "review" in url else 200), (url, a.text)
        assert a.json() == b.json(), url
    for q in WORDS:
        for kind in ("documents", "quotes", "events"):
            a = pg.get("/api/search", params={"q": q, "kind": kind}).json()
            b = lite.get("/api/search", params={"q": q, "kind": kind}).json()
            assert a["total"] == b["total"] and sorted(_ids(a)) == sorted(_ids(b)), (q, kind)
    hit = pg.get("/api/search", params={"q": '"North Darfur"'}).json()["items"][0]
    assert "[North]" in hit["snippet"] or "[North Darfur]" in hit["snippet"]
    for odd in ['"', "(", "*", "a:*", "NEAR(", "\\", "%s", "?", "\x00", "or or", "!&|"]:
        assert pg.get("/api/search", params={"q": odd}).status_code == 200, odd


def test_html_pages_render_on_postgresql(apps):
    pg, lite = _both(apps, "ana")
    event = pg.get("/api/events", params={"limit": 1}).json()["items"][0]
    actor = pg.get("/api/actors").json()["items"][0]["id"]
    pages = ["/search", "/search?q=market", "/search?kind=quotes&q=said", "/search?kind=events&q=killed", "/events",
             "/events?sort=place&dir=desc", f"/documents/{event['doc_id']}", f"/events/{event['doc_id']}/{event['id']}",
             "/actors", f"/actors/{actor}", "/map", "/timeline", "/review", "/audit"]
    for url in pages:
        assert pg.get(url).status_code == 200, url
    for url in (f"/api/documents/{event['doc_id']}", f"/api/events/{event['doc_id']}/{event['id']}",
                f"/api/actors/{actor}"):
        a, b = pg.get(url).json(), lite.get(url).json()
        if "document" in a:  # when each store took the report in
            assert a["document"].pop("ingested_at") and b["document"].pop("ingested_at")
        assert a == b, url


def test_a_review_reaches_the_audit_log_and_the_events_table(apps):
    pg = _client(apps[0], "ana")
    event = pg.get("/api/events", params={"sort": "confidence", "limit": 1}).json()["items"][0]
    r = pg.post("/api/review", json={"doc_id": event["doc_id"], "kind": "event", "item_id": event["id"],
                                     "action": "reject", "comment": "not an attack"})
    assert r.status_code == 200, r.text
    log = pg.get("/api/audit").json()["items"]
    assert log[0]["user"] == "ana" and log[0]["action"] == "reject" and log[0]["comment"] == "not an attack"
    again = pg.get("/api/events", params={"sort": "confidence", "limit": 1}).json()["items"][0]
    assert again["review"] == "rejected"
    assert "ana" in pg.get("/audit.csv").text


def test_a_restricted_report_is_hidden_from_a_viewer_only(apps):
    _, _, hidden = apps
    viewer, analyst = _client(apps[0], "vera"), _client(apps[0], "ana")
    assert viewer.get(f"/api/documents/{hidden}").status_code == 404
    assert analyst.get(f"/api/documents/{hidden}").status_code == 200
    for url in ("/api/documents?limit=100", "/api/events?limit=500", "/api/search?kind=quotes&limit=500"):
        assert hidden not in viewer.get(url).text, url
        assert hidden in analyst.get(url).text, url
    assert viewer.get("/api/events").json()["total"] < analyst.get("/api/events").json()["total"]
    admin = _client(apps[0], "adam")
    assert admin.post(f"/api/documents/{hidden}/restricted", json={"restricted": False}).status_code == 200
    assert viewer.get(f"/api/documents/{hidden}").status_code == 200
    assert admin.post(f"/api/documents/{hidden}/restricted", json={"restricted": True}).status_code == 200
    assert viewer.get(f"/api/documents/{hidden}").status_code == 404
