"""The web app in a real headless Chromium: search, open a report, review an item, see it in the audit
log, and a viewer who cannot see a restricted report. Screenshots of each page go to
``$EVENTLEDGER_SCREENSHOTS`` (default: the test's temporary directory) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no chromium: apt-get install -y chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn")

from eventledger import link  # noqa: E402
from eventledger.record import Quote  # noqa: E402
from eventledger.store import Store  # noqa: E402
from eventledger.web import auth  # noqa: E402
from eventledger.web.app import create_app  # noqa: E402
from test_web import PASSWORD, _record  # noqa: E402

REPORT = ("Government forces shelled the village of Tell Amar on 4 May 2023, killing three farmers. "
          '"The shells fell on the bakery first," said Huda Karim, a nurse who treated the wounded.')
SECRET = "A former guard described beatings at the Qasr base during interrogations in April."
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "web.db"
    with Store(path) as st:
        rec = _record("d" * 64, REPORT, "Village shelled", REPORT[:87], "Government forces", "Tell Amar",
                      start="2023-05-04", confidence=0.4)
        rec.events[0].actor_entity = "E1"  # the linker files the event under the actor's profile
        q = REPORT.index("The shells")
        rec.quotes = [Quote(text="The shells fell on the bakery first,", span=(q, q + 36), speaker="Huda Karim",
                            cue="said", id="Q1", confidence=0.7)]
        st.add(rec, REPORT.encode(), "text/plain")
        st.add(_record("e" * 64, SECRET, "Guard testimony", SECRET[:-1], "A former guard", "Qasr", "COERCE"),
               SECRET.encode(), "text/plain")
        st.db.execute("INSERT INTO restricted_documents VALUES (?)", ("e" * 64,))
        link.backfill(st)
        auth.add_user(st.db, "ana", "analyst", PASSWORD)
        auth.add_user(st.db, "vera", "viewer", PASSWORD)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ.get("EVENTLEDGER_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _login(browser, server: str, name: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/search")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/search")
    return page


def test_an_analyst_searches_reviews_and_finds_the_change_in_the_audit_log(browser, server, shots):
    page = _login(browser, server, "ana")
    page.fill("input[name=q]", "bakery")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=bakery**")
    assert page.locator("table.results tbody tr").count() == 1
    page.screenshot(path=shots / "search.png", full_page=True)

    page.click("text=Village shelled")
    page.wait_for_url("**/documents/**")
    page.click("#text a.seg.k-quote")
    card = page.locator("#card-quote-Q1")
    assert card.is_visible() and "Huda Karim" in card.inner_text()
    page.screenshot(path=shots / "evidence.png", full_page=True)

    page.click("#text a.seg.k-event >> nth=0")
    event = page.locator("#card-event-V1")
    event.locator("summary").click()
    event.locator("input[name=field_actor]").fill("Government army")
    event.locator("input[name=comment]").fill("named in the second paragraph")
    event.locator("button[value=correct]").click()
    page.wait_for_url("**#card-event-V1")
    assert "corrected" in page.locator("#card-event-V1 .status").inner_text()
    page.screenshot(path=shots / "reviewed.png", full_page=True)

    page.goto(server + "/audit")
    row = page.locator("table.audit tbody tr").first
    assert "actor: Government army" in row.inner_text() and "ana" in row.inner_text()
    page.screenshot(path=shots / "audit.png", full_page=True)

    page.goto(server + "/events")
    assert page.locator("table.events tbody tr").count() == 2  # analysts see restricted reports' events
    page.screenshot(path=shots / "events.png", full_page=True)
    page.goto(server + "/review")
    page.screenshot(path=shots / "queue.png", full_page=True)

    page.goto(server + "/events")
    page.click("table.events a[href^='/events/'] >> nth=0")
    page.wait_for_url("**/events/**/V1")
    assert "independent source" in page.inner_text(".summary")
    assert page.locator(".sources mark").count() >= 1  # the event's words marked in its sentence
    page.screenshot(path=shots / "event.png", full_page=True)

    page.goto(server + "/actors")
    page.fill("input[name=q]", "Government")
    page.click("form.filters button[type=submit]")
    page.click("table.results a[href^='/actors/'] >> nth=0")
    page.wait_for_url("**/actors/*")
    assert page.locator("h1").inner_text() == "Government forces"
    assert "The shells fell" in page.content() or "Village shelled" in page.content()
    page.screenshot(path=shots / "actor.png", full_page=True)
    page.goto(server + "/search?q=bakery&kind=quotes")
    assert page.locator("table.results tbody tr").count() == 1
    page.screenshot(path=shots / "search_quotes.png", full_page=True)
    page.close()


def test_a_viewer_cannot_see_a_restricted_report(browser, server, shots):
    page = _login(browser, server, "vera")
    page.fill("input[name=q]", "guard")
    page.click("form.filters button[type=submit]")
    assert "No report matches" in page.locator("table.results").inner_text()
    response = page.goto(server + "/documents/" + "e" * 64)
    assert response.status == 404
    page.screenshot(path=shots / "viewer_restricted.png", full_page=True)
    page.goto(server + "/events")
    assert "Qasr" not in page.content()
    page.close()
