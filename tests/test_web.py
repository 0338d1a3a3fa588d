"""The web app and REST API: search, evidence, events, review with its audit log, roles, restricted reports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from eventledger.record import Document, Entity, Event, Mention, Place, Provenance, Quote, Record, Source
from eventledger.store import Store
from eventledger.web import auth
from eventledger.web.app import create_app
from eventledger.web.evidence import Item, segments

SHELLING = ("Militia fighters shelled the market in Kafr Tala on Monday, killing 12 civilians. "
            '"We ran to the shelter," said Amal Rahim, a teacher.')
TESTIMONY = "A detainee said guards beat him at the Harran base in March. He asked not to be named."
HOSTILE = 'Protesters gathered. <script>alert("x")</script> Police arrested <b>Omar Said</b> in Dara.'
PASSWORD = "correct horse battery"


def _span(text: str, words: str) -> tuple[int, int]:
    s = text.index(words)
    return (s, s + len(words))


def _record(doc_id: str, text: str, title: str, event: str, actor: str, place: str, type_: str = "ASSAULT",
            start: str = "2021-03-08", confidence: float = 0.6) -> Record:
    ev = _span(text, event)
    rec = Record(
        document=Document(text=text, source=Source(path=f"/in/{doc_id[:4]}.txt"), id=doc_id, title=title,
                          outlet="Example Wire", published="2021-03-10"),
        provenance=Provenance(pipeline="test", model="test"),
        entities=[Entity(name=actor, type="ORG", id="E1", confidence=0.9,
                         mentions=[Mention(_span(text, actor), actor)])],
        places=[Place(name=place, id="P1", country="SY", confidence=0.3,
                      mentions=[Mention(_span(text, place), place)])],
        events=[Event(type=type_, evidence=text[ev[0]:ev[1]], span=ev, actor=actor, start=start, end=start,
                      place=place, place_id="P1", id="V1", confidence=confidence)],
    )
    return rec


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.db"
    with Store(path) as st:
        rec = _record("a" * 64, SHELLING, "Market shelled", SHELLING[:81], "Militia", "Kafr Tala")
        rec.quotes = [Quote(text="We ran to the shelter,", span=_span(SHELLING, "We ran to the shelter,"),
                            speaker="Amal Rahim", cue="said", id="Q1", confidence=0.8)]
        st.add(rec, b"<html>original market report</html>", "text/html")
        st.add(_record("b" * 64, TESTIMONY, "Testimony of a detainee", TESTIMONY[:59], "guards", "Harran", "COERCE"),
               b"testimony", "text/plain")
        st.add(_record("c" * 64, HOSTILE, "<script>alert(1)</script> Arrests", HOSTILE[:-1][-37:], "Police",
                       "Dara", "COERCE", "2022-01-02", 0.2), b"hostile", "text/plain")
        st.db.execute("INSERT INTO restricted_documents VALUES (?)", ("b" * 64,))
        for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
            auth.add_user(st.db, name, role, PASSWORD)
    return create_app(path)


def _client(app, name: str | None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if name:
        r = c.post("/api/login", json={"name": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


@pytest.fixture
def viewer(app_client):
    return _client(app_client, "vera")


@pytest.fixture
def analyst(app_client):
    return _client(app_client, "ana")


def test_pages_and_api_need_a_login(app_client):
    c = _client(app_client, None)
    r = c.get("/search?q=market")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fsearch")
    assert c.get("/api/events").status_code == 401
    assert c.post("/api/login", json={"name": "vera", "password": "wrong password"}).status_code == 401


def test_logging_in_through_the_form_needs_its_token(app_client):
    c = _client(app_client, None)
    form = c.get("/login?next=/events")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    forged = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": "guess", "next": "/events"})
    assert forged.status_code == 403
    r = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token, "next": "/events"})
    assert r.status_code == 303 and r.headers["location"] == "/events"
    assert c.get("/events").status_code == 200
    offsite = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token, "next": "//evil.example"})
    assert offsite.headers.get("location") in (None, "/search")


def test_search_finds_reports_by_words_and_event_filters(viewer):
    r = viewer.get("/api/search", params={"q": "market"}).json()
    assert r["total"] == 1 and r["items"][0]["id"] == "a" * 64
    assert "[market]" in r["items"][0]["snippet"]
    assert viewer.get("/api/search", params={"type": "coerce"}).json()["total"] == 1  # the restricted one is hidden
    assert viewer.get("/api/search", params={"q": "market", "type": "COERCE"}).json()["total"] == 0
    dated = viewer.get("/api/search", params={"since": "2022-01-01", "until": "2022-01-02"}).json()
    assert [d["id"] for d in dated["items"]] == ["c" * 64]
    assert dated["counts"] == [{"type": "COERCE", "n": 1}]
    page = viewer.get("/search", params={"q": '"market" AND ('})  # broken FTS syntax still answers
    assert page.status_code == 200
    html = viewer.get("/search", params={"q": "market"}).text
    assert "<mark>market</mark>" in html and "Market shelled" in html


def test_quotes_are_found_by_words_of_the_speakers_name(viewer):
    def speakers(actor: str) -> list[str]:
        items = viewer.get("/api/search", params={"kind": "quotes", "actor": actor}).json()["items"]
        return [q["speaker"] for q in items]

    # as the events' actor filter: whole words, the last one possibly cut short
    assert speakers("Amal Rahim") == speakers("rahim") == speakers("Amal Ra") == ["Amal Rahim"]
    assert speakers("Rahim Amal") == speakers("mal") == []


def test_a_bad_date_is_explained_not_a_crash(viewer):
    r = viewer.get("/events", params={"since": "last week"})
    assert r.status_code == 400 and "since must be a date" in r.text


def test_evidence_view_highlights_items_and_links_the_original(viewer):
    html = viewer.get("/documents/" + "a" * 64).text
    assert 'data-keys="card-entity-E1 card-event-V1 "' in html  # "Militia": the entity inside the event
    assert 'id="card-quote-Q1"' in html and "Amal Rahim" in html
    orig = viewer.get(f"/documents/{'a' * 64}/original")
    assert orig.headers["content-type"].startswith("text/plain")  # an HTML original is never rendered
    assert orig.content == b"<html>original market report</html>"
    download = viewer.get(f"/documents/{'a' * 64}/original?download=1")
    assert download.headers["content-type"] == "application/octet-stream"
    assert "attachment" in download.headers["content-disposition"]
    plain = viewer.get(f"/api/documents/{'c' * 64}/original")
    assert plain.headers["content-type"].startswith("text/plain") and plain.content == b"hostile"


def test_report_text_with_markup_is_shown_as_text(viewer):
    for url in ("/documents/" + "c" * 64, "/search?q=protesters", "/events"):
        html = viewer.get(url).text
        assert "<script>alert" not in html and "<b>Omar" not in html, url
        assert "&lt;script&gt;alert" in html, url
    assert "script-src 'self'" in viewer.get("/events").headers["content-security-policy"]


def test_events_table_sorts_filters_and_links_to_evidence(viewer):
    r = viewer.get("/api/events", params={"sort": "date", "dir": "desc"}).json()
    assert [e["doc_id"][0] for e in r["items"]] == ["c", "a"] and r["total"] == 2
    assert viewer.get("/api/events", params={"actor": "milit"}).json()["total"] == 1
    assert viewer.get("/api/events", params={"sort": "nonsense"}).status_code == 422
    html = viewer.get("/events?sort=confidence").text
    assert f'href="/documents/{"a" * 64}#card-event-V1"' in html


def test_pagination_has_a_maximum(viewer):
    r = viewer.get("/api/events", params={"limit": 1, "offset": 1}).json()
    assert len(r["items"]) == 1 and r["total"] == 2 and r["offset"] == 1
    assert viewer.get("/api/documents", params={"limit": 100_000}).status_code == 422
    assert viewer.get("/api/documents", params={"limit": 1}).json()["total"] == 2


def test_a_viewer_never_sees_a_restricted_report(viewer, analyst):
    b = "b" * 64
    assert viewer.get(f"/api/documents/{b}").status_code == 404
    assert viewer.get(f"/documents/{b}").status_code == 404
    assert viewer.get(f"/documents/{b}/original").status_code == 404
    assert viewer.get("/api/search", params={"q": "detainee"}).json()["total"] == 0
    assert viewer.get("/api/events", params={"type": "COERCE"}).json()["total"] == 1
    assert b not in viewer.get("/search").text
    assert b not in json.dumps(viewer.get("/api/documents").json())
    assert analyst.get(f"/api/documents/{b}").status_code == 200
    assert "Restricted: hidden from viewers" in analyst.get(f"/documents/{b}").text


def test_viewers_cannot_review(viewer):
    r = viewer.post("/api/review", json={"doc_id": "a" * 64, "kind": "event", "item_id": "V1", "action": "accept"})
    assert r.status_code == 403
    assert viewer.get("/review").status_code == 403


def test_review_keeps_the_machine_version_and_logs_every_change(app_client, analyst):
    a = "a" * 64
    r = analyst.post("/api/review", json={"doc_id": a, "kind": "event", "item_id": "V1", "action": "correct",
                                          "corrections": {"actor": "Militia of the north"}, "comment": "see para 2"})
    assert r.status_code == 200 and r.json()["status"] == "corrected"
    doc = analyst.get(f"/api/documents/{a}").json()
    assert doc["record"]["events"][0]["actor"] == "Militia"  # the machine's version is untouched
    assert doc["reviews"][0]["values"]["actor"] == "Militia of the north"
    analyst.post("/api/review", json={"doc_id": a, "kind": "place", "item_id": "P1", "action": "reject"})
    log = analyst.get("/api/audit").json()
    latest, first = log["items"][0], log["items"][-1]
    assert (latest["action"], latest["item_kind"], latest["user"]) == ("reject", "place", "ana")
    assert first["before"]["values"]["actor"] == "Militia"
    assert first["after"]["values"]["actor"] == "Militia of the north"
    assert first["comment"] == "see para 2"
    rows = list(csv.DictReader(io.StringIO(analyst.get("/audit.csv").text)))
    assert {r["action"] for r in rows} >= {"correct", "reject"}
    lines = [json.loads(x) for x in analyst.get("/audit.jsonl").text.splitlines()]
    assert lines[0]["id"] < lines[-1]["id"]
    page = analyst.get("/audit").text
    assert "actor: Militia of the north" in page and "see para 2" in page
    queue = analyst.get("/api/review/queue").json()["items"]
    assert (a, "place", "P1") not in {(q["doc_id"], q["kind"], q["id"]) for q in queue}  # reviewed: gone
    assert queue == sorted(queue, key=lambda q: q["confidence"])


def test_review_form_posts_need_the_session_token(analyst):
    c = "c" * 64
    data = {"kind": "event", "item_id": "V1", "action": "accept"}
    assert analyst.post(f"/documents/{c}/review", data={**data, "csrf": "forged"}).status_code == 403
    token = analyst.headers["X-CSRF-Token"]
    r = analyst.post(f"/documents/{c}/review", data={**data, "csrf": token})
    assert r.status_code == 303 and r.headers["location"].endswith("#card-event-V1")
    assert "s-accepted" in analyst.get(f"/documents/{c}").text
    bad = analyst.post(f"/documents/{c}/review", data={**data, "action": "correct", "field_bogus": "x",
                                                       "csrf": token})
    assert bad.status_code == 400


def test_only_admins_restrict_and_it_is_logged(app_client, analyst):
    c = "c" * 64
    assert analyst.post(f"/api/documents/{c}/restricted", json={"restricted": True}).status_code == 403
    admin = _client(app_client, "adam")
    assert admin.post(f"/api/documents/{c}/restricted", json={"restricted": True}).status_code == 200
    assert _client(app_client, "vera").get(f"/api/documents/{c}").status_code == 404
    admin.post(f"/api/documents/{c}/restricted", json={"restricted": False})
    actions = [h["action"] for h in admin.get("/api/audit", params={"doc_id": c}).json()["items"]]
    assert actions[:2] == ["unrestrict", "restrict"]


def test_openapi_lists_the_api_only(viewer):
    spec = viewer.get("/api/openapi.json").json()
    assert "/api/events" in spec["paths"] and "/search" not in spec["paths"]


def test_logout_ends_the_session(app_client):
    c = _client(app_client, "vera")
    assert c.post("/api/logout").status_code == 200
    assert c.get("/api/me").status_code == 401


def test_segments_cover_the_text_exactly_once():
    text = "ab cd ef"
    its = [Item("entity", "E1", "cd", 0.5, [(3, 5)], {}, {}), Item("event", "V1", "x", 0.5, [(0, 8)], {}, {})]
    segs = segments(text, its)
    assert "".join(s.text for s in segs) == text
    assert [s.keys for s in segs] == [["event-V1"], ["entity-E1", "event-V1"], ["event-V1"]]


def test_passwords_are_hashed_and_checked():
    stored = auth.hash_password(PASSWORD)
    assert PASSWORD not in stored and auth.check_password(PASSWORD, stored)
    assert not auth.check_password("wrong one!", stored)
    with pytest.raises(auth.AuthError):
        auth.add_user(None, "x", "superuser", PASSWORD)  # type: ignore[arg-type]
