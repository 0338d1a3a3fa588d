"""One test per attack on the web app: password guessing, stolen or stale sessions, stored XSS,
CSRF, reading a restricted report through any API route, SQL injection, session fixation and
open redirects. The reports are invented; the attacks are the usual ones."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from eventledger import link
from eventledger.record import Quote
from eventledger.store import Store
from eventledger.web import auth
from eventledger.web.app import COOKIE, LOGIN_COOKIE, create_app
from test_web import PASSWORD, _record, _span

XSS = '<script>steal()</script>"><img src=x onerror=steal()>'
OPEN = "aa" * 32
SECRET = "bb" * 32
OPEN_TEXT = f"Gunmen attacked the clinic in Beit Ruma on Friday. {XSS} Residents fled north."
SECRET_TEXT = "A guard called Zorvath described beatings of prisoners at the Qalvari depot in May."
SECRET_WORDS = ("Zorvath", "Qalvari")  # only the restricted report contains these


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("websec") / "web.db"
    with Store(path) as st:
        rec = _record(OPEN, OPEN_TEXT, f"Clinic attacked {XSS}", OPEN_TEXT[:49], "Gunmen", "Beit Ruma")
        rec.document.outlet = f"Wire {XSS}"
        rec.quotes = [Quote(text=XSS, span=_span(OPEN_TEXT, XSS), speaker=f"Nadia {XSS}", cue="said", id="Q1",
                            confidence=0.5)]
        st.add(rec, OPEN_TEXT.encode(), "text/html")
        sec = _record(SECRET, SECRET_TEXT, "Zorvath testimony", SECRET_TEXT[:-1], "Zorvath", "Qalvari", "COERCE")
        sec.quotes = [Quote(text="beatings of prisoners", span=_span(SECRET_TEXT, "beatings of prisoners"),
                            speaker="Zorvath", cue="described", id="Q1", confidence=0.4)]
        st.add(sec, SECRET_TEXT.encode(), "text/plain")
        st.db.execute("INSERT INTO restricted_documents VALUES (?)", (SECRET,))
        link.backfill(st)  # actor profiles and event clusters, as an ingest makes them
        for name, role in (("vera", "viewer"), ("ana", "analyst"), ("adam", "admin")):
            auth.add_user(st.db, name, role, PASSWORD)
    return path


def _secret_profile(db_path) -> int:
    with Store(db_path) as st:
        return st.db.execute("SELECT profile_id FROM entity_profiles WHERE doc_id = ?", (SECRET,)).fetchone()[0]


def _path(template: str, doc_id: str, profile_id: int) -> str:
    return template.replace("{doc_id}", doc_id).replace("{event_id}", "V1").replace("{profile_id}", str(profile_id))


@pytest.fixture
def app(db_path):
    """A fresh app per test: the login throttle is per app, so tests do not lock each other out."""
    return create_app(db_path)


def _client(app, name: str | None = None) -> TestClient:
    c = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    if name:
        r = c.post("/api/login", json={"name": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def _routes(app, method: str) -> list[APIRoute]:
    return [r for r in app.routes if isinstance(r, APIRoute) and method in r.methods]


# ---------------------------------------------------------------------- password guessing


def test_guessing_a_password_is_refused_after_five_failures(app, monkeypatch):
    c = _client(app)
    for _ in range(5):
        assert c.post("/api/login", json={"name": "vera", "password": "guess guess"}).status_code == 401
    locked = c.post("/api/login", json={"name": "vera", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0

    def no_check(*_):
        raise AssertionError("a locked login must not reach the password check")

    monkeypatch.setattr(auth, "check_password", no_check)
    monkeypatch.setattr(auth, "hash_password", no_check)
    assert c.post("/api/login", json={"name": "VERA ", "password": PASSWORD}).status_code == 429
    form = c.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    page = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token})
    assert page.status_code == 429 and "too many failed logins" in page.text


def test_one_address_guessing_many_names_is_refused(app):
    c = _client(app)
    for i in range(5):
        assert c.post("/api/login", json={"name": f"nobody{i}", "password": "guess guess"}).status_code == 401
    assert c.post("/api/login", json={"name": "ana", "password": PASSWORD}).status_code == 429


def test_the_lock_lifts_after_a_while(app, monkeypatch):
    c = _client(app)
    for _ in range(5):
        c.post("/api/login", json={"name": "vera", "password": "guess guess"})
    later = datetime.now(UTC) + timedelta(minutes=16)
    monkeypatch.setattr(auth, "_now", lambda: later)
    assert c.post("/api/login", json={"name": "vera", "password": PASSWORD}).status_code == 200


def test_a_right_password_resets_the_count_for_that_name(app):
    c = _client(app)
    for _ in range(3):
        c.post("/api/login", json={"name": "adam", "password": "guess guess"})
    assert c.post("/api/login", json={"name": "adam", "password": PASSWORD}).status_code == 200
    throttle = auth.Throttle(limit=5)
    keys = auth.Throttle.keys("adam", None)
    for _ in range(4):
        throttle.failed(keys)
    throttle.succeeded(keys)
    throttle.failed(keys)
    throttle.check(keys)  # 1 failure since the success: not locked


# ---------------------------------------------------------------------- session expiry


def _at(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(auth, "_now", lambda: when)


def test_an_idle_session_expires(app, monkeypatch):
    t0 = datetime.now(UTC)
    _at(monkeypatch, t0)
    c = _client(app, "vera")
    _at(monkeypatch, t0 + auth.SESSION_IDLE - timedelta(minutes=5))
    assert c.get("/api/me").status_code == 200  # in use: the idle clock restarts
    _at(monkeypatch, t0 + 2 * auth.SESSION_IDLE - timedelta(minutes=10))
    assert c.get("/api/me").status_code == 200
    _at(monkeypatch, t0 + 3 * auth.SESSION_IDLE)
    assert c.get("/api/me").status_code == 401
    r = c.get("/events")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, monkeypatch):
    t0 = datetime.now(UTC)
    _at(monkeypatch, t0)
    c = _client(app, "ana")
    step = auth.SESSION_IDLE / 2
    t = t0
    while t + step < t0 + auth.SESSION_MAX:
        t += step
        _at(monkeypatch, t)
        assert c.get("/api/me").status_code == 200
    _at(monkeypatch, t0 + auth.SESSION_MAX + timedelta(seconds=1))
    assert c.get("/api/me").status_code == 401
    assert c.post("/api/review", json={"doc_id": OPEN, "kind": "event", "item_id": "V1",
                                       "action": "accept"}).status_code == 401


# ---------------------------------------------------------------------- stored XSS


def _open_profile(c: TestClient) -> int:
    return c.get("/api/actors", params={"q": "Gunmen"}).json()["items"][0]["id"]


def test_hostile_markup_is_escaped_on_every_page_that_shows_it(app):
    ana = _client(app, "ana")
    r = ana.post("/api/review", json={"doc_id": OPEN, "kind": "event", "item_id": "V1", "action": "correct",
                                      "corrections": {"actor": f"Gunmen {XSS}"}, "comment": f"see {XSS}"})
    assert r.status_code == 200
    pages = [f"/documents/{OPEN}", "/search", "/search?q=clinic", "/events", "/review", "/review?kind=quote",
             "/audit", "/search?q=clinic&kind=quotes", "/search?q=clinic&kind=events", f"/events/{OPEN}/V1",
             f"/actors/{_open_profile(ana)}"]
    assert "<script>steal" not in ana.get("/actors", params={"q": XSS}).text
    for url in pages:
        r = ana.get(url)
        assert r.status_code == 200, url
        assert "<script>steal" not in r.text and "<img src=x" not in r.text, url
        assert "&lt;script&gt;steal()&lt;/script&gt;" in r.text, url
    # the original is served as inert text, never as HTML
    orig = ana.get(f"/documents/{OPEN}/original")
    assert orig.headers["content-type"].startswith("text/plain")
    assert orig.headers["content-security-policy"] == "sandbox"
    for url in ("/audit.csv", "/audit.jsonl"):
        assert "html" not in ana.get(url).headers["content-type"], url
    assert "html" not in ana.get("/api/documents/" + OPEN).headers["content-type"]


# ---------------------------------------------------------------------- CSRF

POST_BODIES = {  # a valid body for every POST route, so only the token decides
    "/logout": {"data": {}},
    "/api/logout": {"json": None},
    "/documents/{doc_id}/restricted": {"data": {"restricted": "false"}},
    "/api/documents/{doc_id}/restricted": {"json": {"restricted": False}},
    "/documents/{doc_id}/review": {"data": {"kind": "event", "item_id": "V1", "action": "accept"}},
    "/api/review": {"json": {"doc_id": OPEN, "kind": "event", "item_id": "V1", "action": "accept"}},
    "/users": {"data": {"name": "mallory", "role": "admin", "password": "mallory's password"}},
}
LOGIN_ROUTES = {"/login", "/api/login"}  # no session yet: tested below


def test_every_post_without_the_right_token_is_refused(app):
    routes = _routes(app, "POST")
    assert {r.path for r in routes} == set(POST_BODIES) | LOGIN_ROUTES, "a new POST route needs a CSRF case here"
    before = _client(app, "adam").get("/api/audit").json()["total"]
    for r in routes:
        if r.path in LOGIN_ROUTES:
            continue
        url = r.path.replace("{doc_id}", OPEN)
        admin = _client(app, "adam")
        real = admin.headers.pop("X-CSRF-Token")
        ana = _client(app, "ana")
        ana.headers["X-CSRF-Token"] = real  # a real token, but another user's session
        for c, token in ((admin, None), (admin, "forged"), (admin, ""), (ana, real)):
            body = dict(POST_BODIES[r.path])
            if token is not None and "data" in body:
                body["data"] = {**body["data"], "csrf": token}
            if c is admin and token is not None:
                c.headers["X-CSRF-Token"] = token
            got = c.post(url, **body)
            assert got.status_code == 403, (url, token, got.status_code)
            assert c.get("/api/me").status_code == 200  # a forged logout did not log out
    admin = _client(app, "adam")
    assert admin.get("/api/audit").json()["total"] == before  # nothing was written
    assert "mallory" not in admin.get("/users").text


def test_login_forms_need_their_own_token_and_json_logins_need_json(app):
    c = _client(app)
    assert c.post("/login", data={"name": "vera", "password": PASSWORD}).status_code == 403
    c.cookies.set(LOGIN_COOKIE, "planted")
    assert c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": "other"}).status_code == 403
    # a cross-site HTML form can send text/plain but not application/json
    r = c.post("/api/login", content=json.dumps({"name": "vera", "password": PASSWORD}),
               headers={"content-type": "text/plain"})
    assert r.status_code == 422 and COOKIE not in r.cookies


# ---------------------------------------------------------------------- object-level access

TARGETED = {"q": SECRET_WORDS, "doc_id": (SECRET, SECRET[:12]), "actor": SECRET_WORDS, "place": SECRET_WORDS,
            "speaker": SECRET_WORDS, "words": ("beatings",), "type": ("COERCE",), "kind": ("quote", "event"),
            "outlet": ("Secret Radio",), "at": SECRET_WORDS, "profile": ()}
HARMLESS = {"limit", "offset", "sort", "dir", "download", "since", "until", "kind", "role", "bbox"}


def test_a_viewer_cannot_reach_a_restricted_report_through_any_api_route(app, db_path):
    vera = _client(app, "vera")
    secret_profile = _secret_profile(db_path)
    routes = [r for r in _routes(app, "GET") if r.path.startswith("/api/")]
    assert len(routes) >= 10
    for r in routes:
        params = {p.name for p in r.dependant.query_params}
        assert params <= set(TARGETED) | HARMLESS, (r.path, params - set(TARGETED) - HARMLESS)
        url = _path(r.path, SECRET, secret_profile)
        tries = [{}] + [{name: v} for name in params & set(TARGETED) for v in TARGETED[name]]
        tries += [{"profile": secret_profile}] if "profile" in params else []
        tries += [{"download": 1}] if "download" in params else []
        for extra in tries:
            got = vera.get(url, params=extra)
            assert got.status_code in (200, 401, 403, 404, 422), (url, extra, got.status_code)
            body = got.text
            assert SECRET not in body and not any(w in body for w in SECRET_WORDS), (url, extra)
            assert "beatings" not in body, (url, extra)
    # and the analyst does see it, so the checks above were looking in the right places
    ana = _client(app, "ana")
    assert ana.get(f"/api/documents/{SECRET}").status_code == 200
    assert SECRET in ana.get("/api/search", params={"q": "Zorvath"}).text
    assert SECRET in ana.get("/api/quotes", params={"speaker": "Zorvath"}).text
    assert "Zorvath" in ana.get(f"/api/actors/{secret_profile}").text
    assert SECRET in ana.get(f"/api/events/{SECRET}/V1").text
    assert "beatings" in ana.get("/api/search", params={"q": "beatings", "kind": "quotes"}).text


def test_a_viewer_cannot_reach_a_restricted_report_through_pages(app, db_path):
    vera = _client(app, "vera")
    secret_profile = _secret_profile(db_path)
    pages = [_path(r.path, SECRET, secret_profile) for r in _routes(app, "GET") if not r.path.startswith("/api/")]
    for url in (f"/documents/{SECRET}", f"/documents/{SECRET}/original", "/search?q=Zorvath",
                "/events?actor=Zorvath", "/events?type=COERCE", "/review", "/audit", "/search?q=beatings&kind=quotes",
                "/search?q=depot&kind=events", "/actors?q=Zorvath", f"/events?profile={secret_profile}", *pages):
        got = vera.get(url)
        assert got.status_code in (200, 303, 403, 404), url
        # the query itself is echoed in forms and links; the report's own words must not appear
        assert SECRET not in got.text and "prisoners" not in got.text and "Zorvath testimony" not in got.text, url


# ---------------------------------------------------------------------- SQL injection

INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "') OR ('1'='1", "1; DROP TABLE documents; --",
              "x' UNION SELECT name, password, role, 1, 1, 1, 1 FROM users --", "%", "_", "*", "NEAR(",
              "\"unbalanced", "a\\' OR 1=1", "\u0000", "🙂' OR 1=1"]


def test_sql_injection_in_every_parameter_gives_no_error_and_no_extra_rows(app):
    vera = _client(app, "vera")
    seen = {r.path: vera.get(r.path).text for r in _routes(app, "GET") if "{" not in r.path}
    for r in _routes(app, "GET"):
        names = [p.name for p in r.dependant.query_params]
        for name in names:
            for payload in INJECTIONS:
                got = vera.get(_path(r.path, OPEN, 1), params={name: payload})
                assert got.status_code < 500, (r.path, name, payload, got.status_code)
                assert "scrypt$" not in got.text and SECRET not in got.text, (r.path, name, payload)
                if r.path.startswith("/api/") and got.status_code == 200 and "total" in got.json():
                    base = vera.get(r.path).json()
                    if "total" in base:
                        assert got.json()["total"] <= base["total"], (r.path, name, payload)
        for payload in INJECTIONS[:5]:
            if "{doc_id}" in r.path:
                assert vera.get(_path(r.path, payload, 1)).status_code in (403, 404), (r.path, payload)
    assert seen  # the tables are all still there
    ana = _client(app, "ana")
    assert ana.get("/api/documents").json()["total"] == 2 and "mallory" not in ana.get("/api/me").text
    for payload in INJECTIONS:
        got = ana.post("/api/review", json={"doc_id": OPEN, "kind": payload, "item_id": payload, "action": "accept",
                                            "comment": payload})
        assert got.status_code in (400, 404), payload
        assert _client(app).post("/api/login", json={"name": payload, "password": payload}).status_code in (401, 429)


# ---------------------------------------------------------------------- session fixation and redirects


def test_login_always_issues_a_new_session_id(app):
    c = _client(app)
    c.cookies.set(COOKIE, "attacker-chosen-id")
    r = c.post("/api/login", json={"name": "vera", "password": PASSWORD})
    issued = r.cookies.get(COOKIE)
    assert issued and issued != "attacker-chosen-id"
    planted = TestClient(app)
    planted.cookies.set(COOKIE, "attacker-chosen-id")
    assert planted.get("/api/me").status_code == 401
    again = _client(app).post("/api/login", json={"name": "vera", "password": PASSWORD}).cookies.get(COOKIE)
    assert again != issued
    form = _client(app)
    form.cookies.set(COOKIE, "attacker-chosen-id")
    token = re.search(r'name="csrf" value="([^"]+)"', form.get("/login").text).group(1)
    set_cookie = form.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token}).cookies.get(COOKIE)
    assert set_cookie not in (None, "attacker-chosen-id", issued)


REDIRECTS = ["//evil.example", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
             "/\t/evil.example", "/\n/evil.example", " //evil.example", "javascript:alert(1)", "/%2F/evil.example",
             "///evil.example", "/.//evil.example"]


@pytest.mark.parametrize("target", REDIRECTS)
def test_login_never_redirects_off_site(app, target):
    c = _client(app)
    form = c.get("/login", params={"next": target})
    assert form.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token, "next": target})
    assert r.status_code == 303
    location = re.sub(r"[\t\n\r]", "", r.headers["location"])  # browsers drop these from URLs
    landed = urlsplit(urljoin("http://testserver/login", location.replace("\\", "/")))
    assert (landed.scheme, landed.netloc) == ("http", "testserver"), (target, r.headers["location"])
